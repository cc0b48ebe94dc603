import Foundation

/// A regexp made only of letters, digits, `_`, `/`, `-`, `:`, `.` (any character), with
/// optional `^` and `$` anchors and `|` alternatives: common focus patterns, matched without
/// the regexp engine. Only ASCII strings are matched this way, where `.` is one byte.
public struct SimplePattern: Sendable {
    struct Alternative: Sendable {
        var bytes: [UInt8]
        var anchoredStart: Bool
        var anchoredEnd: Bool
    }

    let alternatives: [Alternative]

    public init?(_ pattern: String) {
        var alts: [Alternative] = []
        for part in pattern.split(separator: "|", omittingEmptySubsequences: false) {
            var body = Array(part.utf8)
            var alt = Alternative(bytes: [], anchoredStart: false, anchoredEnd: false)
            if body.first == UInt8(ascii: "^") {
                alt.anchoredStart = true
                body.removeFirst()
            }
            if body.last == UInt8(ascii: "$") {
                alt.anchoredEnd = true
                body.removeLast()
            }
            for b in body {
                let ok =
                    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                    || b == UInt8(ascii: "_") || b == UInt8(ascii: "/") || b == UInt8(ascii: "-")
                    || b == UInt8(ascii: ":") || b == UInt8(ascii: ".")
                if !ok { return nil }
            }
            alt.bytes = body
            alts.append(alt)
        }
        alternatives = alts
    }

    /// Whether the pattern matches `s`, or nil when `s` is not ASCII (or has control characters).
    public func matches(_ s: String) -> Bool? {
        var s = s
        return s.withUTF8 { matches(utf8: $0) }
    }

    /// Whether the pattern matches the text of these UTF-8 bytes, or nil when it is not ASCII
    /// (or has control characters).
    public func matches(utf8 u: UnsafeBufferPointer<UInt8>) -> Bool? {
        for b in u where b >= 0x80 || b < 0x20 { return nil }
        return alternatives.contains { matches($0, u) }
    }

    private func matches(_ a: Alternative, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.bytes.count
        if n > s.count { return false }
        if n == 0 { return !a.anchoredStart || !a.anchoredEnd || s.isEmpty }
        return a.bytes.withUnsafeBufferPointer { p in
            func at(_ i: Int) -> Bool {
                for j in 0..<n where p[j] != UInt8(ascii: ".") && p[j] != s[i + j] { return false }
                return true
            }
            if a.anchoredStart { return at(0) && (!a.anchoredEnd || n == s.count) }
            if a.anchoredEnd { return at(s.count - n) }
            let first = p[0]
            if first == UInt8(ascii: ".") {
                for i in 0...(s.count - n) where at(i) { return true }
                return false
            }
            // Candidates start where the first byte is.
            let base = s.baseAddress!
            var i = 0
            let last = s.count - n
            while i <= last {
                guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return false }
                let k = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if at(k) { return true }
                i = k + 1
            }
            return false
        }
    }
}
