import Foundation
import ProfileFormat
import ProfileReport

/// A rule with the figures it was judged on, all in the profile's sample unit.
public struct CheckOutcome: Sendable {
    public let rule: CheckRule
    /// The figure measured: the total, or the flat or cumulative sum of the matching nodes.
    public let value: Int64
    /// The limit converted to the sample unit.
    public let limit: Double
    /// The total that `%` limits are shares of (the report's total, as its percentages use).
    public let total: Int64
    /// How many nodes the rule's regexp matched (nil for `total`).
    public let matched: Int?
    public let holds: Bool
    /// One line for people: the rule, the value and the limit with units.
    public let line: String
}

/// `-check RULE`: rules judged against the profile as the report options filter it.
/// The exit status says how they went: 0 all hold, 3 one or more broken (1 stays "error").
public enum Checks {
    public static let brokenStatus: Int32 = 3

    /// Parses every rule, or throws the first that does not parse.
    public static func parse(_ rules: [String]) throws(ReportError) -> [CheckRule] {
        var parsed: [CheckRule] = []
        for r in rules { parsed.append(try CheckRule.parse(r)) }
        return parsed
    }

    /// Judges `rules` on the profile of `index` (with a base already merged in: then on the
    /// change), with the same sample index, filters and granularity as a report. Node values
    /// are the index's rows (ProfileIndex.nodeRows), untrimmed.
    public static func evaluate(
        _ rules: [CheckRule], index: ProfileIndex, config: ReportConfig, warn: (String) -> Void
    ) throws(ReportError) -> [CheckOutcome] {
        let nodes = try index.nodeRows(config, warn: warn)
        let unit = nodes.sampleUnit
        var sum: Int64 = 0
        for v in nodes.flat { sum &+= v }
        var outcomes: [CheckOutcome] = []
        for rule in rules {
            var value = sum
            var matched: Int?
            if let rx = rule.pattern {
                let cum: Bool
                if case .cum = rule.figure { cum = true } else { cum = false }
                value = 0
                var count = 0
                for (i, name) in nodes.names.enumerated() where rx.matches(name) {
                    value &+= cum ? nodes.cum[i] : nodes.flat[i]
                    count += 1
                }
                matched = count
            }
            let limit = try limitValue(rule, unit: unit, total: nodes.total, sampleType: nodes.sampleType)
            let holds = rule.comparison.holds(Double(value), limit)
            outcomes.append(
                CheckOutcome(
                    rule: rule, value: value, limit: limit, total: nodes.total, matched: matched, holds: holds,
                    line: describe(rule, value: value, limit: limit, total: nodes.total, matched: matched, unit: unit)))
        }
        return outcomes
    }

    /// The limit in the sample unit; a unit of another kind (ms for bytes) is an error.
    static func limitValue(_ rule: CheckRule, unit: String, total: Int64, sampleType: String) throws(ReportError)
        -> Double
    {
        switch rule.limit {
        case .percent(let p):
            return Double(total) * p / 100
        case .amount(let v, let given):
            if given.isEmpty { return v }
            // Measurement names the unit it converted to: a unit it does not know has no name,
            // and one of another kind (ms for bytes) converts to a unit of its own kind.
            let native = Measurement.scale(1, from: unit, to: unit).1
            let (one, to) = Measurement.scale(1, from: given, to: unit)
            let known = Measurement.scale(1, from: given, to: "minimum").1
            if known.isEmpty || to != native {
                throw ReportError(
                    "-check \"\(rule.text)\": \(given) is not a unit of \(sampleType) (measured in \(unit))")
            }
            return v * one
        }
    }

    /// "flat(fetch) < 10MB: flat(fetch) is 44.96MB over 1 node (limit 10MB; total 166.02MB)".
    static func describe(
        _ rule: CheckRule, value: Int64, limit: Double, total: Int64, matched: Int?, unit: String
    ) -> String {
        func show(_ v: Int64) -> String { Measurement.label(v, unit: unit) }
        let name: String
        switch rule.figure {
        case .total: name = "total"
        case .flat(let re): name = "flat(\(re))"
        case .cum(let re): name = "cum(\(re))"
        }
        var line = "\(rule.text): \(name) is \(show(value))"
        if let matched { line += " over \(matched) node\(matched == 1 ? "" : "s")" }
        let limitValue = Int64(clamping: Int64(exactly: limit.rounded()) ?? (limit < 0 ? Int64.min : Int64.max))
        line += " (limit \(show(limitValue))"
        if case .percent(let p) = rule.limit { line += " = \(formatGoFloat(p))% of \(show(total))" }
        line += ")"
        return line
    }

    /// Judges the rules and prints each broken one as `check failed: …` on standard error;
    /// returns 0 when all hold, 3 when one is broken, 1 when they could not be judged.
    public static func run(_ rules: [CheckRule], session: Session, sink: OutputSink) -> Int32 {
        do {
            let outcomes = try evaluate(rules, index: session.index, config: session.config, warn: sink.err)
            let broken = outcomes.filter { !$0.holds }
            for o in broken { sink.err("check failed: " + o.line) }
            return broken.isEmpty ? 0 : brokenStatus
        } catch {
            sink.err("pprof: \(error.message)")
            return 1
        }
    }
}
