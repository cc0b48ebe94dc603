import Foundation
import ProfileDriver
import ProfileFormat
import ProfileReport
import Testing

/// The heap profiler's in-use series (docs/json.md) read by `-growth` as one snapshot per point:
/// hand-written documents, valid ones checked against docs/heap-inuse-series.schema.json, and
/// hostile ones that must each give one error line.
@Suite struct HeapSeriesTests {
    static let schema = repoRoot.appendingPathComponent("docs/heap-inuse-series.schema.json").path
    static let t0: Int64 = 1_733_212_345_000_000_000

    /// A series of `values` (objects, bytes) a minute apart.
    static func document(_ values: [(Int64, Int64)], start: Int64 = t0) -> String {
        let points = values.enumerated().map { i, v in
            "{\"time_nanos\":\(start + Int64(i) * 60_000_000_000),\"values\":[\(v.0),\(v.1)]}"
        }
        return """
            {"kind":"heap-inuse-series","sample_types":[{"type":"inuse_objects","unit":"count"},\
            {"type":"inuse_space","unit":"bytes"}],"period":524288,"points":[\(points.joined(separator: ","))]}
            """
    }

    /// Writes `bytes` to a new file in a temporary folder and returns its path.
    static func file(_ bytes: [UInt8], name: String = "series.json") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("series-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The errors `jsonschema` finds in a series document (empty when it is valid).
    static func schemaErrors(_ json: String) throws -> String {
        let script = """
            import json, sys, jsonschema
            v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
            print("\\n".join(e.message for e in v.iter_errors(json.load(sys.stdin))))
            """
        return try runProcess("/usr/bin/env", ["python3", "-c", script, schema], stdin: Array(json.utf8))
    }

    static let growing: [(Int64, Int64)] = [(10, 1_000_000), (12, 1_500_000), (15, 2_000_000), (17, 2_600_000),
        (20, 3_100_000), (22, 3_700_000)]

    @Test func aSeriesIsASnapshotPerPoint() throws {
        let doc = Self.document(Self.growing)
        #expect(try Self.schemaErrors(doc) == "")
        let path = try Self.file(Array(doc.utf8))
        let r = runPprof(["-growth", path])
        #expect(r.status == 0, "\(r.err)")
        let text = String(decoding: r.out, as: UTF8.self)
        #expect(text.hasPrefix("Type: inuse_space\nSeries: 6 snapshots, \(path)#1 to \(path)#6 over "), "\(text)")
        let rows = GrowthTests.rows(r.out)
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row[5] == "grows" && row[6] == GrowthReport.sparkline(Self.growing.map(\.1)), "\(row)")
        #expect(row[7...].joined(separator: " ") == "(sampled in-use total)")
        #expect(row[0] == Measurement.label(1_000_000, unit: "bytes") && row[1] == Measurement.label(3_700_000, unit: "bytes"))
        // Objects, JSON, the plot: as on profiles.
        let json = runPprof(["-growth", "-json", "-sample_index=inuse_objects", path])
        #expect(try JSONTests.schemaErrors(json.out) == "")
        let o = try JSONTests.object(json.out)
        let objects = try #require((o["rows"] as? [[String: Any]])?.first)
        #expect((objects["values"] as? [NSNumber])?.map(\.int64Value) == Self.growing.map(\.0))
        #expect(objects["name"] as? String == "(sampled in-use total)")
        #expect(o["slope_per"] as? String == "minute")
        let svg = runPprof(["-growth", "-svg", path])
        #expect(String(decoding: svg.out, as: UTF8.self).contains("(sampled in-use total)</title></polyline>"))
    }

    @Test func gzipSeriesAndSeriesWithOthers() throws {
        let doc = Self.document(Self.growing)
        let gz = try Self.file(Gzip.compress(Array(doc.utf8)), name: "series.json.gz")
        let r = runPprof(["-growth", gz])
        #expect(r.status == 0, "\(r.err)")
        // Two series of the same types make one series, in time order.
        let later = Self.document([(30, 5_000_000), (35, 6_000_000)], start: Self.t0 + 3_600_000_000_000)
        let both = runPprof(["-growth", try Self.file(Array(later.utf8)), gz])
        #expect(both.status == 0, "\(both.err)")
        #expect(String(decoding: both.out, as: UTF8.self).contains("Series: 8 snapshots, \(gz)#1 to "))
    }

    @Test func theShellReadsASeries() throws {
        let path = try Self.file(Array(Self.document(Self.growing).utf8))
        let run = runShell([JSONTests.leak], ["growth \(path)"])
        #expect(run.text.contains("Series: 6 snapshots"), "\(run.text)")
        #expect(run.text.contains("grows"))
    }

    @Test func otherReportsRefuseASeries() throws {
        let path = try Self.file(Array(Self.document(Self.growing).utf8))
        let r = runPprof(["-top", path])
        #expect(r.status == 1)
        #expect(r.err.contains("this is a heap in-use series, a snapshot per point: read it with -growth"), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1)
    }

    static let kindTypes = "\"kind\":\"heap-inuse-series\",\"sample_types\":[{\"type\":\"inuse_space\",\"unit\":\"bytes\"}]"

    @Test(arguments: [
        ("{\"kind\":\"heap-inuse-series\"", "not valid JSON"),
        ("{\"kind\":\"other\",\"note\":\"heap-inuse-series\",\"sample_types\":[],\"points\":[]}", "kind is \"other\""),
        ("{\(kindTypes)}", "\"points\" is missing"),
        ("{\(kindTypes),\"points\":[]}", "it needs from 1 to 100000 points, has 0"),
        ("{\"kind\":\"heap-inuse-series\",\"sample_types\":[],\"points\":[{\"time_nanos\":1,\"values\":[]}]}",
         "it needs from 1 to 16 sample_types, has 0"),
        ("{\(kindTypes),\"points\":[{\"time_nanos\":1,\"values\":[1.5]}]}", "points[0].values[0] is not a whole number"),
        ("{\(kindTypes),\"points\":[{\"time_nanos\":1,\"values\":[1e300]}]}", "points[0].values[0] is not a whole number"),
        ("{\(kindTypes),\"points\":[{\"time_nanos\":1,\"values\":[\"7\"]}]}", "points[0].values[0] is not a whole number"),
        ("{\(kindTypes),\"points\":[{\"time_nanos\":1,\"values\":[null]}]}", "points[0].values[0] is null"),
        ("{\(kindTypes),\"points\":[{\"time_nanos\":1,\"values\":[1,2]}]}", "points[0] has 2 values for 1 sample types"),
        ("{\(kindTypes),\"points\":[{\"time_nanos\":-5,\"values\":[1]}]}", "points[0].time_nanos -5 is not a time"),
        ("{\(kindTypes),\"points\":[{\"time_nanos\":9,\"values\":[1]},{\"time_nanos\":8,\"values\":[1]}]}",
         "points[1] is earlier than the point before it"),
        ("{\(kindTypes),\"points\":[{\"values\":[1]}]}", "points[0]: \"time_nanos\" is missing"),
        ("{\(kindTypes),\"period\":-1,\"points\":[{\"time_nanos\":1,\"values\":[1]}]}", "period -1 is negative"),
        ("{\"kind\":\"heap-inuse-series\",\"sample_types\":[{\"type\":\"\",\"unit\":\"bytes\"}],\"points\":[{\"time_nanos\":1,\"values\":[1]}]}",
         "sample_types[0] has no type"),
        ("{\"kind\":\"heap-inuse-series\",\"points\":" + String(repeating: "[", count: 10_000), "not valid JSON"),
    ])
    func hostileSeriesGiveOneErrorLine(_ doc: String, _ problem: String) throws {
        let path = try Self.file(Array(doc.utf8))
        let r = runPprof(["-growth", path, path])
        #expect(r.status == 1)
        #expect(r.err.hasPrefix("pprof: \(path): heap in-use series: "), "\(r.err)")
        #expect(r.err.contains(problem), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
        #expect(r.out.isEmpty)
        // The schema cannot count values against types nor compare times.
        if !["values for", "earlier than"].contains(where: problem.contains) {
            #expect(try Self.schemaErrorsOrInvalid(doc))
        }
    }

    /// Whether the schema also rejects `doc` (or it is not JSON at all).
    static func schemaErrorsOrInvalid(_ doc: String) throws -> Bool {
        guard (try? JSONSerialization.jsonObject(with: Data(doc.utf8))) != nil else { return true }
        return try !schemaErrors(doc).isEmpty
    }

    @Test func sizeAndPointsAreBounded() throws {
        let many = Self.document((0...HeapInuseSeries.maxPoints).map { (Int64($0), Int64($0)) })
        let r = runPprof(["-growth", try Self.file(Array(many.utf8))])
        #expect(r.status == 1)
        #expect(r.err.contains("it needs from 1 to 100000 points, has 100001"), "\(r.err)")
        let padding = String(repeating: " ", count: HeapInuseSeries.maxBytes)
        let big = runPprof(["-growth", try Self.file(Array((Self.document(Self.growing) + padding).utf8))])
        #expect(big.status == 1)
        #expect(big.err.contains("is more than the 16 MiB a series may have"), "\(big.err)")
    }
}
