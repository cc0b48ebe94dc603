import Foundation

extension WebPage {
    /// One row of the growth report: its seven columns (first, last, change, slope, steady,
    /// verdict, trend) and the name, as `pprof -growth` prints them.
    struct GrowthRow: Equatable {
        var columns: [String]
        var name: String
    }

    static let growthColumns = 7

    /// Splits `pprof -growth`'s text into the lines above its table, the table's head and its
    /// rows, cell for cell, so the page's table is always the report's.
    static func parseGrowth(_ text: String) -> (notes: [String], head: [String], rows: [GrowthRow]) {
        var notes: [String] = []
        var head: [String] = []
        var rows: [GrowthRow] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if head.isEmpty {
                if line.hasPrefix("     first       last     change ") {
                    head = line.split(separator: " ").map(String.init)
                } else {
                    notes.append(String(line))
                }
                continue
            }
            var rest = line[...]
            var columns: [String] = []
            while columns.count < growthColumns {
                rest = rest.drop(while: { $0 == " " })
                guard let end = rest.firstIndex(of: " ") else { break }
                columns.append(String(rest[..<end]))
                rest = rest[end...]
            }
            guard columns.count == growthColumns, rest.hasPrefix("  ") else { continue }
            rows.append(GrowthRow(columns: columns, name: String(rest.dropFirst(2))))
        }
        return (notes, head, rows)
    }

    /// The growth view: the report's summary lines, its plot and its table.
    static func growth(text: String, svg: String) -> String {
        let (notes, head, rows) = parseGrowth(text)
        // The type and the filters are in the page's legend already.
        let summary = notes.filter { !$0.hasPrefix("Type: ") && !$0.hasPrefix("Active filters:") && !$0.hasPrefix("   ") }
        var h = "<div class=\"summary\" id=\"growth-summary\">"
            + summary.map { "<div>" + escape($0) + "</div>" }.joined() + "</div>\n"
        h += "<div id=\"growthplot\">" + svg + "</div>\n"
        h += "<table id=\"growthtable\" class=\"report-table\"><thead><tr>"
        for (i, name) in head.enumerated() {
            let isName = i == head.count - 1
            h += "<th class=\"\(isName ? "name" : "num")\">" + escape(name) + "</th>"
        }
        h += "</tr></thead>\n<tbody>\n"
        for r in rows {
            h += "<tr class=\"verdict-\(escape(r.columns[5]))\">"
            for c in r.columns { h += "<td class=\"num\">" + escape(c) + "</td>" }
            h += "<td class=\"name\">" + escape(r.name) + "</td></tr>\n"
        }
        h += "</tbody></table>\n"
        return h
    }
}
