import Foundation
import Testing

@testable import ProfileReport

/// GoFormat.fixed's fast path must print exactly what printf's %.Nf prints.
@Suite struct GoFormatTests {
    static func printf(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }

    @Test func tiesRoundHalfToEven() {
        for (v, want) in [(0.125, "0.12"), (0.375, "0.38"), (2.5, "2.50"), (1.005, "1.00"), (2.675, "2.67"), (-0.001, "-0.00")] {
            #expect(GoFormat.fixed(v, 2) == want, "\(v)")
            #expect(GoFormat.fixed(v, 2) == Self.printf(v, 2), "\(v)")
        }
        #expect(GoFormat.fixed(-0.0, 2) == "-0.00")
        #expect(GoFormat.fixed(0.25, 1) == "0.2")
        #expect(GoFormat.fixed(0.35, 1) == Self.printf(0.35, 1))
    }

    @Test func agreesWithPrintfOnManyValues() {
        var rng = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        for i in 0..<200_000 {
            let v: Double
            switch i % 5 {
            case 0: v = Double.random(in: -1000...1000, using: &rng)
            case 1: v = Double(Int.random(in: -10_000_000...10_000_000, using: &rng)) / 1000  // near ties
            case 2: v = Double(Int.random(in: 0...100_000, using: &rng)) / 8  // exact binary ties
            case 3: v = Double.random(in: 0...1, using: &rng) * pow(10, Double(Int.random(in: -8...11, using: &rng)))
            default: v = Double(Int.random(in: 0...Int(1e12), using: &rng)) + 0.005
            }
            for d in 1...2 where GoFormat.fixed(v, d) != Self.printf(v, d) {
                mismatches.append("\(v) %.\(d)f: \(GoFormat.fixed(v, d)) vs \(Self.printf(v, d))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func generalAgreesWithPrintf() {
        var rng = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        var values: [Double] = [0, 1e-4, 0.0001, 0.00995, 0.0995, 0.995, 0.999, 0.1, 0.01, 0.001, 0.125, 0.0125, 0.00125]
        for _ in 0..<200_000 {
            values.append(Double.random(in: 0..<1, using: &rng) * pow(10, -Double(Int.random(in: 0...5, using: &rng))))
            values.append(Double(Int.random(in: 1...99_999, using: &rng)) / 100_000)
            values.append(Double(Int.random(in: 1...9_999, using: &rng)) / 10_000 + 0.00005)
        }
        for v in values where GoFormat.general(v, 2) != String(format: "%.2g", v) {
            mismatches.append("\(v): \(GoFormat.general(v, 2)) vs \(String(format: "%.2g", v))")
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func scalerMatchesScaledLabel() {
        var rng = SystemRandomNumberGenerator()
        let pairs = [
            ("bytes", "minimum"), ("bytes", "auto"), ("bytes", "MB"), ("bytes", "kb"), ("bytes", "nanoseconds"),
            ("nanoseconds", "auto"), ("nanoseconds", "ms"), ("nanoseconds", "minimum"), ("count", "minimum"),
            ("count", "auto"), ("objects", "bytes"), ("", "minimum"), ("frobs", "frobs"), ("kilobytes", "auto"),
            ("seconds", "hours"), ("microseconds", "s"), ("milligcu", "auto"), ("bytes", "sample"),
        ]
        var values: [Int64] = [0, 1, -1, 1023, 1024, -1024, 1 << 20, Int64.max, Int64.min, Int64.min + 1]
        for _ in 0..<2_000 {
            values.append(Int64.random(in: -1 << 50...1 << 50, using: &rng) >> Int64.random(in: 0...45, using: &rng))
        }
        for (from, to) in pairs {
            let scaler = Measurement.Scaler(from: from, to: to)
            for v in values {
                #expect(scaler.label(v) == Measurement.scaledLabel(v, from: from, to: to), "\(v) \(from) -> \(to)")
            }
        }
    }

    @Test func bytePercentagesMatchMeasurement() {
        var rng = SystemRandomNumberGenerator()
        var pairs: [(Int64, Int64)] = [(1, 1), (0, 5), (-3, 7), (9995, 10000), (10005, 10000), (1, 0), (Int64.max / 2, 3)]
        for _ in 0..<100_000 {
            let total = Int64.random(in: 1...1_000_000_000, using: &rng)
            pairs.append((Int64.random(in: -2 * total...2 * total, using: &rng), total))
            // Under 1%, where %.2g takes over: every decade down to the exponent form.
            let scale = Int64(pow(10, Double(Int.random(in: 2...7, using: &rng))))
            pairs.append((Int64.random(in: -(total / scale)...(total / scale), using: &rng), total))
        }
        // Values that round into the next decade (0.0995% is 0.1%, 0.995% is 1%) or sit on a tie.
        for t: Int64 in [1_000_000, 10_000_000, 100_000_000, 123_456_789] {
            for v in [t / 1000 - 1, t / 1000, t / 10000 * 995 / 100, t / 100_000 * 995 / 100, t * 995 / 100_000, t / 100 - 1] {
                for d: Int64 in -3...3 { pairs.append((v + d, t)) }
            }
        }
        for (v, t) in pairs {
            var b = ReportBytes()
            b.percentage(v, t)
            #expect(b.string == Measurement.percentage(v, t), "\(v)/\(t)")
        }
    }
}
