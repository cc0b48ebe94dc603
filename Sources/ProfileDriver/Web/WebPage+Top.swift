import Foundation

extension WebPage {
    /// One row of the `top` report: its five value columns and the name, as printed.
    struct TopRow: Equatable {
        var columns: [String]
        var name: String
    }

    /// Splits the shell's `top` text into the lines above the table and its rows. The rows are
    /// the report's own, cell for cell, so the table always agrees with `-top`.
    static func parseTop(_ text: String) -> (notes: [String], rows: [TopRow]) {
        var notes: [String] = []
        var rows: [TopRow] = []
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inTable {
                if line.hasPrefix("      flat  flat%") {
                    inTable = true
                } else if !line.isEmpty {
                    notes.append(String(line))
                }
                continue
            }
            var rest = line[...]
            var columns: [String] = []
            while columns.count < 5 {
                rest = rest.drop(while: { $0 == " " })
                guard let end = rest.firstIndex(of: " ") else { break }
                columns.append(String(rest[..<end]))
                rest = rest[end...]
            }
            guard columns.count == 5 else { continue }
            rows.append(TopRow(columns: columns, name: String(rest.dropFirst(2))))
        }
        return (notes, rows)
    }

    /// The top view: the report's summary lines, then a table sorted by flat or cum (a link
    /// that changes `sort` in the URL) or by name (in the page).
    static func topTable(_ text: String, query: [String: String]) -> String {
        let (notes, rows) = parseTop(text)
        let cum = query["sort"] == "cum"
        // The profile's labels and filters are in the page's legend already.
        let summary = notes.filter { $0.hasPrefix("Showing ") || $0.hasPrefix("Dropped ") }
        var h = "<div class=\"summary\">" + summary.map { "<div>" + escape($0) + "</div>" }.joined() + "</div>\n"
        h += "<table id=\"toptable\"><thead><tr>"
        let heads: [(String, String?)] = [("Flat", "flat"), ("Flat%", nil), ("Sum%", nil), ("Cum", "cum"), ("Cum%", nil)]
        for (label, sort) in heads {
            if let sort {
                let active = (sort == "cum") == cum
                h += "<th class=\"num\"><a id=\"sort-\(sort)\" href=\"\(link("/ui/top", query, set: ["sort": sort == "flat" ? "" : sort]))\""
                h += active ? " class=\"sorted\">" : ">"
                h += label + (active ? " &#9660;" : "") + "</a></th>"
            } else {
                h += "<th class=\"num\">\(label)</th>"
            }
        }
        h += "<th id=\"sort-name\" class=\"name\">Name</th></tr></thead>\n<tbody>\n"
        for r in rows {
            h += "<tr>"
            for c in r.columns { h += "<td class=\"num\">" + escape(c) + "</td>" }
            h += "<td class=\"name\">" + escape(r.name) + "</td></tr>\n"
        }
        h += "</tbody></table>\n"
        return h
    }
}
