import Foundation
import ProfileFormat

extension GrowthReport {
    /// The rows shown: all, or the first `count` when it is positive.
    public func shown(_ count: Int) -> [Row] {
        count > 0 && rows.count > count ? Array(rows.prefix(count)) : rows
    }

    func label(_ v: Int64, signed: Bool = false) -> String {
        let s = Measurement.label(v, unit: options.sampleUnit)
        return signed && v > 0 ? "+" + s : s
    }

    /// The text report: the series, the thresholds, then one row per node with a sparkline.
    public func render(rowCount: Int) -> String {
        let rows = shown(rowCount)
        var w = ""
        if !options.sampleType.isEmpty { w += "Type: \(options.sampleType)\n" }
        if !options.activeFilters.isEmpty {
            w += "Active filters:\n"
            for f in options.activeFilters { w += "   \(f)\n" }
        }
        w += "Series: \(snapshots.count) snapshots, \(snapshots.first?.source ?? "") to \(snapshots.last?.source ?? "")"
        if perMinute, let t0 = snapshots.first?.timeNanos, let t1 = snapshots.last?.timeNanos {
            w += " over " + Measurement.label(t1 - t0, unit: "nanoseconds") + "\n"
        } else {
            w += "; the profiles carry no distinct times, so slopes are per snapshot\n"
        }
        w += "Noise floor: \(label(noiseFloor)) (\(formatGoFloat(Self.noiseFraction * 100))% of the largest snapshot total)"
        if samplePeriod > 0 {
            w += "; to grow or shrink a node must move more than \(label(sampleFloor))"
            w += " (\(Self.noiseSamples) samples at the \(label(samplePeriod)) sampling period)"
        }
        w += "\n"
        let growing = self.rows.filter { $0.verdict == .grows }.count
        w += "Showing \(rows.count) of \(self.rows.count) nodes; \(growing) grow\(growing == 1 ? "s" : ""), steady growers first\n"
        let per = perMinute ? "slope/min" : "slope/snap"
        w += "     first       last     change " + GoFormat.pad(per, 11) + "  steady verdict  trend  name\n"
        for r in rows {
            w += GoFormat.pad(label(r.first), 10) + " " + GoFormat.pad(label(r.last), 10) + " "
            w += GoFormat.pad(label(r.change, signed: true), 10) + " "
            w += GoFormat.pad(label(Int64(r.slope.rounded()), signed: true), 11) + " "
            w += GoFormat.pad(String(format: "%.0f%%", r.steadiness * 100), 7) + " "
            w += GoFormat.padRight(r.verdict.rawValue, 8) + " "
            w += Self.sparkline(r.values) + "  " + r.name + "\n"
        }
        return w
    }

    struct JSONRow: Encodable {
        let name: String
        let values: [Int64]
        let first: Int64
        let last: Int64
        let change: Int64
        let slope: Double
        let steadiness: Double
        let verdict: Verdict
    }

    struct JSONBody: Encodable {
        let slopePer: String
        let noiseFloor: Int64
        let snapshots: [Snapshot]
        let rows: [JSONRow]
    }

    /// The report as JSON (docs/json.md): values in base units, rows in the text's order.
    public func json(rowCount: Int) throws(ReportError) -> [UInt8] {
        let (header, v) = JSONReport.header(
            "growth", options: options, total: snapshots.last?.total ?? 0)
        let factor = JSONReport.baseUnit(options.sampleUnit).factor * (options.ratio > 0 ? options.ratio : 1)
        let rows = shown(rowCount).map { r in
            JSONRow(
                name: r.name, values: r.values.map(v), first: v(r.first), last: v(r.last), change: v(r.change),
                slope: r.slope * factor, steadiness: r.steadiness, verdict: r.verdict)
        }
        let snaps = snapshots.map { Snapshot(source: $0.source, timeNanos: $0.timeNanos, total: v($0.total)) }
        return try JSONReport.encode(
            header,
            JSONBody(slopePer: perMinute ? "minute" : "snapshot", noiseFloor: v(noiseFloor), snapshots: snaps, rows: rows))
    }
}
