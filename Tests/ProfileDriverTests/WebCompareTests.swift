import Foundation
import ProfileFormat
import ProfileReport
import Testing

@testable import ProfileDriver

/// The web UI over several profiles: the Compare menu's `base=`/`new=` (two sources compared as
/// `-diff_base` compares them) and the growth view (`pprof -growth`'s report over the sources).
@Suite("Web UI compare and growth")
struct WebCompareTests {
    static let series = GrowthTests.series

    /// The page's `<main>`: the view's body without the menus (which differ with the URL).
    static func content(_ html: String) -> String {
        guard let start = html.range(of: "<main id=\"content\">"), let end = html.range(of: "</main>", options: .backwards)
        else { return "" }
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test("base= and new= show the same flame graph, diff table and top as -diff_base=BASE NEW")
    func compareIsDiffBase() throws {
        let ui = try makeWebUI(Self.series)
        let reference = try makeWebUI(["-diff_base=" + Self.series[1], Self.series[4]])
        let pair = ["base": "2", "new": "5"]
        for path in ["/ui/flamegraph", "/ui/diff"] {
            let page = ui.answer(path: path, query: pair)
            #expect(page.status == 200, "\(path): \(page.text.prefix(300))")
            let expected = reference.answer(path: path, query: [:])
            #expect(Self.content(page.text) == Self.content(expected.text), "\(path)")
            #expect(!Self.content(page.text).isEmpty)
        }
        // The top table's links keep base= and new=; its rows are the same.
        let top = topTableLines(ui.answer(path: "/ui/top", query: pair).text)
        #expect(top == topTableLines(reference.answer(path: "/ui/top", query: [:]).text))
        #expect(top.first?.hasSuffix("  main.leakyRegistry") == true)
        let flame = ui.answer(path: "/ui/flamegraph", query: pair).text
        #expect(flame.contains("differential flame graph"))
        let diff = ui.answer(path: "/ui/diff", query: pair).text
        #expect(diff.contains("Base: \(Self.series[1])\nNew:  \(Self.series[4])"))
        #expect(diff.contains("main.leakyRegistry"))
        // The comparison's options still come from the URL.
        let focused = ui.answer(path: "/ui/top", query: pair.merging(["f": "leaky"]) { a, _ in a })
        let expected = reference.answer(path: "/ui/top", query: ["f": "leaky"])
        #expect(topTableLines(focused.text) == topTableLines(expected.text))
        #expect(topTableLines(focused.text).count == 3)
        #expect(topTableLines(focused.text).count < top.count)
        // Without base= and new= the page is the merged profile again.
        let merged = ui.answer(path: "/ui/flamegraph", query: [:]).text
        #expect(!merged.contains("differential flame graph"))
        // The call graph and the download follow the comparison too.
        #expect(ui.answer(path: "/ui/graph.svg", query: pair).contentType == "image/svg+xml")
        let download = ui.answer(path: "/ui/download", query: pair)
        let back = try Profile.parse(Array(download.body))
        #expect(back.samples.count == reference.shell.session.profile.samples.count)
    }

    @Test("the Compare menu lists every source as base and as new, keeping the other side")
    func compareMenu() throws {
        let ui = try makeWebUI(Self.series)
        let plain = ui.answer(path: "/ui/top", query: ["f": "main"]).text
        #expect(plain.contains("id=\"compare-menu\""))
        #expect(plain.contains("id=\"compare-none\" href=\"/ui/top?f=main\" class=\"current\""))
        // Nothing chosen: a base is compared with the last source, the last with the first.
        #expect(plain.contains("id=\"compare-base-2\" href=\"/ui/top?base=2&amp;f=main&amp;new=6\">base</a>"))
        #expect(plain.contains("id=\"compare-new-2\" href=\"/ui/top?base=6&amp;f=main&amp;new=2\">new</a><span class=\"source\">2. \(Self.series[1])</span>"))
        #expect(plain.contains("id=\"compare-base-6\" href=\"/ui/top?base=6&amp;f=main&amp;new=1\""))
        #expect(plain.contains("id=\"view-growth\" href=\"/ui/growth?f=main\""))
        let compared = ui.answer(path: "/ui/top", query: ["base": "2", "new": "5"]).text
        #expect(compared.contains("id=\"compare-base-2\" href=\"/ui/top?base=2&amp;new=5\" class=\"current\""))
        #expect(compared.contains("id=\"compare-base-3\" href=\"/ui/top?base=3&amp;new=5\">"))
        #expect(compared.contains("id=\"compare-new-4\" href=\"/ui/top?base=2&amp;new=4\">"))
        // Choosing the other side's source swaps them rather than comparing a source with itself.
        #expect(compared.contains("id=\"compare-new-2\" href=\"/ui/top?base=6&amp;new=2\">"))
        #expect(compared.contains("id=\"compare-none\" href=\"/ui/top\">"))
        // The comparison's views include the diff table; growth leaves the comparison.
        #expect(compared.contains("id=\"view-diff\" href=\"/ui/diff?base=2&amp;new=5\""))
        #expect(compared.contains("id=\"view-growth\" href=\"/ui/growth\""))
        // One profile: nothing to compare, no growth.
        let single = try makeWebUI(["Samples/heap-leak.pb.gz"]).answer(path: "/ui/top", query: [:]).text
        #expect(!single.contains("compare-menu"))
        #expect(!single.contains("view-growth"))
    }

    @Test("bad base= and new= are one clear message in the page, status 400, never a server error")
    func badComparisons() throws {
        let ui = try makeWebUI(Self.series)
        let cases: [([String: String], String)] = [
            (["base": "7", "new": "1"], "compare: base=7 is not a source: give a number from 1 to 6"),
            (["base": "0", "new": "1"], "compare: base=0 is not a source"),
            (["base": "1", "new": "x"], "compare: new=x is not a source"),
            (["base": "../../etc/passwd", "new": "1"], "compare: base=../../etc/passwd is not a source"),
            (["base": "1"], "compare: new= is missing"),
            (["new": "3"], "compare: base= is missing"),
            (["base": "3", "new": "3"], "compare: base= and new= are both source 3"),
        ]
        for (query, message) in cases {
            for path in ["/ui/flamegraph", "/ui/top", "/ui/diff"] {
                let page = ui.answer(path: path, query: query)
                #expect(page.status == 400, "\(path) \(query)")
                #expect(page.text.contains("<div id=\"error\" class=\"error\">" + WebPage.escape(message)), "\(path) \(query)")
                // The menus are still there to fix it.
                #expect(page.text.contains("id=\"compare-menu\""))
            }
            #expect(ui.answer(path: "/ui/graph.svg", query: query).status == 400)
            #expect(ui.answer(path: "/ui/download", query: query).status == 400)
        }
        let single = try makeWebUI(["Samples/heap-leak.pb.gz"])
        let page = single.answer(path: "/ui/flamegraph", query: ["base": "1", "new": "2"])
        #expect(page.status == 400)
        #expect(page.text.contains("comparing needs two or more profiles on the command line"))
    }

    @Test("the growth view's table has pprof -growth's rows, and its plot is -growth -svg's")
    func growthIsTheGrowthReport() throws {
        let ui = try makeWebUI(Self.series)
        for (query, args) in [([String: String](), [String]()), (["f": "main"], ["-focus=main"]), (["n": "2"], ["-nodecount=2"])] {
            let page = ui.answer(path: "/ui/growth", query: query)
            #expect(page.status == 200, "\(query): \(page.text.prefix(300))")
            let cli = runPprof(["-growth"] + args + Self.series)
            #expect(cli.status == 0)
            let expected = GrowthTests.rows(cli.out)
            #expect(!expected.isEmpty)
            #expect(Self.growthRows(page.text) == expected, "\(query)")
            let svg = runPprof(["-growth", "-svg"] + args + Self.series)
            #expect(page.text.contains("<div id=\"growthplot\">" + String(decoding: svg.out, as: UTF8.self) + "</div>"))
        }
        let page = ui.answer(path: "/ui/growth", query: [:]).text
        #expect(page.contains("Series: 6 snapshots"))
        #expect(page.contains("<tr class=\"verdict-grows\">"))
        #expect(Self.growthRows(page).first?.last == "main.leakyRegistry")
        // Growth is over the command line's sources, whatever base= and new= say.
        let withPair = ui.answer(path: "/ui/growth", query: ["base": "2", "new": "5"])
        #expect(Self.growthRows(withPair.text) == Self.growthRows(page))
        // Bad options are a message, as in every view.
        let bad = ui.answer(path: "/ui/growth", query: ["f": "("])
        #expect(bad.status == 400)
        #expect(bad.text.contains("<div id=\"error\" class=\"error\">parsing focus regexp: invalid regular expression `(`"))
        let single = try makeWebUI(["Samples/heap-leak.pb.gz"]).answer(path: "/ui/growth", query: [:])
        #expect(single.status == 400)
        #expect(single.text.contains("the growth view needs two or more profiles on the command line"))
    }

    /// The growth table's rows, cell by cell (the fixtures' names have no spaces, so each row
    /// is the text report's line split at spaces).
    static func growthRows(_ html: String) -> [[String]] {
        guard let table = html.range(of: "<table id=\"growthtable\""),
            let start = html.range(of: "<tbody>", range: table.upperBound..<html.endIndex),
            let end = html.range(of: "</tbody>", range: start.upperBound..<html.endIndex)
        else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "</tr>").compactMap { row in
            let cells = row.components(separatedBy: "<td").dropFirst().map { cell -> String in
                let text = cell[cell.index(after: cell.firstIndex(of: ">")!)...]
                return htmlUnescape(String(text.prefix(upTo: text.range(of: "</td>")!.lowerBound)))
            }
            return cells.isEmpty ? nil : cells.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test("with several profiles, warming makes the growth report too")
    func warmGrowth() throws {
        let ui = try makeWebUI(Self.series)
        #expect(ui.warmPaths == WebUI.warmPaths + ["/ui/growth"])
        #expect(ui.warm() == [200, 200, 200, 200])
        #expect(try makeWebUI(["Samples/cpu.pb.gz"]).warmPaths == WebUI.warmPaths)
    }

    @Test("a comparison loaded by the server makes its flame graph, diff and top tables meanwhile")
    func warmComparison() throws {
        let ui = try makeWebUI(Self.series)
        ui.warmsComparisons = true
        let first = ui.answer(path: "/ui/top", query: ["base": "1", "new": "6"])
        #expect(first.status == 200)
        let started = Date()
        while ui.comparisonWarmed != [200, 200, 200], Date().timeIntervalSince(started) < 60 { usleep(10_000) }
        #expect(ui.comparisonWarmed == [200, 200, 200])
    }

    @Test("the flame graph page has one search box, the graph's own moved into the toolbar")
    func oneSearchBox() throws {
        let ui = try makeWebUI(["Samples/heap-leak.pb.gz"])
        let html = ui.answer(path: "/ui/flamegraph", query: ["f": "main"]).text
        #expect(html.components(separatedBy: "<input").count == 2)
        #expect(html.contains("<input id=\"search\" class=\"searchbox\" type=\"search\""))
        #expect(html.contains("value=\"main\""))
        #expect(!html.contains("<foreignObject"))
        // The graph's script still finds it, and its match share line is there.
        #expect(html.contains("document.getElementById(\"search\")"))
        #expect(html.contains("id=\"matched\""))
        // Other views keep the page's box.
        let top = ui.answer(path: "/ui/top", query: [:]).text
        #expect(top.contains("<input id=\"searchbox\" class=\"searchbox\""))
        #expect(top.components(separatedBy: "<input").count == 2)
    }
}
