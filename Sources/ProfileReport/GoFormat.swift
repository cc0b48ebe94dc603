import Foundation

/// The few of Go's fmt verbs that pprof's reports use, with Go's exact output.
public enum GoFormat {
    /// `%.Nf`.
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return String(format: "%.\(digits)f", v)
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
