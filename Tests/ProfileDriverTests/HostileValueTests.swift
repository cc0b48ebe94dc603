import Foundation
import ProfileDriver
import ProfileFormat
import Testing

/// Sample values at the ends of Int64's range wrap as Go's int64 arithmetic does; no report,
/// on the command line or in the shell, traps on them.
@Suite struct HostileValueTests {
    /// A profile whose values sum past Int64's range: -2^63 on one stack, 2^63-1 on two stacks
    /// that end in the same function (so its flat value wraps), labels for `tags` and `traces`.
    static let path: String = {
        var p = Profile()
        p.sampleTypes = [ValueType(type: "samples", unit: "count"), ValueType(type: "cpu", unit: "nanoseconds")]
        p.mappings = [Mapping(id: 1, start: 0x1000, limit: 0x9000, offset: 0, file: "/bin/hostile", buildID: "")]
        p.functions = ["main", "a", "b", "c"].enumerated().map {
            Function(id: UInt64($0.offset + 1), name: $0.element, filename: "/src/hostile.go", startLine: 1)
        }
        for i in 0..<4 {
            let line = Line(function: Int32(i), line: Int64(10 + i))
            p.locations.append(Location(id: UInt64(i + 1), mapping: 0, address: 0x1000 + UInt64(i) * 16, lines: [line]))
        }
        p.samples = [
            Sample(locations: [1, 0], values: [Int64.min, Int64.min], labels: [Label(key: "k", value: "v")]),
            Sample(locations: [2, 0], values: [Int64.max, Int64.max], numLabels: [NumLabel(key: "bytes", value: Int64.min)]),
            Sample(locations: [2, 3, 0], values: [Int64.max, Int64.max], numLabels: [NumLabel(key: "bytes", value: Int64.max)]),
            Sample(locations: [3, 0], values: [1, Int64.max]),
        ]
        p.durationNanos = Int64.max
        let path = NSTemporaryDirectory() + "pprof-hostile-\(getpid()).pb.gz"
        _ = FileManager.default.createFile(atPath: path, contents: Data(p.serialized()))
        return path
    }()

    static let flags: [[String]] = [
        ["-top"], ["-top", "-cum"], ["-text", "-nodefraction=0"], ["-tree"], ["-peek=."], ["-traces"], ["-raw"],
        ["-tags"], ["-list=."], ["-dot"], ["-callgrind"], ["-flame"], ["-topproto"], ["-top", "-lines"],
        ["-top", "-addresses"], ["-top", "-divide_by=0.5"], ["-top", "-mean"], ["-dot", "-call_tree"],
        ["-top", "-sample_index=cpu"], ["-tree", "-sample_index=cpu", "-unit=ms"], ["-top", "-drop_negative"],
        ["-top", "-focus=b"], ["-top", "-hide=c"], ["-top", "-tagfocus=bytes=1:"],
    ]

    @Test(arguments: flags)
    func commandLineReportsDoNotTrap(_ flags: [String]) {
        // -symbolize=none: the made-up /bin/hostile mapping has no binary to symbolize from, and
        // the warning about that is not what this test is about.
        let run = runPprof(flags + ["-symbolize=none", "-output=/dev/null", Self.path])
        if flags == ["-flame"] {
            // Values that add up to less than zero leave nothing to draw: one error line.
            #expect(run.status == 0 || run.err.split(separator: "\n").count == 1, "\(run.err)")
        } else {
            #expect(run.status == 0, "\(flags): \(run.err)")
        }
    }

    @Test func shellReportsDoNotTrap() {
        let run = runShell(
            [Self.path],
            [
                "top", "top -cum", "tree", "peek .", "traces", "raw", "tags", "list .", "text", "divide_by=0.5", "top",
                "tree", "divide_by=1", "sample_index=cpu", "top", "tree", "granularity=lines", "top", "peek b",
                "hide=c", "top",
            ])
        #expect(run.status == 0, "\(run.ui.errors)")
        #expect(run.text.contains("Showing nodes accounting for"))
    }

    /// Go's reports of the same profile, recorded with go tool pprof 1.19 (Fixtures/hostile-values).
    static let goldens: [(name: String, flags: [String])] = {
        let dir = fixtures.appendingPathComponent("hostile-values")
        guard let text = try? String(contentsOf: dir.appendingPathComponent("cases.txt"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            guard let name = words.first, !name.hasPrefix("#") else { return nil }
            return (name, Array(words.dropFirst()))
        }
    }()

    @Test func goldensAreThere() {
        #expect(Self.goldens.count >= 10)
    }

    @Test(arguments: goldens.map(\.name))
    func reportsWrapAsGoDoes(_ name: String) throws {
        // Go sums int64 in two's complement: b's flat is 2·(2^63-1), which wraps to -2.
        let flags = Self.goldens.first { $0.name == name }!.flags
        let want = try Data(contentsOf: fixtures.appendingPathComponent("hostile-values/\(name).txt"))
        let run = runPprof(flags + [Self.path])
        #expect(run.status == 0, "\(run.err)")
        #expect(String(decoding: run.out, as: UTF8.self) == String(decoding: want, as: UTF8.self))
    }
}
