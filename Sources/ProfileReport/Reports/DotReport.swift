import Foundation
import ProfileFormat

extension Report {
    /// `dot`: the call graph in Graphviz's language, as pprof's ComposeDot writes it.
    public func printDot(_ w: inout String) {
        let (g, origCount, droppedNodes, droppedEdges) = newTrimmedGraph()
        selectOutputUnit(g)
        let labels = reportLabels(
            g, origCount: origCount, droppedNodes: droppedNodes, droppedEdges: droppedEdges, fullHeaders: true)
        var dot = DotWriter(title: options.title, labels: labels, total: total, format: formatValue)
        dot.compose(g, into: &w)
    }
}

/// Writes one graph in DOT: a legend, the nodes with their tag nodelets, then the edges.
struct DotWriter {
    let title: String
    let labels: [String]
    let total: Int64
    let format: (Int64) -> String

    init(title: String, labels: [String], total: Int64, format: @escaping (Int64) -> String) {
        self.title = title
        self.labels = labels
        self.total = total
        self.format = format
    }

    mutating func compose(_ g: Graph, into w: inout String) {
        w += "digraph \"\(title.isEmpty ? "unnamed" : title)\" {\n"
        w += "node [style=filled fillcolor=\"#f8f8f8\"]\n"
        writeLegend(&w)
        defer { w += "}\n" }
        guard let first = g.nodes.first else { return }
        var ids: [Int: Int] = [:]
        var maxFlat = Double(goAbs(first.flatValue))
        for (i, n) in g.nodes.enumerated() {
            ids[n.id] = i + 1
            maxFlat = max(maxFlat, Double(goAbs(n.flatValue)))
        }
        var hasNodelets: Set<Int> = []
        var edges: [Edge] = []
        for n in g.nodes {
            let id = ids[n.id]!
            writeNode(&w, n, id, maxFlat)
            if writeNodelets(&w, n, id) { hasNodelets.insert(n.id) }
            edges.append(contentsOf: n.outEdges.values)
        }
        for e in sortedEdges(edges) {
            writeEdge(&w, e, ids[e.src.id] ?? 0, ids[e.dest.id] ?? 0, hasNodelets.contains(e.src.id))
        }
    }

    private func writeLegend(_ w: inout String) {
        guard let first = labels.first else { return }
        w += "subgraph cluster_L { \"\(escapeForDot(first))\" [shape=box fontsize=16"
        w += " label=\"" + labels.map(escapeForDot).joined(separator: "\\l") + "\\l\""
        if !title.isEmpty { w += " tooltip=\"\(title)\"" }
        w += "] }\n"
    }

    private func writeNode(_ w: inout String, _ n: Node, _ id: Int, _ maxFlat: Double) {
        let flat = n.flatValue, cum = n.cumValue
        var label = multilineName(n.info)
        let flatText = format(flat)
        if flat != 0 {
            label += "\(flatText) (\(percent(flat)))"
        } else {
            label += "0"
        }
        var cumText = flatText
        if cum != flat {
            label += flat != 0 ? "\\n" : " "
            cumText = format(cum)
            label += "of \(cumText) (\(percent(cum)))"
        }
        var fontSize = 8
        if maxFlat != 0 && flat != 0 && Double(goAbs(flat)) <= maxFlat {
            // Go converts a NaN (the root of a wrapped, negative |flat|) to math.MinInt64.
            fontSize &+= Int(goInt64((16.0 * (Double(goAbs(flat)) / maxFlat).squareRoot()).rounded(.up)))
        }
        let score = Double(cum) / Double(goAbs(total))
        w += "N\(id) [label=\"\(label)\" id=\"node\(id)\" fontsize=\(fontSize) shape=box"
        w += " tooltip=\"\(escapeForDot(n.printableName)) (\(cumText))\""
        w += " color=\"\(dotColor(score, background: false))\" fillcolor=\"\(dotColor(score, background: true))\"]\n"
    }

    private func percent(_ v: Int64) -> String {
        Measurement.percentage(v, total).trimmingCharacters(in: .whitespaces)
    }

    private func writeEdge(_ w: inout String, _ e: Edge, _ from: Int, _ to: Int, _ hasNodelets: Bool) {
        let weight = e.weightValue
        let ws = format(weight)
        var attr = "label=\" \(ws)\(e.inline ? "\\n (inline)" : "")\""
        if total != 0 {
            // Diffs can make an edge heavier than the total.
            let edgeWeight = 1 &+ Int(min(goAbs(goDiv(weight &* 100, total)), 100))
            if edgeWeight > 1 { attr += " weight=\(edgeWeight)" }
            let width = 1 &+ Int(min(goAbs(goDiv(weight &* 5, total)), 5))
            if width > 1 { attr += " penwidth=\(width)" }
            attr += " color=\"\(dotColor(Double(weight) / Double(goAbs(total)), background: false))\""
        }
        let arrow = e.residual ? "..." : "->"
        let tooltip =
            "\"\(escapeForDot(e.src.printableName)) \(arrow) \(escapeForDot(e.dest.printableName)) (\(ws))\""
        attr += " tooltip=\(tooltip) labeltooltip=\(tooltip)"
        if e.residual { attr += " style=\"dotted\"" }
        if hasNodelets { attr += " minlen=2" }
        w += "N\(from) -> N\(to) [\(attr)]\n"
    }

    /// The node's name over several lines: short function name split at `.` and `::`, base
    /// file name, each part ending in `\n`.
    private func multilineName(_ info: NodeInfo) -> String {
        var copy = info
        var name = escapeForDot(FunctionName.shorten(info.name))
        name = name.replacingOccurrences(of: "::", with: "\\n")
        // Go reports type parameters as "[...]"; keep them as one ellipsis.
        name = name.replacingOccurrences(of: "[...]", with: "[…]")
        name = name.replacingOccurrences(of: ".", with: "\\n")
        copy.name = name
        if !copy.file.isEmpty { copy.file = baseName(copy.file) }
        return copy.nameComponents.joined(separator: "\\n") + "\\n"
    }
}

/// Escapes `\` and `"` for a DOT string and turns newlines into left-justified breaks.
func escapeForDot(_ s: String) -> String {
    if !s.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) { return s }
    var out = ""
    for ch in s.unicodeScalars {
        switch ch {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\l"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}

/// A colour for a score in [-1, 1]: green for negative, grey near zero, red for positive;
/// pale for backgrounds. The same hues as pprof's graphs.
func dotColor(_ input: Double, background: Bool) -> String {
    let shift = 0.7
    var saturation = background ? 0.1 : 1.0
    let value = background ? 0.93 : 0.7
    var score = input.isNaN ? input : max(-1.0, min(1.0, input))
    if abs(score) < 0.2 { saturation *= abs(score) / 0.2 }
    if score > 0 { score = pow(score, 1 - shift) }
    if score < 0 { score = -pow(-score, 1 - shift) }
    var r: Double, g: Double
    if score < 0 {
        g = value
        r = value * (1 + saturation * score)
    } else {
        r = value
        g = value * (1 - saturation * score)
    }
    let b = value * (1 - saturation)
    func hex(_ x: Double) -> String {
        // Go turns NaN into 0 here (a score of 0/0 when the total is zero).
        let v = x.isNaN ? 0 : UInt8(truncatingIfNeeded: Int(x * 255))
        return v < 16 ? "0" + String(v, radix: 16) : String(v, radix: 16)
    }
    return "#" + hex(r) + hex(g) + hex(b)
}
