import ProfileFormat

/// The tags each sample brings to the nodes on its stack, interned to integers once per graph:
/// a label tag per joined label set, and per label set a numeric tag per formatted value (pprof's
/// Node.addSample keys numeric tags by their formatted name and keeps the value seen first).
struct SampleTagIndex {
    /// Sample `i`'s label kind (-1 for none) and its numeric (kind, value) pairs in
    /// `numericKind/numericValue[start[i]..<start[i + 1]]`.
    private(set) var labelKind: [Int32] = []
    private(set) var start: [Int32] = [0]
    private(set) var numericKind: [Int32] = []
    private(set) var numericValue: [Int32] = []
    /// Kinds: a label set and, for numeric tags, a formatted name (-1 for the label tag).
    private(set) var kindLabels: [Int32] = []
    private(set) var kindName: [Int32] = []
    private(set) var labelNames: [String] = []
    private(set) var names: [String] = []
    /// Numeric values by id: unit and value.
    private(set) var units: [String] = []
    private(set) var values: [Int64] = []

    /// With `onlyNumeric`, numeric labels other than that key are ignored and its values take
    /// that unit; a label `skipping` is ignored (reports keep only `bytes` and drop the diff-base
    /// marker, without rewriting every sample).
    init(
        _ samples: [Sample], format: ((Int64, String) -> String)?, onlyNumeric: (key: String, unit: String)? = nil,
        skipping skipped: String? = nil
    ) {
        var labelIndex: [String: Int32] = [:], nameIndex: [String: Int32] = [:]
        struct ValueKey: Hashable {
            var unit: String
            var value: Int64
        }
        var valueIndex: [ValueKey: Int32] = [:], valueName: [Int32] = []
        var kindIndex: [Int64: Int32] = [:]
        func intern(_ s: String, _ index: inout [String: Int32], _ list: inout [String]) -> Int32 {
            if let i = index[s] { return i }
            let i = Int32(list.count)
            list.append(s)
            index[s] = i
            return i
        }
        func kind(_ labels: Int32, _ name: Int32) -> Int32 {
            let key = Int64(labels) << 32 | Int64(UInt32(bitPattern: name))
            if let k = kindIndex[key] { return k }
            let k = Int32(kindLabels.count)
            kindLabels.append(labels)
            kindName.append(name)
            kindIndex[key] = k
            return k
        }
        labelKind.reserveCapacity(samples.count)
        start.reserveCapacity(samples.count + 1)
        for s in samples {
            let joined = joinLabels(s, skipping: skipped)
            let l = intern(joined, &labelIndex, &labelNames)
            labelKind.append(joined.isEmpty ? -1 : kind(l, -1))
            for nl in s.numLabels {
                var unit = nl.unit
                if let only = onlyNumeric {
                    if nl.key != only.key { continue }
                    unit = only.unit
                }
                let key = ValueKey(unit: unit.isEmpty ? nl.key : unit, value: nl.value)
                let v: Int32
                if let existing = valueIndex[key] {
                    v = existing
                } else {
                    v = Int32(values.count)
                    units.append(key.unit)
                    values.append(key.value)
                    valueIndex[key] = v
                    valueName.append(intern(format?(key.value, key.unit) ?? String(key.value), &nameIndex, &names))
                }
                numericKind.append(kind(l, valueName[Int(v)]))
                numericValue.append(v)
            }
            start.append(Int32(numericKind.count))
        }
    }

    /// Gives each node its tags from `sums`, whose node numbers `node` turns into nodes (nil
    /// for a node the graph did not make: it has no value to show tags of).
    func attach(_ sums: TagSums, to node: (Int) -> Node?) {
        for s in sums.slotNode.indices {
            guard let node = node(Int(sums.slotNode[s])) else { continue }
            let k = Int(sums.slotKind[s])
            let labels = labelNames[Int(kindLabels[k])]
            let t: Tag
            if kindName[k] < 0 {
                t = Tag(name: labels, unit: "", value: 0)
                node.labelTags[labels] = t
            } else {
                let v = Int(sums.slotValue[s])
                let name = names[Int(kindName[k])]
                t = Tag(name: name, unit: units[v], value: values[v])
                node.numericTags[labels, default: [:]][name] = t
            }
            t.flat = sums.flat[s]
            t.flatDiv = sums.flatDiv[s]
            t.cum = sums.cum[s]
            t.cumDiv = sums.cumDiv[s]
        }
    }
}

/// Tag weights per (node, kind), summed over some samples; mergeable across threads.
struct TagSums {
    private var slots = FastIndexTable(capacity: 1 << 12)
    private(set) var slotNode: [Int32] = [], slotKind: [Int32] = [], slotValue: [Int32] = []
    private(set) var flat: [Int64] = [], flatDiv: [Int64] = [], cum: [Int64] = [], cumDiv: [Int64] = []

    /// Adds sample `sample`'s weight to `node`'s tags.
    @inline(__always)
    mutating func add(_ index: SampleTagIndex, sample: Int, node: Int, dw: Int64, w: Int64, flat isFlat: Bool) {
        let n = Int32(truncatingIfNeeded: node)
        let lk = index.labelKind[sample]
        if lk >= 0 { add(n, lk, -1, dw, w, isFlat) }
        var i = Int(index.start[sample])
        let end = Int(index.start[sample + 1])
        while i < end {
            add(n, index.numericKind[i], index.numericValue[i], dw, w, isFlat)
            i += 1
        }
    }

    private mutating func slot(_ n: Int32, _ kind: Int32, _ value: Int32) -> Int {
        let h = mixHash(0x7A65_1D3B, UInt64(UInt32(bitPattern: n)) << 32 | UInt64(UInt32(bitPattern: kind)))
        if let found = slots.find(h, { slotNode[$0] == n && slotKind[$0] == kind }) { return found }
        let s = slotNode.count
        slots.insert(h, s)
        slotNode.append(n)
        slotKind.append(kind)
        slotValue.append(value)
        flat.append(0)
        flatDiv.append(0)
        cum.append(0)
        cumDiv.append(0)
        return s
    }

    private mutating func add(_ n: Int32, _ kind: Int32, _ value: Int32, _ dw: Int64, _ w: Int64, _ isFlat: Bool) {
        let s = slot(n, kind, value)
        if isFlat {
            flatDiv[s] &+= dw
            flat[s] &+= w
        } else {
            cumDiv[s] &+= dw
            cum[s] &+= w
        }
    }

    /// Adds the sums of `later`, which covered later samples (so values seen here come first).
    mutating func merge(_ later: TagSums) {
        for o in later.slotNode.indices {
            let s = slot(later.slotNode[o], later.slotKind[o], later.slotValue[o])
            flat[s] &+= later.flat[o]
            flatDiv[s] &+= later.flatDiv[o]
            cum[s] &+= later.cum[o]
            cumDiv[s] &+= later.cumDiv[o]
        }
    }
}

/// The sorted `key:value` labels of a sample joined by a literal `\n`, as pprof names label tags.
func joinLabels(_ s: Sample, skipping skipped: String? = nil) -> String {
    if s.labels.isEmpty { return "" }
    return s.labels.compactMap { $0.key == skipped ? nil : "\($0.key):\($0.value)" }.sorted().joined(separator: "\\n")
}
