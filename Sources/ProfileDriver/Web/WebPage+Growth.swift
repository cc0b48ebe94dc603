import Foundation
import ProfileReport

extension WebPage {
    /// The growth view: the report's summary lines, its plot and its table, cell for cell the
    /// rows `pprof -growth` prints (the same report, its first `rowCount` rows).
    static func growth(_ report: GrowthReport, rowCount: Int, svg: String) -> String {
        let rows = report.shown(rowCount)
        var h = "<div class=\"summary\" id=\"growth-summary\">"
            + report.summary(showing: rows.count).map { "<div>" + escape($0) + "</div>" }.joined() + "</div>\n"
        h += "<div id=\"growthplot\">" + svg + "</div>\n"
        h += "<table id=\"growthtable\" class=\"report-table\"><thead><tr>"
        let head = report.columnNames
        for (i, name) in head.enumerated() {
            let isName = i == head.count - 1
            h += "<th class=\"\(isName ? "name" : "num")\">" + escape(name) + "</th>"
        }
        h += "</tr></thead>\n<tbody>\n"
        for r in rows {
            let cells = report.cells(r)
            h += "<tr class=\"verdict-\(escape(cells[5]))\">"
            for c in cells { h += "<td class=\"num\">" + escape(c) + "</td>" }
            h += "<td class=\"name\">" + escape(r.name) + "</td></tr>\n"
        }
        h += "</tbody></table>\n"
        return h
    }
}
