import Foundation

/// A growing UTF-8 buffer for reports with many lines.
struct ReportBytes {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    mutating func append(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
    }

    mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: b)
    }

    /// Makes room for `more` bytes at once.
    mutating func reserve(_ more: Int) {
        bytes.reserveCapacity(bytes.count + more)
    }

    /// Text known at compile time, copied as bytes.
    mutating func literal(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// A number with two decimals, trailing zeros dropped ("12.5", "3", "0.07"), as the SVG
    /// writers print coordinates.
    mutating func fixed2(_ v: Double) {
        var n = Int((v * 100).rounded())
        if n < 0 {
            bytes.append(UInt8(ascii: "-"))
            n = -n
        }
        decimal(n / 100)
        let frac = n % 100
        if frac != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(frac / 10))
            if frac % 10 != 0 { bytes.append(UInt8(ascii: "0") + UInt8(frac % 10)) }
        }
    }

    /// A non-negative integer in decimal.
    mutating func decimal(_ n: Int) {
        var power = 1
        while n / power >= 10 { power *= 10 }
        while power > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(n / power % 10))
            power /= 10
        }
    }

    /// `n` spaces (none when `n` is not positive).
    mutating func spaces(_ n: Int) {
        if n > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }

    /// Measurement.percentage's text (`%5.2f%%` from 1% on, `%5.2g%%` under it), written
    /// without intermediate strings for the values reports print by the hundred thousand.
    mutating func percentage(_ value: Int64, _ total: Int64) {
        var ratio = 0.0
        if total != 0 { ratio = abs(Double(value) / Double(total)) * 100 }
        if ratio >= 1 && ratio < 1e12 && !(ratio >= 99.95 && ratio <= 100.05) {
            // %5.2f: the digits of n / 100, a point, two more digits, right-aligned in five.
            let n = GoFormat.roundScaled(ratio, 100)
            let whole = n / 100
            var width = 1
            var power: Int64 = 1
            while whole / power >= 10 {
                power *= 10
                width += 1
            }
            spaces(5 - (width + 3))
            while power > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(whole / power % 10))
                power /= 10
            }
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(n % 100 / 10))
            bytes.append(UInt8(ascii: "0") + UInt8(n % 10))
            bytes.append(UInt8(ascii: "%"))
            return
        }
        if ratio > 0 && ratio < 1, let (m, zeros) = GoFormat.twoSignificantDigits(ratio), zeros >= 0 {
            // %5.2g of 0.0…0m: "0." then the zeros and m's digits, a trailing zero dropped.
            let mDigits = m % 10 == 0 ? 1 : 2
            spaces(5 - (2 + zeros + mDigits))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: zeros))
            bytes.append(UInt8(ascii: "0") + UInt8(m / 10))
            if mDigits == 2 { bytes.append(UInt8(ascii: "0") + UInt8(m % 10)) }
            bytes.append(UInt8(ascii: "%"))
            return
        }
        append(Measurement.percentage(value, total))
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
