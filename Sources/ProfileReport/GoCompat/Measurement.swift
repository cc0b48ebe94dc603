import Foundation

/// Units and their conversions, as pprof's measurement package defines them.
public enum Measurement {
    struct Unit: Sendable {
        let name: String
        let aliases: [String]
        let factor: Double
    }

    struct UnitType: Sendable {
        let defaultUnit: Unit
        let units: [Unit]

        func find(alias: String) -> Unit? {
            units.first { $0.aliases.contains(alias) }
        }

        func sniff(_ unit: String) -> Unit? {
            var u = unit.lowercased()
            if u.count > 2 && u.hasSuffix("s") { u.removeLast() }
            return find(alias: u)
        }

        func autoScale(_ value: Double) -> (Double, String)? {
            var f = 0.0
            var name = ""
            for u in units where u.factor >= f && value / u.factor >= 1.0 {
                f = u.factor
                name = u.name
            }
            return f == 0 ? nil : (value / f, name)
        }

        func convert(_ value: Int64, from: String, to: OutputUnit) -> (Double, String)? {
            guard let fromUnit = sniff(from) else { return nil }
            let v = Double(value) * fromUnit.factor
            guard case .unit(let name) = to else {
                if let r = autoScale(v) { return r }
                return (v / defaultUnit.factor, defaultUnit.name)
            }
            guard let toUnit = sniff(name) else { return (v / defaultUnit.factor, defaultUnit.name) }
            return (v / toUnit.factor, toUnit.name)
        }
    }

    static let byte = Unit(name: "B", aliases: ["b", "byte"], factor: 1)
    static let unitTypes: [UnitType] = [
        UnitType(
            defaultUnit: byte,
            units: [
                byte,
                Unit(name: "kB", aliases: ["kb", "kbyte", "kilobyte"], factor: 1024),
                Unit(name: "MB", aliases: ["mb", "mbyte", "megabyte"], factor: Double(1 << 20)),
                Unit(name: "GB", aliases: ["gb", "gbyte", "gigabyte"], factor: Double(1 << 30)),
                Unit(name: "TB", aliases: ["tb", "tbyte", "terabyte"], factor: Double(1 << 40)),
                Unit(name: "PB", aliases: ["pb", "pbyte", "petabyte"], factor: Double(1 << 50)),
            ]),
        UnitType(
            defaultUnit: Unit(name: "s", aliases: [], factor: 1e9),
            units: [
                Unit(name: "ns", aliases: ["ns", "nanosecond"], factor: 1),
                Unit(name: "us", aliases: ["μs", "us", "microsecond"], factor: 1e3),
                Unit(name: "ms", aliases: ["ms", "millisecond"], factor: 1e6),
                Unit(name: "s", aliases: ["s", "sec", "second"], factor: 1e9),
                Unit(name: "hrs", aliases: ["hour", "hr"], factor: 3600e9),
            ]),
        UnitType(
            defaultUnit: Unit(name: "GCU", aliases: [], factor: 1),
            units: [
                Unit(name: "n*GCU", aliases: ["nanogcu"], factor: 1e-9),
                Unit(name: "u*GCU", aliases: ["microgcu"], factor: 1e-6),
                Unit(name: "m*GCU", aliases: ["milligcu"], factor: 1e-3),
                Unit(name: "GCU", aliases: ["gcu"], factor: 1),
                Unit(name: "k*GCU", aliases: ["kilogcu"], factor: 1e3),
                Unit(name: "M*GCU", aliases: ["megagcu"], factor: 1e6),
                Unit(name: "G*GCU", aliases: ["gigagcu"], factor: 1e9),
                Unit(name: "T*GCU", aliases: ["teragcu"], factor: 1e12),
                Unit(name: "P*GCU", aliases: ["petagcu"], factor: 1e15),
            ]),
    ]

    /// Converts `value` in `fromUnit` to `toUnit` (`.minimum`/`.auto` pick a readable unit).
    /// Returns the number and the unit's printed name ("" for plain counts).
    public static func scale(_ value: Int64, from fromUnit: String, to toUnit: OutputUnit) -> (Double, String) {
        if value < 0 && value != Int64.min {
            let (v, u) = scale(-value, from: fromUnit, to: toUnit)
            return (-v, u)
        }
        for ut in unitTypes {
            if let r = ut.convert(value, from: fromUnit, to: toUnit) { return r }
        }
        switch toUnit {
        case .minimum, .auto, .unit("count"), .unit("sample"), .unit("unit"): return (Double(value), "")
        case .unit(let name): return (Double(value), name)
        }
    }

    /// `scale` to a unit given as text (an option's value, or a unit a label names).
    public static func scale(_ value: Int64, from fromUnit: String, to toUnit: String) -> (Double, String) {
        scale(value, from: fromUnit, to: OutputUnit(toUnit))
    }

    /// `value` in `unit`, scaled to a readable unit, e.g. "1.50MB".
    public static func label(_ value: Int64, unit: String) -> String {
        scaledLabel(value, from: unit, to: .auto)
    }

    /// `value` converted to `toUnit` and printed with two decimals, trailing ".00" removed.
    public static func scaledLabel(_ value: Int64, from fromUnit: String, to toUnit: OutputUnit) -> String {
        label(scale(value, from: fromUnit, to: toUnit))
    }

    /// `scaledLabel` to a unit given as text.
    public static func scaledLabel(_ value: Int64, from fromUnit: String, to toUnit: String) -> String {
        scaledLabel(value, from: fromUnit, to: OutputUnit(toUnit))
    }

    static func label(_ scaled: (Double, String)) -> String {
        var s = GoFormat.fixed(scaled.0, 2)
        if s.hasSuffix(".00") { s.removeLast(3) }
        if s == "0" || s == "-0" { return "0" }
        return s + scaled.1
    }

    /// `scale` and `scaledLabel` for one pair of units, with the units looked up once: reports
    /// format tens of thousands of values in the same units.
    public struct Scaler: Sendable {
        let from: String, to: OutputUnit
        /// The unit type `from` belongs to, the factor to its base, and `to` in that type
        /// (nil for automatic scaling).
        let type: UnitType?
        let fromFactor: Double
        let auto: Bool
        let toUnit: Unit?

        public init(from: String, to: OutputUnit) {
            self.from = from
            self.to = to
            var type: UnitType?
            var fromFactor = 1.0
            for ut in Measurement.unitTypes {
                if let u = ut.sniff(from) {
                    type = ut
                    fromFactor = u.factor
                    break
                }
            }
            self.type = type
            self.fromFactor = fromFactor
            auto = to.scalesAutomatically
            var named: Unit?
            if case .unit(let name) = to { named = type?.sniff(name) }
            toUnit = named ?? type?.defaultUnit
        }

        /// The scaler to a unit given as text.
        public init(from: String, to: String) {
            self.init(from: from, to: OutputUnit(to))
        }

        /// What Measurement.scale(value, from:, to:) returns.
        public func scale(_ value: Int64) -> (Double, String) {
            if value < 0 && value != Int64.min {
                let (v, u) = scale(-value)
                return (-v, u)
            }
            guard let type, let toUnit else { return Measurement.scale(value, from: from, to: to) }
            let v = Double(value) * fromFactor
            if auto {
                if let r = type.autoScale(v) { return r }
                return (v / type.defaultUnit.factor, type.defaultUnit.name)
            }
            return (v / toUnit.factor, toUnit.name)
        }

        /// What Measurement.scaledLabel(value, from:, to:) returns.
        public func label(_ value: Int64) -> String { Measurement.label(scale(value)) }
    }

    /// `value` as a percentage of `total`, formatted as pprof's reports print it (width 6).
    public static func percentage(_ value: Int64, _ total: Int64) -> String {
        var ratio = 0.0
        if total != 0 { ratio = abs(Double(value) / Double(total)) * 100 }
        if ratio >= 99.95 && ratio <= 100.05 { return "  100%" }
        if ratio >= 1.0 { return GoFormat.pad(GoFormat.fixed(ratio, 2), 5) + "%" }
        return GoFormat.pad(GoFormat.general(ratio, 2), 5) + "%"
    }

    /// Whether two value types (type and unit) can be merged after unit conversion.
    public static func compatible(_ aType: String, _ aUnit: String, _ bType: String, _ bUnit: String) -> Bool {
        func trim(_ s: String) -> Substring { s.hasSuffix("s") ? s.dropLast() : Substring(s) }
        if trim(aType) != trim(bType) { return false }
        if aUnit == bUnit { return true }
        return unitTypes.contains { $0.sniff(aUnit) != nil && $0.sniff(bUnit) != nil }
    }
}
