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
        // Large profiles make hundreds of thousands of lines: write bytes, format each value once,
        // and sort edges as plain rows keyed by name rank rather than by comparing strings.
        var out = ReportBytes()
        var values: [Int64: ReportBytes.Field] = [:]
        func value(_ v: Int64) -> ReportBytes.Field {
            if let f = values[v] { return f }
            let f = ReportBytes.Field(formatValue(v))
            values[v] = f
            return f
        }
        let byName = g.storage.sorted { $0.printableName < $1.printableName }
        var rank = [Int32](repeating: 0, count: g.storage.count)
        var names = [[UInt8]](repeating: [], count: g.storage.count)
        for (i, n) in byName.enumerated() {
            rank[n.id] = i > 0 && byName[i - 1].printableName == n.printableName ? rank[byName[i - 1].id] : Int32(i)
            names[n.id] = Array(n.printableName.utf8)
        }
        struct Row {
            var weight: Int64
            var srcRank: Int32, destRank: Int32
            var node: Int
            var inline: Bool
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
        let rx = options.symbol
        var flatSum: Int64 = 0
        var matched = 0
        for n in g.nodes {
            if let rx, !rx.matches(n.printableName) { continue }
            matched += 1
            let flat = n.flatValue, cum = n.cumValue
            out.append(separator)
            writeEdges(n.inEdges, incoming: true, cum)
            flatSum &+= flat
            out.padded(value(flat), 10)
            out.append(" ")
            out.percentage(flat, total)
            out.append(" ")
            out.percentage(flatSum, total)
            out.append(" ")
            out.padded(value(cum), 10)
            out.append(" ")
            out.percentage(cum, total)
            out.append("                | ")
            out.append(names[n.id])
            out.append("\n")
            writeEdges(n.outEdges, incoming: false, cum)
        }
        if !g.nodes.isEmpty { out.append(separator) }
        if let rx, matched == 0 {
            throw ReportError("no matches found for regexp: \(rx.pattern)")
        }
        w += out.string
    }
}

/// A growing UTF-8 buffer for reports with many lines.
struct ReportBytes {
    private(set) var bytes: [UInt8] = []

    /// A piece of text ready to be written: its bytes and its width in runes.
    struct Field {
        let bytes: [UInt8]
        let runes: Int

        init(_ s: String) {
            bytes = Array(s.utf8)
            runes = s.unicodeScalars.count
        }
    }

    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    mutating func append(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
    }

    /// `f` right-aligned in `width` runes.
    mutating func padded(_ f: Field, _ width: Int) {
        if f.runes < width { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - f.runes)) }
        bytes.append(contentsOf: f.bytes)
    }

    /// Measurement.percentage's text, written without intermediate strings when at least 1%.
    mutating func percentage(_ value: Int64, _ total: Int64) {
        var ratio = 0.0
        if total != 0 { ratio = abs(Double(value) / Double(total)) * 100 }
        guard ratio >= 1 && ratio < 1e12 && !(ratio >= 99.95 && ratio <= 100.05) else {
            append(Measurement.percentage(value, total))
            return
        }
        // %5.2f: the digits of n / 100, a point, two more digits, right-aligned in five.
        let n = GoFormat.roundScaled(ratio, 100)
        var digits: [UInt8] = []
        var whole = n / 100
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(whole % 10))
            whole /= 10
        } while whole > 0
        let width = digits.count + 3
        if width < 5 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 5 - width)) }
        bytes.append(contentsOf: digits.reversed())
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(n % 100 / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(n % 10))
        bytes.append(UInt8(ascii: "%"))
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
