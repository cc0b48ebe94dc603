import Testing

@testable import ProfileFormat

@Suite("GoInteger: strconv's base-0 integers")
struct GoIntegerTests {
    @Test("prefixes pick the base, underscores are allowed, signs only where ParseInt takes one", arguments: [
        ("42", Int64(42), UInt64(42)), ("0x2A", 42, 42), ("0o52", 42, 42), ("052", 42, 42), ("0b101010", 42, 42),
        ("1_000", 1000, 1000), ("0", 0, 0),
    ] as [(String, Int64, UInt64)])
    func numbers(_ text: String, _ signed: Int64, _ unsigned: UInt64) {
        #expect(GoInteger.parse(text) == signed)
        #expect(GoInteger.parseUnsigned(text) == unsigned)
        #expect(GoInteger.parse("-" + text) == -signed)
        #expect(GoInteger.parseUnsigned("-" + text) == nil)
    }

    @Test("what is not a number, or does not fit, is nil", arguments: [
        "", "-", "+", "0x", "--1", "-+1", "+-1", "12a", "spin", "0b2", "09", "18446744073709551616",
    ])
    func rejects(_ text: String) {
        #expect(GoInteger.parse(text) == nil)
        #expect(GoInteger.parseUnsigned(text) == nil)
    }

    @Test("Int64's ends: the most negative value parses, one past the largest does not")
    func ends() {
        #expect(GoInteger.parse("-9223372036854775808") == Int64.min)
        #expect(GoInteger.parse("9223372036854775807") == Int64.max)
        #expect(GoInteger.parse("9223372036854775808") == nil)
        #expect(GoInteger.parseUnsigned("18446744073709551615") == UInt64.max)
    }
}
