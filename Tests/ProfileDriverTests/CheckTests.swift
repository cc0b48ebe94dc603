import Foundation
import ProfileDriver
import ProfileReport
import Testing

/// `-check RULE`: the rule syntax, the figures each rule measures, and the exit statuses
/// (0 all hold, 3 a rule broken, 1 an error), on the sample heap profiles.
@Suite struct CheckTests {
    static let leak = "Samples/heap-leak.pb.gz"
    static let fixed = "Samples/heap-fixed.pb.gz"

    @Test func rulesThatHoldExitZeroAndPrintNothing() {
        // heap-leak: 166.02MB in use, main.fetch 44.96MB flat, bytes.growSlice 118.91MB flat.
        let r = runPprof([
            "-check", "total < 200MB", "-check", "flat(main\\.fetch) >= 44MB", "-check", "cum(^main\\.fetch$) > 85%",
            "-check", "flat(growSlice)<=72%", Self.leak,
        ])
        #expect(r.status == 0)
        #expect(r.err == "")
        #expect(r.out.isEmpty)
    }

    @Test func aBrokenRuleExitsThreeWithItsFigures() {
        let r = runPprof(["-check", "total < 200MB", "-check", "flat(fetch) < 10MB", Self.leak])
        #expect(r.status == 3)
        #expect(r.err == "check failed: flat(fetch) < 10MB: flat(fetch) is 44.96MB over 1 node (limit 10MB)\n")
    }

    @Test func percentagesAreSharesOfTheReportTotal() {
        let r = runPprof(["-check", "flat(growSlice) < 5%", Self.leak])
        #expect(r.status == 3)
        #expect(r.err.contains("flat(growSlice) is 118.91MB over 1 node (limit 8.30MB = 5% of 166.02MB)"))
    }

    @Test func aReportStillPrintsAndTheChecksDecideTheStatus() {
        let plain = runPprof(["-top", "-nodecount=3", Self.leak])
        let checked = runPprof(["-top", "-nodecount=3", "-check", "total < 1kB", Self.leak])
        #expect(checked.out == plain.out)
        #expect(checked.status == 3)
        #expect(checked.err == "check failed: total < 1kB: total is 166.02MB (limit 1kB)\n")
    }

    @Test func withABaseTheRulesJudgeTheChange() throws {
        // The change from the fixed build to the leaking one, figured separately from each profile.
        let leak = try CheckFigures.values(Self.leak), fixed = try CheckFigures.values(Self.fixed)
        let change = leak.total - fixed.total
        for flag in ["-base", "-diff_base"] {
            let r = runPprof([flag, Self.fixed, "-check", "total < 1MB", Self.leak])
            #expect(r.status == 3)
            #expect(r.err == "check failed: total < 1MB: total is \(Measurement.label(change, unit: "bytes")) (limit 1MB)\n")
            let holds = runPprof([flag, Self.fixed, "-check", "total >= \(change)", "-check", "total <= \(change)", Self.leak])
            #expect(holds.status == 0, "\(holds.err)")
        }
    }

    @Test func filtersAndSampleIndexApply() {
        // inuse_objects counts objects: plain numbers only.
        let objects = runPprof(["-sample_index=inuse_objects", "-check", "total < 1", Self.leak])
        #expect(objects.status == 3)
        #expect(objects.err.hasPrefix("check failed: total < 1: total is "))
        let focused = runPprof(["-focus=growSlice", "-check", "total < 119MB", "-check", "total > 118MB", Self.leak])
        #expect(focused.status == 0, "\(focused.err)")
    }

    @Test(arguments: [
        ("total 10MB", "no comparison"),
        ("tot < 1", "\"tot\" is not total, flat(REGEXP) or cum(REGEXP)"),
        ("flat() < 1", "\"flat()\" is not total"),
        ("flat(x) =< 10", "\"=<\" is not a comparison"),
        ("total << 10", "\"<<\" is not a comparison"),
        ("flat([) < 1", "bad regexp \"[\""),
        ("total < ", "no value after <"),
        ("total < ten", "\"ten\" is not a value"),
        ("total < 10MB!", "\"10MB!\" is not a value"),
        ("< 10", "nothing before <"),
        ("total < 5ms", "ms is not a unit of inuse_space (measured in bytes)"),
        ("flat(x) < 10 parsecs", "parsecs is not a unit of inuse_space"),
    ])
    func aRuleThatDoesNotParseIsOneErrorLine(_ rule: String, _ phrase: String) {
        let r = runPprof(["-check", rule, Self.leak])
        #expect(r.status == 1)
        #expect(r.err.hasPrefix("pprof: -check \"\(rule)\": "))
        #expect(r.err.contains(phrase), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1)
        #expect(r.out.isEmpty)
    }

    @Test func countsTakeNoUnit() {
        let r = runPprof(["-sample_index=inuse_objects", "-check", "total < 10MB", Self.leak])
        #expect(r.status == 1)
        #expect(r.err.contains("MB is not a unit of inuse_objects (measured in count)"))
    }
}

/// Figures made from the report pipeline directly, to check the rules against.
enum CheckFigures {
    static func values(_ path: String) throws -> (total: Int64, nodes: [String: Int64]) {
        Environment.prepare()
        let p = try ProfileLoader().load(path).profile
        var cfg = ReportConfig()
        cfg.trim = false
        let rpt = try ReportPipeline.makeReport(p, command: "top", format: .text, config: cfg, warn: { _ in })
        var total: Int64 = 0
        var nodes: [String: Int64] = [:]
        for n in rpt.newGraph().nodes {
            total += n.flatValue
            nodes[n.printableName] = n.flatValue
        }
        return (total, nodes)
    }
}
