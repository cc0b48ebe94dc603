import Foundation
import ProfileDriver
import ProfileFormat
import ProfileReport
import Testing

/// `-json` reports: every one validated against docs/pprof-report.schema.json with Python's
/// `jsonschema` (a real validator; scripts/install-deps.sh installs it), rows and numbers checked
/// against the text report of the same options, and goldens under Fixtures/json
/// (PPROF_UPDATE_JSON=1 re-records them).
@Suite struct JSONTests {
    static let leak = "Samples/heap-leak.pb.gz"
    static let cpu = "Samples/cpu.pb.gz"
    static let schema = repoRoot.appendingPathComponent("docs/pprof-report.schema.json").path

    /// The errors `jsonschema` finds in `json` (empty when it is valid), or its failure to run.
    static func schemaErrors(_ json: [UInt8]) throws -> String {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            errors = [e.message + " at " + "/".join(map(str, e.absolute_path)) for e in v.iter_errors(json.load(sys.stdin))]
            print("\\n".join(errors))
            """
        return try runProcess("/usr/bin/env", ["python3", "-c", script, schema], stdin: json)
    }

    static func object(_ json: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
    }

    static func rows(_ json: [UInt8]) throws -> [[String: Any]] {
        try #require(try object(json)["rows"] as? [[String: Any]])
    }

    /// The text report's row lines (after the column header).
    static func textRows(_ out: [UInt8]) -> [String] {
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("      flat  flat%") }) else { return [] }
        return Array(lines[(header + 1)...])
    }

    /// `value` (in the JSON's base unit) printed in the unit of the text report's `text`.
    static func printed(_ value: Int64, jsonUnit: String, like text: String) -> String {
        let unit = String(text.reversed().prefix { $0.isLetter }.reversed())
        return Measurement.scaledLabel(value, from: jsonUnit, to: unit.isEmpty ? jsonUnit : unit)
    }

    @Test(arguments: [
        ["-top", leak], ["-text", "-nodecount=5", cpu], ["-top", "-cum", "-lines", leak],
        ["-top", "-sample_index=alloc_objects", "-focus=fetch", leak], ["-top", "-unit=kB", leak],
    ])
    func topMatchesTheTextReport(_ args: [String]) throws {
        let text = runPprof(args), json = runPprof(["-json"] + args)
        #expect(json.status == 0, "\(json.err)")
        #expect(try Self.schemaErrors(json.out) == "")
        let rows = try Self.rows(json.out)
        let textRows = Self.textRows(text.out)
        #expect(rows.count == textRows.count)
        let unit = try Self.object(json.out)["unit"] as! String
        for (row, line) in zip(rows, textRows) {
            let cols = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let name = row["name"] as! String
            #expect(line.hasSuffix("  " + name) || line.hasSuffix("  " + name + " (inline)"), "\(line)")
            #expect(Self.printed((row["flat"] as! NSNumber).int64Value, jsonUnit: unit, like: cols[0]) == cols[0])
            #expect(Self.printed((row["cum"] as! NSNumber).int64Value, jsonUnit: unit, like: cols[3]) == cols[3])
        }
    }

    @Test func headerCarriesTheProfileFields() throws {
        let o = try Self.object(runPprof(["-json", "-top", "-focus=fetch", Self.cpu]).out)
        #expect(o["file"] as? String == "imgseed")
        #expect(o["sample_type"] as? String == "cpu")
        #expect(o["unit"] as? String == "nanoseconds")
        #expect(o["report"] as? String == "top")
        #expect(o["schema"] as? String == "pprof-report/1")
        #expect((o["duration_nanos"] as? NSNumber)?.int64Value == 8_231_956_662)
        #expect(o["time"] as? String == "2026-11-27T15:14:18.603Z")
        #expect(o["active_filters"] as? [String] == ["focus=fetch"])
        // Total samples = 8.26s in the text header.
        #expect((o["total"] as? NSNumber)?.int64Value == 8_260_000_000)
    }

    @Test(arguments: [leak, cpu])
    func tracesMatchTheTextReport(_ path: String) throws {
        let text = String(decoding: runPprof(["-traces", path]).out, as: UTF8.self)
        let json = runPprof(["-json", "-traces", path])
        #expect(try Self.schemaErrors(json.out) == "")
        let rows = try Self.rows(json.out)
        let blocks = text.components(separatedBy: "-----------+-------------------------------------------------------\n")
            .dropFirst().dropLast()
        #expect(rows.count == blocks.count)
        let unit = try Self.object(json.out)["unit"] as! String
        for (row, block) in zip(rows, blocks) {
            let frameLines = block.split(separator: "\n").filter { !$0.contains(":  ") }
            let frames = row["frames"] as! [[String: Any]]
            #expect(frames.count == frameLines.count)
            for (f, line) in zip(frames, frameLines) {
                let name = f["name"] as! String
                #expect(line.hasSuffix(" " + name + ((f["inline"] as! Bool) ? " (inline)" : "")), "\(line)")
            }
            let first = frameLines[0].split(separator: " ", omittingEmptySubsequences: true)[0]
            #expect(Self.printed((row["value"] as! NSNumber).int64Value, jsonUnit: unit, like: String(first)) == first)
        }
    }

    @Test func tagsMatchTheTextReport() throws {
        let json = runPprof(["-json", "-tags", Self.cpu])
        #expect(try Self.schemaErrors(json.out) == "")
        let rows = try Self.rows(json.out)
        #expect(rows.map { $0["key"] as! String } == ["phase", "worker"])
        let text = String(decoding: runPprof(["-tags", Self.cpu]).out, as: UTF8.self)
        // "phase: Total 7.8s", then "7.5s (97.04%): recompress", …
        for row in rows {
            for v in row["values"] as! [[String: Any]] {
                let (f, u) = Measurement.scale((v["weight"] as! NSNumber).int64Value, from: "nanoseconds", to: "minimum")
                let line = String(format: "%.1f", f) + u + " ("
                #expect(text.contains(line) && text.contains(": " + (v["value"] as! String)), "\(line)")
            }
        }
    }

    @Test(arguments: [["-peek", "main.fetch$"], ["-tree", "-nodecount=6"], ["-peek", "growSlice|Flush", "-lines"]])
    func treeAndPeekMatchTheTextReport(_ args: [String]) throws {
        let text = String(decoding: runPprof(args + [Self.leak]).out, as: UTF8.self)
        let json = runPprof(["-json"] + args + [Self.leak])
        #expect(json.status == 0, "\(json.err)")
        #expect(try Self.schemaErrors(json.out) == "")
        let rows = try Self.rows(json.out)
        let blocks = text.components(separatedBy: "----------------------------------------------------------+-------------\n")
            .dropFirst(2).filter { !$0.isEmpty }
        #expect(rows.count == blocks.count)
        for (row, block) in zip(rows, blocks) {
            let lines = block.split(separator: "\n").map(String.init)
            let callers = row["callers"] as! [[String: Any]], callees = row["callees"] as! [[String: Any]]
            #expect(lines.count == callers.count + 1 + callees.count)
            let names = callers.map { $0["name"] as! String } + [row["name"] as! String] + callees.map { $0["name"] as! String }
            for (name, line) in zip(names, lines) {
                #expect(line.hasSuffix("| " + name) || line.hasSuffix("|   " + name) || line.hasSuffix(name + " (inline)"), "\(line)")
            }
        }
    }

    @Test func shellTopAndDiffAsJSON() throws {
        let run = runShell(
            [Self.leak], ["top 3 -json", "diff Samples/heap-fixed.pb.gz -json", "top 3"])
        let lines = run.text.split(separator: "\n").map { Array($0.utf8) }
        let jsonLines = lines.filter { $0.first == UInt8(ascii: "{") }
        #expect(jsonLines.count == 2)
        for j in jsonLines { #expect(try Self.schemaErrors(j) == "") }
        let top = try Self.object(jsonLines[0])
        #expect((top["rows"] as! [Any]).count == 3)
        let diff = try Self.object(jsonLines[1])
        #expect(diff["report"] as? String == "diff")
        let rows = diff["rows"] as! [[String: Any]]
        #expect(rows.first?["name"] as? String == "bytes.growSlice")
        for r in rows {
            let b = (r["base"] as! NSNumber).int64Value, n = (r["new"] as! NSNumber).int64Value
            #expect((r["delta"] as! NSNumber).int64Value == n - b)
        }
        // The option is for one command: the next `top` is text again.
        #expect(run.text.contains("      flat  flat%   sum%        cum   cum%"))
    }

    /// Names and labels with every kind of character JSON escapes: the traces rows (written as
    /// bytes) escape them as JSONEncoder does for the other reports, and keys sort alike.
    @Test func tracesEscapeAndSortAsJSONEncoder() throws {
        let names = ["quote\"back\\slash/", "ctl\u{1}\u{1f}\u{7f}\t\n\r\u{8}\u{c}", "é π 💾", "plain"]
        var p = Profile()
        p.sampleTypes = [ValueType(type: "alloc_space", unit: "bytes")]
        p.mappings = [Mapping(id: 1)]
        p.functions = names.enumerated().map { Function(id: UInt64($0.offset + 1), name: $0.element) }
        p.locations = names.indices.map { Location(id: UInt64($0 + 1), mapping: 0, lines: [Line(function: Int32($0), line: 1)]) }
        p.samples = [
            Sample(
                locations: [0, 1, 2, 3], values: [4096],
                labels: [Label(key: "b", value: "x\"y"), Label(key: "B", value: "1"), Label(key: "a_b", value: "2"),
                    Label(key: "ab", value: "3"), Label(key: "b", value: "z")],
                numLabels: [NumLabel(key: "bytes", value: 2, unit: "kB"), NumLabel(key: "Count", value: 7)])
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("names.pb.gz").path
        try Data(p.serialized(compress: true)).write(to: URL(fileURLWithPath: path))
        let r = runPprof(["-json", "-traces", path])
        #expect(r.status == 0, "\(r.err)")
        #expect(try Self.schemaErrors(r.out) == "")
        let text = String(decoding: r.out, as: UTF8.self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for name in names {
            let quoted = String(decoding: try encoder.encode(name), as: UTF8.self)
            #expect(text.contains("\"name\":" + quoted), "\(quoted)")
        }
        let labels = String(decoding: try encoder.encode(["b": ["x\"y", "z"], "B": ["1"], "a_b": ["2"], "ab": ["3"]]), as: UTF8.self)
        #expect(text.contains("\"labels\":" + labels + ","), "\(labels)")
        struct NumValue: Encodable { let unit: String, value: Int64 }
        let numeric = try encoder.encode(["bytes": [NumValue(unit: "bytes", value: 2048)], "Count": [NumValue(unit: "Count", value: 7)]])
        #expect(text.contains("\"num_labels\":" + String(decoding: numeric, as: UTF8.self) + ","), "\(text)")
        let frames = try #require(try Self.rows(r.out).first?["frames"] as? [[String: Any]])
        #expect(frames.map { $0["name"] as? String } == names)
    }

    @Test func otherReportsRefuseJSON() {
        let r = runPprof(["-json", "-raw", Self.leak])
        #expect(r.status == 1)
        #expect(r.err == "pprof: -json works with top, text, traces, tags, peek and tree, not raw\n")
    }

    @Test func jsonGoldens() throws {
        for (name, args) in [
            ("heap-leak-json-top", ["-json", "-top", Self.leak]),
            ("heap-leak-json-peek-fetch", ["-json", "-peek", "main.fetch", Self.leak]),
            ("cpu-json-tags", ["-json", "-tags", Self.cpu]),
        ] {
            let r = runPprof(args)
            let url = fixtures.appendingPathComponent("json/\(name).json")
            if ProcessInfo.processInfo.environment["PPROF_UPDATE_JSON"] != nil { try Data(r.out).write(to: url) }
            #expect(r.out == (try [UInt8](Data(contentsOf: url))), "\(name)")
        }
    }
}

/// Runs a program with `stdin` and returns its standard output; a failure to run or a non-zero
/// exit throws with its standard error.
func runProcess(_ path: String, _ args: [String], stdin: [UInt8]) throws -> String {
    struct Failed: Error, CustomStringConvertible { let description: String }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let input = Pipe(), output = Pipe(), errors = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = errors
    try p.run()
    let writer = Thread {
        input.fileHandleForWriting.write(Data(stdin))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    if p.terminationStatus != 0 {
        throw Failed(description: "\(args.first ?? path) failed: \(String(decoding: err, as: UTF8.self))")
    }
    return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
