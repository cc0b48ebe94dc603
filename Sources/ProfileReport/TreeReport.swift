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
        // Large profiles make hundreds of thousands of lines: write bytes, format each value once.
        var out = ReportBytes()
        var values: [Int64: String] = [:]
        func value(_ v: Int64) -> String {
            if let s = values[v] { return s }
            let s = formatValue(v)
            values[v] = s
            return s
        }
        func edgeLine(_ weight: Int64, _ cum: Int64, _ name: String, _ inline: Bool) {
            out.padded(value(weight), 50)
            out.append(" ")
            out.percentage(weight, cum)
            out.append(" |   ")
            out.append(name)
            out.append(inline ? " (inline)\n" : "\n")
        }
        // Edges sort by weight, then caller and callee names: compare names by rank, not text.
        var rank = [Int32](repeating: 0, count: g.storage.count)
        let byName = g.storage.sorted { $0.printableName < $1.printableName }
        for (i, n) in byName.enumerated() {
            rank[n.id] = i > 0 && byName[i - 1].printableName == n.printableName ? rank[byName[i - 1].id] : Int32(i)
        }
        func sorted(_ edges: [Int: Edge]) -> [Edge] {
            edges.values.sorted { a, b in
                if a.weight != b.weight { return goAbs(a.weight) > goAbs(b.weight) }
                if rank[a.src.id] != rank[b.src.id] { return rank[a.src.id] < rank[b.src.id] }
                return rank[a.dest.id] < rank[b.dest.id]
            }
        }
        let rx = options.symbol
        var flatSum: Int64 = 0
        var matched = 0
        for n in g.nodes {
            let name = n.printableName
            if let rx, !rx.matches(name) { continue }
            matched += 1
            let flat = n.flatValue, cum = n.cumValue
            out.append(separator)
            for e in sorted(n.inEdges) { edgeLine(e.weight, cum, e.src.printableName, e.inline) }
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
            out.append(name)
            out.append("\n")
            for e in sorted(n.outEdges) { edgeLine(e.weight, cum, e.dest.printableName, e.inline) }
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

    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    /// `s` right-aligned in `width` runes, as Go's `%Ns`.
    mutating func padded(_ s: String, _ width: Int) {
        let n = s.unicodeScalars.count
        if n < width { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - n)) }
        bytes.append(contentsOf: s.utf8)
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
