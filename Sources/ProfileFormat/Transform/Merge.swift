extension Profile {
    /// Merges profiles the way pprof does: they must have the same period type and sample types;
    /// identical stacks with identical labels add up; all-zero samples disappear; locations,
    /// functions and mappings are deduplicated and renumbered in order of first use.
    /// Time is the earliest, duration the sum, period the largest.
    ///
    /// The sources are consumed: when the caller hands over its only reference (`merge([consume p])`),
    /// their sample arrays are rewritten in place and become the merged profile's, instead of
    /// being copied sample by sample. A source still referenced elsewhere is copied on write.
    public static func merge(_ sources: consuming [Profile]) throws(ProfileError) -> Profile {
        guard !sources.isEmpty else { throw ProfileError("no profiles to merge") }
        for i in sources.indices.dropFirst() { try sources[0].checkCompatible(with: sources[i]) }
        var m = Merger(into: mergedHeader(sources), sampleCapacity: sources.reduce(0) { $0 + $1.samples.count })
        for i in sources.indices {
            var src = Profile()
            swap(&src, &sources[i])
            m.add(consume src)
        }
        return try m.finish()
    }

    /// The merged profile's header fields, without samples or tables.
    static func mergedHeader(_ sources: borrowing [Profile]) -> Profile {
        var merged = Profile()
        merged.sampleTypes = sources[0].sampleTypes
        merged.dropFrames = sources[0].dropFrames
        merged.keepFrames = sources[0].keepFrames
        merged.periodType = sources[0].periodType
        merged.docURL = sources[0].docURL
        var seenComments = Set<String>()
        for i in sources.indices {
            let s = sources[i]
            if merged.timeNanos == 0 || s.timeNanos < merged.timeNanos { merged.timeNanos = s.timeNanos }
            merged.durationNanos &+= s.durationNanos
            if merged.period == 0 || merged.period < s.period { merged.period = s.period }
            for c in s.comments where seenComments.insert(c).inserted { merged.comments.append(c) }
            if merged.defaultSampleType.isEmpty { merged.defaultSampleType = s.defaultSampleType }
        }
        return merged
    }

    /// `merge([p])`, but when the merge would keep every sample as it is (`MergeCheck`) only the
    /// tables are merged.
    public static func mergeAlone(_ p: consuming Profile) throws(ProfileError) -> Profile {
        var check = MergeCheck(capacity: p.samples.count)
        for s in p.samples {
            check.note(s)
            if check.changes { break }
        }
        let keeps = !check.changes && Int(check.usedLocations) == p.locations.count
        check = MergeCheck(capacity: 0)
        if keeps, let kept = Merger.keepingSamples(&p) { return kept }
        return try merge([p])
    }

    /// Why two profiles cannot be merged, or nothing when they can.
    public func checkCompatible(with other: Profile) throws(ProfileError) {
        if periodType != other.periodType {
            throw ProfileError("incompatible period types \(periodType) and \(other.periodType)")
        }
        if sampleTypes != other.sampleTypes {
            throw ProfileError(
                "incompatible sample types [\(sampleTypes.map(\.description).joined(separator: " "))] and "
                    + "[\(other.sampleTypes.map(\.description).joined(separator: " "))]")
        }
    }

    /// Multiplies every value by `ratio`, rounding; samples that become all zero are removed.
    public mutating func scale(by ratio: Double) {
        if ratio == 1 { return }
        scale(by: [Double](repeating: ratio, count: sampleTypes.count))
    }

    /// Multiplies each sample type's values by its own ratio, rounding like Go's math.Round;
    /// samples that become all zero are removed.
    public mutating func scale(by ratios: [Double]) {
        precondition(ratios.count == sampleTypes.count, "one ratio per sample type")
        if ratios.allSatisfy({ $0 == 1 }) { return }
        var kept: [Sample] = []
        kept.reserveCapacity(samples.count)
        for var s in samples {
            var keep = false
            for i in s.values.indices where ratios[i] != 1 {
                let v = Int64(exactly: (Double(s.values[i]) * ratios[i]).rounded(.toNearestOrAwayFromZero)) ?? 0
                s.values[i] = v
                keep = keep || v != 0
            }
            if keep { kept.append(s) }
        }
        samples = kept
    }

    /// Scales this profile so that its totals equal `base`'s, per sample type (`-normalize`).
    public mutating func normalize(to base: Profile) throws(ProfileError) {
        try checkCompatible(with: base)
        var baseTotals = [Int64](repeating: 0, count: sampleTypes.count)
        var ownTotals = baseTotals
        for s in base.samples { for (i, v) in s.values.enumerated() { baseTotals[i] &+= v } }
        for s in samples { for (i, v) in s.values.enumerated() { ownTotals[i] &+= v } }
        let ratios = zip(baseTotals, ownTotals).map { b, o in o == 0 ? 0 : Double(b) / Double(o) }
        scale(by: ratios)
    }

    /// Sets string label `key` to `value` on every sample.
    public mutating func setLabel(_ key: String, _ value: String) {
        for i in samples.indices {
            samples[i].labels.removeAll { $0.key == key }
            samples[i].labels.append(Label(key: key, value: value))
            samples[i].canonicalizeLabels()
        }
    }

    /// Removes string label `key` from every sample.
    public mutating func removeLabel(_ key: String) {
        for i in samples.indices where samples[i].labels.contains(where: { $0.key == key }) {
            samples[i].labels.removeAll { $0.key == key }
        }
    }
}

extension Sample {
    /// Whether every value is zero.
    public var isZero: Bool { values.allSatisfy { $0 == 0 } }
}

/// The state of one merge: maps from each source's indices to the merged profile's.
///
/// Each source's samples are rewritten in place (locations renumbered, duplicates and zero
/// samples compacted away) and then become, or are appended to, the merged samples. When the
/// renumbering is the identity and nothing is dropped, the sample array is not written at all.
struct Merger {
    var out: Profile
    var src = Profile()
    var locationBySource: [Int32] = []
    var functionBySource: [Int32] = []
    var mappingBySource: [(index: Int32, offset: Int64)] = []
    var samples: FastIndexTable
    var locations = FastIndexTable()
    var functions = FastIndexTable()
    var mappings: [MappingKey: Int32] = [:]
    var labelStrings = StringHashCache()

    struct MappingKey: Hashable {
        var size: UInt64
        var offset: UInt64
        var buildIDOrFile: String
    }

    init(into out: Profile, sampleCapacity: Int) {
        self.out = out
        samples = FastIndexTable(capacity: sampleCapacity)
    }

    /// Adds one source. Its samples are taken out of it first, so that when the caller gave up
    /// its reference the array and each sample's stack are uniquely referenced here.
    mutating func add(_ source: consuming Profile) {
        var taken: [Sample] = []
        swap(&taken, &source.samples)
        begin(source)
        // Kept samples are compacted to the front of `taken`; the table refers to merged
        // positions: below `base` in out.samples, from `base` on in `taken`.
        let base = out.samples.count
        var kept = 0
        for r in taken.indices {
            if taken[r].isZero { continue }
            let h = renumber(&taken[r])
            // Compared in place: copying a Sample out of an array retains and releases its arrays.
            let existing = out.samples.withUnsafeBufferPointer { merged in
                taken.withUnsafeBufferPointer { own in
                    samples.find(h) { g in
                        Self.sameKey(g < base ? merged.baseAddress! + g : own.baseAddress! + (g - base), own.baseAddress! + r)
                    }
                }
            }
            if let existing {
                let values = taken[r].values
                if existing < base {
                    Self.add(values, to: &out.samples[existing].values)
                } else {
                    Self.add(values, to: &taken[existing - base].values)
                }
                continue
            }
            samples.insert(h, base + kept)
            if kept != r {
                // Moved, not swapped through a copy (which retains and releases four arrays).
                taken.withUnsafeMutableBufferPointer { b in
                    let p = b.baseAddress!
                    let dropped = (p + kept).move()
                    (p + kept).moveInitialize(from: p + r, count: 1)
                    (p + r).initialize(to: dropped)
                }
            }
            kept += 1
        }
        if kept < taken.count { taken.removeLast(taken.count - kept) }
        if base == 0 {
            out.samples = taken
        } else {
            out.samples.append(contentsOf: taken)
        }
    }

    /// Starts a source whose samples come one by one (`place` after `renumber`) or were taken
    /// out (`add`).
    mutating func begin(_ source: consuming Profile) {
        src = source
        if out.locations.isEmpty { out.locations.reserveCapacity(src.locations.count) }
        if out.functions.isEmpty { out.functions.reserveCapacity(src.functions.count) }
        locationBySource = [Int32](repeating: -1, count: src.locations.count)
        functionBySource = [Int32](repeating: -1, count: src.functions.count)
        mappingBySource = [(Int32, Int64)](repeating: (-1, 0), count: src.mappings.count)
        if locations.count == 0 { locations = FastIndexTable(capacity: src.locations.count) }
        if functions.count == 0 { functions = FastIndexTable(capacity: src.functions.count) }
        if out.mappings.isEmpty, !src.mappings.isEmpty { _ = mapMapping(0) }
    }

    /// Adds one sample of the current source that is not all zero, renumbered by `renumber`
    /// (which returned `h`): it is moved to the merged samples (leaving `sample` empty) unless
    /// an earlier sample has the same stack and labels, to which its values are then added.
    mutating func place(_ sample: inout Sample, _ h: UInt64) {
        let existing = out.samples.withUnsafeBufferPointer { merged in
            withUnsafePointer(to: &sample) { s in samples.find(h) { Self.sameKey(merged.baseAddress! + $0, s) } }
        }
        if let existing {
            Self.add(sample.values, to: &out.samples[existing].values)
            return
        }
        samples.insert(h, out.samples.count)
        out.samples.append(sample.take())
    }

    /// The merged profile. Values that cancelled out leave zero samples behind: those are
    /// dropped by merging once more, which also renumbers what they alone used.
    consuming func finish() throws(ProfileError) -> Profile {
        var result = Profile()
        swap(&result, &out)
        src = Profile()
        if result.samples.contains(where: \.isZero) {
            return try Profile.merge([consume result])
        }
        return result
    }

    /// Renumbers the stack of `s` (source indices to merged ones) in place and returns the
    /// hash of the stack and labels (`keyHash`), in one pass over the stack.
    mutating func renumber(_ s: inout Sample) -> UInt64 {
        var h = UInt64(s.locations.count)
        s.locations.withUnsafeMutableBufferPointer { stack in
            for j in stack.indices {
                let old = stack[j]
                var new = locationBySource[Int(old)]
                if new < 0 { new = mapLocation(old) }
                stack[j] = new
                h = Self.stackHash(h, new)
            }
        }
        return Self.labelsHash(h, s, &labelStrings)
    }

    /// The hash of what makes two merged samples one: the stack and the labels.
    static func keyHash(_ s: Sample, _ labelStrings: inout StringHashCache) -> UInt64 {
        var h = UInt64(s.locations.count)
        s.locations.withUnsafeBufferPointer { stack in
            for l in stack { h = stackHash(h, l) }
        }
        return labelsHash(h, s, &labelStrings)
    }

    /// One frame of a stack's hash: one multiply (stacks are most of the hashing), mixed in
    /// `labelsHash`.
    @inline(__always)
    static func stackHash(_ h: UInt64, _ location: Int32) -> UInt64 {
        (h &+ UInt64(bitPattern: Int64(location))) &* 0x9E37_79B9_7F4A_7C15
    }

    /// The hash of a stack, `h`, mixed with the labels of `s`.
    @inline(__always)
    static func labelsHash(_ stack: UInt64, _ s: Sample, _ labelStrings: inout StringHashCache) -> UInt64 {
        var h = mixHash(stack, 0)
        for l in s.labels {
            h = mixHash(h, labelStrings.hash(l.key) ^ (labelStrings.hash(l.value) &* 31))
        }
        for l in s.numLabels {
            h = mixHash(h, labelStrings.hash(l.key) ^ UInt64(bitPattern: l.value) ^ labelStrings.hash(l.unit))
        }
        return h
    }

    /// The merge of `p` alone when a merge keeps its samples as they are (`MergeCheck`, with
    /// every location used): its tables merged in their order, which is then the order of first
    /// use. Nil (and `p` as it was) when that merges two locations into one, which renumbers stacks.
    static func keepingSamples(_ p: inout Profile) -> Profile? {
        var samples: [Sample] = []
        swap(&samples, &p.samples)
        var m = Merger(into: Profile.mergedHeader([p]), sampleCapacity: 0)
        m.begin(p)
        m.mapAllLocations()
        guard m.out.locations.count == p.locations.count else {
            swap(&samples, &p.samples)
            return nil
        }
        // No sample is zero, so `finish` would not merge again.
        m.out.samples = samples
        return m.out
    }

    /// Maps every location of the current source, in its order (a lone profile's tables,
    /// merged while its samples decode).
    mutating func mapAllLocations() {
        for li in src.locations.indices where locationBySource[li] < 0 { _ = mapLocation(Int32(li)) }
    }

    static func sameKey(_ a: UnsafePointer<Sample>, _ b: UnsafePointer<Sample>) -> Bool {
        a.pointee.locations == b.pointee.locations && a.pointee.labels == b.pointee.labels
            && a.pointee.numLabels == b.pointee.numLabels
    }

    /// Adds `values` to `total`, element by element (wrapping, as pprof's int64 sums do).
    static func add(_ values: [Int64], to total: inout [Int64]) {
        precondition(total.count >= values.count, "merged samples have as many values as sample types")
        total.withUnsafeMutableBufferPointer { t in
            values.withUnsafeBufferPointer { v in
                for i in v.indices { t[i] &+= v[i] }
            }
        }
    }

    /// The merged index of source location `index`. Two locations are the same when they have
    /// the same merged mapping, address relative to it, folding and lines (merged function, line).
    mutating func mapLocation(_ index: Int32) -> Int32 {
        let cached = locationBySource[Int(index)]
        if cached >= 0 { return cached }
        let li = Int(index)
        var mapped = (index: Int32(-1), offset: Int64(0))
        if src.locations[li].mapping >= 0 { mapped = mapMapping(src.locations[li].mapping) }
        // Each source location is mapped once, so its lines can be renumbered in place.
        for i in src.locations[li].lines.indices {
            let old = src.locations[li].lines[i].function
            let new = mapFunction(old)
            if new != old { src.locations[li].lines[i].function = new }
        }
        let l = src.locations[li]
        let address = UInt64(bitPattern: Int64(bitPattern: l.address) &+ mapped.offset)
        // Merged mapping and function ids are unique, so comparing merged indices and absolute
        // addresses within one merged mapping is the same as comparing ids and relative addresses.
        var h = mixHash(address, UInt64(bitPattern: Int64(mapped.index)))
        h = mixHash(h, l.isFolded ? 1 : 0)
        for ln in l.lines {
            h = mixHash(h, UInt64(bitPattern: Int64(ln.function)))
            h = mixHash(h, UInt64(bitPattern: ln.line))
        }
        let found = findLocation(h, mapping: mapped.index, address: address, l)
        if let found {
            locationBySource[li] = Int32(found)
            return Int32(found)
        }
        let newIndex = Int32(out.locations.count)
        out.locations.append(
            Location(
                id: UInt64(out.locations.count + 1), mapping: mapped.index, address: address, lines: l.lines,
                isFolded: l.isFolded))
        locations.insert(h, Int(newIndex))
        locationBySource[li] = newIndex
        return newIndex
    }
    /// The merged location equal to `l` (already renumbered) at `address` in merged `mapping`.
    func findLocation(_ h: UInt64, mapping: Int32, address: UInt64, _ l: Location) -> Int? {
        locations.find(h) { i in
            let o = out.locations[i]
            guard o.mapping == mapping, o.address == address, o.isFolded == l.isFolded, o.lines.count == l.lines.count
            else { return false }
            for k in o.lines.indices where o.lines[k].function != l.lines[k].function || o.lines[k].line != l.lines[k].line {
                return false
            }
            return true
        }
    }

    mutating func mapMapping(_ index: Int32) -> (index: Int32, offset: Int64) {
        let cached = mappingBySource[Int(index)]
        if cached.index >= 0 { return cached }
        let m = src.mappings[Int(index)]
        let rounding: UInt64 = 0x1000
        var size = m.limit &- m.start
        size = size &+ rounding &- 1
        size = size &- (size % rounding)
        let key = MappingKey(
            size: size, offset: m.offset, buildIDOrFile: !m.buildID.isEmpty ? m.buildID : m.file)
        if let existing = mappings[key] {
            let e = out.mappings[Int(existing)]
            let r = (existing, Int64(bitPattern: e.start) &- Int64(bitPattern: m.start))
            mappingBySource[Int(index)] = r
            return r
        }
        var copy = m
        copy.id = UInt64(out.mappings.count + 1)
        let newIndex = Int32(out.mappings.count)
        out.mappings.append(copy)
        mappings[key] = newIndex
        mappingBySource[Int(index)] = (newIndex, 0)
        return (newIndex, 0)
    }

    mutating func mapFunction(_ index: Int32) -> Int32 {
        let cached = functionBySource[Int(index)]
        if cached >= 0 { return cached }
        let f = src.functions[Int(index)]
        var h = mixHash(stringHash(f.name), UInt64(bitPattern: f.startLine))
        h = mixHash(h, stringHash(f.systemName))
        h = mixHash(h, stringHash(f.filename))
        let outFunctions = out.functions
        if let existing = functions.find(h, { i in
            let o = outFunctions[i]
            return o.name == f.name && o.startLine == f.startLine && o.systemName == f.systemName && o.filename == f.filename
        }) {
            functionBySource[Int(index)] = Int32(existing)
            return Int32(existing)
        }
        var copy = f
        copy.id = UInt64(out.functions.count + 1)
        let newIndex = Int32(out.functions.count)
        out.functions.append(copy)
        functions.insert(h, Int(newIndex))
        functionBySource[Int(index)] = newIndex
        return newIndex
    }
}

/// `stringHash` of the label keys, values and units just seen. Samples mostly repeat the same
/// few strings, shared from the string table, so a string with the same bits (same small-string
/// bytes, or same storage) as a cached one has the cached hash.
struct StringHashCache {
    private var bits: [(UInt64, UInt64)] = Array(repeating: (0, 0), count: 4)
    private var hashes: [UInt64] = Array(repeating: stringHash(""), count: 4)
    private var next = 0

    mutating func hash(_ s: String) -> UInt64 {
        let b = unsafeBitCast(s, to: (UInt64, UInt64).self)
        for i in 0..<4 where bits[i] == b { return hashes[i] }
        let h = stringHash(s)
        bits[next] = b
        hashes[next] = h
        next = (next + 1) & 3
        return h
    }
}

extension Sample {
    /// Moves this sample out, leaving an empty one (no reference counting on its arrays).
    mutating func take() -> Sample {
        var s = Sample(locations: [], values: [])
        swap(&s, &self)
        return s
    }
}

/// Whether merging a profile alone would change its samples, checked as they come: a merge
/// drops a sample that is all zero, adds one to an earlier one with the same stack and labels,
/// and renumbers the locations in the order the stacks first use them (leaf first).
struct MergeCheck {
    private(set) var changes = false
    /// How many locations the stacks have used so far (each first used in its order).
    private(set) var usedLocations: Int32 = 0
    private var keys: FastIndexTable
    private var labelStrings = StringHashCache()
    /// The samples so far (sharing their arrays), to compare keys with.
    private var earlier: [Sample] = []

    /// A check of about `capacity` samples: its table starts small (most checks stop early) and
    /// grows.
    init(capacity: Int) {
        keys = FastIndexTable(capacity: min(capacity, 1 << 12))
    }

    /// Notes the next sample; once a change is found, the samples and the table are let go.
    mutating func note(_ s: Sample) {
        if changes { return }
        if keeps(s) {
            earlier.append(s)
        } else {
            changes = true
            earlier = []
            keys = FastIndexTable()
        }
    }

    private mutating func keeps(_ s: Sample) -> Bool {
        if s.isZero { return false }
        var used = usedLocations
        for l in s.locations {
            if l == used {
                used += 1
            } else if l > used {
                return false
            }
        }
        usedLocations = used
        let h = Merger.keyHash(s, &labelStrings)
        let found = earlier.withUnsafeBufferPointer { done in
            withUnsafePointer(to: s) { p in keys.find(h) { Merger.sameKey(done.baseAddress! + $0, p) } }
        }
        if found != nil { return false }
        keys.insert(h, earlier.count)
        return true
    }
}
