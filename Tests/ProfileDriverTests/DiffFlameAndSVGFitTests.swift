import Foundation
import ProfileReport
import Testing

/// The differential flame graph's second sizing (by the base, so that what shrank or vanished
/// shows), and the `-svg` page fitting the graph to the window.
@Suite struct DiffFlameAndSVGFitTests {
    struct Frame {
        var name: String
        var newX: Double, newWidth: Double
        var baseX: Double, baseWidth: Double
        var fill: String
    }

    /// The frames of a flame graph with both placements (`data-bx`/`data-bw` and the rect's).
    static func frames(_ svg: String) -> [Frame] {
        let pattern =
            #"<g class="f(?: root)?" data-bx="([0-9.]+)" data-bw="([0-9.]+)"[^>]*><title>([^\n<]*)\n[^<]*</title><rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)" height="[0-9.]+" fill="([^"]+)""#
        let re = try! NSRegularExpression(pattern: pattern)
        let ns = svg as NSString
        return re.matches(in: svg, range: NSRange(location: 0, length: ns.length)).map { m in
            func s(_ i: Int) -> String { ns.substring(with: m.range(at: i)) }
            return Frame(
                name: s(3), newX: Double(s(4))!, newWidth: Double(s(5))!, baseX: Double(s(1))!, baseWidth: Double(s(2))!,
                fill: s(6))
        }
    }

    static func flameSVG(_ args: [String]) -> String {
        let r = runPprof(["-flame"] + args)
        #expect(r.status == 0, "\(r.err)")
        return String(decoding: r.out, as: UTF8.self)
    }

    @Test func framesOnlyInTheBaseAreDrawnWhenSizedByTheBase() throws {
        let svg = Self.flameSVG(["-diff_base", "Samples/heap-fixed.pb.gz", "Samples/heap-leak.pb.gz"])
        #expect(svg.contains(#"id="by-base""#))
        let frames = Self.frames(svg)
        #expect(frames.count > 20)
        #expect(svg.components(separatedBy: "<g class=\"f").count - 1 == frames.count, "every frame has both placements")
        let root = try #require(frames.first)
        #expect(root.name == "all" && root.baseWidth == 1180 && root.newWidth == 1180)
        // main.fetchExact held 7.12MB of the fixed profile's 15.19MB and nothing in the leak.
        let vanished = try #require(frames.first { $0.name == "main.fetchExact" })
        #expect(vanished.newWidth == 0)
        #expect(abs(vanished.baseWidth - 1180 * 7.12 / 15.19) < 3, "\(vanished.baseWidth)")
        #expect(vanished.fill == "rgb(60,60,245)", "vanished is the deepest blue: \(vanished.fill)")
        // And the reverse: main.fetch is new, so it has no width by the base.
        let new = try #require(frames.first { $0.name == "main.fetch" })
        #expect(new.baseWidth == 0 && new.newWidth > 500)
    }

    @Test func sizedByTheBaseChildrenStayInsideTheirCaller() {
        let svg = Self.flameSVG(["-diff_base", "Samples/allocs-fixed.pb.gz", "Samples/allocs-leak.pb.gz"])
        // Parents come before their children; track the open groups by nesting.
        var stack: [Frame] = []
        var checked = 0
        let frames = Self.frames(svg)
        var index = 0
        for token in svg.components(separatedBy: "\n") {
            if token.hasPrefix("<g class=\"f") {
                let f = frames[index]
                index += 1
                if let parent = stack.last {
                    #expect(f.baseX >= parent.baseX - 0.01 && f.baseX + f.baseWidth <= parent.baseX + parent.baseWidth + 0.05,
                        "\(f.name) leaves its caller \(parent.name) when sized by the base")
                    checked += 1
                }
                stack.append(f)
            }
            for _ in 0..<token.components(separatedBy: "</g>").count - 1 { _ = stack.popLast() }
        }
        #expect(checked > 20)
    }

    @Test func plainFlameGraphsHaveOneSizing() {
        let svg = Self.flameSVG(["Samples/heap-leak.pb.gz"])
        #expect(!svg.contains(#" data-bx=""#))
        #expect(!svg.contains(#"id="by-base""#))
    }

    /// The page's script runs once the drawing is loaded (it comes first in the file) and fits it.
    @Test func svgPageFitsTheGraphOnceLoaded() {
        let svg = GraphSVG.addPanZoom(
            #"<svg width="100pt" height="50pt" viewBox="0 0 100 50"><g id="graph0" class="graph"><text>x</text></g></svg>"#)
        #expect(svg.contains(#"<svg width="100%" height="100%""#))
        #expect(svg.contains(#"window.addEventListener("load", start)"#))
        #expect(svg.contains("function fit()"))
        #expect(svg.contains(#"evt.key === "0") { fit(); }"#))
        let script = svg.range(of: "<script")!.lowerBound
        let viewport = svg.range(of: #"<g id="viewport""#)!.lowerBound
        #expect(script < viewport)
    }

    /// In a real browser: the graph ends up inside the window. Runs where Chromium is installed.
    @Test(.enabled(if: chromium != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")))
    func svgFitsTheWindowInABrowser() throws {
        let r = runPprof(["-svg", "Samples/heap-leak.pb.gz"])
        #expect(r.status == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-fit-\(getpid()).svg")
        try Data(r.out).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let dom = runProcess(
            chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,800", "--dump-dom", file.path],
            timeout: 90)
        let text = String(decoding: dom.out, as: UTF8.self)
        let match = try #require(
            text.firstMatch(of: /<g id="viewport" transform="translate\(([-0-9.e]+),([-0-9.e]+)\) scale\(([0-9.e-]+)\)"/))
        let scale = try #require(Double(match.3))
        // The graph is 3 to 4 times taller than the window: it is shrunk, not left at half size.
        #expect(scale > 0.1 && scale < 0.5, "scale \(scale)")
        #expect(Double(match.2)! >= 0)
    }
}

/// The Chromium executable, if installed.
let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}
