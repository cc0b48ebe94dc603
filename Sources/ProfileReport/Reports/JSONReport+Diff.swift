import ProfileFormat

extension JSONReport {
    /// The header of a report made from options alone (the shell's `diff`, `growth`), with
    /// `total` in the sample unit.
    static func header(_ report: String, options: ReportOptions, total: Int64) -> (Header, (Int64) -> Int64) {
        let (unit, factor) = baseUnit(options.sampleUnit)
        let convert: (Int64) -> Int64 = { v in
            var v = v
            let r = options.ratio
            if r > 0 && r != 1 { v = goInt64(Double(v) * r) }
            return toBase(v, factor)
        }
        let h = Header(
            report: report, file: nil, buildId: nil, comments: [], sampleType: options.sampleType, unit: unit,
            time: nil, timeNanos: nil, durationNanos: nil, total: convert(total), activeFilters: options.activeFilters)
        return (h, convert)
    }

    struct DiffRow: Encodable {
        let name: String
        let base: Int64
        let new: Int64
        let delta: Int64
    }

    struct DiffBody: Encodable {
        let baseTotal: Int64
        let newTotal: Int64
        let changed: Int
        let unchanged: Int
        let rows: [DiffRow]
    }
}

extension DiffReport {
    /// The shell's `diff` as JSON: the rows the text table shows, in its order; `total` is the
    /// base's total.
    public func json(_ layout: Layout) throws(ReportError) -> [UInt8] {
        let (shown, changed, unchanged) = selection(layout)
        let (header, v) = JSONReport.header("diff", options: options, total: baseTotal)
        let rows = shown.map { JSONReport.DiffRow(name: $0.name, base: v($0.base), new: v($0.new), delta: v($0.delta)) }
        return try JSONReport.encode(
            header,
            JSONReport.DiffBody(
                baseTotal: v(baseTotal), newTotal: v(newTotal), changed: changed, unchanged: unchanged, rows: rows))
    }
}
