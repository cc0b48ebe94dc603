import Foundation
import ProfileFormat

extension Report {
    /// `tree` and `peek`: each node with its callers above and callees below, as pprof's
    /// printTree does. With a symbol regexp (`peek`), only matching nodes are shown.
    /// The report is returned as bytes: it can run to tens of megabytes.
    public func printTree() throws(ReportError) -> [UInt8] {
        let (g, origCount, droppedNodes, _) = newTrimmedGraph()
        selectOutputUnit(g)
        var w = ReportBytes()
        w.append(
            reportLabels(g, origCount: origCount, droppedNodes: droppedNodes, droppedEdges: 0, fullHeaders: false)
                .joined(separator: "\n") + "\n")
        w.append(TreeRenderer.separator)
        w.append("      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n")
        var shown = g.nodes
        if let rx = options.symbol {
            shown = shown.filter { rx.matches($0.printableName) }
            if shown.isEmpty { throw ReportError("no matches found for regexp: \(rx.pattern)") }
        }
        let renderer = TreeRenderer(g, shown, self)
        // Large graphs make hundreds of thousands of lines: two threads render half each.
        let halves = renderer.split()
        let parts = UnsafeSendableBox([ReportBytes](repeating: ReportBytes(), count: halves.count))
        let input = UnsafeSendableBox(renderer)
        if halves.count > 1 {
            DispatchQueue.concurrentPerform(iterations: halves.count) { i in
                parts.value[i] = input.value.render(halves[i])
            }
        } else {
            parts.value[0] = renderer.render(halves[0])
        }
        for p in parts.value { w.append(p.bytes) }
        if !g.nodes.isEmpty { w.append(TreeRenderer.separator) }
        return w.bytes
    }
}

/// Writes the blocks of `tree`/`peek` for a range of the shown nodes, as bytes: names and values
/// are encoded once, edges sort as plain rows keyed by name rank rather than by comparing text.
struct TreeRenderer {
    static let separator = "----------------------------------------------------------+-------------\n"
    let shown: [Node]
    /// The running sum of flat values after each shown node.
    let flatSums: [Int64]
    let rank: [Int32]
    let names: [[UInt8]]
    let total: Int64
    let format: (Int64) -> String

    init(_ g: Graph, _ shown: [Node], _ report: Report) {
        self.shown = shown
        var sum: Int64 = 0
        flatSums = shown.map { n in
            sum &+= n.flatValue
            return sum
        }
        // Only the shown nodes and the other ends of their edges are named.
        var named = [Bool](repeating: false, count: g.storage.count)
        var used: [Node] = []
        func use(_ n: Node) {
            if !named[n.id] {
                named[n.id] = true
                used.append(n)
            }
        }
        for n in shown {
            use(n)
            for e in n.inEdges.values { use(e.src) }
            for e in n.outEdges.values { use(e.dest) }
        }
        let usedNames = used.map(\.printableName)
        let byName = used.indices.sorted { usedNames[$0] < usedNames[$1] }
        var rank = [Int32](repeating: 0, count: g.storage.count)
        var names = [[UInt8]](repeating: [], count: g.storage.count)
        for (i, u) in byName.enumerated() {
            let id = used[u].id
            let previous = i > 0 ? byName[i - 1] : -1
            rank[id] = previous >= 0 && usedNames[previous] == usedNames[u] ? rank[used[previous].id] : Int32(i)
            names[id] = Array(usedNames[u].utf8)
        }
        self.rank = rank
        self.names = names
        total = report.total
        format = report.formatValue
    }

    /// One range, or two of about the same number of lines when there are more than `minimumLines`.
    func split(minimumLines: Int = 20_000) -> [Range<Int>] {
        var lines = 0
        for n in shown { lines += 1 + n.inEdges.count + n.outEdges.count }
        guard lines > minimumLines && ProcessInfo.processInfo.activeProcessorCount > 1 else { return [0..<shown.count] }
        var seen = 0
        for (i, n) in shown.enumerated() {
            seen += 1 + n.inEdges.count + n.outEdges.count
            if seen * 2 >= lines { return [0..<i + 1, i + 1..<shown.count] }
        }
        return [0..<shown.count]
    }

    private struct Row {
        var weight: Int64
        var srcRank: Int32, destRank: Int32
        var node: Int
        var inline: Bool
    }

    func render(_ range: Range<Int>) -> ReportBytes {
        var out = ReportBytes()
        var values: [Int64: ReportBytes.Field] = [:]
        func value(_ v: Int64) -> ReportBytes.Field {
            if let f = values[v] { return f }
            let f = ReportBytes.Field(format(v))
            values[v] = f
            return f
        }
        var rows: [Row] = []
        func writeEdges(_ edges: [Int: Edge], incoming: Bool, _ cum: Int64) {
            rows.removeAll(keepingCapacity: true)
            for e in edges.values {
                rows.append(
                    Row(
                        weight: e.weight, srcRank: rank[e.src.id], destRank: rank[e.dest.id],
                        node: incoming ? e.src.id : e.dest.id, inline: e.inline))
            }
            rows.sort { a, b in
                if a.weight != b.weight { return goAbs(a.weight) > goAbs(b.weight) }
                if a.srcRank != b.srcRank { return a.srcRank < b.srcRank }
                return a.destRank < b.destRank
            }
            for r in rows {
                out.padded(value(r.weight), 50)
                out.append(" ")
                out.percentage(r.weight, cum)
                out.append(" |   ")
                out.append(names[r.node])
                out.append(r.inline ? " (inline)\n" : "\n")
            }
        }
        for i in range {
            let n = shown[i]
            let flat = n.flatValue, cum = n.cumValue
            out.append(Self.separator)
            writeEdges(n.inEdges, incoming: true, cum)
            out.padded(value(flat), 10)
            out.append(" ")
            out.percentage(flat, total)
            out.append(" ")
            out.percentage(flatSums[i], total)
            out.append(" ")
            out.padded(value(cum), 10)
            out.append(" ")
            out.percentage(cum, total)
            out.append("                | ")
            out.append(names[n.id])
            out.append("\n")
            writeEdges(n.outEdges, incoming: false, cum)
        }
        return out
    }
}
