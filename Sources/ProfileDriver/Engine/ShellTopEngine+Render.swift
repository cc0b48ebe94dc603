import Foundation
import ProfileFormat
import ProfileReport

extension TopEngine {
    /// Go's `fmt.Sprint` of a node's identity: the last tie-breaker of pprof's sorts.
    func goString(_ n: Int) -> String {
        let i = info(n)
        return "{\(i.name) \(i.origName) \(i.address) \(i.file) \(i.startLine) \(i.lineno) \(i.objfile)}"
    }

    /// `top`/`text` for `input` (the shell's options with the command's arguments applied).
    func render(_ input: ReportConfig, command: String, warn: (String) -> Void) throws(ReportError) -> [UInt8] {
        for w in unitWarnings { warn(w) }
        let cfg = ReportPipeline.applyCommandOverrides(command, .text, input)
        var options = try reportOptions(profile, cfg)
        options.format = .text
        let total = self.total(index: options.sampleIndex, meanIndex: options.meanDivisorIndex)
        let (keep, warnings) = try self.keep(focus: cfg.focus, ignore: cfg.ignore)
        for w in warnings { warn(w) }
        let s = sums(index: options.sampleIndex, meanIndex: options.meanDivisorIndex, keep: keep)

        var nodes: [Int] = []
        var totalFlat: Int64 = 0
        for n in 0..<nodeCount {
            let flat = s.flat[n], cum = s.cum[n]
            if cum == 0 && flat == 0 { continue }
            if options.dropNegative && (flat < 0 || (flat == 0 && cum < 0)) { continue }
            nodes.append(n)
            totalFlat &+= flat
        }
        let nodeCutoff = goAbs(goInt64(Double(totalFlat) * options.nodeFraction))
        let edgeCutoff = goAbs(goInt64(Double(totalFlat) * options.edgeFraction))
        var parents: [Bool]?
        var droppedNodes = 0
        if nodeCutoff > 0 {
            let kept = nodes.filter { goAbs(s.cum[$0]) >= nodeCutoff }
            if kept.count != nodes.count {
                droppedNodes = nodes.count - kept.count
                nodes = kept
                parents = membership(kept)
            }
        }
        let origCount = nodes.count
        sortNodes(&nodes, s, cum: options.cumSort)
        if options.nodeCount > 0 && nodes.count > options.nodeCount {
            nodes = Array(nodes.prefix(options.nodeCount))
            parents = membership(nodes)
        }
        let inline = inlineLabels(
            shown: nodes, parents: parents, cutoff: Int64(clamping: edgeCutoff), index: options.sampleIndex,
            meanIndex: options.meanDivisorIndex, keep: keep)

        options.outputUnit = outputUnit(nodes, s, total: total, options)
        func format(_ v: Int64) -> String {
            var v = v
            if options.ratio > 0 && options.ratio != 1 { v = goInt64(Double(v) * options.ratio) }
            return Measurement.scaledLabel(v, from: options.sampleUnit, to: options.outputUnit)
        }
        var labels: [String] = []
        if !options.compactLabels {
            labels += Report(profile: profile, options: options).profileLabels()
        }
        if !options.activeFilters.isEmpty {
            labels.append("Active filters:")
            for f in options.activeFilters {
                var line = f
                if line.utf8.count > 80 { line = String(decoding: Array(line.utf8.prefix(80)), as: UTF8.self) + "…" }
                labels.append("   " + line)
            }
        }
        var shownFlat: Int64 = 0
        for n in nodes { shownFlat &+= s.flatValue(n) }
        labels.append(
            "Showing nodes accounting for \(format(shownFlat)), "
                + "\(Measurement.percentage(shownFlat, total).trimmingCharacters(in: .whitespaces)) of \(format(total)) total")
        if total != 0 {
            if droppedNodes > 0 {
                let cut = format(goAbs(goInt64(Double(total) * options.nodeFraction)))
                labels.append("Dropped \(droppedNodes) \(droppedNodes > 1 ? "nodes" : "node") (cum <= \(cut))")
            }
            if !nodes.isEmpty && nodes.count < origCount {
                labels.append("Showing top \(nodes.count) nodes out of \(origCount)")
            }
        }
        var w = labels.joined(separator: "\n") + "\n"
        w += "      flat  flat%   sum%        cum   cum%\n"
        var sum: Int64 = 0
        for n in nodes {
            let flat = s.flatValue(n), cum = s.cumValue(n)
            sum &+= flat
            w += GoFormat.pad(format(flat), 10)
            w += " " + Measurement.percentage(flat, total)
            w += " " + Measurement.percentage(sum, total)
            w += " " + GoFormat.pad(format(cum), 10)
            w += " " + Measurement.percentage(cum, total)
            w += "  " + name(n)
            if let label = inline[n] { w += " " + label }
            w += "\n"
        }
        return Array(w.utf8)
    }

    private func membership(_ nodes: [Int]) -> [Bool] {
        var m = [Bool](repeating: false, count: nodeCount)
        for n in nodes { m[n] = true }
        return m
    }

    /// Report's flat or cum order: by |flat| (or |cum|), then name, then the other, then identity.
    private func sortNodes(_ nodes: inout [Int], _ s: Sums, cum: Bool) {
        nodes.sort { l, r in
            let (l1, r1) = cum ? (goAbs(s.cum[l]), goAbs(s.cum[r])) : (goAbs(s.flat[l]), goAbs(s.flat[r]))
            if l1 != r1 { return l1 > r1 }
            if name(l) != name(r) { return name(l) < name(r) }
            let (l2, r2) = cum ? (goAbs(s.flat[l]), goAbs(s.flat[r])) : (goAbs(s.cum[l]), goAbs(s.cum[r]))
            if l2 != r2 { return l2 > r2 }
            return goString(l) < goString(r)
        }
    }

    /// Report's one unit for the whole table, from the smallest shown value and the total.
    private func outputUnit(_ nodes: [Int], _ s: Sums, total: Int64, _ options: ReportOptions) -> String {
        guard options.outputUnit == "minimum", !nodes.isEmpty else { return options.outputUnit }
        return Report.minimumUnit(
            values: nodes.lazy.map { (s.flatValue($0), s.cumValue($0)) }, total: total, options: options)
    }
}
