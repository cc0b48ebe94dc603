import Foundation

/// The few of Go's fmt verbs that pprof's reports use, with Go's exact output.
public enum GoFormat {
    /// `%.Nf`.
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if digits >= 1 && digits <= 4, let s = fastFixed(v, digits) { return s }
        return String(format: "%.\(digits)f", v)
    }

    private static let powersOfTen: [Double] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000]

    /// a × scale (a ≥ 0, scale a power of ten) rounded to an integer half to even, as printf
    /// rounds the exact decimal value: fused multiply-adds decide each comparison exactly.
    static func roundScaled(_ a: Double, _ scale: Double) -> Int64 {
        // k = floor(a × scale), exactly: a × scale − k is computed without intermediate rounding.
        var k = (a * scale).rounded(.down)
        while k > 0 && (-k).addingProduct(a, scale) < 0 { k -= 1 }
        while (-(k + 1)).addingProduct(a, scale) >= 0 { k += 1 }
        // Compare the remainder with one half: the sign of a × 2·scale − (2k + 1).
        let half = (-(2 * k + 1)).addingProduct(a, 2 * scale)
        var n = Int64(k)
        if half > 0 || (half == 0 && n % 2 == 1) { n += 1 }
        return n
    }

    /// n as exactly `digits` decimal digits, zeros in front.
    private static func zeroPadded(_ n: Int64, _ digits: Int) -> String {
        let s = String(n)
        return s.utf8.count < digits ? String(repeating: "0", count: digits - s.utf8.count) + s : s
    }

    /// `%.Nf` for small N and moderate values without going through printf (reports format
    /// millions of values). Nil when out of range.
    static func fastFixed(_ v: Double, _ digits: Int) -> String? {
        let a = abs(v)
        guard a < 1e12 else { return nil }
        let scale = powersOfTen[digits]
        let n = roundScaled(a, scale)
        let unit = Int64(scale)
        return (v.sign == .minus ? "-" : "") + String(n / unit) + "." + zeroPadded(n % unit, digits)
    }

    /// `%.Ng`.
    public static func general(_ v: Double, _ digits: Int) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if digits == 2, let s = fastGeneral2(v) { return s }
        return String(format: "%.\(digits)g", v)
    }

    /// `%.2g` of a value in [0, 1) that prints without an exponent (percentages under 1%):
    /// two significant digits, trailing zeros dropped. Nil for anything else.
    static func fastGeneral2(_ v: Double) -> String? {
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        guard v >= 1e-4 && v < 1 else { return nil }
        guard let (m, zeros) = twoSignificantDigits(v) else { return nil }
        if zeros < 0 { return "1" }
        // m × 10^-(zeros+2): "0." and the zeros, then m; %g drops a trailing zero.
        var s = "0." + String(repeating: "0", count: zeros) + String(m)
        if m % 10 == 0 { s.removeLast() }
        return s
    }

    /// `v` in [1e-4, 1) rounded to two significant digits as m × 10^-(zeros+2), m in [10, 99]
    /// (how %.2g prints it without an exponent); zeros is -1 when it rounds up to 1 (m = 10), and
    /// the result nil when v is out of that range.
    static func twoSignificantDigits(_ v: Double) -> (m: Int64, zeros: Int)? {
        guard v >= 1e-4 && v < 1 else { return nil }
        // The power of ten that brings v into [10, 100).
        var k = 1 - Int(log10(v).rounded(.down))
        guard k >= 2 && k <= 6 else { return nil }
        if (-10).addingProduct(v, powersOfTen[k]) < 0 { k += 1 }
        if k > 2 && (-100).addingProduct(v, powersOfTen[k]) >= 0 { k -= 1 }
        guard k >= 2 && k <= 5 else { return nil }
        var m = roundScaled(v, powersOfTen[k])
        if m == 100 {
            // Rounded up into the next decade: 0.0995 is 0.1, 0.995 is 1.
            m = 10
            k -= 1
        }
        return (m, k - 2)
    }

    /// `%Ns`: right-aligned in N runes (Go counts runes, not bytes).
    public static func pad(_ s: String, _ width: Int) -> String {
        let n = s.unicodeScalars.count
        return n >= width ? s : String(repeating: " ", count: width - n) + s
    }

    /// `%-Ns`: left-aligned in N runes.
    public static func padRight(_ s: String, _ width: Int) -> String {
        let n = s.unicodeScalars.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }

    /// `%016x`.
    public static func hex16(_ v: UInt64) -> String {
        let h = String(v, radix: 16)
        return h.count >= 16 ? h : String(repeating: "0", count: 16 - h.count) + h
    }

    /// `%#x`.
    public static func hexPrefixed(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
}
