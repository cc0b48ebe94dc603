/// Go's text/tabwriter for the settings pprof uses (minwidth 0, tabwidth 0, pad char ' '):
/// tab-terminated cells line up in columns; a line with one cell ends a block of columns.
struct TabWriter {
    let padding: Int
    let alignRight: Bool
    private var lines: [[String]] = [[]]
    private var cell = ""
    private var output = ""

    init(padding: Int, alignRight: Bool) {
        self.padding = padding
        self.alignRight = alignRight
    }

    mutating func write(_ text: String) {
        for ch in text {
            switch ch {
            case "\t":
                lines[lines.count - 1].append(cell + "\t")
                cell = ""
            case "\n":
                lines[lines.count - 1].append(cell)
                cell = ""
                let ncells = lines[lines.count - 1].count
                lines.append([])
                if ncells == 1 { flushLines() }
            default:
                cell.append(ch)
            }
        }
    }

    /// Writes out everything buffered and returns all output so far.
    mutating func flush() -> String {
        if !cell.isEmpty {
            lines[lines.count - 1].append(cell)
            cell = ""
        }
        flushLines()
        return output
    }

    private mutating func flushLines() {
        var ls = lines
        if ls.last?.isEmpty == true { ls.removeLast() }
        // Cells: text without the terminating tab; a tab-terminated cell is a column cell.
        let cells: [[(text: String, tab: Bool)]] = ls.map { line in
            line.map { c in c.hasSuffix("\t") ? (String(c.dropLast()), true) : (c, false) }
        }
        var widths: [Int] = []
        format(cells, 0, cells.count, &widths)
        lines = [[]]
    }

    private func width(_ s: String) -> Int { s.unicodeScalars.count }

    private mutating func format(_ cells: [[(text: String, tab: Bool)]], _ start: Int, _ end: Int, _ widths: inout [Int]) {
        var line0 = start
        let column = widths.count
        var this = start
        while this < end {
            if column >= cells[this].count - 1 {
                this += 1
                continue
            }
            writeLines(cells, line0, this, widths)
            line0 = this
            var w = 0
            while this < end {
                if column >= cells[this].count - 1 { break }
                w = max(w, width(cells[this][column].text) + padding)
                this += 1
            }
            widths.append(w)
            format(cells, line0, this, &widths)
            widths.removeLast()
            line0 = this
        }
        writeLines(cells, line0, end, widths)
    }

    private mutating func writeLines(_ cells: [[(text: String, tab: Bool)]], _ start: Int, _ end: Int, _ widths: [Int]) {
        guard start < end else { return }
        for i in start..<end {
            let line = cells[i]
            for (j, c) in line.enumerated() {
                if j < widths.count && c.tab {
                    let pad = String(repeating: " ", count: max(0, widths[j] - width(c.text)))
                    output += alignRight ? pad + c.text : c.text + pad
                } else {
                    output += c.text
                }
            }
            output += "\n"
        }
    }
}
