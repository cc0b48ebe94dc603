import Foundation
import ProfileFormat

extension NodeSpace {
    /// `top`/`text` with these options and total over the samples `keep` lets through.
    func renderTop(_ reportOptions: ReportOptions, total: Int64, keep: [Bool]?) -> [UInt8] {
        topTable(reportOptions, total: total, keep: keep).text()
    }

    /// The rows of `top`/`text` (the nodes shown, in order) and its header lines, which the
    /// text and JSON writers both format.
    func topTable(_ reportOptions: ReportOptions, total: Int64, keep: [Bool]?) -> TopTable {
        var options = reportOptions
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
        let nodeCutoff = Graph.cutoff(options.nodeFraction, of: totalFlat)
        let edgeCutoff = Graph.cutoff(options.edgeFraction, of: totalFlat)
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
            // Go's SelectTopNodes also drops a node whose |cum| wraps below zero.
            nodes = nodes.prefix(options.nodeCount).filter { goAbs(s.cum[$0]) >= 0 }
            parents = membership(nodes)
        }
        let inline = inlineLabels(
            shown: nodes, parents: parents, cutoff: edgeCutoff, index: options.sampleIndex,
            meanIndex: options.meanDivisorIndex, keep: keep)

        options.outputUnit = outputUnit(nodes, s, total: total, options)
        let rpt = Report(profile: profile, options: options, total: total)
        var shownFlat: Int64 = 0
        for n in nodes { shownFlat &+= s.flatValue(n) }
        let labels = rpt.reportLabels(
            flatSum: shownFlat, shown: nodes.count, selected: nodes.count, origCount: origCount,
            droppedNodes: droppedNodes, droppedEdges: 0, fullHeaders: false)
        let rows = nodes.map { n in TopTable.Row(name: name(n), flat: s.flatValue(n), cum: s.cumValue(n), inline: inline[n]) }
        return TopTable(report: rpt, labels: labels, rows: rows)
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
            return info(l).goString < info(r).goString
        }
    }

    /// Report's one unit for the whole table, from the smallest shown value and the total.
    private func outputUnit(_ nodes: [Int], _ s: Sums, total: Int64, _ options: ReportOptions) -> OutputUnit {
        guard options.outputUnit == .minimum, !nodes.isEmpty else { return options.outputUnit }
        return .unit(
            Report.minimumUnit(
                values: nodes.lazy.map { (s.flatValue($0), s.cumValue($0)) }, total: total, options: options))
    }
}
