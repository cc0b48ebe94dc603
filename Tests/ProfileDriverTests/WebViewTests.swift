import Foundation
import ProfileFormat
import ProfileReport
import Testing

@testable import ProfileDriver

@Suite("Web UI views")
struct WebViewTests {
    @Test("/ and /ui open the flame graph, the default view, drawn by the flame report")
    func flameGraphIsDefault() throws {
        let ui = try makeWebUI(["Samples/heap-leak.pb.gz"])
        let root = ui.answer(path: "/", query: [:])
        #expect(root.status == 303)
        #expect(root.header("Location") == "/ui/flamegraph")
        let page = ui.answer(path: "/ui/flamegraph", query: [:])
        #expect(page.status == 200)
        #expect(page.contentType.hasPrefix("text/html"))
        let html = page.text
        #expect(html.contains("<div id=\"flamegraph\"><svg"))
        #expect(!html.contains("<?xml"))
        #expect(html.contains("<g class=\"f root\""))
        #expect(html.contains("id=\"search\""))
        #expect(html.contains("Type: inuse_space"))
        // The sample menu offers every sample type, the current one marked.
        for t in ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"] {
            #expect(html.contains("id=\"si-\(t)\" href=\"/ui/flamegraph?si=\(t)\""))
        }
        #expect(html.contains("id=\"si-inuse_space\" href=\"/ui/flamegraph?si=inuse_space\" class=\"current\""))
        let alloc = ui.answer(path: "/ui/flamegraph", query: ["si": "alloc_space"]).text
        #expect(alloc.contains("Type: alloc_space"))
    }

    /// Web top pages and the go tool pprof goldens whose rows they must repeat.
    static let topCases: [(golden: String, source: String, query: [String: String])] = [
        ("top-cpu", "Samples/cpu.pb.gz", [:]),
        ("top-cum-cpu", "Samples/cpu.pb.gz", ["sort": "cum"]),
        ("top-alloc_space", "Samples/heap-leak.pb.gz", ["si": "alloc_space"]),
        ("top-focus-ignore", "Samples/cpu.pb.gz", ["f": "main\\.worker", "i": "jpeg"]),
        ("top-focus-main_fetch", "Samples/heap-leak.pb.gz", ["f": "main\\.fetch"]),
        ("top-heap-leak", "Samples/heap-leak.pb.gz", [:]),
    ]

    @Test("the top table's rows are go tool pprof's -top rows for the same options", arguments: 0..<6)
    func topMatchesGolden(_ i: Int) throws {
        let c = Self.topCases[i]
        let golden = try String(
            contentsOf: fixtures.appendingPathComponent("goldens/\(c.golden).txt"), encoding: .utf8)
        let expected = topReportLines(golden)
        #expect(!expected.isEmpty)
        let ui = try makeWebUI([c.source])
        let page = ui.answer(path: "/ui/top", query: c.query)
        #expect(page.status == 200)
        #expect(topTableLines(page.text) == expected)
    }

    @Test("the top table sorts by flat or cum through the URL, by name in the page")
    func topSortLinks() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        let html = ui.answer(path: "/ui/top", query: ["f": "main"]).text
        #expect(html.contains("id=\"sort-cum\" href=\"/ui/top?f=main&amp;sort=cum\""))
        #expect(html.contains("id=\"sort-flat\" href=\"/ui/top?f=main\" class=\"sorted\""))
        #expect(html.contains("id=\"sort-name\""))
        #expect(html.contains("Active filters: focus=main"))
    }

    @Test("bad options and regexps are a clear message in the page, not a server error")
    func badInputIsAMessage() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        let cases: [(String, [String: String], String)] = [
            ("/ui/top", ["f": "("], "focus"),
            ("/ui/flamegraph", ["i": "[z-a]"], "ignore"),
            ("/ui/top", ["si": "nosuchtype"], "nosuchtype"),
            ("/ui/top", ["g": "bytes"], "invalid \"granularity\" value \"bytes\""),
            ("/ui/top", ["n": "ten"], "error setting config field nodecount"),
            ("/ui/peek", ["f": "(("], "peek"),
            ("/ui/source", [:], "source needs a function"),
            ("/ui/disasm", [:], "disasm needs a function"),
            ("/ui/diff", [:], "no base profile"),
        ]
        for (path, query, words) in cases {
            let page = ui.answer(path: path, query: query)
            #expect(page.status == 400, "\(path) \(query)")
            #expect(page.text.contains("<div id=\"error\" class=\"error\">"), "\(path) \(query)")
            #expect(htmlUnescape(page.text).contains(words), "\(path) \(query): \(page.text.prefix(3000))")
            // The menus are still there, to fix the options with.
            #expect(page.text.contains("id=\"refine-menu\""))
        }
        #expect(ui.answer(path: "/ui/nosuchview", query: [:]).status == 404)
        #expect(ui.answer(path: "/ui/top", query: [:], method: "POST").status == 405)
    }

    @Test("a filter that matches nothing is a note in the page")
    func warningsAreNotes() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        let page = ui.answer(path: "/ui/top", query: ["h": "nosuchfunction"])
        #expect(page.status == 200)
        #expect(page.text.contains("<div class=\"note\">"))
        #expect(page.text.contains("nosuchfunction"))
    }

    @Test("the call graph is Graphviz's SVG with pan and zoom, in a frame that keeps the URL's options")
    func graph() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        let page = ui.answer(path: "/ui/", query: ["f": "main", "n": "20"])
        #expect(page.status == 200)
        #expect(page.text.contains("<iframe id=\"graph\" title=\"call graph\" src=\"/ui/graph.svg?f=main&amp;n=20\">"))
        let svg = ui.answer(path: "/ui/graph.svg", query: ["f": "main", "n": "20"])
        #expect(svg.status == 200)
        #expect(svg.contentType == "image/svg+xml")
        #expect(svg.text.contains("<g id=\"viewport\""))
        #expect(svg.text.contains("main"))
        let bad = ui.answer(path: "/ui/graph.svg", query: ["f": "("])
        #expect(bad.status == 400)
        #expect(bad.text.contains("focus"))
    }

    @Test("peek and source show the shell's peek and list for the regexp in f")
    func peekAndSource() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        let peek = ui.answer(path: "/ui/peek", query: ["f": "main\\.recompress"])
        #expect(peek.status == 200)
        #expect(peek.text.contains("<pre class=\"report\">"))
        #expect(peek.text.contains("main.recompress"))
        #expect(peek.text.contains("----------------------------------------------------------+-------------"))
        let source = ui.answer(path: "/ui/source", query: ["f": "main\\.recompress"])
        #expect(source.status == 200)
        #expect(source.text.contains("<section class=\"routine\" id=\"routine-0\"><h2>main.recompress"))
    }

    @Test("download is the loaded profile as gzip protobuf, and it reads back the same")
    func download() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        let a = ui.answer(path: "/ui/download", query: [:])
        #expect(a.status == 200)
        #expect(a.contentType == "application/vnd.google.protobuf+gzip")
        #expect(a.header("Content-Disposition") == "attachment;filename=profile.pb.gz")
        #expect(Array(a.body.prefix(2)) == [0x1f, 0x8b])
        let back = try Profile.parse(a.body)
        #expect(back.samples.count == ui.shell.session.profile.samples.count)
    }

    @Test("with -diff_base: a differential flame graph and the shell's diff table")
    func diffBase() throws {
        let ui = try makeWebUI(["-diff_base=Samples/heap-fixed.pb.gz", "Samples/heap-leak.pb.gz"])
        let flame = ui.answer(path: "/ui/flamegraph", query: [:])
        #expect(flame.status == 200)
        #expect(flame.text.contains("differential flame graph"))
        #expect(flame.text.contains("red grew"))
        let diff = ui.answer(path: "/ui/diff", query: [:])
        #expect(diff.status == 200)
        #expect(diff.text.contains("Base: Samples/heap-fixed.pb.gz"))
        #expect(diff.text.contains("delta%"))
        #expect(diff.text.contains("id=\"view-diff\""))
    }

    @Test("the stylesheet and script come from the binary")
    func assets() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        let css = ui.answer(path: "/ui/static/pprof.css", query: [:])
        #expect(css.status == 200 && css.contentType.hasPrefix("text/css") && css.text.contains("#toolbar"))
        let js = ui.answer(path: "/ui/static/pprof.js", query: [:])
        #expect(js.status == 200 && js.contentType.hasPrefix("text/javascript") && js.text.contains("searchbox"))
        let page = ui.answer(path: "/ui/top", query: [:]).text
        #expect(!page.contains("http://") && !page.contains("https://"))
    }
}
