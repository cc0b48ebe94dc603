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

    /// The lines above the table: the series, the thresholds and how many rows are shown.
    public func summary(showing shown: Int) -> [String] {
        var w = "Series: \(snapshots.count) snapshots, \(snapshots.first?.source ?? "") to \(snapshots.last?.source ?? "")"
        if perMinute, let t0 = snapshots.first?.timeNanos, let t1 = snapshots.last?.timeNanos {
            w += " over " + Measurement.label(t1 - t0, unit: "nanoseconds")
        } else {
            w += "; the profiles carry no distinct times, so slopes are per snapshot"
        }
        var floor = "Noise floor: \(label(noiseFloor)) (\(formatGoFloat(Self.noiseFraction * 100))% of the largest snapshot total)"
        if samplePeriod > 0 {
            floor += "; to grow or shrink a node must move more than \(label(sampleFloor))"
            floor += " (\(Self.noiseSamples) samples at the \(label(samplePeriod)) sampling period)"
        }
        let growing = rows.filter { $0.verdict == .grows }.count
        let showing = "Showing \(shown) of \(rows.count) nodes; \(growing) grow\(growing == 1 ? "s" : ""), steady growers first"
        return [w, floor, showing]
    }

    /// The table's column names, the node's name last.
    public var columnNames: [String] {
        ["first", "last", "change", perMinute ? "slope/min" : "slope/snap", "steady", "verdict", "trend", "name"]
    }

    /// A row's cells before its name, as the text report prints them.
    public func cells(_ r: Row) -> [String] {
        [
            label(r.first), label(r.last), label(r.change, signed: true), label(Int64(r.slope.rounded()), signed: true),
            String(format: "%.0f%%", r.steadiness * 100), r.verdict.rawValue, Self.sparkline(r.values),
        ]
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
        for line in summary(showing: rows.count) { w += line + "\n" }
        w += "     first       last     change " + GoFormat.pad(columnNames[3], 11) + "  steady verdict  trend  name\n"
        for r in rows {
            let c = cells(r)
            w += GoFormat.pad(c[0], 10) + " " + GoFormat.pad(c[1], 10) + " " + GoFormat.pad(c[2], 10) + " "
            w += GoFormat.pad(c[3], 11) + " " + GoFormat.pad(c[4], 7) + " " + GoFormat.padRight(c[5], 8) + " "
            w += c[6] + "  " + r.name + "\n"
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
