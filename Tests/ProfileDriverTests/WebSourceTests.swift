import Foundation
import Testing

@testable import ProfileDriver

@Suite("Web UI: weblist source, legend, warming")
struct WebSourceTests {
    static let goSource = [
        "-source_path=Samples/goprog", "-trim_path=example.com/imgseed", "Samples/heap-leak.pb.gz",
    ]

    /// One instruction per line 26, to see the expansion carry a disassembler's answer.
    struct FakeInstructions: SourceLineInstructions {
        func instructions(function: String, file: String, line: Int) -> [SourceLineInstruction] {
            line == 26 && function == "main.fetch" ? [SourceLineInstruction(address: 0x4a10, text: "CALL bytes.(*Buffer).ReadFrom")] : []
        }
    }

    /// The `<tr>` of source line `n` and the row after it.
    func rows(_ html: String, line n: Int) -> (String, String) {
        guard let start = html.range(of: "data-line=\"\(n)\"") else { return ("", "") }
        let rowStart = html[..<start.lowerBound].range(of: "<tr", options: .backwards)!.lowerBound
        let rest = html[rowStart...]
        let end = rest.range(of: "</tr>")!.upperBound
        let next = rest[end...].drop(while: { $0.isWhitespace })
        let nextEnd = next.range(of: "</tr>")?.upperBound ?? next.endIndex
        return (String(rest[..<end]), String(next[..<nextEnd]))
    }

    @Test("source is go's weblist: lines with flat and cum, hot lines shaded, cold ones dimmed, calls on click")
    func weblistSource() throws {
        let ui = try makeWebUI(Self.goSource)
        let page = ui.answer(path: "/ui/source", query: ["f": "main\\.fetch"])
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("<section class=\"routine\" id=\"routine-0\"><h2>main.fetch <span class=\"file\">fetch.go</span></h2>"))
        #expect(html.contains("44.96MB   148.68MB (flat, cum) 89.56% of Total"))
        // Line 25 allocates 27% of the total: hot, no calls.
        let (l25, _) = rows(html, line: 25)
        #expect(l25.contains("class=\"line heat4\""), "\(l25)")
        #expect(l25.contains("<td class=\"num\">44.96MB</td><td class=\"num\">44.96MB</td>"))
        // Line 26 calls ReadFrom (62% of the total): it expands to that call.
        let (l26, x26) = rows(html, line: 26)
        #expect(l26.contains("class=\"line heat5 expandable\""), "\(l26)")
        #expect(x26.hasPrefix("<tr class=\"expansion\" hidden>"))
        #expect(x26.contains("103.73MB</span> <span class=\"num\">100%</span> bytes.(*Buffer).ReadFrom bytes/buffer.go:200"))
        #expect(!x26.contains("class=\"asm\""))
        // Line 27 has no samples.
        let (l27, x27) = rows(html, line: 27)
        #expect(l27.contains("class=\"line cold\""))
        #expect(!x27.contains("expansion"))
    }

    @Test("a disassembler's instructions for a line show in its expansion")
    func instructions() throws {
        let ui = try makeWebUI(Self.goSource)
        ui.instructions = FakeInstructions()
        let (_, x26) = rows(ui.answer(path: "/ui/source", query: ["f": "main\\.fetch"]).text, line: 26)
        #expect(x26.contains("<div class=\"asm\">"))
        #expect(x26.contains("4a10: CALL bytes.(*Buffer).ReadFrom"))
        #expect(NoInstructions().instructions(function: "main.fetch", file: "fetch.go", line: 26).isEmpty)
    }

    @Test("without the source files, each routine says so and the page still has its values")
    func missingSource() throws {
        let ui = try makeWebUI(["Samples/heap-leak.pb.gz"])
        let page = ui.answer(path: "/ui/source", query: ["f": "main\\.fetch"])
        #expect(page.status == 200)
        #expect(page.text.contains("could not find file example.com/imgseed/fetch.go"))
        #expect(page.text.contains("(flat, cum) 89.56% of Total"))
    }

    @Test("parseLinePeek reads each line node's cum% and the calls listed under it, not its callers")
    func linePeek() {
        let text = """
            ----------------------------------------------------------+-------------
                                                       44.96MB   100% |   main.worker.func1 example.com/imgseed/main.go:171
               44.96MB 27.08% 27.08%    44.96MB 27.08%                | main.fetch example.com/imgseed/fetch.go:25
            ----------------------------------------------------------+-------------
                                                      103.73MB   100% |   main.worker.func1 example.com/imgseed/main.go:171
                     0     0% 27.08%   103.73MB 62.48%                | closure #1 in f() a.swift:26
                                                      103.73MB   100% |   bytes.(*Buffer).ReadFrom bytes/buffer.go:200
            ----------------------------------------------------------+-------------
            """
        let d = WebPage.parseLinePeek(text)
        #expect(d["main.fetch"]?[25] == WebPage.LineDetail(cumShare: 27.08, calls: []))
        #expect(WebPage.parseLinePeek(text, functions: ["main.fetch"]).keys.sorted() == ["main.fetch"])
        #expect(
            d["closure #1 in f()"]?[26]
                == WebPage.LineDetail(
                    cumShare: 62.48,
                    calls: [WebPage.LineCall(value: "103.73MB", share: "100%", callee: "bytes.(*Buffer).ReadFrom bytes/buffer.go:200")]))
    }

    @Test("the flame graph's File/Type/Time are printed once, in its own header")
    func flameLegendOnce() throws {
        let ui = try makeWebUI(["Samples/heap-leak.pb.gz"])
        let html = ui.answer(path: "/ui/flamegraph", query: [:]).text
        #expect(html.components(separatedBy: "Type: inuse_space").count == 2)
        #expect(html.contains("<title>imgseed Flame Graph</title>"))
        // Other views keep the page legend.
        let top = ui.answer(path: "/ui/top", query: [:]).text
        #expect(top.contains("<div id=\"legend\"><div>File: imgseed</div>"))
    }

    @Test("warming answers the first views once, so that they come from the shell's cache")
    func warm() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        #expect(WebUI.warmPaths == ["/ui/flamegraph", "/ui/top", "/ui/graph.svg"])
        #expect(ui.warm() == [200, 200, 200])
    }

    @Test("escape turns the five HTML characters into entities and leaves the rest, UTF-8 included")
    func escape() {
        #expect(WebPage.escape("<a href='x'>&\"é→") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;é→")
        #expect(WebPage.escape("") == "")
    }

    @Test("pprof -weblist=RE -output=FILE writes the source page, styles and script inside, with the command line's options")
    func weblistFlag() throws {
        let file = NSTemporaryDirectory() + "pprof-weblist-\(UUID().uuidString).html"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = runPprof(["-weblist=main\\.fetch", "-output=" + file, "-sample_index=alloc_space"] + Self.goSource)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err == "Generating report in \(file)\n")
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>imgseed main\\.fetch</title>"))
        #expect(html.contains("<div>Type: alloc_space</div>"))
        #expect(html.contains("<h2>main.fetch <span class=\"file\">fetch.go</span></h2>"))
        #expect(html.contains("<style>") && html.contains("tr.line.cold td"))
        #expect(html.contains("<script>") && html.contains("tr.line.expandable"))
        #expect(!html.contains("/ui/static/"))
        let (l26, _) = rows(html, line: 26)
        #expect(l26.contains("expandable"))
    }

    @Test("-weblist is one output format among the others, and not one the web UI takes")
    func weblistFlagConflicts() {
        for args in [["-weblist=main", "-top"], ["-weblist=main", "-http=:0"]] {
            let r = runPprof(args + ["Samples/heap-leak.pb.gz"])
            #expect(r.status == 1)
            #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
        }
        let bad = runPprof(["-weblist=(", "-output=/dev/null", "Samples/heap-leak.pb.gz"])
        #expect(bad.status == 1)
        #expect(bad.err.hasPrefix("pprof: ") && bad.err.split(separator: "\n").count == 1, "\(bad.err)")
    }

    @Test("a selection refines: the page counts it, the script quotes names as go does, and the callers link answers")
    func selectionRefines() throws {
        let ui = try makeWebUI(["Samples/heap-leak.pb.gz"])
        let top = ui.answer(path: "/ui/top", query: [:]).text
        #expect(top.contains("<span id=\"selection\"></span>"))
        let js = ui.answer(path: "/ui/static/pprof.js", query: [:]).text
        #expect(js.contains("function quote(name)") && js.contains("frame-callers") && js.contains("selected.map(quote)"))
        let peek = ui.answer(path: "/ui/peek", query: ["f": "^main\\.fetch$", "g": "functions"])
        #expect(peek.status == 200)
        #expect(peek.text.contains("| main.fetch\n"))
        #expect(peek.text.contains("|   main.worker.func1\n"))
        let focused = ui.answer(path: "/ui/top", query: ["f": "^main\\.fetch$|^main\\.worker$"])
        #expect(focused.status == 200)
        #expect(focused.text.contains("Active filters: focus=^main\\.fetch$|^main\\.worker$"))
    }
}
