import ProfileFormat

/// Two profiles side by side, one row per function (or line, file, address — whatever the
/// granularity makes the nodes): the base value, the new value, the change and the change
/// relative to the base, largest change first. Both reports must come from the same options.
public struct DiffReport {
    /// One function's values in both profiles, in the sample unit.
    public struct Row: Sendable, Equatable {
        public let name: String
        public let base: Int64
        public let new: Int64
        public var delta: Int64 { new &- base }
    }

    /// Rows where either side is nonzero, by |delta| descending, then name.
    public let rows: [Row]
    /// The sums of the flat values of each side after filtering.
    public let baseTotal: Int64
    public let newTotal: Int64
    /// The new report's options: sample type and unit, output unit, ratio, active filters.
    public let options: ReportOptions

    /// A comparison from values already summed per name (both in the new profile's unit).
    public init(
        values: [String: (base: Int64, new: Int64)], baseTotal: Int64, newTotal: Int64, options: ReportOptions
    ) {
        self.options = options
        self.baseTotal = baseTotal
        self.newTotal = newTotal
        rows = Self.sortedRows(values)
    }

    static func sortedRows(_ values: [String: (base: Int64, new: Int64)]) -> [Row] {
        values.compactMap { name, v in
            v.base == 0 && v.new == 0 ? nil : Row(name: name, base: v.base, new: v.new)
        }.sorted { a, b in
            let da = a.delta.magnitude, db = b.delta.magnitude
            if da != db { return da > db }
            return a.name < b.name
        }
    }

    /// What to print besides the rows.
    public struct Layout {
        /// Lines printed first (which profiles are compared).
        public var title: [String] = []
        /// At most this many rows; 0 or less for all.
        public var rowCount = 0
        /// Only rows whose names this matches, and none that `exclude` matches.
        public var include: GoRegex?
        public var exclude: GoRegex?
        /// What a row is, plural: "functions", "lines", "files", "addresses".
        public var noun = "functions"

        public init() {}
    }

    /// `functions` → `function`, `addresses` → `address`.
    static func singular(_ noun: String) -> String {
        String(noun.dropLast(noun.hasSuffix("sses") ? 2 : 1))
    }

    /// The rows the layout shows (those that changed and match, up to its row count), how many
    /// changed, and how many match but did not change.
    public func selection(_ layout: Layout) -> (shown: [Row], changed: Int, unchanged: Int) {
        let matching = rows.filter { r in
            (layout.include?.matches(r.name) ?? true) && !(layout.exclude?.matches(r.name) ?? false)
        }
        let changed = matching.filter { $0.delta != 0 }
        var shown = changed
        if layout.rowCount > 0 && shown.count > layout.rowCount { shown = Array(shown.prefix(layout.rowCount)) }
        return (shown, changed.count, matching.count - changed.count)
    }

    /// Renders the table: title, type, filters, totals, then base, new, delta, delta% and the name.
    public func render(_ layout: Layout) -> String {
        let (shown, changedCount, unchanged) = selection(layout)
        let unit = outputUnit(for: shown)
        func value(_ v: Int64, signed: Bool = false) -> String {
            var v = v
            if options.ratio > 0 && options.ratio != 1 { v = goInt64(Double(v) * options.ratio) }
            let s = Measurement.scaledLabel(v, from: options.sampleUnit, to: unit)
            return signed && v > 0 ? "+" + s : s
        }
        var w = ""
        for line in layout.title { w += line + "\n" }
        if !options.sampleType.isEmpty { w += "Type: \(options.sampleType)\n" }
        if !options.activeFilters.isEmpty {
            w += "Active filters:\n"
            for f in options.activeFilters { w += "   \(f)\n" }
        }
        let totalDelta = newTotal &- baseTotal
        w += "Total: base \(value(baseTotal)), new \(value(newTotal)), "
        w += "delta \(value(totalDelta, signed: true)) (\(Self.percent(totalDelta, of: baseTotal, new: newTotal)))\n"
        let noun = changedCount == 1 ? Self.singular(layout.noun) : layout.noun
        var what = "\(shown.count) of \(changedCount) \(noun) that changed"
        if shown.count == changedCount { what = "\(changedCount) \(noun) that changed" }
        if unchanged > 0 { what += " (\(unchanged) unchanged)" }
        w += "Showing \(what), largest |delta| first\n"
        w += "      base        new      delta    delta%\n"
        for r in shown {
            w += GoFormat.pad(value(r.base), 10) + " " + GoFormat.pad(value(r.new), 10) + " "
            w += GoFormat.pad(value(r.delta, signed: true), 10) + " "
            w += GoFormat.pad(Self.percent(r.delta, of: r.base, new: r.new), 9) + "  " + r.name + "\n"
        }
        return w
    }

    /// The change relative to the base: "+12.50%", "-100%", "new" when the base is zero.
    public static func percent(_ delta: Int64, of base: Int64, new: Int64) -> String {
        if delta == 0 { return "0%" }
        if base == 0 { return new == 0 ? "0%" : "new" }
        let r = Double(delta) / Double(base.magnitude) * 100
        var s = r.magnitude >= 0.01 || r == 0 ? GoFormat.fixed(r.magnitude, 2) : GoFormat.general(r.magnitude, 2)
        if s.hasSuffix(".00") { s.removeLast(3) }
        return (r < 0 ? "-" : "+") + s + "%"
    }

    /// One unit for the table, as `top` picks one: from the smallest shown value and the largest total.
    func outputUnit(for shown: [Row]) -> OutputUnit {
        guard options.outputUnit == .minimum else { return options.outputUnit }
        var minValue: Int64 = 0
        for r in shown {
            for v in [r.base.magnitude, r.new.magnitude, r.delta.magnitude] where v > 0 && v <= UInt64(Int64.max) {
                let v = Int64(v)
                if minValue == 0 || v < minValue { minValue = v }
            }
        }
        let maxValue = max(Int64(clamping: baseTotal.magnitude), Int64(clamping: newTotal.magnitude))
        return .unit(Report.minimumUnit(smallest: minValue, largest: maxValue, options: options))
    }
}
