import Foundation
import ProfileFormat
import ProfileReport
import Testing

@testable import ProfileDriver

/// The shell's fast `top` must print exactly what the report pipeline prints, for every
/// profile and every option it claims to handle.
@Suite struct ShellTopEngineTests {
    static let profiles = [
        "heap-leak", "allocs-leak", "cpu", "block", "mutex", "goroutine", "heap-rate1", "heap-fixed",
    ]

    /// Option settings to combine with each profile, as the shell would set them.
    static let settings: [[String: String]] = [
        [:],
        ["nodecount": "3"],
        ["nodecount": "0"],
        ["nodecount": "50"],
        ["sort": "cum"],
        ["sort": "cum", "nodecount": "4"],
        ["nodefraction": "0.1"],
        ["nodefraction": "0", "nodecount": "0"],
        ["edgefraction": "0.2", "nodecount": "6"],
        ["granularity": "lines"],
        ["granularity": "files"],
        ["granularity": "filefunctions", "nodecount": "7"],
        ["granularity": "addresses", "nodecount": "8"],
        ["noinlines": "true"],
        ["granularity": "lines", "noinlines": "true", "sort": "cum"],
        ["mean": "true"],
        ["unit": "auto"],
        ["unit": "kb"],
        ["divide_by": "3"],
        ["compact_labels": "false"],
        ["focus": "main"],
        ["ignore": "runtime"],
        ["focus": "image|bytes", "ignore": "jpeg"],
        ["focus": "nomatchwhatsoever"],
        ["ignore": "imgseed"],
        ["drop_negative": "true"],
        ["sample_index": "0"],
        ["trim": "false"],
        ["trim_path": "example.com", "granularity": "files"],
    ]

    static func load(_ name: String, diffBase: String? = nil) throws -> Profile {
        Environment.prepare()
        let loader = ProfileLoader()
        return try Session.loadProfile(
            sources: ["Samples/\(name).pb.gz"], bases: diffBase.map { ["Samples/\($0).pb.gz"] } ?? [],
            diffBase: true, normalize: false, loader: loader, warn: { _ in })
    }

    /// The pipeline's `top` and the engine's for one configuration; nil when the options do not fit the profile.
    static func both(_ p: Profile, _ setting: [String: String], command: String = "top") throws
        -> (pipeline: String, engine: String)?
    {
        var cfg = ReportConfig()
        cfg.compactLabels = true
        for (k, v) in setting {
            guard let f = ReportConfig.field(named: k) else { continue }
            try cfg.set(f, v)
        }
        if cfg.nodeCount == -1 && command == "top" { cfg.nodeCount = 10 }
        guard (try? ReportPipeline.sampleIndex(p, cfg.sampleIndex)) != nil else { return nil }
        var pipelineWarnings: [String] = []
        let rpt = try ReportPipeline.makeReport(
            p, command: command, format: .text, config: cfg, warn: { pipelineWarnings.append($0) })
        let expected = String(decoding: try rpt.generate(), as: UTF8.self)
        var engineWarnings: [String] = []
        let engine = TopEngine(samples: SampleIndex(profile: p), key: TopEngine.Key(cfg))
        #expect(TopEngine.handles(cfg))
        let got = String(decoding: try engine.render(cfg, command: command, warn: { engineWarnings.append($0) }), as: UTF8.self)
        #expect(engineWarnings == pipelineWarnings)
        return (expected, got)
    }

    @Test(arguments: profiles)
    func sameAsPipeline(_ name: String) throws {
        let p = try Self.load(name)
        for setting in Self.settings {
            guard let (expected, got) = try Self.both(p, setting) else { continue }
            if got != expected {
                Issue.record("\(name) \(setting): \(firstDifference(got, expected))")
            }
        }
        for command in ["text", "top"] {
            guard let (expected, got) = try Self.both(p, ["nodecount": "-1"], command: command) else { continue }
            #expect(got == expected, "\(name) \(command)")
        }
    }

    @Test func sameAsPipelineWithDiffBase() throws {
        for (new, base) in [("heap-leak", "heap-fixed"), ("allocs-leak", "allocs-fixed")] {
            let p = try Self.load(new, diffBase: base)
            for setting in Self.settings + [["drop_negative": "true", "nodecount": "5"]] {
                guard let (expected, got) = try Self.both(p, setting) else { continue }
                if got != expected {
                    Issue.record("\(new)-\(base) \(setting): \(firstDifference(got, expected))")
                }
            }
        }
    }

    @Test func largeProfilesSummedInPartsAgree() throws {
        // Over 50,000 samples the engine sums on all cores; the parts must add up exactly.
        var p = try Self.load("allocs-leak")
        let original = p.samples
        for copy in 1..<900 {
            for s in original {
                var t = s
                t.values = s.values.map { $0 * Int64(copy % 7 + 1) }
                p.samples.append(t)
            }
        }
        #expect(p.samples.count > 50_000)
        for setting in [[:], ["mean": "true", "sort": "cum"], ["focus": "image", "nodecount": "4"]] {
            guard let (expected, got) = try Self.both(p, setting) else { continue }
            if got != expected { Issue.record("\(setting): \(firstDifference(got, expected))") }
        }
    }

    @Test func sameErrors() throws {
        let p = try Self.load("heap-leak")
        var cfg = ReportConfig()
        cfg.focus = "("
        let engine = TopEngine(samples: SampleIndex(profile: p), key: TopEngine.Key(cfg))
        var pipelineError = ""
        do {
            _ = try ReportPipeline.makeReport(p, command: "top", format: .text, config: cfg, warn: { _ in })
        } catch {
            pipelineError = error.message
        }
        var engineError = ""
        do {
            _ = try engine.render(cfg, command: "top", warn: { _ in })
        } catch {
            engineError = error.message
        }
        #expect(!engineError.isEmpty)
        #expect(engineError == pipelineError)
    }
}
