/// The lines of a text profile, read one at a time the way Go's bufio.Scanner reads them: split
/// at `\n`, a trailing `\r` dropped, and an empty current line once the input is used up.
struct LegacyLines {
    let bytes: [UInt8]
    private(set) var position = 0
    /// The current line's bytes.
    private(set) var line: Range<Int> = 0..<0

    init(_ bytes: [UInt8], from start: Int = 0) {
        self.bytes = bytes
        position = start
    }

    /// Moves to the next line; false (and an empty line) at the end of the input.
    mutating func scan() -> Bool {
        guard position < bytes.count else {
            line = position..<position
            return false
        }
        var end = position
        let n = bytes.count
        bytes.withUnsafeBufferPointer { b in
            while end < n && b[end] != 10 { end += 1 }
        }
        var stop = end
        if stop > position && bytes[stop - 1] == 13 { stop -= 1 }
        line = position..<stop
        position = end < n ? end + 1 : n
        return true
    }

    /// The current line as a string.
    var text: String { String(decoding: bytes[line], as: UTF8.self) }

    /// The current line without leading and trailing white space.
    var trimmed: Range<Int> { Self.trim(bytes, line) }

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    static func trim(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound
        var hi = r.upperBound
        while lo < hi && isSpace(b[lo]) { lo += 1 }
        while hi > lo && isSpace(b[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    /// Go's isSpaceOrComment: blank, or `#` first after white space.
    func isSpaceOrComment(_ r: Range<Int>) -> Bool {
        let t = Self.trim(bytes, r)
        return t.isEmpty || bytes[t.lowerBound] == UInt8(ascii: "#")
    }

    var currentIsSpaceOrComment: Bool { isSpaceOrComment(line) }

    func hasPrefix(_ r: Range<Int>, _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        guard r.count >= p.count else { return false }
        for i in 0..<p.count where bytes[r.lowerBound + i] != p[i] { return false }
        return true
    }

    func contains(_ r: Range<Int>, _ needle: String) -> Bool {
        let p = Array(needle.utf8)
        guard r.count >= p.count, let first = p.first else { return p.isEmpty }
        var i = r.lowerBound
        while i + p.count <= r.upperBound {
            if bytes[i] == first && bytes[i..<i + p.count].elementsEqual(p) { return true }
            i += 1
        }
        return false
    }

    /// Whether the line starts a memory map section (go's isMemoryMapSentinel).
    func isMemoryMapSentinel(_ r: Range<Int>) -> Bool {
        contains(r, "--- Memory map: ---") || contains(r, "MAPPED_LIBRARIES:")
    }

    /// Go's parseAdditionalSections: skips to the memory map, if there is one, and reads it.
    mutating func readAdditionalSections(into builder: inout LegacyBuilder) throws(ProfileError) {
        while !isMemoryMapSentinel(line) && scan() {}
        try builder.addMemoryMap(&self)
    }
}

/// Number parsing with Go's rules, for the legacy readers.
enum LegacyNumbers {
    /// Every `0x[0-9a-f]+` in `b[r]`, parsed; an address too large for 64 bits is an error.
    static func hexAddresses(_ b: [UInt8], _ r: Range<Int>, into out: inout [UInt64]) throws(ProfileError) {
        var i = r.lowerBound
        let end = r.upperBound
        while i + 2 < end {
            if b[i] == UInt8(ascii: "0") && b[i + 1] == UInt8(ascii: "x") && lowerHex(b[i + 2]) != nil {
                var j = i + 2
                var v: UInt64 = 0
                var overflow = false
                while j < end, let d = lowerHex(b[j]) {
                    if v > (UInt64.max >> 4) { overflow = true }
                    v = v &<< 4 | UInt64(d)
                    j += 1
                }
                if overflow {
                    throw ProfileError("failed to parse as hex 64-bit number: \(String(decoding: b[i..<j], as: UTF8.self))")
                }
                out.append(v)
                i = j
            } else {
                i += 1
            }
        }
    }

    @inline(__always) static func lowerHex(_ c: UInt8) -> UInt8? {
        if c >= 48 && c <= 57 { return c - 48 }
        if c >= 97 && c <= 102 { return c - 87 }
        return nil
    }

    /// Go's strconv.ParseInt(s, 0, 64).
    static func parseInt(_ s: String) -> Int64? { GoInteger.parse(s) }

    /// Decimal digits from `i` (with an optional leading `-` when `signed`); nil when none.
    @inline(__always)
    static func decimal(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int, signed: Bool) -> Int64? {
        var negative = false
        var j = i
        if signed && j < end && b[j] == UInt8(ascii: "-") {
            negative = true
            j += 1
        }
        let start = j
        var v: Int64 = 0
        while j < end, b[j] >= 48, b[j] <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(b[j] - 48))
            if o1 || o2 { return nil }
            v = s
            j += 1
        }
        if j == start { return nil }
        i = j
        return negative ? -v : v
    }

    @inline(__always) static func skipSpaces(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) {
        while i < end && b[i] == 32 { i += 1 }
    }
}
