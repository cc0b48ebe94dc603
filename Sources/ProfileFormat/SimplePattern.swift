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
        return s.withUTF8 { u -> Bool? in
            for b in u where b >= 0x80 || b < 0x20 { return nil }
            return alternatives.contains { matches($0, u) }
        }
    }

    private func matches(_ a: Alternative, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.bytes.count
        if n > s.count { return false }
        func at(_ i: Int) -> Bool {
            for j in 0..<n where a.bytes[j] != UInt8(ascii: ".") && a.bytes[j] != s[i + j] { return false }
            return true
        }
        if a.anchoredStart { return at(0) && (!a.anchoredEnd || n == s.count) }
        if a.anchoredEnd { return at(s.count - n) }
        for i in 0...(s.count - n) where at(i) { return true }
        return false
    }
}
