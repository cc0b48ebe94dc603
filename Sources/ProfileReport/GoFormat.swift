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

    private static let powersOfTen: [Double] = [1, 10, 100, 1000, 10000]

    /// `%.Nf` for small N and moderate values without going through printf (reports format
    /// millions of values): the exact decimal value is rounded half to even, as printf does,
    /// with fused multiply-adds deciding each comparison exactly. Nil when out of range.
    static func fastFixed(_ v: Double, _ digits: Int) -> String? {
        let a = abs(v)
        guard a < 1e12 else { return nil }
        let scale = powersOfTen[digits]
        // k = floor(a × scale), exactly: a × scale − k is computed without intermediate rounding.
        var k = (a * scale).rounded(.down)
        while k > 0 && (-k).addingProduct(a, scale) < 0 { k -= 1 }
        while (-(k + 1)).addingProduct(a, scale) >= 0 { k += 1 }
        // Compare the remainder with one half: the sign of a × 2·scale − (2k + 1).
        let half = (-(2 * k + 1)).addingProduct(a, 2 * scale)
        var n = Int64(k)
        if half > 0 || (half == 0 && n % 2 == 1) { n += 1 }
        let unit = Int64(scale)
        var frac = String(n % unit)
        if frac.utf8.count < digits { frac = String(repeating: "0", count: digits - frac.utf8.count) + frac }
        return (v.sign == .minus ? "-" : "") + String(n / unit) + "." + frac
    }

    /// `%.Ng` (C and Go agree on this form for finite values).
    public static func general(_ v: Double, _ digits: Int) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return String(format: "%.\(digits)g", v)
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
