import ProfileFormat

extension ReportPipeline {
    /// `-tagroot`/`-tagleaf`: adds a pseudo frame per label key at the root or leaf of each stack,
    /// named after the sample's values for that key (file name = the key).
    static func addLabelNodes(_ p: inout Profile, _ cfg: ReportConfig, warn: (String) -> Void) throws(ReportError) {
        let rootKeys = cfg.tagRoot.split(separator: ",").map(String.init).filter { !$0.isEmpty }
        let leafKeys = cfg.tagLeaf.split(separator: ",").map(String.init).filter { !$0.isEmpty }
        if rootKeys.isEmpty && leafKeys.isEmpty { return }
        var nextLocID = (p.locations.map(\.id).max() ?? 0) + 1
        var nextFuncID = (p.functions.map(\.id).max() ?? 0) + 1
        struct Key: Hashable {
            var function: String
            var file: String
        }
        var interned: [Key: Int32] = [:]
        func intern(_ key: Key) -> Int32 {
            if let l = interned[key] { return l }
            p.functions.append(Function(id: nextFuncID, name: key.function, filename: key.file))
            nextFuncID += 1
            let loc = Location(id: nextLocID, lines: [Line(function: Int32(p.functions.count - 1), line: 0)])
            nextLocID += 1
            p.locations.append(loc)
            let index = Int32(p.locations.count - 1)
            interned[key] = index
            return index
        }
        func labelLocations(_ s: Sample, _ keys: [String]) -> ([Int32], Bool) {
            var locs: [Int32] = []
            var match = false
            for k in keys.reversed() {
                let values = formatLabelValues(s, k, cfg.unit)
                if !values.isEmpty { match = true }
                locs.append(intern(Key(function: values.joined(separator: ","), file: k)))
            }
            return (locs, match)
        }
        var rootMatched = false, leafMatched = false
        for i in p.samples.indices {
            let s = p.samples[i]
            let (roots, rm) = labelLocations(s, rootKeys)
            let (leaves, lm) = labelLocations(s, leafKeys)
            rootMatched = rootMatched || rm
            leafMatched = leafMatched || lm
            p.samples[i].locations = leaves + s.locations + roots
        }
        if !rootKeys.isEmpty && !rootMatched { warn("TagRoot expression matched no samples") }
        if !leafKeys.isEmpty && !leafMatched { warn("TagLeaf expression matched no samples") }
    }

    static func formatLabelValues(_ s: Sample, _ key: String, _ outputUnit: OutputUnit) -> [String] {
        var values = s.labelValues(key)
        let nums = s.numLabels.filter { $0.key == key }
        let hasUnits = nums.contains { !$0.unit.isEmpty }
        for nl in nums {
            values.append(
                hasUnits
                    ? Measurement.scaledLabel(nl.value, from: nl.unit, to: outputUnit)
                    : Measurement.scaledLabel(nl.value, from: "", to: ""))
        }
        return values
    }
}
