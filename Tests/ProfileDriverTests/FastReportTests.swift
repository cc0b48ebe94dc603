import Foundation
import ProfileFormat
import ProfileReport
import Testing

@testable import ProfileDriver

/// The shell's fast `tree`, `peek`, `list`, `tags` and `traces` must print exactly what the
/// report pipeline prints (bytes, warnings and errors), for every profile and every option
/// they claim to handle.
@Suite struct FastReportTests {
    static let profiles = ShellTopEngineTests.profiles

    /// Option settings to combine with each profile and command, as the shell would set them.
    static let settings: [[String: String]] = [
        [:],
        ["nodecount": "3"],
        ["nodecount": "0"],
        ["nodecount": "50"],
        ["sort": "cum"],
        ["sort": "cum", "nodecount": "4"],
        ["nodefraction": "0.1"],
        ["nodefraction": "0", "nodecount": "0"],
        ["nodefraction": "0", "nodecount": "5"],
        ["nodefraction": "0.001", "nodecount": "0"],
        ["edgefraction": "0.2", "nodecount": "6"],
        ["edgefraction": "0.05", "nodecount": "0"],
        ["granularity": "lines"],
        ["granularity": "files"],
        ["granularity": "filefunctions", "nodecount": "7"],
        ["granularity": "addresses", "nodecount": "8"],
        ["granularity": "addresses", "noinlines": "true"],
        ["noinlines": "true"],
        ["granularity": "lines", "noinlines": "true", "sort": "cum"],
        ["mean": "true"],
        ["mean": "true", "nodecount": "5", "sample_index": "0"],
        ["unit": "auto"],
        ["unit": "kb"],
        ["unit": "ms"],
        ["divide_by": "3"],
        ["compact_labels": "false"],
        ["focus": "main"],
        ["ignore": "runtime"],
        ["focus": "image|bytes", "ignore": "jpeg"],
        ["focus": "nomatchwhatsoever"],
        ["ignore": "nomatchwhatsoever"],
        ["focus": "("],
        ["ignore": "imgseed"],
        ["drop_negative": "true"],
        ["sample_index": "0"],
        ["sample_index": "1", "nodecount": "12"],
        ["sample_index": "7"],
        ["trim": "false"],
        ["trim_path": "example.com", "granularity": "files"],
        ["source_path": "/nonexistent:Samples", "trim_path": "/home"],
    ]

    /// Commands and their arguments (regexps that match in the sample profiles, and some that do not).
    static let commands: [(String, String?)] = [
        ("tree", nil), ("peek", "main"), ("peek", "runtime\\."), ("peek", "image|jpeg"), ("peek", "."),
        ("peek", "nomatchwhatsoever"), ("peek", "("), ("list", "main\\."), ("list", "Decode|decode"),
        ("list", "runtime\\.(mallocgc|gopark)"), ("list", "nomatchwhatsoever"), ("list", "["), ("tags", nil),
        ("traces", nil),
    ]

    /// What a report printed, or the error it gave, with its warnings.
    struct Outcome: Equatable {
        var output: String
        var warnings: [String]
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

    /// The pipeline's report and the fast one for one command and configuration; nil when the
    /// fast path does not handle it.
    static func both(
        _ p: Profile, _ samples: SampleIndex, _ command: String, _ argument: String?, _ setting: [String: String],
        keptTableLimit: Int? = nil, ranksFirst: Bool = false
    ) throws -> (pipeline: Outcome, fast: Outcome)? {
        let cfg = try config(setting)
        let c = try #require(ReportCommands.named(command))
        #expect(FastReports.handles(c.format, cfg))
        var expected = Outcome(output: "", warnings: [])
        do {
            let rpt = try ReportPipeline.makeReport(
                p, command: command, format: c.format, argument: argument, config: cfg,
                warn: { expected.warnings.append($0) })
            expected.output = String(decoding: try rpt.generate(), as: UTF8.self)
        } catch {
            expected.output = "error: " + error.message
        }
        var got = Outcome(output: "", warnings: [])
        do {
            let bytes = try FastReports.report(
                command: command, format: c.format, argument: argument, config: cfg, samples: samples,
                engine: { key in
                    let e = TopEngine(samples: samples, key: key)
                    if let keptTableLimit { e.keptTableLimit = keptTableLimit }
                    // As the shell does before its first prompt: every node's name ranked.
                    if ranksFirst { _ = e.nameRank }
                    return e
                }, warn: { got.warnings.append($0) })
            guard let bytes else { return nil }
            got.output = String(decoding: bytes, as: UTF8.self)
        } catch {
            got.output = "error: " + error.message
        }
        return (expected, got)
    }

    static func check(
        _ label: String, _ p: Profile, settings: [[String: String]], keptTableLimit: Int? = nil, ranksFirst: Bool = false
    ) throws {
        let samples = SampleIndex(profile: p)
        var compared = 0
        for (command, argument) in commands {
            for setting in settings {
                guard
                    let (expected, got) = try both(
                        p, samples, command, argument, setting, keptTableLimit: keptTableLimit, ranksFirst: ranksFirst)
                else {
                    Issue.record("\(label) \(command) \(setting): not handled")
                    continue
                }
                compared += 1
                if command == "tags" ? Self.tagLines(got.output) != Self.tagLines(expected.output) : got.output != expected.output {
                    Issue.record(
                        "\(label) \(command) \(argument ?? "") \(setting): \(firstDifference(got.output, expected.output))")
                } else if got.warnings != expected.warnings {
                    Issue.record(
                        "\(label) \(command) \(argument ?? "") \(setting): warnings \(got.warnings) != \(expected.warnings)")
                }
            }
        }
        #expect(compared == commands.count * settings.count)
    }

    /// `tags` lines with values of one magnitude but opposite signs (in -diff_base profiles)
    /// come in hash table order, in the pipeline as in go tool pprof: such runs are compared
    /// as sets; all else line by line.
    static func tagLines(_ output: String) -> [String] {
        var lines: [String] = []
        var run: [String] = []
        var runKey = ""
        func magnitude(_ line: String) -> String {
            // " \t-1.0B (1e-06%):\t name" as tabwriter aligned it: the value and percentage.
            guard let colon = line.firstIndex(of: ":") else { return line }
            return line[..<colon].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "")
        }
        func flush() {
            let negative = run.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("-") }.count
            lines += negative > 0 && negative < run.count ? run.sorted() : run
            run = []
        }
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let key = magnitude(line)
            if key != runKey {
                flush()
                runKey = key
            }
            run.append(line)
        }
        flush()
        return lines
    }

    @Test func tagLinesOrderOnlyTiesOfOppositeSign() {
        #expect(Self.tagLines(" 1.0B (1%): a\n -1.0B (1%): b") == Self.tagLines(" -1.0B (1%): b\n 1.0B (1%): a"))
        #expect(Self.tagLines(" 2.0B (1%): a\n 1.0B (1%): b") != Self.tagLines(" 1.0B (1%): b\n 2.0B (1%): a"))
        #expect(Self.tagLines(" 1.0B (1%): a\n 1.0B (1%): b") != Self.tagLines(" 1.0B (1%): b\n 1.0B (1%): a"))
        #expect(Self.tagLines(" 1.0B (1%): a\n -1.0B (1%): b") != Self.tagLines(" 1.0B (1%): a\n -1.0B (1%): c"))
    }

    @Test(arguments: profiles)
    func sameAsPipeline(_ name: String) throws {
        try Self.check(name, try ShellTopEngineTests.load(name), settings: Self.settings)
    }

    /// Graphs of a few nodes rank their own names; with every node ranked first (as the shell
    /// does before its first prompt) they use those ranks: both give the same order.
    @Test(arguments: ["heap-leak", "cpu", "goroutine"])
    func sameAsPipelineWithRanksMadeFirst(_ name: String) throws {
        try Self.check("\(name) ranked", try ShellTopEngineTests.load(name), settings: Self.settings, ranksFirst: true)
    }

    @Test func sameAsPipelineWithDiffBase() throws {
        for (new, base) in [("heap-leak", "heap-fixed"), ("allocs-leak", "allocs-fixed")] {
            let p = try ShellTopEngineTests.load(new, diffBase: base)
            try Self.check(
                "\(new)-\(base)", p,
                settings: Self.settings + [["drop_negative": "true", "nodecount": "5"], ["drop_negative": "true", "nodecount": "0"]])
        }
    }

    /// Graphs that keep more nodes than the edge tables take are summed by hashing: both
    /// ways must give the pipeline's graph.
    @Test(arguments: ["heap-leak", "cpu", "goroutine"])
    func hashedEdgesSameAsPipeline(_ name: String) throws {
        let settings: [[String: String]] = [
            [:], ["nodecount": "0"], ["nodecount": "7"], ["granularity": "lines", "nodecount": "0"],
            ["focus": "image", "nodecount": "0", "edgefraction": "0.01"], ["mean": "true", "nodecount": "0"],
        ]
        try Self.check("\(name) hashed", try ShellTopEngineTests.load(name), settings: settings, keptTableLimit: 0)
    }

    @Test func largeProfilesSummedInPartsAgree() throws {
        // From 20,000 samples on, graphs are summed in two parts that must add up exactly.
        var p = try ShellTopEngineTests.load("allocs-leak")
        let original = p.samples
        for copy in 1..<400 {
            for s in original {
                var t = s
                t.values = s.values.map { $0 * Int64(copy % 7 + 1) }
                if copy % 3 == 0 { t.locations = Array(t.locations.dropFirst()) }
                p.samples.append(t)
            }
        }
        #expect(p.samples.count > 20_000)
        let settings: [[String: String]] = [
            [:], ["mean": "true", "sort": "cum"], ["focus": "image", "nodecount": "4"], ["nodecount": "0"],
            ["nodefraction": "0", "nodecount": "0", "granularity": "lines"],
        ]
        try Self.check("large", p, settings: settings)
        try Self.check("large hashed", p, settings: settings, keptTableLimit: 0)
    }

    /// Options the fast reports do not cover go to the pipeline; others are theirs.
    @Test func handlesWhatItClaims() throws {
        #expect(FastReports.handles(.tree, try Self.config([:])))
        #expect(FastReports.handles(.traces, try Self.config(["focus": "x", "granularity": "lines"])))
        #expect(!FastReports.handles(.text, try Self.config([:])))
        #expect(!FastReports.handles(.dot, try Self.config([:])))
        for setting in [
            ["hide": "runtime"], ["show": "main"], ["show_from": "main"], ["prune_from": "x"], ["tagfocus": "phase=fetch"],
            ["tagignore": "phase=fetch"], ["tagshow": "phase"], ["taghide": "phase"], ["tagroot": "phase"],
            ["tagleaf": "phase"], ["relative_percentages": "true"],
        ] {
            #expect(!FastReports.handles(.tree, try Self.config(setting)), "\(setting)")
        }
    }
}
