import Foundation
import ProfileFormat

/// `re.matches` over many strings: simple patterns (literals with `.`, `^`, `$`, `|`) on
/// ASCII strings by a byte search, the rest by the regexp, split across the cores.
func matchAll(_ re: GoRegex, _ strings: [String]) -> [Bool] {
    guard let simple = SimplePattern(re.pattern) else { return parallelMatch(re, strings) }
    var out = [Bool](repeating: false, count: strings.count)
    var rest: [Int] = []
    for (i, s) in strings.enumerated() {
        if let m = simple.matches(s) { out[i] = m } else { rest.append(i) }
    }
    if !rest.isEmpty {
        let matched = parallelMatch(re, rest.map { strings[$0] })
        for (k, i) in rest.enumerated() { out[i] = matched[k] }
    }
    return out
}

/// A regexp made only of letters, digits, `_`, `/`, `-`, `:`, `.` (any character), with
/// optional `^` and `$` anchors and `|` alternatives: common focus patterns, matched without
/// the regexp engine. Only ASCII strings are matched this way, where `.` is one byte.
struct SimplePattern {
    struct Alternative {
        var bytes: [UInt8]
        var anchoredStart: Bool
        var anchoredEnd: Bool
    }

    let alternatives: [Alternative]

    init?(_ pattern: String) {
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
    func matches(_ s: String) -> Bool? {
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

/// `re.matches` over many strings, split across the cores.
func parallelMatch(_ re: GoRegex, _ strings: [String]) -> [Bool] {
    final class Results: @unchecked Sendable {
        var flags: [Bool]
        init(_ n: Int) { flags = [Bool](repeating: false, count: n) }
    }
    let results = Results(strings.count)
    let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 2, strings.count / 256))
    let size = (strings.count + chunks - 1) / max(chunks, 1)
    results.flags.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let out = out
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * size, hi = min(strings.count, lo + size)
            if lo >= hi { return }
            for i in lo..<hi { out[i] = re.matches(strings[i]) }
        }
    }
    return results.flags
}
