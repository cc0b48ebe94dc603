import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What a flame graph SVG holds, read back with an XML parser.
struct FlameFile {
    struct Frame {
        var name: String
        var detail: String
        var x: Double
        var width: Double
        var fill: String
        var depth: Int
        var parent: Int
    }

    var frames: [Frame] = []
    var isDiff = false

    /// Parses `bytes`; nil with a reason when the XML is malformed or a frame is incomplete.
    static func parse(_ bytes: [UInt8]) -> Result<FlameFile, FlameError> {
        let reader = Reader()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = reader
        guard parser.parse() else {
            return .failure(FlameError("malformed SVG: \(parser.parserError.map { "\($0)" } ?? "unknown error")"))
        }
        if let problem = reader.problem { return .failure(FlameError(problem)) }
        return .success(reader.file)
    }

    final class Reader: NSObject, XMLParserDelegate {
        var file = FlameFile()
        var problem: String?
        /// Open frame groups (indices into file.frames), innermost last; -1 for other groups.
        var open: [Int] = []
        var inTitle = false
        var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch name {
            case "svg":
                file.isDiff = attributes["data-diff"] == "1"
            case "g":
                if (attributes["class"] ?? "").split(separator: " ").contains("f") {
                    let parent = open.last(where: { $0 >= 0 }) ?? -1
                    let depth = parent >= 0 ? file.frames[parent].depth + 1 : 0
                    file.frames.append(Frame(name: "", detail: "", x: 0, width: -1, fill: "", depth: depth, parent: parent))
                    open.append(file.frames.count - 1)
                } else {
                    open.append(-1)
                }
            case "title" where open.last ?? -1 >= 0:
                inTitle = true
                text = ""
            case "rect" where open.last ?? -1 >= 0:
                let i = open.last!
                file.frames[i].x = Double(attributes["x"] ?? "") ?? .nan
                file.frames[i].width = Double(attributes["width"] ?? "") ?? .nan
                file.frames[i].fill = attributes["fill"] ?? ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            problem = problem ?? "malformed SVG: \(parseError)"
        }

        func parserDidEndDocument(_ parser: XMLParser) {
            if !open.isEmpty { problem = problem ?? "malformed SVG: \(open.count) groups left open" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inTitle { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "title" where inTitle:
                inTitle = false
                let i = open.last!
                let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                file.frames[i].name = String(parts[0])
                file.frames[i].detail = parts.count > 1 ? String(parts[1]) : ""
            case "g":
                if let i = open.popLast(), i >= 0 {
                    let f = file.frames[i]
                    if f.name.isEmpty || f.width.isNaN || f.width < 0 || f.x.isNaN || f.fill.isEmpty {
                        problem = problem ?? "frame \(i) (\(f.name)) lacks a title, a rect or a fill"
                    }
                }
            default: break
            }
        }
    }

    var root: Frame? { frames.first }
    var names: Set<String> { Set(frames.map(\.name)) }
}

struct FlameError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Runs `pprof -flame ARGS` and parses the SVG, recording an issue when it fails.
func flame(_ args: [String]) -> FlameFile? {
    let r = runPprof(["-flame"] + args)
    guard r.status == 0 else {
        Issue.record("pprof -flame \(args) failed: \(r.err)")
        return nil
    }
    switch FlameFile.parse(r.out) {
    case .success(let f): return f
    case .failure(let e):
        Issue.record("\(e)")
        return nil
    }
}

/// Function names of `-top -cum` rows whose cum share is at least `minPercent`.
func topFunctions(_ args: [String], minPercent: Double) -> [String] {
    let out = String(decoding: runPprof(["-top", "-cum"] + args).out, as: UTF8.self)
    var names: [String] = []
    for line in out.split(separator: "\n") {
        let cols = line.split(separator: " ", omittingEmptySubsequences: true)
        guard cols.count >= 6, cols[4].hasSuffix("%"), let cum = Double(cols[4].dropLast()) else { continue }
        var name = cols[5...].joined(separator: " ")
        for suffix in [" (inline)", " (partial-inline)"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        if cum >= minPercent { names.append(name) }
    }
    return names
}

@Suite struct FlameGraphTests {
    @Test func wellFormedWithEveryHeavyFunction() throws {
        let f = try #require(flame(["Samples/cpu.pb.gz"]))
        let root = try #require(f.root)
        #expect(root.name == "all")
        #expect(root.detail.hasPrefix("8.26s (100.00%)"))
        #expect(!f.isDiff)
        let expected = topFunctions(["Samples/cpu.pb.gz"], minPercent: 0.1)
        #expect(expected.count > 40)
        let missing = expected.filter { !f.names.contains($0) }
        #expect(missing.isEmpty, "functions missing from the flame graph: \(missing)")
    }

    @Test func childrenFitInsideTheirCaller() throws {
        let f = try #require(flame(["Samples/heap-leak.pb.gz"]))
        // Positions are written to 0.01 px; allow that much rounding per frame.
        var childWidth = [Double](repeating: 0, count: f.frames.count)
        var childCount = [Int](repeating: 0, count: f.frames.count)
        for (i, fr) in f.frames.enumerated() where fr.parent >= 0 {
            let p = f.frames[fr.parent]
            #expect(fr.x >= p.x - 0.01 && fr.x + fr.width <= p.x + p.width + 0.02, "frame \(i) \(fr.name) overflows")
            childWidth[fr.parent] += fr.width
            childCount[fr.parent] += 1
        }
        for (i, fr) in f.frames.enumerated() {
            #expect(childWidth[i] <= fr.width + 0.01 * Double(childCount[i] + 1), "children of \(fr.name) are wider")
        }
    }

    @Test func filtersAndSampleIndexApply() throws {
        let f = try #require(flame(["-focus=main\\.recompress", "Samples/cpu.pb.gz"]))
        #expect(f.names.contains("main.recompress"))
        #expect(!f.names.contains("main.fetch"))
        // With a focus the total is what passes through main.recompress.
        let frame = try #require(f.frames.first { $0.name == "main.recompress" })
        #expect(frame.width == f.root!.width)

        let a = try #require(flame(["-sample_index=alloc_space", "Samples/allocs-leak.pb.gz"]))
        let top = String(decoding: runPprof(["-top", "-sample_index=alloc_space", "Samples/allocs-leak.pb.gz"]).out, as: UTF8.self)
        let total = try #require(top.split(separator: "\n").first { $0.hasPrefix("Showing nodes") })
        // "Showing nodes accounting for X, P% of T total": the root says T.
        let t = try #require(total.split(separator: " ").dropLast().last)
        #expect(a.root!.detail.hasPrefix(String(t) + " "))
    }

    @Test func diffColoursGrowthAndShrinkage() throws {
        let grew = try #require(flame(["-diff_base", "Samples/heap-fixed.pb.gz", "Samples/heap-leak.pb.gz"]))
        #expect(grew.isDiff)
        let fetch = try #require(grew.frames.first { $0.name == "main.fetch" })
        #expect(fetch.fill.hasPrefix("rgb(245,"), "main.fetch grew, so it is red: \(fetch.fill)")
        #expect(fetch.detail.contains("base"))
        let shrank = try #require(flame(["-diff_base", "Samples/heap-leak.pb.gz", "Samples/heap-fixed.pb.gz"]))
        let worker = try #require(shrank.frames.first { $0.name == "main.worker.func1" })
        #expect(worker.fill.hasSuffix(",245)"), "main.worker.func1 shrank, so it is blue: \(worker.fill)")
    }

    @Test func malformedSVGIsCaught() {
        let broken = Array("<svg><g class=\"f\"><title>x</title><rect x=\"1\" width=\"2\" fill=\"red\"/></svg>".utf8)
        guard case .failure = FlameFile.parse(broken) else {
            Issue.record("an unclosed group must not parse")
            return
        }
        let missingRect = Array("<svg><g class=\"f\"><title>x</title></g></svg>".utf8)
        guard case .failure = FlameFile.parse(missingRect) else {
            Issue.record("a frame without a rect must be refused")
            return
        }
    }

    @Test func noSamplesIsAnError() {
        let r = runPprof(["-flame", "-focus=no_such_function_anywhere", "Samples/cpu.pb.gz"])
        #expect(r.status != 0)
        #expect(r.err.contains("no samples"))
    }
}
