import Foundation
import Testing

@testable import ProfileDriver
@testable import ProfileReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Pictures through Graphviz, and the helpers of the graph reports.
@Suite struct GraphPictureTests {
    @Test func missingDotNamesTheDebianPackage() {
        do {
            _ = try Graphviz.render(dot: Array("digraph { a -> b }".utf8), type: "svg", searchPath: ["/nonexistent"])
            Issue.record("rendering without dot must fail")
        } catch {
            #expect(error.message.contains("Graphviz's dot program was not found"))
            #expect(error.message.contains("apt-get install graphviz"))
        }
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dot"),
            "Graphviz's dot is not installed (apt-get install graphviz): SVG check skipped"))
    func svgPansAndZooms() throws {
        let r = runPprof(["-svg", "Samples/cpu.pb.gz"])
        #expect(r.status == 0, "\(r.err)")
        let svg = String(decoding: r.out, as: UTF8.self)
        #expect(svg.contains(#"<svg width="100%" height="100%""#))
        #expect(svg.contains(#"<g id="viewport" transform="scale(0.5,0.5) translate(0,0)">"#))
        #expect(svg.contains("addEventListener(\"wheel\""))
        #expect(XMLParser(data: Data(r.out)).parse(), "the SVG must stay well-formed")
    }

    @Test func panZoomRewritesGraphvizHeader() {
        let input = """
            <svg width="62pt" height="116pt"
             viewBox="0.00 0.00 62.00 116.00" xmlns="http://www.w3.org/2000/svg">
            <g id="graph0" class="graph"><text>a &; b</text></g>
            </svg>
            """
        let out = GraphSVG.addPanZoom(input)
        #expect(out.hasPrefix(#"<svg width="100%" height="100%" xmlns="#))
        #expect(out.contains("&amp;;"))
        #expect(out.contains("</g></g>\n</svg>") || out.contains("</g>\n</g></svg>"))
        #expect(XMLParser(data: Data(out.utf8)).parse())
    }

    /// Expected values printed by pprof's ShortenFunctionName rules run in Go.
    @Test(arguments: [
        ("main.fetch", "main.fetch"), ("image/jpeg.(*decoder).processSOS", "jpeg.(*decoder).processSOS"),
        ("github.com/foo/bar/v2.(*T).M", "bar.(*T).M"), ("github.com/foo/bar/v2/baz.F", "baz.F"),
        ("example.com/m/v10.F", "m.F"), ("example.com/m/v1.F", "v1.F"), ("example.com/m/v02.F", "v02.F"),
        ("a/b/", "b/"), ("a/b/c/", "c/"), ("/abs/path.F", "/abs/path.F"), ("a//b.F", "/b.F"),
        ("com.google.Foo.bar(int)", "Foo.bar"), ("com.google.Foo.<init>", "Foo.<init>"), ("Foo.bar$1", "Foo.bar$1"),
        ("Foo.bar$12x", "Foo.bar$12x"), ("com.Foo.bar.baz", "com.Foo.bar.baz"), ("foo::Bar::baz", "Bar::baz"),
        ("(anonymous namespace)::Foo::bar", "Foo::bar"), ("std::vector<int>::push_back", "std::vector<int>::push_back"),
        ("ns::Cls::~Cls", "Cls::~Cls"), ("ns::a::B::f<int>(x)", "B::f<int>"), ("pkg.Map4[...].Get", "pkg.Map4[...].Get"),
        ("golang.org/x/synth/pkg18.(*Type3).Method42", "pkg18.(*Type3).Method42"), ("x/v3", "v3"), ("x/v3.", "x."),
        ("C.f", "C.f"), ("java.util.HashMap.put", "HashMap.put"), ("Abc.x(", "Abc.x"),
        ("net/http.(*conn).serve", "http.(*conn).serve"),
    ])
    func shortNames(_ name: String, _ short: String) {
        #expect(FunctionName.shorten(name) == short)
    }

    @Test func dotColoursMatchPprof() {
        // Values from pprof's dotColor.
        #expect(dotColor(1, background: false) == "#b20000")
        #expect(dotColor(1, background: true) == "#edd5d5")
        #expect(dotColor(0, background: false) == "#b2b2b2")
        #expect(dotColor(-0.5, background: false).hasPrefix("#"))
        #expect(dotColor(.nan, background: true) == "#ed00d5")
    }
}
