import Foundation
import ProfileFormat

/// The rows of `top`/`text` as the index hands them out, in the order printed, with the
/// report (options, output unit, total) and header lines they were made with: the text writer
/// (`text()`) and the JSON writer (JSONReport) format the same rows.
struct TopTable {
    struct Row {
        let name: String
        let flat: Int64
        let cum: Int64
        /// "(inline)" or "(partial-inline)" when the text adds it.
        let inline: String?
    }

    let report: Report
    let labels: [String]
    let rows: [Row]

    /// The text report, as pprof prints it.
    func text() -> [UInt8] {
        let format = report.formatValue
        let total = report.total
        var w = labels.joined(separator: "\n") + "\n"
        w += "      flat  flat%   sum%        cum   cum%\n"
        var sum: Int64 = 0
        for r in rows {
            sum &+= r.flat
            w += GoFormat.pad(format(r.flat), 10)
            w += " " + Measurement.percentage(r.flat, total)
            w += " " + Measurement.percentage(sum, total)
            w += " " + GoFormat.pad(format(r.cum), 10)
            w += " " + Measurement.percentage(r.cum, total)
            w += "  " + r.name
            if let label = r.inline { w += " " + label }
            w += "\n"
        }
        return Array(w.utf8)
    }
}

/// Every node of a profile at the options' granularity with its flat and cumulative value,
/// untrimmed, over the samples the options keep: what `-check` judges and `-growth` compares.
public struct NodeRows {
    public let names: [String]
    public let flat: [Int64]
    public let cum: [Int64]
    /// The report total (what percentages are taken of).
    public let total: Int64
    /// The sample type's name (`mean_` prefixed with -mean) and unit.
    public let sampleType: String
    public let sampleUnit: String
    /// The report options of the rows: sample type and unit, ratio, active filters.
    public let options: ReportOptions
    /// About what one sample weighs in the rows' unit: the profile's sampling period when it is
    /// counted in the unit of the sample type (bytes of a heap profile's `space` values,
    /// nanoseconds of a CPU profile), else 0 (unknown: counts of a heap profile's objects,
    /// mean values with -mean).
    public let samplePeriod: Int64

    /// The sampling period of `profile` as the weight of one sample of `sampleUnit` (see
    /// `samplePeriod`).
    static func samplePeriod(_ profile: Profile, sampleUnit: String, mean: Bool) -> Int64 {
        guard !mean, profile.period > 0, !sampleUnit.isEmpty, profile.periodType.unit == sampleUnit else { return 0 }
        return profile.period
    }
}

extension ProfileIndex {
    /// The nodes a report with options `cfg` would make, untrimmed (no node count or fraction),
    /// in the node space's order, with their values (mean values with -mean). Warnings
    /// (filters that matched nothing) go to `warn`.
    public func nodeRows(_ cfg: ReportConfig, warn: (String) -> Void) throws(ReportError) -> NodeRows {
        var all = cfg
        all.trim = false
        all.nodeCount = 0
        all.nodeFraction = 0
        all.edgeFraction = 0
        let view = try self.view(all, warn: warn)
        for w in unitWarnings { warn(w) }
        let options = try ReportPipeline.reportOptions(profile, numLabelUnits, all)
        let (keep, warnings) = try view.index.keep(focus: view.masks.focus, ignore: view.masks.ignore)
        for w in warnings { warn(w) }
        let space = view.index.nodeSpace(NodeSpace.Key(view.masks))
        let s = space.sums(index: options.sampleIndex, meanIndex: options.meanDivisorIndex, keep: keep)
        var names: [String] = [], flat: [Int64] = [], cum: [Int64] = []
        for n in 0..<space.nodeCount where GraphSums.selected(s.flat[n], s.cum[n], options.dropNegative) {
            names.append(space.name(n))
            flat.append(s.flatValue(n))
            cum.append(s.cumValue(n))
        }
        return NodeRows(
            names: names, flat: flat, cum: cum, total: view.total(options.sampleIndex, options.meanDivisorIndex),
            sampleType: options.sampleType, sampleUnit: options.sampleUnit, options: options,
            samplePeriod: NodeRows.samplePeriod(
                profile, sampleUnit: options.sampleUnit, mean: options.meanDivisorIndex != nil))
    }
}
