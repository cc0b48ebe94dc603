import ProfileFormat

extension JSONReport {
    struct TopRow: Encodable {
        let name: String
        let flat: Int64
        let cum: Int64
        /// "inline", "partial-inline" or absent, as the text report's suffix says.
        let inline: String?
    }

    struct Rows<Row: Encodable>: Encodable {
        let rows: [Row]
    }

    struct TagValue: Encodable {
        /// The label's value as the text report prints it (numbers scaled to the output unit).
        let value: String
        let weight: Int64
    }

    struct TagRow: Encodable {
        let key: String
        let total: Int64
        let values: [TagValue]
    }
}

extension JSONReport {
    /// `top`/`text` as JSON: the rows the index hands out for the text report (TopTable).
    static func top(_ command: String, _ table: TopTable) throws(ReportError) -> [UInt8] {
        let (header, v) = header(command, table.report)
        let rows = table.rows.map { r in
            TopRow(name: r.name, flat: v(r.flat), cum: v(r.cum), inline: r.inline.map { String($0.dropFirst().dropLast()) })
        }
        return try encode(header, Rows(rows: rows))
    }
}

extension Report {
    func jsonTags() throws(ReportError) -> [UInt8] {
        let (header, v) = JSONReport.header("tags", self)
        let rows = tagTable().map { key, total, values in
            JSONReport.TagRow(
                key: key, total: v(total), values: values.map { JSONReport.TagValue(value: $0.name, weight: v($0.weight)) })
        }
        return try JSONReport.encode(header, JSONReport.Rows(rows: rows))
    }

    /// The nodes `tree` and `peek` print, in order: all of the graph's, or with a symbol
    /// regexp (`peek`) those it matches.
    func treeRows(_ g: Graph) throws(ReportError) -> [Node] {
        guard let rx = options.symbol else { return g.nodes }
        let shown = g.nodes.filter { rx.matches($0.printableName) }
        if shown.isEmpty { throw ReportError("no matches found for regexp: \(rx.pattern)") }
        return shown
    }

    /// `tree` or `peek` as JSON: the nodes and edges the text report prints, in its order
    /// (TreeRenderer), written as bytes like the text: a graph of tens of thousands of nodes
    /// makes tens of megabytes.
    func jsonTree(_ command: String) throws(ReportError) -> [UInt8] {
        let (g, _, _, _) = newTrimmedGraph()
        let shown = try treeRows(g)
        let around = try JSONReport.around(command, self)
        let renderer = TreeRenderer(g, shown, self)
        let writer = TreeJSON(renderer, convert: around.convert)
        var w = ReportBytes()
        w.append(around.prefix)
        w = renderer.renderInParts(after: w, size: renderer.estimatedSize()) { _, range, out in
            writer.render(range, into: &out)
        }
        w.append(around.suffix)
        return w.bytes
    }
}

/// The rows of `tree`/`peek` as JSON (docs/json.md), from the text report's renderer: its
/// shown nodes, names and edge order; each name escaped once.
struct TreeJSON {
    let renderer: TreeRenderer
    let convert: (Int64) -> Int64
    /// The escaped name of the node in renderer slot `i`: `names[nameStart[i]..<nameStart[i + 1]]`.
    let names: [UInt8]
    let nameStart: [Int]

    init(_ renderer: TreeRenderer, convert: @escaping (Int64) -> Int64) {
        self.renderer = renderer
        self.convert = convert
        var names: [UInt8] = []
        var nameStart = [0]
        names.reserveCapacity(renderer.nameBytes.count + renderer.nameBytes.count / 8)
        renderer.nameBytes.withUnsafeBufferPointer { b in
            for k in 0..<(renderer.nameStart.count - 1) {
                JSONReport.appendEscaped(
                    UnsafeBufferPointer(rebasing: b[renderer.nameStart[k]..<renderer.nameStart[k + 1]]), to: &names)
                nameStart.append(names.count)
            }
        }
        self.names = names
        self.nameStart = nameStart
    }

    /// Appends the rows of the shown nodes in `range`, each but the very first after a comma.
    func render(_ range: Range<Int>, into out: inout ReportBytes) {
        func name(_ id: Int) {
            let i = Int(renderer.slot[id])
            out.literal("\"")
            names.withUnsafeBufferPointer { b in out.append(UnsafeBufferPointer(rebasing: b[nameStart[i]..<nameStart[i + 1]])) }
            out.literal("\"")
        }
        func number(_ v: Int64) { out.append(String(convert(v))) }
        var rows: [TreeRenderer.Row] = []
        func edges(_ edges: EdgeMap, incoming: Bool) {
            renderer.sortedRows(edges, incoming: incoming, into: &rows)
            for (k, r) in rows.enumerated() {
                if k > 0 { out.literal(",") }
                out.literal(r.inline ? "{\"inline\":true,\"name\":" : "{\"inline\":false,\"name\":")
                name(r.node)
                out.literal(",\"weight\":")
                number(r.weight)
                out.literal("}")
            }
        }
        for i in range {
            let n = renderer.shown[i]
            out.literal(i == 0 ? "{\"callees\":[" : ",{\"callees\":[")
            edges(n.outEdges, incoming: false)
            out.literal("],\"callers\":[")
            edges(n.inEdges, incoming: true)
            out.literal("],\"cum\":")
            number(n.cumValue)
            out.literal(",\"flat\":")
            number(n.flatValue)
            out.literal(",\"name\":")
            name(n.id)
            out.literal("}")
        }
    }
}
