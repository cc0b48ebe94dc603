import Foundation
import ProfileFormat
import Testing

@testable import ProfileDriver

/// A web UI over the profiles of a command line, with its settings in a fresh temporary file.
func makeWebUI(_ args: [String]) throws -> WebUI {
    Environment.prepare()
    let inv = try PprofCommand.parse(args)
    let loader = ProfileLoader()
    let profile = try Session.loadProfile(
        sources: inv.sources, bases: inv.bases, diffBase: inv.diffBase, normalize: inv.config.normalize,
        loader: loader, warn: { _ in })
    let session = Session(
        profile: profile, config: inv.config, sources: inv.sources, bases: inv.bases, diffBase: inv.diffBase,
        loader: loader)
    let settings = NSTemporaryDirectory() + "pprof-web-test-\(UUID().uuidString)/pprof/settings.json"
    return WebUI(session: session, settingsFile: settings)
}

extension WebAnswer {
    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
}

/// Undoes WebPage.escape.
func htmlUnescape(_ s: String) -> String {
    s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
        .replacingOccurrences(of: "&amp;", with: "&")
}

/// The rows of the page's top table, each as go tool pprof prints a `-top` row
/// (`%10s %s %s %10s %s  %s`, percentages six wide).
func topTableLines(_ html: String) -> [String] {
    guard let start = html.range(of: "<tbody>"), let end = html.range(of: "</tbody>") else { return [] }
    let body = html[start.upperBound..<end.lowerBound]
    var lines: [String] = []
    for row in body.components(separatedBy: "</tr>") where row.contains("<td") {
        var cells: [String] = []
        var rest = Substring(row)
        while let open = rest.range(of: "<td"), let gt = rest[open.upperBound...].firstIndex(of: ">"),
            let close = rest.range(of: "</td>", range: gt..<rest.endIndex)
        {
            cells.append(htmlUnescape(String(rest[rest.index(after: gt)..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        guard cells.count == 6 else { continue }
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        lines.append(
            pad(cells[0], 10) + " " + pad(cells[1], 6) + " " + pad(cells[2], 6) + " " + pad(cells[3], 10) + " "
                + pad(cells[4], 6) + "  " + cells[5])
    }
    return lines
}

/// The rows of a `-top` report: the lines after its column header.
func topReportLines(_ text: String) -> [String] {
    let lines = text.split(separator: "\n").map(String.init)
    guard let h = lines.firstIndex(where: { $0.hasPrefix("      flat  flat%") }) else { return [] }
    return Array(lines[(h + 1)...])
}
