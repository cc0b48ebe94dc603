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

    struct TreeEdge: Encodable {
        let name: String
        let weight: Int64
        let inline: Bool
    }

    struct TreeRow: Encodable {
        let name: String
        let flat: Int64
        let cum: Int64
        let callers: [TreeEdge]
        let callees: [TreeEdge]
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

    func jsonTree(_ command: String) throws(ReportError) -> [UInt8] {
        let (g, _, _, _) = newTrimmedGraph()
        let shown = try treeRows(g)
        let (header, v) = JSONReport.header(command, self)
        let rows = shown.map { n in
            JSONReport.TreeRow(
                name: n.printableName, flat: v(n.flatValue), cum: v(n.cumValue),
                callers: sortedEdges(n.inEdges).map {
                    JSONReport.TreeEdge(name: $0.src.printableName, weight: v($0.weight), inline: $0.inline)
                },
                callees: sortedEdges(n.outEdges).map {
                    JSONReport.TreeEdge(name: $0.dest.printableName, weight: v($0.weight), inline: $0.inline)
                })
        }
        return try JSONReport.encode(header, JSONReport.Rows(rows: rows))
    }
}
