import Foundation
import ProfileFormat

/// Reports for scripts: the rows of `top`, `traces`, `tags`, `peek`/`tree`, `diff` and `growth`
/// as JSON, in the same order as the text reports, with values as numbers in base units (bytes,
/// nanoseconds, counts) and the profile's header fields. docs/json.md describes them and
/// docs/pprof-report.schema.json is their JSON Schema.
public enum JSONReport {
    /// The version of the layout; it changes only when a field changes meaning or goes away.
    public static let schema = "pprof-report/1"

    /// The commands that have a JSON form on the command line and in the shell.
    public static let commands: Set<String> = ["top", "text", "traces", "tags", "peek", "tree"]

    /// The base unit of a sample unit and the factor from it: bytes for memory, nanoseconds for
    /// time; units of other kinds (counts, GCU) stay as they are.
    public static func baseUnit(_ unit: String) -> (name: String, factor: Double) {
        // Measurement names the units it knows; a unit it does not know stays as it is.
        guard !Measurement.scale(1, from: unit, to: "minimum").1.isEmpty else {
            return (unit.isEmpty ? "count" : unit, 1)
        }
        for (base, short) in [("bytes", "B"), ("nanoseconds", "ns")] {
            let (f, u) = Measurement.scale(1, from: unit, to: short)
            if u == short { return (base, f) }
        }
        return (unit, 1)
    }

    /// `v` times `factor` (to the base unit), rounded; values beyond Int64 are clamped.
    static func toBase(_ v: Int64, _ factor: Double) -> Int64 {
        if factor == 1 { return v }
        let d = (Double(v) * factor).rounded()
        return d.isNaN ? 0 : d >= 0x1p63 ? .max : d < -0x1p63 ? .min : Int64(d)
    }

    /// The fields every report starts with.
    public struct Header: Encodable {
        public var schema = JSONReport.schema
        public var report: String
        public var file: String?
        public var buildId: String?
        public var comments: [String]
        public var sampleType: String
        /// The unit of every value: bytes, nanoseconds, count, or the profile's own unit.
        public var unit: String
        public var time: String?
        public var timeNanos: Int64?
        public var durationNanos: Int64?
        /// The total percentages are taken of, as the text report's header says.
        public var total: Int64
        public var activeFilters: [String]
    }

    /// The header of `report` made from `rpt`, and the converter of values to the base unit.
    static func header(_ report: String, _ rpt: Report) -> (Header, (Int64) -> Int64) {
        let (unit, factor) = baseUnit(rpt.options.sampleUnit)
        let convert: (Int64) -> Int64 = { v in
            var v = v
            let r = rpt.options.ratio
            if r > 0 && r != 1 { v = goInt64(Double(v) * r) }
            return toBase(v, factor)
        }
        let p = rpt.profile
        let m = p.mappings.first
        var time: String?
        if p.timeNanos != 0 {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            time = f.string(from: Date(timeIntervalSince1970: Double(p.timeNanos) / 1e9))
        }
        let h = Header(
            report: report, file: (m?.file.isEmpty ?? true) ? nil : (m!.file as NSString).lastPathComponent,
            buildId: (m?.buildID.isEmpty ?? true) ? nil : m!.buildID,
            comments: p.comments.filter { !$0.hasPrefix("#") }, sampleType: rpt.options.sampleType, unit: unit,
            time: time, timeNanos: p.timeNanos != 0 ? p.timeNanos : nil,
            durationNanos: p.durationNanos != 0 ? p.durationNanos : nil, total: convert(rpt.total),
            activeFilters: rpt.options.activeFilters)
        return (h, convert)
    }

    /// The report with its header fields first, then its own (`rows`, …), as one object.
    struct Document<Body: Encodable>: Encodable {
        let header: Header
        let body: Body

        func encode(to encoder: Encoder) throws {
            try header.encode(to: encoder)
            try body.encode(to: encoder)
        }
    }

    /// One JSON text ending in a newline: keys sorted, slashes as they are.
    static func encode<Body: Encodable>(_ header: Header, _ body: Body) throws(ReportError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            var bytes = [UInt8](try encoder.encode(Document(header: header, body: body)))
            bytes.append(0x0A)
            return bytes
        } catch {
            throw ReportError("could not write the JSON report: \(error)")
        }
    }
}

extension Report {
    /// `tags`, `peek` or `tree` as JSON, from this report's graph or labels (the index's
    /// reports call it with the report they print as text; `top` and `traces` are formatted
    /// from the index's rows, IndexedReports).
    func generateJSON(command: String) throws(ReportError) -> [UInt8] {
        switch command {
        case "tags": return try jsonTags()
        case "peek", "tree": return try jsonTree(command)
        default:
            throw ReportError(
                "-json works with top, text, traces, tags, peek and tree, not \(command)")
        }
    }
}
