import Foundation

/// A regular expression with Go's `regexp` conventions: unanchored matching, RE2 syntax
/// (`(?P<name>…)` accepted). Backed by ICU through NSRegularExpression.
public struct GoRegex: @unchecked Sendable, CustomStringConvertible {
    public let pattern: String
    private let regex: NSRegularExpression
    /// The pattern matched without the regexp engine, when it is that simple.
    public let simple: SimplePattern?

    /// Compiles `pattern`; a bad pattern throws an error that quotes it.
    public init(_ pattern: String) throws(ProfileError) {
        self.pattern = pattern
        simple = SimplePattern(pattern)
        let translated = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        do {
            regex = try NSRegularExpression(pattern: translated, options: [])
        } catch {
            throw ProfileError("invalid regular expression `\(pattern)`")
        }
    }

    /// Whether the expression matches anywhere in `s`.
    public func matches(_ s: String) -> Bool {
        if let simple, let matched = simple.matches(s) { return matched }
        if s.isEmpty {
            return regex.firstMatch(in: s, options: [], range: NSRange(location: 0, length: 0)) != nil
        }
        let ns = s as NSString
        return regex.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) != nil
    }

    /// The first match's full text and capture groups (nil for groups that did not take part).
    public func firstMatch(_ s: String) -> [String?]? {
        let ns = s as NSString
        guard let m = regex.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) else {
            return nil
        }
        return (0..<m.numberOfRanges).map { i in
            let r = m.range(at: i)
            return r.location == NSNotFound ? nil : ns.substring(with: r)
        }
    }

    /// Every non-overlapping match's capture groups, at most `limit` of them (all when negative).
    public func allMatches(_ s: String, limit: Int = -1) -> [[String?]] {
        let ns = s as NSString
        var out: [[String?]] = []
        for m in regex.matches(in: s, options: [], range: NSRange(location: 0, length: ns.length)) {
            if limit >= 0 && out.count >= limit { break }
            out.append(
                (0..<m.numberOfRanges).map { i in
                    let r = m.range(at: i)
                    return r.location == NSNotFound ? nil : ns.substring(with: r)
                })
        }
        return out
    }

    public var description: String { pattern }
}
