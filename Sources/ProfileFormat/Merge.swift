extension Profile {
    /// Merges profiles the way pprof does: they must have the same period type and sample types;
    /// identical stacks with identical labels add up; all-zero samples disappear; locations,
    /// functions and mappings are deduplicated and renumbered in order of first use.
    /// Time is the earliest, duration the sum, period the largest.
    public static func merge(_ sources: [Profile]) throws(ProfileError) -> Profile {
        guard let first = sources.first else { throw ProfileError("no profiles to merge") }
        for s in sources.dropFirst() { try first.checkCompatible(with: s) }

        var merged = Profile()
        merged.sampleTypes = first.sampleTypes
        merged.dropFrames = first.dropFrames
        merged.keepFrames = first.keepFrames
        merged.periodType = first.periodType
        merged.docURL = first.docURL
        var seenComments = Set<String>()
        for s in sources {
            if merged.timeNanos == 0 || s.timeNanos < merged.timeNanos { merged.timeNanos = s.timeNanos }
            merged.durationNanos += s.durationNanos
            if merged.period == 0 || merged.period < s.period { merged.period = s.period }
            for c in s.comments where seenComments.insert(c).inserted { merged.comments.append(c) }
            if merged.defaultSampleType.isEmpty { merged.defaultSampleType = s.defaultSampleType }
        }

        var m = Merger(into: merged)
        for src in sources {
            m.begin(src)
            if m.out.mappings.isEmpty, !src.mappings.isEmpty { _ = m.mapMapping(0) }
            for s in src.samples where !s.isZero { m.mapSample(s) }
        }
        var out = m.out
        // Values that cancelled out leave zero samples behind: merge once more to drop them.
        if out.samples.contains(where: \.isZero) {
            out = try merge([out])
        }
        return out
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
private struct Merger {
    var out: Profile
    var src = Profile()
    var locationBySource: [Int32] = []
    var functionBySource: [Int32] = []
    var mappingBySource: [(index: Int32, offset: Int64)] = []
    var samples = FastIndexTable()
    var locations = FastIndexTable()
    var locationKeys: [LocationKey] = []
    var functions = FastIndexTable()
    var mappings: [MappingKey: Int32] = [:]

    struct LocationKey: Hashable {
        var addr: UInt64
        var mappingID: UInt64
        var lines: [Int64]
        var isFolded: Bool
    }

    struct MappingKey: Hashable {
        var size: UInt64
        var offset: UInt64
        var buildIDOrFile: String
    }

    init(into out: Profile) {
        self.out = out
    }

    mutating func begin(_ source: Profile) {
        src = source
        locationBySource = [Int32](repeating: -1, count: source.locations.count)
        functionBySource = [Int32](repeating: -1, count: source.functions.count)
        mappingBySource = [(Int32, Int64)](repeating: (-1, 0), count: source.mappings.count)
    }

    mutating func mapSample(_ s: Sample) {
        var locs = s.locations
        for i in locs.indices { locs[i] = mapLocation(locs[i]) }
        var h = UInt64(locs.count)
        for l in locs { h = mixHash(h, UInt64(bitPattern: Int64(l))) }
        for l in s.labels { h = mixHash(h, stringHash(l.key) ^ (stringHash(l.value) &* 31)) }
        for l in s.numLabels { h = mixHash(h, stringHash(l.key) ^ UInt64(bitPattern: l.value) ^ stringHash(l.unit)) }
        let existing = samples.find(h) { i in
            let o = out.samples[i]
            return o.locations == locs && o.labels == s.labels && o.numLabels == s.numLabels
        }
        if let existing {
            for i in s.values.indices { out.samples[existing].values[i] &+= s.values[i] }
            return
        }
        samples.insert(h, out.samples.count)
        out.samples.append(Sample(locations: locs, values: s.values, labels: s.labels, numLabels: s.numLabels))
    }

    mutating func mapLocation(_ index: Int32) -> Int32 {
        let cached = locationBySource[Int(index)]
        if cached >= 0 { return cached }
        let l = src.locations[Int(index)]
        var mapped = (index: Int32(-1), offset: Int64(0))
        if l.mapping >= 0 { mapped = mapMapping(l.mapping) }
        var lines = l.lines
        for i in lines.indices { lines[i].function = mapFunction(lines[i].function) }
        let address = UInt64(bitPattern: Int64(bitPattern: l.address) &+ mapped.offset)
        var key = LocationKey(addr: address, mappingID: 0, lines: [], isFolded: l.isFolded)
        if mapped.index >= 0 {
            let m = out.mappings[Int(mapped.index)]
            key.addr &-= m.start
            key.mappingID = m.id
        }
        key.lines.reserveCapacity(lines.count * 2)
        for ln in lines {
            key.lines.append(Int64(out.functions[Int(ln.function)].id))
            key.lines.append(ln.line)
        }
        var h = mixHash(key.addr, key.mappingID)
        h = mixHash(h, key.isFolded ? 1 : 0)
        for v in key.lines { h = mixHash(h, UInt64(bitPattern: v)) }
        if let existing = locations.find(h, { locationKeys[$0] == key }) {
            locationBySource[Int(index)] = Int32(existing)
            return Int32(existing)
        }
        let newIndex = Int32(out.locations.count)
        out.locations.append(
            Location(
                id: UInt64(out.locations.count + 1), mapping: mapped.index, address: address, lines: lines,
                isFolded: l.isFolded))
        locations.insert(h, Int(newIndex))
        locationKeys.append(key)
        locationBySource[Int(index)] = newIndex
        return newIndex
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
