import ProfileFormat

/// One row of the `top` report.
public struct TextItem {
    public var name: String
    public var inlineLabel: String
    public var flat: Int64
    public var cum: Int64
    public var flatFormat: String
    public var cumFormat: String
}

extension Report {
    /// The rows and header of `top`/`text`.
    public func textItems() -> (items: [TextItem], labels: [String]) {
        let (g, origCount, droppedNodes, _) = newTrimmedGraph()
        selectOutputUnit(g)
        let labels = reportLabels(g, origCount: origCount, droppedNodes: droppedNodes, droppedEdges: 0, fullHeaders: false)
        var items: [TextItem] = []
        items.reserveCapacity(g.nodes.count)
        for n in g.nodes {
            var inline = false, noinline = false
            for e in n.inEdges.values {
                if e.inline { inline = true } else { noinline = true }
            }
            let inl = inline ? (noinline ? "(partial-inline)" : "(inline)") : ""
            items.append(
                TextItem(
                    name: n.printableName, inlineLabel: inl, flat: n.flatValue, cum: n.cumValue,
                    flatFormat: formatValue(n.flatValue), cumFormat: formatValue(n.cumValue)))
        }
        return (items, labels)
    }

    /// `top`/`text`: one row per node with flat, flat%, sum%, cum, cum%.
    public func printText(_ w: inout String) {
        let (items, labels) = textItems()
        w += labels.joined(separator: "\n") + "\n"
        w += "      flat  flat%   sum%        cum   cum%\n"
        var flatSum: Int64 = 0
        for item in items {
            flatSum &+= item.flat
            w += GoFormat.pad(item.flatFormat, 10)
            w += " " + Measurement.percentage(item.flat, total)
            w += " " + Measurement.percentage(flatSum, total)
            w += " " + GoFormat.pad(item.cumFormat, 10)
            w += " " + Measurement.percentage(item.cum, total)
            w += "  " + item.name
            if !item.inlineLabel.isEmpty { w += " " + item.inlineLabel }
            w += "\n"
        }
    }

    /// `traces`: every sample's stack with its value and labels, written as bytes: each
    /// location's frame lines are made once and copied per sample.
    public func printTraces() -> [UInt8] {
        var w: [UInt8] = []
        w.reserveCapacity(profile.samples.count * 256)
        w += Array((profileLabels().joined(separator: "\n") + "\n").utf8)
        let separator = Array("-----------+-------------------------------------------------------\n".utf8)
        let locationFrames = locationFrames(trimsFiles: false)
        // Each location's frame lines with an empty value column (10 spaces), computed on first use.
        var lines: [[[UInt8]]?] = Array(repeating: nil, count: profile.locations.count)
        let blank = [UInt8](repeating: 0x20, count: 10)
        for s in profile.samples {
            var frames = 0
            for l in s.locations {
                let li = Int(l)
                if lines[li] == nil {
                    lines[li] = locationFrames[li].map {
                        blank + Array(("   " + $0.name + ($0.inline ? " (inline)" : "") + "\n").utf8)
                    }
                }
                frames += lines[li]!.count
            }
            if frames == 0 { continue }
            w += separator
            w += Array(Report.traceLabelLines(s, numLabelUnits: options.numLabelUnits).utf8)
            var v = s.values[options.sampleIndex]
            if let mi = options.meanDivisorIndex {
                let d = s.values[mi]
                v = meanValue(v, d)
            }
            var first = true
            for l in s.locations {
                for line in lines[Int(l)]! {
                    if first {
                        w += Array(GoFormat.pad(formatValue(v), 10).utf8)
                        w += line[10...]
                        first = false
                    } else {
                        w += line
                    }
                }
            }
        }
        w += separator
        return w
    }

    /// `comments`: the profile's comments, one per line.
    public func printComments(_ w: inout String) {
        for c in profile.comments { w += c + "\n" }
    }

    /// The rows of `tags`: each label key in name order with its total, and each of its values
    /// (numeric ones as text in the output unit) with the weight of the samples carrying it,
    /// heaviest first.
    public func tagTable() -> [(key: String, total: Int64, values: [(name: String, weight: Int64)])] {
        let outputUnit = options.outputUnit
        var tagMap: [String: [String: Int64]] = [:]
        for s in profile.samples {
            let v = s.values[options.sampleIndex]
            for l in s.labels { tagMap[l.key, default: [:]][l.value, default: 0] &+= v }
            for nl in s.numLabels {
                let unit = options.numLabelUnits[nl.key] ?? ""
                let text = Measurement.scaledLabel(nl.value, from: unit, to: outputUnit)
                tagMap[nl.key, default: [:]][text, default: 0] &+= v
            }
        }
        // Keys sort by flat (all zero here) then name.
        return tagMap.keys.sorted().map { key in
            let values = tagMap[key]!
            var total: Int64 = 0
            for c in values.values { total &+= c }
            let sorted = values.sorted { a, b in
                if a.value != b.value { return goAbs(a.value) > goAbs(b.value) }
                return a.key < b.key
            }
            return (key, total, sorted.map { ($0.key, $0.value) })
        }
    }

    /// `tags`: for each label key, the share of the total that carries each value.
    public func printTags(_ w: inout String) {
        let outputUnit = options.outputUnit
        var tw = TabWriter(padding: 1, alignRight: true)
        for (key, total, values) in tagTable() {
            let (f, u) = Measurement.scale(total, from: options.sampleUnit, to: outputUnit)
            tw.write("\(key):\t Total \(GoFormat.fixed(f, 1))\(u)\n")
            for (name, c) in values {
                let (f, u) = Measurement.scale(c, from: options.sampleUnit, to: outputUnit)
                if total > 0 {
                    tw.write(" \t\(GoFormat.fixed(f, 1))\(u) (\(Measurement.percentage(c, total))):\t \(name)\n")
                } else {
                    tw.write(" \t\(GoFormat.fixed(f, 1))\(u):\t \(name)\n")
                }
            }
            tw.write("\n")
        }
        w += tw.flush()
    }
}

extension Report {
    /// The label lines `traces` prints above a sample's stack: string labels, then numeric ones
    /// (each value in its readable unit through `label`), one line per key with its values in
    /// order, the lines of each kind sorted.
    public static func traceLabelLines(
        _ s: Sample, numLabelUnits: [String: String],
        label: (Int64, String) -> String = { Measurement.label($0, unit: $1) }
    ) -> String {
        func lines(_ pairs: [(key: String, text: String)]) -> String {
            var byKey: [(String, [String])] = []
            for (key, text) in pairs {
                if let i = byKey.firstIndex(where: { $0.0 == key }) {
                    byKey[i].1.append(text)
                } else {
                    byKey.append((key, [text]))
                }
            }
            return byKey.map { GoFormat.pad($0.0, 10) + ":  " + $0.1.joined(separator: " ") + "\n" }.sorted().joined()
        }
        var w = ""
        if !s.labels.isEmpty { w += lines(s.labels.map { ($0.key, $0.value) }) }
        if !s.numLabels.isEmpty {
            w += lines(s.numLabels.map { ($0.key, label($0.value, numLabelUnits[$0.key] ?? "")) })
        }
        return w
    }
}
