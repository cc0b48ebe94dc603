import Foundation

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
        let n = bytes.count
        let start = position
        let end = bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, let newline = memchr(base + start, 10, n - start) else { return n }
            return UnsafeRawPointer(newline) - UnsafeRawPointer(base)
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
        let overflow = b.withUnsafeBufferPointer { p -> Range<Int>? in
            var i = r.lowerBound
            while i < r.upperBound {
                let run = hexRun(p, from: i, to: r.upperBound, into: &out)
                if run.overflow != nil { return run.overflow }
                i = run.stop + 1
            }
            return nil
        }
        if let overflow { throw hexOverflow(b, overflow) }
    }

    /// The `0x[0-9a-f]+` addresses in the run of `[ x0-9a-f]` bytes that starts at `start`,
    /// appended to `out`. `stop` is where the run ends: `end`, or the first other byte. An address
    /// too large for 64 bits ends the parse early: `overflow` is its text and `stop` its end.
    @inline(__always)
    static func hexRun(
        _ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, into out: inout [UInt64]
    ) -> (stop: Int, overflow: Range<Int>?) {
        var i = start
        while i < end {
            let c = b[i]
            if c == UInt8(ascii: "0") && i + 2 < end && b[i + 1] == UInt8(ascii: "x") && isHex(b[i + 2]) {
                let (v, j, fits) = hexNumber(b, from: i + 2, to: end)
                if !fits { return (j, i..<j) }
                out.append(v)
                i = j
            } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "x") || isHex(c) {
                i += 1
            } else {
                return (i, nil)
            }
        }
        return (end, nil)
    }

    /// The error for an address too large for 64 bits, `b[r]`.
    static func hexOverflow(_ b: [UInt8], _ r: Range<Int>) -> ProfileError {
        ProfileError("failed to parse as hex 64-bit number: \(String(decoding: b[r], as: UTF8.self))")
    }

    /// The hex number whose digits start at `start` (`hexDigits`), and whether it fits in 64 bits:
    /// past 16 significant digits it does not (checked once, not per digit).
    @inline(__always)
    static func hexNumber(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (UInt64, Int, fits: Bool) {
        let (v, j) = hexDigits(b, from: start, to: end)
        if j - start > 16 {
            var k = start
            while k < j && b[k] == UInt8(ascii: "0") { k += 1 }
            if j - k > 16 { return (v, j, false) }
        }
        return (v, j, true)
    }

    /// The lower-case hex digits from `start` up to `end` or the first other byte: their value
    /// (modulo 2^64) and where they stop. Eight bytes are taken at a time while eight can be read.
    @inline(__always)
    static func hexDigits(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (UInt64, Int) {
        var i = start
        var v: UInt64 = 0
        while i < end && i + 8 <= b.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self))
            let n = min(hexPrefix(word), end - i)
            if n == 0 { break }
            v = v &<< (4 * n) | packHex(word, n)
            i += n
            if n < 8 { return (v, i) }
        }
        while i < end && isHex(b[i]) {
            v = v &<< 4 | hexDigit(b[i])
            i += 1
        }
        return (v, i)
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// How many of the eight bytes of `word` (first byte lowest) are lower-case hex digits before
    /// the first that is not. Each byte is range-tested in its own lane: its low seven bits plus
    /// a bias set the lane's high bit exactly when the byte is at least (or above) a bound.
    @inline(__always) static func hexPrefix(_ word: UInt64) -> Int {
        let low = word & ~highBits
        let digit = (low &+ ones &* (0x80 - 0x30)) & ~(low &+ ones &* (0x7F - 0x39))
        let letter = (low &+ ones &* (0x80 - 0x61)) & ~(low &+ ones &* (0x7F - 0x66))
        let other = ~((digit | letter) & ~word) & highBits
        return other.trailingZeroBitCount >> 3
    }

    /// The value of the first `n` (1...8) bytes of `word`, all hex digits, the first the most
    /// significant: each byte becomes its digit, the digits are reversed into place and packed.
    @inline(__always) static func packHex(_ word: UInt64, _ n: Int) -> UInt64 {
        let nibbles = (word & (ones &* 0x0F)) &+ 9 &* ((word >> 6) & ones)
        var r = (nibbles &<< (8 * (8 - n))).byteSwapped
        r = (r | (r >> 4)) & 0x00FF_00FF_00FF_00FF
        r = (r | (r >> 8)) & 0x0000_FFFF_0000_FFFF
        return (r | (r >> 16)) & 0xFFFF_FFFF
    }

    /// Whether `c` is a lower-case hex digit (digits and letters told apart without a branch).
    @inline(__always) static func isHex(_ c: UInt8) -> Bool {
        let digit: UInt8 = c &- 48 < 10 ? 1 : 0
        let letter: UInt8 = c &- 97 < 6 ? 1 : 0
        return digit | letter != 0
    }

    /// The value of `c`, a lower-case hex digit (`isHex`), without a branch.
    @inline(__always) static func hexDigit(_ c: UInt8) -> UInt64 {
        UInt64(c & 0x0F) &+ 9 &* UInt64(c >> 6)
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
