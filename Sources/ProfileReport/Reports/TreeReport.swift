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
        let shown = try treeRows(g)
        let renderer = TreeRenderer(g, shown, self)
        w = renderer.renderInParts(after: w, size: renderer.estimatedSize()) { r, range, out in r.render(range, into: &out) }
        if !g.nodes.isEmpty { w.append(TreeRenderer.separator) }
        return w.bytes
    }
}

/// Writes the blocks of `tree`/`peek` for a range of the shown nodes, as bytes: names and values
/// are encoded once into flat buffers, edges sort as plain rows keyed by name rank rather than
/// by comparing text.
struct TreeRenderer {
    static let separatorLiteral: StaticString = "----------------------------------------------------------+-------------\n"
    static let separator = separatorLiteral.description
    let shown: [Node]
    /// The running sum of flat values after each shown node.
    let flatSums: [Int64]
    /// By node id: the rank of its name (equal names, equal ranks) and where the name is in
    /// `nameBytes` (`nameStart[slot[id]]..<nameStart[slot[id]+1]`; -1 for nodes not printed).
    let rank: [Int32]
    let slot: [Int32]
    let nameBytes: [UInt8]
    let nameStart: [Int]
    let total: Int64
    let format: (Int64) -> String

    init(_ g: Graph, _ shown: [Node], _ report: Report) {
        self.shown = shown
        var sum: Int64 = 0
        flatSums = shown.map { n in
            sum &+= n.flatValue
            return sum
        }
        // Only the shown nodes and the other ends of their edges are named, by position in `used`.
        let ids = (g.storage.map(\.id).max() ?? -1) + 1
        var slot = [Int32](repeating: -1, count: ids)
        var used: [Node] = []
        func use(_ n: Node) {
            if slot[n.id] < 0 {
                slot[n.id] = Int32(used.count)
                used.append(n)
            }
        }
        for n in shown {
            use(n)
            for e in n.inEdges.values { use(e.src) }
            for e in n.outEdges.values { use(e.dest) }
        }
        self.slot = slot
        // The graph's ranks (from the node sort) serve when they cover every node named here;
        // else the named nodes are ranked now.
        if let known = g.nameRank, used.allSatisfy({ $0.id < known.count && known[$0.id] >= 0 }) {
            rank = known
            (nameBytes, nameStart) = NameRanks.concatenated(used.lazy.map(\.printableName))
        } else {
            let names = NameRanks(used.lazy.map(\.printableName))
            var byID = [Int32](repeating: -1, count: ids)
            for (i, n) in used.enumerated() { byID[n.id] = names.rank[i] }
            rank = byID
            nameBytes = names.bytes
            nameStart = names.start
        }
        total = report.total
        format = report.valueFormatter()
    }

    /// About how many bytes the whole report takes (a line is a name and 60-odd bytes more),
    /// so that its buffer is allocated once.
    func estimatedSize() -> Int {
        var lines = 0
        for n in shown { lines += 1 + n.inEdges.count + n.outEdges.count }
        let averageName = nameStart.count < 2 ? 0 : nameBytes.count / (nameStart.count - 1)
        return lines * (averageName + 72) + shown.count * Self.separator.utf8.count
    }

    /// One range, or, when there are more than `minimumLines` lines and two cores, `pieces`
    /// ranges of about the same number of lines (a piece holds at least one node).
    func split(minimumLines: Int = 20_000, pieces: Int = 16) -> [Range<Int>] {
        var lines = 0
        for n in shown { lines += 1 + n.inEdges.count + n.outEdges.count }
        guard Parallel.parts(lines, from: minimumLines + 1, atMost: 2) == 2 else { return [0..<shown.count] }
        var ranges: [Range<Int>] = []
        var seen = 0, from = 0
        for (i, n) in shown.enumerated() {
            seen += 1 + n.inEdges.count + n.outEdges.count
            if seen * pieces >= lines * (ranges.count + 1) {
                ranges.append(from..<i + 1)
                from = i + 1
            }
        }
        if from < shown.count { ranges.append(from..<shown.count) }
        return ranges
    }

    /// Renders the shown nodes after `head` with `part`: in one go, or, when the graph is large
    /// (hundreds of thousands of lines), a piece at a time on two threads: of each two pieces,
    /// one is written onto the report and the other into a small buffer appended after it. The
    /// report is never held twice, as it would be were two halves made and then joined. `size`
    /// is about how many bytes the whole takes.
    func renderInParts(
        after head: ReportBytes, size: Int, _ part: @escaping (TreeRenderer, Range<Int>, inout ReportBytes) -> Void
    ) -> ReportBytes {
        let pieces = split()
        var out = head
        out.reserve(size)
        PhaseTimer.measure("render") {
            var i = 0
            while i < pieces.count {
                guard i + 1 < pieces.count else {
                    part(self, pieces[i], &out)
                    break
                }
                let first = pieces[i], second = pieces[i + 1]
                // Part 0 owns the report, part 1 its own small buffer.
                let next = withUnsafeMutablePointer(to: &out) { report in
                    Parallel.map(2) { k -> ReportBytes? in
                        guard k == 1 else {
                            part(self, first, &report.pointee)
                            return nil
                        }
                        var piece = ReportBytes()
                        part(self, second, &piece)
                        return piece
                    }[1]!
                }
                out.append(next.bytes)
                i += 2
            }
        }
        return out
    }

    struct Row {
        var weight: Int64
        var srcRank: Int32, destRank: Int32
        var node: Int
        var inline: Bool
    }

    /// `edges` in the report's order (heavier first, then by the names of their ends) as rows
    /// naming the node at their other end, into `rows`.
    func sortedRows(_ edges: EdgeMap, incoming: Bool, into rows: inout [Row]) {
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
    }

    /// Appends the blocks of the shown nodes in `range` to `out`.
    func render(_ range: Range<Int>, into out: inout ReportBytes) {
        // Each distinct value's text, once: `fieldBytes[fieldStart..<fieldStart+count]`, runes wide.
        var fields: [Int64: (start: Int, count: Int, runes: Int)] = [:]
        var fieldBytes: [UInt8] = []
        func padded(_ v: Int64, _ width: Int) {
            let f: (start: Int, count: Int, runes: Int)
            if let known = fields[v] {
                f = known
            } else {
                let text = format(v)
                f = (fieldBytes.count, text.utf8.count, text.unicodeScalars.count)
                fieldBytes.append(contentsOf: text.utf8)
                fields[v] = f
            }
            out.spaces(width - f.runes)
            fieldBytes.withUnsafeBufferPointer { b in out.append(UnsafeBufferPointer(rebasing: b[f.start..<f.start + f.count])) }
        }
        func name(_ id: Int) {
            let i = Int(slot[id])
            nameBytes.withUnsafeBufferPointer { b in
                out.append(UnsafeBufferPointer(rebasing: b[nameStart[i]..<nameStart[i + 1]]))
            }
        }
        var rows: [Row] = []
        func writeEdges(_ edges: EdgeMap, incoming: Bool, _ cum: Int64) {
            sortedRows(edges, incoming: incoming, into: &rows)
            for r in rows {
                padded(r.weight, 50)
                out.literal(" ")
                out.percentage(r.weight, cum)
                out.literal(" |   ")
                name(r.node)
                if r.inline { out.literal(" (inline)\n") } else { out.literal("\n") }
            }
        }
        for i in range {
            let n = shown[i]
            let flat = n.flatValue, cum = n.cumValue
            out.literal(Self.separatorLiteral)
            writeEdges(n.inEdges, incoming: true, cum)
            padded(flat, 10)
            out.literal(" ")
            out.percentage(flat, total)
            out.literal(" ")
            out.percentage(flatSums[i], total)
            out.literal(" ")
            padded(cum, 10)
            out.literal(" ")
            out.percentage(cum, total)
            out.literal("                | ")
            name(n.id)
            out.literal("\n")
            writeEdges(n.outEdges, incoming: false, cum)
        }
    }
}
