import Testing
@testable import ProfileFormat

/// The byte-level readers under the legacy formats: lines, hex addresses (read eight bytes at a
/// time) and the address table, checked against plain definitions of what they must do.
@Suite struct LegacyReadingTests {
    /// Go's reading of the addresses in a text: every `0x[0-9a-f]+`, parsed with ParseUint.
    static let goHex = try! GoRegex("0x[0-9a-f]+")

    /// The addresses in `b[r]` as go reads them, or the text of the first that does not fit.
    static func expected(_ b: [UInt8], _ r: Range<Int>) -> Result<[UInt64], ProfileError> {
        var out: [UInt64] = []
        for m in goHex.allMatches(String(decoding: b[r], as: UTF8.self)) {
            let token = m[0]!
            guard let v = UInt64(token.dropFirst(2), radix: 16) else {
                return .failure(ProfileError("failed to parse as hex 64-bit number: \(token)"))
            }
            out.append(v)
        }
        return .success(out)
    }

    static func actual(_ b: [UInt8], _ r: Range<Int>) -> Result<[UInt64], ProfileError> {
        var out: [UInt64] = []
        do throws(ProfileError) {
            try LegacyNumbers.hexAddresses(b, r, into: &out)
        } catch {
            return .failure(error)
        }
        return .success(out)
    }

    static func same(_ a: Result<[UInt64], ProfileError>, _ b: Result<[UInt64], ProfileError>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)): x == y
        case (.failure(let x), .failure(let y)): "\(x)" == "\(y)"
        default: false
        }
    }

    @Test func hexAddressesReadAsGoReadsThem() {
        // Texts of hex runs of every length up to 20 digits among bytes that are almost hex
        // (upper case, `g`, `/`, `:`, '`', bytes above 0x7f), read from every start to the end
        // and to a random point, and from the start to every end: runs end at the range's end,
        // at the buffer's end, and with fewer than eight bytes left to read.
        let pieces: [[UInt8]] = [
            Array("0x".utf8), Array(" ".utf8), Array("x".utf8), Array("0".utf8), Array("A".utf8), Array("g".utf8),
            Array("/".utf8), Array(":".utf8), Array("`".utf8), Array("@".utf8), [0x80], [0xff], [0xb0], [0xe6],
        ]
        let digits = Array("0123456789abcdef".utf8)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(n))
        }
        var mismatches: [String] = []
        for _ in 0..<2000 {
            var text: [UInt8] = []
            for _ in 0..<next(6) {
                text += pieces[next(pieces.count)]
                if next(2) == 0 {
                    text += Array("0x".utf8)
                    for _ in 0..<next(21) { text.append(digits[next(digits.count)]) }
                }
            }
            var ranges = (0...text.count).map { $0..<text.count } + (0...text.count).map { 0..<$0 }
            ranges += (0...text.count).map { lo in lo..<(lo + next(text.count - lo + 1)) }
            for r in ranges where !Self.same(Self.actual(text, r), Self.expected(text, r)) {
                mismatches.append("\(Array(text[r]))")
            }
        }
        let firstFew = Array(mismatches.prefix(3))
        #expect(firstFew.isEmpty, "\(mismatches.count) ranges read differently")
    }

    @Test func hexAddressesAtTheLimitOfSixtyFourBits() {
        let tooLarge = "failed to parse as hex 64-bit number: "
        let sixteenZeros = String(repeating: "0", count: 16)
        let cases: [(String, Result<[UInt64], ProfileError>)] = [
            ("0xffffffffffffffff", .success([.max])),
            ("0x" + String(repeating: "0", count: 20) + "1 0x7f0011223344", .success([1, 0x7f00_1122_3344])),
            ("0x1" + sixteenZeros, .failure(ProfileError(tooLarge + "0x1" + sixteenZeros))),
            ("0x12345678 0x123456789abcdef01 0x1", .failure(ProfileError(tooLarge + "0x123456789abcdef01"))),
        ]
        for (text, result) in cases {
            let b = Array(text.utf8)
            #expect(Self.same(Self.actual(b, 0..<b.count), result), "\(text)")
        }
    }

    @Test func linesSplitAsGoScannerSplitsThem() {
        var lines = LegacyLines(Array("a\r\nb\n\n c \nlast".utf8))
        var seen: [String] = []
        while lines.scan() { seen.append(lines.text) }
        #expect(seen == ["a", "b", "", " c ", "last"])
        #expect(lines.text.isEmpty)
    }

    @Test func addressHashIsInvertible() {
        // Lookups trust equal hashes to mean equal addresses: the hash must be a bijection.
        // Its inverse: undo the xor (the high half is unchanged), then multiply by the inverse
        // of the odd multiplier (Newton's iteration, doubling the correct low bits each step).
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var inverse = k
        for _ in 0..<6 { inverse = inverse &* (2 &- k &* inverse) }
        #expect(k &* inverse == 1)
        var a: UInt64 = 0
        for i in 0..<100_000 {
            a = a &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for address in [a, UInt64(i), UInt64(i) << 32, .max &- UInt64(i)] {
                let h = LegacyBuilder.addressHash(address)
                #expect((h ^ (h >> 32)) &* inverse == address)
            }
        }
    }

    @Test func addressesDifferingOnlyInHighBitsAreDistinctLocations() throws {
        let text = """
            heap profile: 3: 30 [3: 30] @ heapprofile
            1: 10 [1: 10] @ 0x1001 0x100000001001
            1: 10 [1: 10] @ 0x100000001001 0x1001

            """
        let p = try Profile.parse(Array(text.utf8))
        #expect(p.locations.map(\.address) == [0x1000, 0x1000_0000_1000])
        #expect(p.samples.map(\.locations) == [[0, 1], [1, 0]])
    }

    @Test func sampleValuesAreCheckedBeforeItsAddresses() {
        // A bad count is reported before an address too large for 64 bits, as the hand-read
        // path always has (reading addresses on the way must not change that).
        let text = "heap profile: 1: 5 [1: 5] @ heapprofile\n0: 5 [0: 0] @ 0x1ffffffffffffffffff\n"
        #expect {
            _ = try Profile.parse(Array(text.utf8))
        } throws: { error in
            "\(error)".contains("inuse count was 0 but inuse bytes was 5")
        }
    }
}
