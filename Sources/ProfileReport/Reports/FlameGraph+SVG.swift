import ProfileFormat

extension Report {
    /// `flame`: an interactive flame graph as one self-contained SVG file.
    public func printFlameGraph() throws(ReportError) -> [UInt8] {
        let graph = flameGraph()
        if graph.value[0] <= 0 && graph.base[0] == 0 {
            throw ReportError("no samples to draw a flame graph of")
        }
        // Each value in its own readable unit unless -unit asks for one.
        if options.outputUnit == .minimum { options.outputUnit = .auto }
        var header = profileLabels()
        if !options.activeFilters.isEmpty { header.append("Active filters: " + options.activeFilters.joined(separator: " ")) }
        if graph.isDiff {
            header.append("Total: \(formatValue(graph.value[0])), base \(formatValue(graph.base[0]))")
        } else {
            header.append("Total: \(formatValue(graph.value[0]))")
        }
        var w = ReportBytes()
        FlameSVG(graph: graph, header: header, title: options.title, format: valueFormatter()).write(into: &w)
        return w.bytes
    }
}

/// Lays a flame graph out (root at the bottom, callees above their callers, siblings in name
/// order) and writes it as SVG with its stylesheet and script embedded.
struct FlameSVG {
    let graph: FlameGraph
    let header: [String]
    let title: String
    let format: (Int64) -> String

    static let width = 1200.0
    static let padding = 10.0
    static let frameHeight = 17.0
    /// Width of one character of the monospace label font, for fitting labels in frames.
    static let charWidth = 7.2
    /// Frames narrower than 0.1 pixel at full size are left out.
    static let minimumShare = 0.1 / (width - 2 * padding)

    init(graph: FlameGraph, header: [String], title: String, format: @escaping (Int64) -> String) {
        self.graph = graph
        self.header = header
        self.title = title
        self.format = format
    }

    func write(into out: inout ReportBytes) {
        var w = ""
        let top = 60.0 + Double(header.count) * 15
        let levels = Double(graph.maxDepth + 1)
        let height = (top + levels * Self.frameHeight + 40).rounded(.up)
        let drawWidth = Self.width - 2 * Self.padding
        let rootWeight = Double(graph.width(0))
        let pixelsPerUnit = rootWeight > 0 ? drawWidth / rootWeight : 0
        let baseRootWeight = Double(graph.baseWidth(0))
        let basePixelsPerUnit = baseRootWeight > 0 ? drawWidth / baseRootWeight : 0
        let total = graph.value[0]

        w.reserveCapacity(20_000)
        w += #"<?xml version="1.0" encoding="UTF-8" standalone="no"?>"# + "\n"
        w += #"<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="\#(Int(Self.width))" height="\#(Int(height))""#
        w += #" viewBox="0 0 \#(Int(Self.width)) \#(Int(height))" data-char-width="\#(Self.charWidth)""#
        w += #" data-diff="\#(graph.isDiff ? 1 : 0)">"# + "\n"
        w += "<title>\(xmlEscape(title.isEmpty ? "Flame graph" : title + " flame graph"))</title>\n"
        w += "<style type=\"text/css\"><![CDATA[\n" + FlameAssets.css + "]]></style>\n"
        w += "<script type=\"text/ecmascript\"><![CDATA[\n" + FlameAssets.script + "]]></script>\n"
        w += #"<rect class="background" x="0" y="0" width="100%" height="100%"/>"# + "\n"
        let heading = (title.isEmpty ? "" : title + ": ") + (graph.isDiff ? "differential flame graph" : "flame graph")
        w += #"<text id="title" x="\#(Self.width / 2)" y="26">\#(xmlEscape(heading))</text>"# + "\n"
        var y = 46.0
        for line in header {
            w += #"<text class="subtitle" x="\#(Self.width / 2)" y="\#(y)">\#(xmlEscape(line))</text>"# + "\n"
            y += 15
        }
        if graph.isDiff {
            w += #"<text class="legend" x="\#(Self.padding)" y="\#(y)">Colour: "#
            w += #"<tspan class="grew">red grew</tspan>, <tspan class="shrank">blue shrank</tspan> "#
            w += "against the base (deeper: a bigger change). Width: "
            w += #"<tspan id="by-new" class="choice on">new profile</tspan> "#
            if sizedByBase { w += #"<tspan id="by-base" class="choice">base profile</tspan> "# }
            w += "(click; the base also shows what vanished)</text>\n"
        }
        w += #"<text id="unzoom" class="hidden" x="\#(Self.padding)" y="26">Reset zoom</text>"# + "\n"
        w += #"<foreignObject x="\#(Self.width - 330)" y="8" width="320" height="28">"#
        w += #"<input xmlns="http://www.w3.org/1999/xhtml" id="search" type="search" "#
        w += #"placeholder="Search (regexp), / to focus, Esc to clear" autocomplete="off"/></foreignObject>"# + "\n"
        w += #"<text id="matched" x="\#(Self.width - Self.padding)" y="\#(height - 12)"> </text>"# + "\n"
        w += #"<text id="details" x="\#(Self.padding)" y="\#(height - 12)"> </text>"# + "\n"

        out.append(w)
        let children = graph.children
        let bottom = height - 40
        // Depth-first, children nested inside their parent's group so zooming can hide subtrees.
        // Where each frame goes when sized by the new profile and, for a diff, by the base.
        struct Placement {
            var x: Double
            var scale: Double
        }
        struct Pending {
            var frame: Int
            var new: Placement
            var base: Placement
            var closeAfter: Int
        }
        /// The x of each child of `f` and the scale their widths are drawn at: in name order,
        /// never adding up to more than the parent's width.
        func placeChildren(
            _ kids: [Int32], of f: Int, _ at: Placement, _ weight: (Int) -> Int64, into xs: inout [Double]
        ) -> Double {
            var sum = 0.0
            for k in kids { sum += Double(weight(Int(k))) }
            let own = Double(weight(f))
            let scale = sum > own && sum > 0 ? at.scale * own / sum : at.scale
            xs.removeAll(keepingCapacity: true)
            var x = at.x
            for k in kids {
                xs.append(x)
                x += Double(weight(Int(k))) * scale
            }
            return scale
        }
        var xs: [Double] = [], bxs: [Double] = []
        var names = NameCache(graph: graph, svg: self)
        var stack: [Pending] = [
            Pending(
                frame: 0, new: Placement(x: Self.padding, scale: pixelsPerUnit),
                base: Placement(x: Self.padding, scale: basePixelsPerUnit), closeAfter: 0)
        ]
        out.literal("<g id=\"frames\">\n")
        while let item = stack.popLast() {
            let f = item.frame
            let width = Double(graph.width(f)) * item.new.scale
            let fy = bottom - Double(graph.depth[f] + 1) * Self.frameHeight
            let base = sizedByBase ? (x: item.base.x, width: Double(graph.baseWidth(f)) * item.base.scale) : nil
            writeFrame(&out, &names, f, x: item.new.x, y: fy, width: width, base: base, total: total)
            // A group stays open until its last descendant is written; that one closes it.
            let closes = item.closeAfter + 1
            let kids = children[f]
            if kids.isEmpty {
                for _ in 0..<closes { out.literal("</g>\n") }
                continue
            }
            let scale = placeChildren(kids, of: f, item.new, graph.width, into: &xs)
            let bscale = sizedByBase ? placeChildren(kids, of: f, item.base, graph.baseWidth, into: &bxs) : 0
            // Pushed in reverse so that the first child comes off the stack first.
            for (i, k) in kids.enumerated().reversed() {
                stack.append(
                    Pending(
                        frame: Int(k), new: Placement(x: xs[i], scale: scale),
                        base: Placement(x: sizedByBase ? bxs[i] : 0, scale: bscale),
                        closeAfter: i == kids.count - 1 ? closes : 0))
            }
        }
        out.literal("</g>\n</svg>\n")
    }

    /// What each frame name prints as, made once per name: names repeat across call paths.
    struct NameCache {
        struct Entry {
            /// The escaped full name, the escaped short name when it differs, the fill colour.
            var name: [UInt8]
            var short: [UInt8]?
            var shortText: String
            var shortRunes: Int
            var color: [UInt8]
        }
        let graph: FlameGraph
        let svg: FlameSVG
        var entries: [Entry?]

        init(graph: FlameGraph, svg: FlameSVG) {
            self.graph = graph
            self.svg = svg
            entries = [Entry?](repeating: nil, count: graph.names.count)
        }

        mutating func entry(_ frame: Int) -> Entry {
            let n = Int(graph.nameOf[frame])
            if frame != 0, let e = entries[n] { return e }
            let name = graph.names[n]
            let short = frame == 0 ? name : FunctionName.shorten(name)
            let e = Entry(
                name: Array(xmlEscape(name).utf8), short: short != name ? Array(xmlEscape(short).utf8) : nil,
                shortText: short, shortRunes: short.unicodeScalars.count,
                color: graph.isDiff ? [] : Array(svg.color(frame, name).utf8))
            if frame != 0 { entries[n] = e }
            return e
        }
    }

    /// Whether frames can also be sized by the base: a diff with a base that has samples.
    var sizedByBase: Bool { graph.isDiff && graph.baseWidth(0) > 0 }

    /// One frame: a group with its tooltip, rectangle and label, placed by the new profile; with
    /// `base`, also where it goes when sized by the base (`data-bx`, `data-bw`).
    private func writeFrame(
        _ w: inout ReportBytes, _ names: inout NameCache, _ i: Int, x: Double, y: Double, width: Double,
        base: (x: Double, width: Double)?, total: Int64
    ) {
        let e = names.entry(i)
        w.literal(i == 0 ? "<g class=\"f root\"" : "<g class=\"f\"")
        if let base {
            w.literal(" data-bx=\"")
            w.fixed2(base.x)
            w.literal("\" data-bw=\"")
            w.fixed2(base.width)
            w.literal("\"")
        }
        if let short = e.short {
            w.literal(" data-s=\"")
            w.append(short)
            w.literal("\"")
        }
        w.literal("><title>")
        w.append(e.name)
        w.literal("\n")
        w.append(xmlEscape(describe(i, total: total)))
        w.literal("</title><rect x=\"")
        w.fixed2(x)
        w.literal("\" y=\"")
        w.fixed2(y)
        w.literal("\" width=\"")
        w.fixed2(width)
        w.literal("\" height=\"")
        w.fixed2(Self.frameHeight - 1)
        w.literal("\" fill=\"")
        if graph.isDiff { w.append(color(i, "")) } else { w.append(e.color) }
        w.literal("\"/><text x=\"")
        w.fixed2(x + 3)
        w.literal("\" y=\"")
        w.fixed2(y + Self.frameHeight - 5)
        w.literal("\">")
        let room = Int((width - 6) / Self.charWidth)
        if room >= 3 {
            if e.shortRunes <= room {
                w.append(e.short ?? e.name)
            } else {
                w.append(xmlEscape(String(String.UnicodeScalarView(e.shortText.unicodeScalars.prefix(room - 2))) + ".."))
            }
        }
        w.literal("</text>\n")
    }

    /// "value (share of the total)", and for diffs the base value and the change.
    private func describe(_ f: Int, total: Int64) -> String {
        let value = graph.divisor[f] != 0 ? graph.value[f] / graph.divisor[f] : graph.value[f]
        var s = format(value)
        if total > 0 { s += " (" + percent(Double(graph.value[f]) / Double(total)) + ")" }
        guard graph.isDiff else { return s }
        let base = graph.baseDivisor[f] != 0 ? graph.base[f] / graph.baseDivisor[f] : graph.base[f]
        let delta = value &- base
        s += ", base " + format(base) + ", change " + (delta > 0 ? "+" : "") + format(delta)
        if base != 0 { s += " (" + (delta > 0 ? "+" : "") + percent(Double(delta) / Double(abs(base))) + ")" }
        return s
    }

    private func percent(_ r: Double) -> String {
        GoFormat.fixed(r * 100, 2) + "%"
    }

    /// Warm colours by package for a plain graph; red (grew) to blue (shrank) for a diff.
    func color(_ f: Int, _ name: String) -> String {
        if graph.isDiff {
            let new = Double(graph.value[f]), base = Double(graph.base[f])
            let scale = max(abs(new), abs(base))
            let r = scale == 0 ? 0 : max(-1, min(1, (new - base) / scale))
            let fade = Int((235 - 175 * abs(r)).rounded())
            if r > 0 { return "rgb(245,\(fade),\(fade))" }
            if r < 0 { return "rgb(\(fade),\(fade),245)" }
            return "rgb(225,225,225)"
        }
        let h = stringHash(String(packageName(name)))
        let hue = 5 + Int(h % 46)
        let saturation = 75 + Int((h >> 8) % 20)
        let lightness = 58 + Int((h >> 16) % 10)
        return "hsl(\(hue),\(saturation)%,\(lightness)%)"
    }
}
