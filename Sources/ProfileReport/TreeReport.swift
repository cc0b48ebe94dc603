import ProfileFormat

extension Report {
    /// `tree` and `peek`: each node with its callers above and callees below, as pprof's
    /// printTree does. With a symbol regexp (`peek`), only matching nodes are shown.
    public func printTree(_ w: inout String) throws(ReportError) {
        let separator = "----------------------------------------------------------+-------------\n"
        let legend = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n"
        let (g, origCount, droppedNodes, _) = newTrimmedGraph()
        selectOutputUnit(g)
        w += reportLabels(g, origCount: origCount, droppedNodes: droppedNodes, droppedEdges: 0, fullHeaders: false)
            .joined(separator: "\n") + "\n"
        w += separator
        w += legend
        let rx = options.symbol
        var flatSum: Int64 = 0
        var matched = 0
        for n in g.nodes {
            let name = n.printableName
            if let rx, !rx.matches(name) { continue }
            matched += 1
            let flat = n.flatValue, cum = n.cumValue
            w += separator
            for e in sortedEdges(n.inEdges) {
                writeTreeEdge(&w, e.weight, cum, e.src.printableName, e.inline)
            }
            flatSum &+= flat
            w += GoFormat.pad(formatValue(flat), 10)
            w += " " + Measurement.percentage(flat, total)
            w += " " + Measurement.percentage(flatSum, total)
            w += " " + GoFormat.pad(formatValue(cum), 10)
            w += " " + Measurement.percentage(cum, total)
            w += "                | " + name + "\n"
            for e in sortedEdges(n.outEdges) {
                writeTreeEdge(&w, e.weight, cum, e.dest.printableName, e.inline)
            }
        }
        if !g.nodes.isEmpty { w += separator }
        if let rx, matched == 0 {
            throw ReportError("no matches found for regexp: \(rx.pattern)")
        }
    }

    private func writeTreeEdge(_ w: inout String, _ weight: Int64, _ cum: Int64, _ name: String, _ inline: Bool) {
        w += GoFormat.pad(formatValue(weight), 50)
        w += " " + Measurement.percentage(weight, cum)
        w += " |   " + name
        if inline { w += " (inline)" }
        w += "\n"
    }
}
