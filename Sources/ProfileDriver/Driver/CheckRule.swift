import Foundation
import ProfileFormat
import ProfileReport

/// One `-check` rule: a figure of the report (`total`, `flat(RE)`, `cum(RE)`) compared with a
/// limit (`10MB`, `250ms`, `1000`, `5%` of the total), e.g. `flat(fetch) < 10MB`.
public struct CheckRule: Sendable, CustomStringConvertible {
    /// What the rule measures.
    public enum Figure: Sendable {
        /// The sum of every sample's value (with a base: the change).
        case total
        /// The sum of the flat (or cumulative) values of the nodes whose names match.
        case flat(String), cum(String)
    }

    public enum Comparison: String, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        }
    }

    /// The right-hand side: a number in a unit ("" for the sample unit) or a share of the total.
    public enum Limit: Sendable {
        case amount(Double, unit: String)
        case percent(Double)
    }

    public let text: String
    public let figure: Figure
    public let comparison: Comparison
    public let limit: Limit
    let pattern: GoRegex?

    public var description: String { text }

    /// Parses a rule; the error names the rule and what is wrong with it.
    public static func parse(_ rule: String) throws(ReportError) -> CheckRule {
        let text = rule.trimmingCharacters(in: .whitespaces)
        func bad(_ why: String) -> ReportError {
            ReportError(
                "-check \"\(rule)\": \(why) (a rule is total, flat(REGEXP) or cum(REGEXP), then <, <=, > or >=, "
                    + "then a value such as 10MB, 250ms, 1000 or 5%)")
        }
        // The limit has no < or >, so the last of them is the comparison.
        guard let opIndex = text.lastIndex(where: { $0 == "<" || $0 == ">" }) else {
            throw bad("no comparison")
        }
        var lhsEnd = opIndex
        var op = String(text[opIndex])
        var rhsStart = text.index(after: opIndex)
        if rhsStart < text.endIndex && text[rhsStart] == "=" {
            op += "="
            rhsStart = text.index(after: rhsStart)
        }
        // `a <= b` written with the = first is a mistake worth naming.
        if lhsEnd > text.startIndex, text[text.index(before: lhsEnd)] == "=" {
            throw bad("\"=\(op)\" is not a comparison")
        }
        // A comparison written twice (`total << 5`) leaves an operator on the left.
        if lhsEnd > text.startIndex, "<>".contains(text[text.index(before: lhsEnd)]) {
            lhsEnd = text.index(before: lhsEnd)
            throw bad("\"\(text[lhsEnd...opIndex])\" is not a comparison")
        }
        let comparison = Comparison(rawValue: op)!
        let lhs = text[..<lhsEnd].trimmingCharacters(in: .whitespaces)
        let rhs = text[rhsStart...].trimmingCharacters(in: .whitespaces)
        var figure: Figure
        var pattern: GoRegex?
        if lhs == "total" {
            figure = .total
        } else if let (kind, re) = Self.call(lhs) {
            do {
                pattern = try GoRegex(re)
            } catch {
                throw bad("bad regexp \"\(re)\": \(error)")
            }
            figure = kind == "flat" ? .flat(re) : .cum(re)
        } else if lhs.isEmpty {
            throw bad("nothing before \(op)")
        } else {
            throw bad("\"\(lhs)\" is not total, flat(REGEXP) or cum(REGEXP)")
        }
        guard let limit = Self.limit(rhs) else {
            throw bad(rhs.isEmpty ? "no value after \(op)" : "\"\(rhs)\" is not a value")
        }
        return CheckRule(text: text, figure: figure, comparison: comparison, limit: limit, pattern: pattern)
    }

    /// `flat(RE)` or `cum(RE)` split into its name and regexp.
    static func call(_ s: String) -> (String, String)? {
        for kind in ["flat", "cum"] where s.hasPrefix(kind + "(") && s.hasSuffix(")") {
            let re = s.dropFirst(kind.count + 1).dropLast()
            if re.isEmpty { return nil }
            return (kind, String(re))
        }
        return nil
    }

    /// A number (negative for a change that shrinks) with an optional unit or `%`.
    static func limit(_ s: String) -> Limit? {
        let sign = s.hasPrefix("-") ? "-" : ""
        let number = sign + s.dropFirst(sign.count).prefix { $0.isNumber || $0 == "." }
        guard number.count > sign.count, let v = Double(number), v.isFinite else { return nil }
        let unit = s.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        if unit == "%" { return .percent(v) }
        guard unit.allSatisfy({ $0.isLetter }) else { return nil }
        return .amount(v, unit: unit)
    }
}
