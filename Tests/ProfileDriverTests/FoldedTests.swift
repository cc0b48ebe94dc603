import Foundation
import ProfileDriver
import ProfileFormat
import ProfileReport
import Testing

/// `-folded` output and folded stacks read as profiles. The goldens under Fixtures/folded are
/// this pprof's own output (go tool pprof has no folded format); set PPROF_UPDATE_FOLDED=1 to
/// re-record them.
@Suite struct FoldedTests {
    static let dir = fixtures.appendingPathComponent("folded")
    static let leak = "Samples/heap-leak.pb.gz"

    static func golden(_ name: String, _ args: [String]) throws {
        let r = runPprof(args)
        #expect(r.status == 0, "\(r.err)")
        let url = dir.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PPROF_UPDATE_FOLDED"] != nil {
            try Data(r.out).write(to: url)
        }
        let want = try [UInt8](Data(contentsOf: url))
        #expect(r.out == want, "\(name) differs from its golden")
    }

    @Test func foldedGoldens() throws {
        try Self.golden("heap-leak-folded.txt", ["-folded", Self.leak])
        try Self.golden(
            "heap-leak-folded-alloc_objects-lines.txt", ["-folded", "-sample_index=alloc_objects", "-lines", Self.leak])
        try Self.golden("perf-collapsed-top.txt", ["-top", "Tests/ProfileDriverTests/Fixtures/folded/perf-collapsed.txt"])
    }

    /// Every line is what flamegraph.pl's parser accepts (`^(.*)\s+?(\d+(?:\.\d*)?)$`), root first,
    /// with no empty frames.
    @Test func linesAreFlameGraphInput() throws {
        let r = runPprof(["-folded", "-lines", "Samples/cpu.pb.gz"])
        #expect(r.status == 0)
        let rx = try NSRegularExpression(pattern: #"^(.*)\s+?(\d+(?:\.\d*)?)$"#)
        let lines = String(decoding: r.out, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count > 10)
        var roots = Set<Substring>()
        for line in lines {
            #expect(rx.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil, "\(line)")
            let stack = line[..<line.lastIndex(of: " ")!]
            #expect(!stack.split(separator: ";", omittingEmptySubsequences: false).contains(""))
            roots.insert(stack.prefix { $0 != ";" })
        }
        // Root first: the goroutines' entry points start the lines, not the many leaves.
        #expect(roots.count == 4)
        #expect(roots.contains("main.run.func1 example.com/imgseed/main.go:107"))
    }

    /// Written and read back, a profile keeps every node's flat and cumulative value.
    @Test(arguments: ["Samples/heap-leak.pb.gz", "Samples/cpu.pb.gz", "Samples/allocs-fixed.pb.gz"])
    func roundTripKeepsNodeValues(_ path: String) throws {
        let r = runPprof(["-folded", path])
        let folded = try Profile.parse(r.out)
        #expect(folded.sampleTypes == [ValueType(type: "samples", unit: "count")])
        let original = try ProfileLoader().load(path).profile
        #expect(try Self.nodeValues(folded) == Self.nodeValues(original))
    }

    static func nodeValues(_ p: Profile) throws -> [String: [Int64]] {
        var cfg = ReportConfig()
        cfg.trim = false
        let rpt = try ReportPipeline.makeReport(p, command: "top", format: .text, config: cfg, warn: { _ in })
        var out: [String: [Int64]] = [:]
        for n in rpt.newGraph().nodes where n.flatValue != 0 || n.cumValue != 0 {
            out[n.printableName] = [n.flatValue, n.cumValue]
        }
        return out
    }

    @Test func readingSumsStacksAndToleratesCRLFAndBlankLines() throws {
        let text = "a;b 3\r\n\r\na;c 4\n  \na;b 5\nx;;y 1\n"
        let p = try #require(try FoldedStacks.parse(Array(text.utf8)))
        #expect(p.samples.count == 3)
        let names = p.samples.map { s in s.locations.reversed().map { p.functions[Int(p.locations[Int($0)].lines[0].function)].name } }
        #expect(names == [["a", "b"], ["a", "c"], ["x", "[unknown]", "y"]])
        #expect(p.samples.map { $0.values } == [[8], [4], [1]])
    }

    @Test(arguments: [
        ("main;f 10\nmain;g ten\n", "line 2 is not \"frame;frame;... count\""),
        ("main;f 10\nmain;g\n", "line 2 is not"),
        ("main;f 9223372036854775807\nmain;g 1\n", "line 2: the counts add up to more than 2^63"),
    ])
    func badLinesAreOneError(_ text: String, _ phrase: String) {
        do {
            _ = try FoldedStacks.parse(Array(text.utf8))
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.message.hasPrefix("folded stacks: "))
            #expect(error.message.contains(phrase), "\(error.message)")
        }
    }

    @Test(arguments: ["goroutine profile: total 5\n5 @ 0x1 0x2\n", "heap profile: 1: 2 [3: 4] @ heap/1048576\n", "", "\u{1}\u{2} 3\n"])
    func otherInputsAreNotFolded(_ text: String) throws {
        #expect(try FoldedStacks.parse(Array(text.utf8)) == nil)
    }

    @Test func protobufProfilesAreNotFolded() throws {
        for name in ["heap-leak", "cpu", "goroutine", "mutex"] {
            let gz = try [UInt8](Data(contentsOf: repoRoot.appendingPathComponent("Samples/\(name).pb.gz")))
            let raw = try Gzip.decompress(gz, limit: 1 << 30)
            #expect(try FoldedStacks.parse(raw) == nil)
        }
    }

    @Test func aBadFoldedFileIsOneErrorLineOnTheCommandLine() throws {
        let path = NSTemporaryDirectory() + "pprof-bad-\(getpid()).folded"
        try Data("a;b 3\nnot a stack\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = runPprof(["-top", path])
        #expect(r.status == 1)
        #expect(r.err.split(separator: "\n").count == 1)
        #expect(r.err.contains("folded stacks: line 2 is not"))
    }
}
