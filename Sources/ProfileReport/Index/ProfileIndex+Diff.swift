import ProfileFormat

extension ProfileIndex {
    /// One side of the shell's `diff`: hands each row's name and value (cum with `cum`, else
    /// flat) to `add` and returns the sum of the flat values, over the samples the options keep,
    /// at their granularity; values multiplied by `factor` (the other side's unit) and rounded.
    /// Rows are the nodes a graph would select, as `top` prints them.
    public func diffValues(
        _ cfg: ReportConfig, cum: Bool, factor: Double, warn: (String) -> Void, add: (String, Int64) -> Void
    ) throws(ReportError) -> Int64 {
        let view = try self.view(cfg, warn: warn)
        let samples = view.index
        let index = try ReportPipeline.sampleIndex(profile, cfg.sampleIndex)
        let meanIndex: Int? = cfg.mean ? 0 : nil
        let (keep, warnings) = try samples.keep(focus: view.masks.focus, ignore: view.masks.ignore)
        for w in warnings { warn(w) }
        let space = samples.nodeSpace(NodeSpace.Key(view.masks))
        let s = space.sums(index: index, meanIndex: meanIndex, keep: keep)
        var total: Int64 = 0
        for n in 0..<space.nodeCount where GraphSums.selected(s.flat[n], s.cum[n], cfg.dropNegative) {
            var v = cum ? s.cumValue(n) : s.flatValue(n)
            var f = s.flatValue(n)
            if factor != 1 {
                v = goInt64((Double(v) * factor).rounded())
                f = goInt64((Double(f) * factor).rounded())
            }
            add(space.name(n), v)
            total &+= f
        }
        return total
    }
}
