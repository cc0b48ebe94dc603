/// Integers as Go's strconv reads them with base 0, the form go tool pprof parses numbers in
/// (legacy profiles' counts, `disasm`'s address argument): `0x`, `0o` and `0b` prefixes, a
/// leading `0` for octal, else decimal, with underscores allowed between digits.
public enum GoInteger {
    /// strconv.ParseUint(s, 0, 64); nil when `s` is not such a number or does not fit.
    public static func parseUnsigned(_ s: String) -> UInt64? {
        var t = Substring(s.replacingOccurrences(of: "_", with: ""))
        guard let first = t.first, first != "+", first != "-" else { return nil }
        var radix = 10
        let lower = t.lowercased()
        if lower.hasPrefix("0x") {
            radix = 16
            t = t.dropFirst(2)
        } else if lower.hasPrefix("0o") {
            radix = 8
            t = t.dropFirst(2)
        } else if lower.hasPrefix("0b") {
            radix = 2
            t = t.dropFirst(2)
        } else if t.count > 1 && t.hasPrefix("0") {
            radix = 8
            t = t.dropFirst()
        }
        guard let digit = t.first, digit != "+", digit != "-" else { return nil }
        return UInt64(t, radix: radix)
    }

    /// strconv.ParseInt(s, 0, 64): an optional sign, then what `parseUnsigned` reads, within Int64.
    public static func parse(_ s: String) -> Int64? {
        var t = Substring(s)
        var negative = false
        if let sign = t.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            t = t.dropFirst()
        }
        guard let magnitude = parseUnsigned(String(t)) else { return nil }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
}
