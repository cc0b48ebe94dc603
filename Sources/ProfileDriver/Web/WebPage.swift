import Foundation
import ProfileFormat
import ProfileReport

/// The web UI's pages: one frame (menus, legend, messages) around each view's body.
enum WebPage {
    struct Context {
        var view: WebView
        var query: [String: String]
        var profile: Profile
        var hasBase = false
        /// The command line's profiles, for the Compare menu and the growth view.
        var sources: [String] = []
        /// The source numbers compared (`base=`, `new=`), when the page shows a comparison.
        var comparing: (base: Int, new: Int)?
        var configs: [WebSettings.MenuEntry] = []
        var legend: [String] = []
        /// The body prints the legend itself (the flame graph's SVG has it in its header).
        var legendInBody = false
        var body = ""
        var error: String?
        var notes: [String] = []
    }

    /// `s` with `& < > " '` as HTML entities. Works on UTF-8 bytes: report text can be megabytes
    /// (peek at line granularity, source listings), and a scalar-by-scalar loop showed in every answer.
    static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + s.utf8.count / 16)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `path` with the page's query, changed by `set` (an empty value removes the parameter).
    static func link(_ path: String, _ query: [String: String], set: [String: String] = [:]) -> String {
        var q = query
        for (k, v) in set { q[k] = v.isEmpty ? nil : v }
        return escape(path + WebUI.suffix(q))
    }

    static func render(_ c: Context) -> String {
        let file = c.legend.first(where: { $0.hasPrefix("File: ") }).map { String($0.dropFirst(6)) } ?? "pprof"
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(escape(file)) \(escape(c.view.title))</title>
            <link rel="stylesheet" href="/ui/static/pprof.css">
            </head><body data-view="\(escape(c.view.rawValue))">
            <header id="toolbar"><span class="brand">pprof</span>

            """
        h += menu("View", id: "view-menu", items: views(c))
        h += menu("Sample", id: "sample-menu", items: samples(c))
        h += menu("Granularity", id: "granularity-menu", items: granularities(c))
        h += menu(
            "Refine", id: "refine-menu",
            items: [("Focus", "f"), ("Ignore", "i"), ("Hide", "h"), ("Show", "s"), ("Show from", "sf")].map {
                #"<button type="button" class="refine" data-param="\#($0.1)" id="refine-\#($0.1)">\#($0.0)</button>"#
            } + [#"<button type="button" class="refine" data-param="" id="refine-reset">Reset</button>"#])
        h += menu("Config", id: "config-menu", items: configItems(c))
        if c.sources.count >= 2 { h += menu("Compare", id: "compare-menu", items: compareItems(c)) }
        // One search box: on the flame graph it is the graph's own (its script finds it by the
        // id `search`, which the page takes from the graph's header), elsewhere the page's.
        let searchID = c.view == .flameGraph && c.error == nil ? "search" : "searchbox"
        h += #"<input id="\#(searchID)" class="searchbox" type="search" placeholder="regexp (/ to search, Enter to focus)" autocomplete="off" spellcheck="false" value="\#(escape(c.query["f"] ?? ""))">"#
        h += #"<span id="selection"></span>"#
        h += #"<a class="download" href="/ui/download">Download</a></header>"# + "\n"
        let legend = c.legendInBody ? [] : c.legend
        h += "<div id=\"legend\">" + legend.map { "<div>" + escape($0) + "</div>" }.joined() + "</div>\n"
        if let e = c.error { h += "<div id=\"error\" class=\"error\">" + escape(e) + "</div>\n" }
        for n in c.notes { h += "<div class=\"note\">" + escape(n) + "</div>\n" }
        h += "<main id=\"content\">\n" + c.body + "</main>\n"
        h += "<script src=\"/ui/static/pprof.js\"></script>\n</body></html>\n"
        return h
    }

    static func menu(_ title: String, id: String, items: [String]) -> String {
        "<div class=\"menu\" id=\"\(id)\"><button type=\"button\" class=\"menu-name\">\(escape(title)) &#9662;</button>"
            + "<div class=\"menu-items\">" + items.joined() + "</div></div>\n"
    }

    static func item(_ label: String, _ href: String, current: Bool, id: String? = nil) -> String {
        let idAttr = id.map { " id=\"\(escape($0))\"" } ?? ""
        return "<a\(idAttr) href=\"\(href)\"\(current ? " class=\"current\"" : "")>\(escape(label))</a>"
    }

    static func views(_ c: Context) -> [String] {
        WebView.allCases.filter { ($0 != .diff || c.hasBase) && ($0 != .growth || c.sources.count >= 2) }.map {
            // Growth is over all the sources: its link leaves the comparison.
            let set = $0 == .growth ? ["base": "", "new": ""] : [:]
            return item(
                $0.title, link($0.rawValue, c.query, set: set), current: $0 == c.view,
                id: "view-" + $0.title.lowercased().replacingOccurrences(of: " ", with: ""))
        }
    }

    /// The Compare menu: a row per source (numbered from 1 in command-line order) with a link
    /// that makes it the base and one that makes it the new profile; choosing one side keeps the
    /// other, or takes the last source (the first when the last is the one chosen). "None"
    /// shows all the sources merged again.
    static func compareItems(_ c: Context) -> [String] {
        let n = c.sources.count
        // A comparison is shown on the flame graph when asked for from the growth view.
        let path = c.view == .growth ? WebView.flameGraph.rawValue : c.view.rawValue
        func other(_ i: Int, _ current: Int?) -> Int { current.map { $0 == i ? (i == n ? 1 : n) : $0 } ?? (i == n ? 1 : n) }
        var items = [
            item("None (all merged)", link(path, c.query, set: ["base": "", "new": ""]), current: c.comparing == nil, id: "compare-none")
        ]
        for (k, source) in c.sources.enumerated() {
            let i = k + 1
            let asBase = link(path, c.query, set: ["base": String(i), "new": String(other(i, c.comparing?.new))])
            let asNew = link(path, c.query, set: ["base": String(other(i, c.comparing?.base)), "new": String(i)])
            items.append(
                "<div class=\"compare-row\">"
                    + item("base", asBase, current: c.comparing?.base == i, id: "compare-base-\(i)")
                    + item("new", asNew, current: c.comparing?.new == i, id: "compare-new-\(i)")
                    + "<span class=\"source\">\(i). \(escape(source))</span></div>")
        }
        return items
    }

    static func samples(_ c: Context) -> [String] {
        let current = (try? ReportPipeline.sampleIndex(c.profile, c.query["si"] ?? "")) ?? -1
        return c.profile.sampleTypes.enumerated().map { i, t in
            item(t.type, link(c.view.rawValue, c.query, set: ["si": t.type]), current: i == current, id: "si-" + t.type)
        }
    }

    static func granularities(_ c: Context) -> [String] {
        let current = c.query["g"].flatMap { $0.isEmpty ? nil : $0 } ?? "functions"
        return ["functions", "filefunctions", "files", "lines", "addresses"].map { g in
            item(g, link(c.view.rawValue, c.query, set: ["g": g == "functions" ? "" : g]), current: g == current, id: "g-" + g)
        }
    }

    static func configItems(_ c: Context) -> [String] {
        var items = c.configs.map { e in
            var s = item(e.name, escape(e.url), current: e.current)
            if e.user {
                s = "<span class=\"config-entry\">" + s
                    + "<button type=\"button\" class=\"delete-config\" data-name=\"\(escape(e.name))\" title=\"Delete\">&#x2715;</button></span>"
            }
            return s
        }
        items.append(#"<button type="button" id="save-config">Save as&#8230;</button>"#)
        return items
    }

    /// A page with one line of text, for paths that are not views.
    static func plain(_ message: String) -> String {
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pprof</title></head><body><p class=\"error\">"
            + escape(message) + "</p></body></html>\n"
    }

    static func preformatted(_ text: String) -> String {
        "<pre class=\"report\">" + escape(text) + "</pre>\n"
    }

    /// A standalone SVG document placed inside the page (its script and styles come with it).
    /// The flame graph's own search box is left out: the page's box (id `search`) takes its
    /// place, so the page shows one box that both highlights frames and refines.
    static func inlineSVG(_ svg: String) -> String {
        var s = Substring(svg)
        if s.hasPrefix("<?xml"), let end = s.firstIndex(of: "\n") { s = s[s.index(after: end)...] }
        if let input = s.range(of: #"id="search""#),
            let open = s[..<input.lowerBound].range(of: "<foreignObject", options: .backwards),
            let close = s[input.upperBound...].range(of: "</foreignObject>")
        {
            let end = s[close.upperBound...].first == "\n" ? s.index(after: close.upperBound) : close.upperBound
            return "<div id=\"flamegraph\">" + s[..<open.lowerBound] + s[end...] + "</div>\n"
        }
        return "<div id=\"flamegraph\">" + s + "</div>\n"
    }

    static func graphFrame(query: [String: String]) -> String {
        "<iframe id=\"graph\" title=\"call graph\" src=\"\(link("/ui/graph.svg", query))\"></iframe>\n"
    }
}
