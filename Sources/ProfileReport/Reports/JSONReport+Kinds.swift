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

    struct TraceFrame: Encodable {
        let name: String
        let inline: Bool
    }

    struct NumLabelValue: Encodable {
        let value: Int64
        let unit: String
    }

    struct TraceRow: Encodable {
        let value: Int64
        let labels: [String: [String]]
        let numLabels: [String: [NumLabelValue]]
        /// Leaf first, as the text report prints them.
        let frames: [TraceFrame]
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

extension Report {
    func jsonTop(_ command: String) throws(ReportError) -> [UInt8] {
        let (items, _) = textItems()
        let (header, v) = JSONReport.header(command, self)
        let rows = items.map { item in
            JSONReport.TopRow(
                name: item.name, flat: v(item.flat), cum: v(item.cum),
                inline: item.inlineLabel.isEmpty ? nil : String(item.inlineLabel.dropFirst().dropLast()))
        }
        return try JSONReport.encode(header, JSONReport.Rows(rows: rows))
    }

    func jsonTraces() throws(ReportError) -> [UInt8] {
        let (header, v) = JSONReport.header("traces", self)
        let frames = locationFrames()
        var rows: [JSONReport.TraceRow] = []
        for s in profile.samples {
            var stack: [JSONReport.TraceFrame] = []
            for l in s.locations {
                for f in frames[Int(l)] { stack.append(JSONReport.TraceFrame(name: f.name, inline: f.inline)) }
            }
            if stack.isEmpty { continue }
            var value = s.values[options.sampleIndex]
            if let mi = options.meanDivisorIndex {
                let d = s.values[mi]
                if d != 0 { value /= d }
            }
            var labels: [String: [String]] = [:]
            for l in s.labels { labels[l.key, default: []].append(l.value) }
            var numLabels: [String: [JSONReport.NumLabelValue]] = [:]
            for nl in s.numLabels {
                let unit = options.numLabelUnits[nl.key] ?? nl.unit
                let (base, factor) = JSONReport.baseUnit(unit)
                let scaled = factor == 1 ? nl.value : Int64((Double(nl.value) * factor).rounded())
                numLabels[nl.key, default: []].append(JSONReport.NumLabelValue(value: scaled, unit: base))
            }
            rows.append(JSONReport.TraceRow(value: v(value), labels: labels, numLabels: numLabels, frames: stack))
        }
        return try JSONReport.encode(header, JSONReport.Rows(rows: rows))
    }

    func jsonTags() throws(ReportError) -> [UInt8] {
        let (header, v) = JSONReport.header("tags", self)
        let rows = tagTable().map { key, total, values in
            JSONReport.TagRow(
                key: key, total: v(total), values: values.map { JSONReport.TagValue(value: $0.name, weight: v($0.weight)) })
        }
        return try JSONReport.encode(header, JSONReport.Rows(rows: rows))
    }

    func jsonTree(_ command: String) throws(ReportError) -> [UInt8] {
        let (g, _, _, _) = newTrimmedGraph()
        var shown = g.nodes
        if let rx = options.symbol {
            shown = shown.filter { rx.matches($0.printableName) }
            if shown.isEmpty { throw ReportError("no matches found for regexp: \(rx.pattern)") }
        }
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
