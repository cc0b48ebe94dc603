import Foundation
import ProfileFormat
import ProfileReport
import Testing

@testable import ProfileDriver
@testable import ProfileReport

/// Names built as bytes, ranked eight bytes at a time, frames laid out once for all
/// granularities, and `traces` written a block at a time must all give what the slower,
/// plainer ways give.
@Suite struct ShellEngineNamesTests {
    static let keys: [[String: String]] = [
        ["granularity": "functions"], ["granularity": "filefunctions"], ["granularity": "files"],
        ["granularity": "lines"], ["granularity": "addresses"], ["granularity": "addresses", "noinlines": "true"],
        ["granularity": "lines", "noinlines": "true"], ["granularity": "lines", "trim_path": "/home"],
    ]

    static let profiles = [
        "heap-leak", "allocs-leak", "cpu", "block", "mutex", "goroutine", "heap-rate1", "heap-fixed",
    ]

    static func load(_ name: String) throws -> Profile {
        Environment.prepare()
        return try Session.loadProfile(
            sources: ["Samples/\(name).pb.gz"], bases: [], diffBase: false, normalize: false, loader: ProfileLoader(),
            warn: { _ in })
    }

    static func config(_ setting: [String: String]) throws -> ReportConfig {
        var cfg = ReportConfig()
        cfg.compactLabels = true
        for (k, v) in setting {
            let f = try #require(ReportConfig.field(named: k), "option \(k)")
            try cfg.set(f, v)
        }
        return cfg
    }

    static func key(_ setting: [String: String]) throws -> NodeSpace.Key {
        NodeSpace.Key(try config(setting))
    }

    @Test(arguments: Self.profiles)
    func namesAsBytesAreNodeInfoNames(_ name: String) throws {
        let samples = ProfileIndex(profile: try Self.load(name))
        for setting in Self.keys {
            let e = NodeSpace(samples: samples, key: try Self.key(setting))
            let all = e.allNameBytes()
            // Names made one at a time, and cut from all the names made at once.
            let cut = NodeSpace(samples: samples, key: try Self.key(setting))
            _ = cut.nameBytes
            for n in 0..<e.nodeCount {
                let expected = e.info(n).printableName
                #expect(e.name(n) == expected, "\(name) \(setting) node \(n)")
                #expect(cut.name(n) == expected, "\(name) \(setting) node \(n)")
                #expect(Array(all.bytes[all.start[n]..<all.start[n + 1]]) == Array(expected.utf8))
            }
        }
    }

    /// An engine of 25,000 nodes names them all, at function and line granularity.
    @Test func namesOfALargeEngine() throws {
        var p = Profile()
        p.sampleTypes = [ValueType(type: "samples", unit: "count")]
        for i in 0..<25_000 {
            p.functions.append(Function(id: UInt64(i + 1), name: "pkg\(i % 97).Func\(i)", filename: "src/f\(i % 13).go"))
            p.locations.append(
                Location(id: UInt64(i + 1), address: UInt64(0x1000 + i), lines: [Line(function: Int32(i), line: Int64(i % 500))]))
        }
        p.samples = (0..<25_000).map { Sample(locations: [Int32($0), Int32(($0 * 7) % 25_000)], values: [1]) }
        let samples = ProfileIndex(profile: p)
        for g in ["functions", "lines"] {
            let e = NodeSpace(samples: samples, key: try Self.key(["granularity": g]))
            #expect(e.nodeCount >= 20_000)
            let all = e.allNameBytes()
            #expect(all.start.count == e.nodeCount + 1)
            #expect(all.bytes.count == all.start.last! + 32)
            for n in stride(from: 0, to: e.nodeCount, by: 7) {
                #expect(Array(all.bytes[all.start[n]..<all.start[n + 1]]) == Array(e.info(n).printableName.utf8), "\(g) \(n)")
            }
        }
    }

    @Test func namesOfBinariesAndUnknownNodes() {
        var out: [UInt8] = []
        appendDecimal(0, to: &out)
        out.append(0x20)
        appendDecimal(-9_223_372_036_854_775_808, to: &out)
        out.append(0x20)
        appendDecimal(1234567, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "0 -9223372036854775808 1234567")
        // A profile of addresses only: nodes named by binary or "<unknown>".
        var p = Profile()
        p.sampleTypes = [ValueType(type: "samples", unit: "count")]
        p.mappings = [Mapping(id: 1, start: 0x1000, limit: 0x2000, offset: 0, file: "/usr/lib/libz.so.1", buildID: "")]
        p.locations = [
            Location(id: 1, mapping: 0, address: 0x1234, lines: []),
            Location(id: 2, mapping: -1, address: 0, lines: []),
        ]
        p.samples = [Sample(locations: [0, 1], values: [3])]
        let samples = ProfileIndex(profile: p)
        for g in ["functions", "addresses", "lines"] {
            let e = NodeSpace(samples: samples, key: try! Self.key(["granularity": g]))
            for n in 0..<e.nodeCount { #expect(e.name(n) == e.info(n).printableName, "\(g) \(n)") }
        }
    }

    @Test func wordSortRanksAsStringOrder() {
        var generator = SystemRandomNumberGenerator()
        let prefixes = ["", "golang.org/x/synth/pkg", "github.com/synthco/app/pkg/pkg", "a", "ab\u{0}", "é", "ab"]
        for round in 0..<20 {
            var names: [String] = []
            for _ in 0..<(round * 37 + 1) {
                var s = prefixes.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 0...12, using: &generator) {
                    s += ["a", "b", "\u{0}", " ", ".", "z", "1", "(", "ü"].randomElement(using: &generator)!
                }
                names.append(s)
            }
            names += names.prefix(3)
            let ranks = NameRanks(names).rank
            let order = names.indices.sorted { Array(names[$0].utf8).lexicographicallyPrecedes(names[$1].utf8) }
            var expected = [Int32](repeating: 0, count: names.count)
            for (i, x) in order.enumerated() {
                let same = i > 0 && Array(names[order[i - 1]].utf8) == Array(names[x].utf8)
                expected[x] = same ? expected[order[i - 1]] : Int32(i)
            }
            #expect(ranks == expected, "round \(round)")
        }
        #expect(NameRanks([String]()).rank.isEmpty)
        #expect(NameRanks(["", ""]).rank == [0, 0])
    }

    @Test(arguments: Self.profiles)
    func granularitiesShareOneFrameLayout(_ name: String) throws {
        let samples = ProfileIndex(profile: try Self.load(name))
        for setting in Self.keys {
            let e = NodeSpace(samples: samples, key: try Self.key(setting))
            let layout = samples.frameLayout(inlineFrames: !e.key.noInlines)
            #expect(e.sampleStart == layout.sampleStart)
            let lineOfFrame = layout.map(Array(0..<(layout.locStart.last ?? 0)))
            // Each frame's node is its location line's node, the line laid out where the
            // sample's locations put it.
            for s in 0..<samples.count {
                var f = Int(e.sampleStart[s])
                for loc in samples.profile.samples[s].locations.reversed() {
                    let l = Int(loc)
                    for line in Int(layout.locStart[l])..<Int(layout.locStart[l + 1]) {
                        #expect(Int(lineOfFrame[f]) == line)
                        #expect(layout.frameInline[f] == (line != Int(layout.locStart[l])))
                        f += 1
                    }
                }
                #expect(f == Int(e.sampleStart[s + 1]))
            }
        }
    }

    /// `traces` written in blocks of any size, on one core or two, is the same text.
    @Test(arguments: ["heap-leak", "goroutine", "cpu"])
    func tracesInBlocksOfAnySize(_ name: String) throws {
        let p = try Self.load(name)
        let samples = ProfileIndex(profile: p)
        for setting in [[:], ["granularity": "lines", "focus": "main"], ["mean": "true"]] {
            let cfg = try Self.config(setting)
            guard case .traces(let job) = try ReportPipeline.run(
                samples, command: "traces", format: .traces, config: cfg, warn: { _ in })
            else {
                Issue.record("traces is not written a block at a time")
                return
            }
            let whole = job.bytes()
            let rpt = try ReportPipeline.makeReport(
                p, command: "traces", format: .traces, argument: nil, config: cfg, warn: { _ in })
            #expect(whole == (try rpt.generate()), "\(name) \(setting)")
            for blockSize in [1, 2, 7, 1000] {
                var chunks: [[UInt8]] = []
                job.engine.writeTraces(job.report, keep: job.keep, blockSize: blockSize) { chunk in
                    chunks.append(Array(chunk))
                }
                #expect(Array(chunks.joined()) == whole, "\(name) \(setting) blocks of \(blockSize)")
            }
        }
    }

    @Test func tracesToAFileAndItsErrors() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-traces-\(getpid()).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let heap = ["Samples/heap-leak.pb.gz"]
        let printed = runShell(heap, ["traces"]).out
        let run = runShell(heap, ["traces >\(path)", "traces >/nonexistent-dir/x.txt", "top 1"])
        #expect(run.status == 1)
        #expect(run.ui.messages.contains("Generating report in \(path)\n"))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == printed)
        #expect(run.ui.errors.contains { $0.contains("could not write /nonexistent-dir/x.txt") })
        #expect(run.text.hasPrefix("Showing nodes accounting for"))
    }
}
