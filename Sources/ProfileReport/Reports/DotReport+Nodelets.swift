import ProfileFormat

/// Nodelets: the boxes under a node for the labels and numeric labels of its samples.
extension DotWriter {
    /// The tag boxes hanging off a node; whether there were any.
    func writeNodelets(_ w: inout String, _ n: Node, _ id: Int) -> Bool {
        var text = ""
        // Leaves show cumulative tags (weight of removed children included); others flat ones.
        let flatTags = !n.outEdges.isEmpty
        var labelTags = sortTags(Array(n.labelTags.values), flat: flatTags)
        if labelTags.count > maxNodelets { labelTags.removeLast(labelTags.count - maxNodelets) }
        for (i, t) in labelTags.enumerated() {
            let weight = flatTags ? t.flatValue : t.cumValue
            if weight == 0 { continue }
            let ws = format(weight)
            text += "N\(id)_\(i) [label = \"\(t.name)\" id=\"N\(id)_\(i)\" fontsize=8 shape=box3d tooltip=\"\(ws)\"]\n"
            text += "N\(id) -> N\(id)_\(i) [label=\" \(ws)\" weight=100 tooltip=\"\(ws)\" labeltooltip=\"\(ws)\"]\n"
            if let nts = n.numericTags[t.name], !nts.isEmpty {
                text += numericNodelets(Array(nts.values), flatTags, "N\(id)_\(i)")
            }
        }
        if let nts = n.numericTags[""], !nts.isEmpty {
            text += numericNodelets(Array(nts.values), flatTags, "N\(id)")
        }
        w += text
        return !text.isEmpty
    }

    private func numericNodelets(_ tags: [Tag], _ flatTags: Bool, _ source: String) -> String {
        var text = ""
        for (j, t) in collapsedTags(tags, maxNodelets, flatTags).enumerated() {
            var weight = t.cumValue, attr = " style=\"dotted\""
            if flatTags || t.flatValue == t.cumValue {
                weight = t.flatValue
                attr = ""
            }
            if weight == 0 { continue }
            let ws = format(weight)
            text += "N\(source)_\(j) [label = \"\(t.name)\" id=\"N\(source)_\(j)\" fontsize=8 shape=box3d tooltip=\"\(ws)\"]\n"
            text += "\(source) -> N\(source)_\(j) [label=\" \(ws)\" weight=100 tooltip=\"\(ws)\" labeltooltip=\"\(ws)\"\(attr)]\n"
        }
        return text
    }

    /// At most `count` numeric tags; beyond that, tags are grouped with the nearest of the first
    /// `count` and shown as ranges.
    private func collapsedTags(_ input: [Tag], _ count: Int, _ flatTags: Bool) -> [Tag] {
        let ts = sortTags(input, flat: flatTags)
        if ts.count <= count { return ts }
        var groups: [[Tag]] = ts.prefix(count).map { [$0] }
        for t in ts.dropFirst(count) {
            var best = 0
            var distance = tagDistance(t, groups[0][0])
            for i in 1..<count {
                let d = tagDistance(t, groups[i][0])
                if d < distance {
                    best = i
                    distance = d
                }
            }
            groups[best].append(t)
        }
        let collapsed = groups.map { g -> Tag in
            let (label, flat, cum) = tagGroupLabel(g)
            let t = Tag(name: label, unit: "", value: 0)
            t.flat = flat
            t.cum = cum
            return t
        }
        return sortTags(collapsed, flat: flatTags)
    }

    private func tagDistance(_ t: Tag, _ u: Tag) -> Double {
        let v = Measurement.scale(u.value, from: u.unit, to: t.unit).0
        return abs(Double(t.value) - v)
    }

    private func tagGroupLabel(_ g: [Tag]) -> (String, Int64, Int64) {
        if g.count == 1 {
            let t = g[0]
            return (Measurement.label(t.value, unit: t.unit), t.flatValue, t.cumValue)
        }
        var lo = g[0], hi = g[0]
        var df = lo.flatDiv, f = lo.flat, dc = lo.cumDiv, c = lo.cum
        for t in g.dropFirst() {
            if goInt64(Measurement.scale(t.value, from: t.unit, to: lo.unit).0) < lo.value { lo = t }
            if goInt64(Measurement.scale(t.value, from: t.unit, to: hi.unit).0) > hi.value { hi = t }
            f &+= t.flat
            df &+= t.flatDiv
            c &+= t.cum
            dc &+= t.cumDiv
        }
        if df != 0 { f /= df }
        if dc != 0 { c /= dc }
        // Ranges keep the tags' own units: in the report's unit small sizes would read "0..0".
        return (Measurement.label(lo.value, unit: lo.unit) + ".." + Measurement.label(hi.value, unit: hi.unit), f, c)
    }
}

/// Tags by |cum| (unless `flat`), then |flat|, then name.
func sortTags(_ tags: [Tag], flat: Bool) -> [Tag] {
    tags.sorted { a, b in
        if !flat && a.cum != b.cum { return goAbs(a.cum) > goAbs(b.cum) }
        if a.flat != b.flat { return goAbs(a.flat) > goAbs(b.flat) }
        return a.name < b.name
    }
}
