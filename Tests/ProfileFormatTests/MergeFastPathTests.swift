import Foundation
import Testing
@testable import ProfileFormat

/// The merge takes its sources by ownership and rewrites them in place, and a single profile is
/// merged while it is decoded (`parseMerged`). Both must give exactly what the straightforward
/// merge gave (kept below as `referenceMerge`, the algorithm before these fast paths): same
/// samples in the same order, same tables and ids, same header.
@Suite struct MergeFastPathTests {
    // MARK: hand-made cases

    static func base() -> Profile {
        var p = Profile()
        p.sampleTypes = [ValueType(type: "alloc_objects", unit: "count"), ValueType(type: "alloc_space", unit: "bytes")]
        p.periodType = ValueType(type: "space", unit: "bytes")
        p.period = 512
        p.comments = ["a", "b", "a"]
        p.mappings = [
            Mapping(id: 7, start: 0x1000, limit: 0x2000, file: "/bin/app"),
            Mapping(id: 3, start: 0x8000, limit: 0x9000, file: "/lib/x.so"),
        ]
        p.functions = [
            Function(id: 10, name: "f", filename: "f.go", startLine: 1),
            Function(id: 11, name: "g", filename: "g.go", startLine: 2),
            Function(id: 12, name: "f", filename: "f.go", startLine: 1),  // same as 10
        ]
        p.locations = [
            Location(id: 5, mapping: 1, address: 0x8010, lines: [Line(function: 1, line: 4)]),
            Location(id: 6, mapping: 0, address: 0x1010, lines: [Line(function: 0, line: 3)]),
            Location(id: 9, mapping: 0, address: 0x1010, lines: [Line(function: 2, line: 3, column: 9)]),  // same as 6
            Location(id: 2, mapping: 0, address: 0x1020, lines: [Line(function: 1, line: 8), Line(function: 0, line: 3)]),
            Location(id: 4, mapping: 0, address: 0x1030, lines: []),  // never used
        ]
        return p
    }

    @Test func duplicatesAddUpInFirstOccurrenceOrderAndZerosGo() throws {
        var p = Self.base()
        p.samples = [
            Sample(locations: [3, 1], values: [1, 10]),
            Sample(locations: [0], values: [0, 0]),  // zero: dropped, location 0 not used by it
            Sample(locations: [2, 1], values: [0, 0]),
            Sample(locations: [3, 2], values: [2, 20]),  // same stack as the first once 2 == 1
            Sample(locations: [0], values: [5, 50], labels: [Label(key: "k", value: "v")]),
            Sample(locations: [0], values: [1, 1]),
            Sample(locations: [0], values: [3, 30], labels: [Label(key: "k", value: "v")]),
        ]
        let m = try Profile.merge([p])
        try expectSame(m, Self.referenceMerge([p]))
        #expect(m.samples.map(\.values) == [[3, 30], [8, 80], [1, 1]])
        #expect(m.samples[0].locations == [0, 1])
        #expect(m.locations.map(\.id) == [1, 2, 3])
        #expect(m.locations.map(\.address) == [0x1020, 0x1010, 0x8010])
        #expect(m.functions.map(\.name) == ["g", "f"])
        #expect(m.functions.map(\.id) == [1, 2])
        #expect(m.mappings.map(\.file) == ["/bin/app", "/lib/x.so"])
        #expect(m.mappings.map(\.id) == [1, 2])
        #expect(m.comments == ["a", "b"])
    }

    @Test func valuesThatCancelOutAreDroppedAndTheRestRenumbered() throws {
        var p = Self.base()
        p.samples = [
            Sample(locations: [0], values: [4, 4]),
            Sample(locations: [3], values: [1, 1]),
            Sample(locations: [0], values: [-4, -4]),
        ]
        let m = try Profile.merge([p])
        try expectSame(m, Self.referenceMerge([p]))
        #expect(m.samples.map(\.locations) == [[0]])
        #expect(m.locations.map(\.address) == [0x1020])
        // The parsed-and-merged path gives the same.
        try expectSame(try Profile.parseMerged(p.serialized()), Self.referenceMerge([Profile.parse(p.serialized())]))
    }

    @Test func aMergedProfileIsMergedToItselfAndKeepsItsSamples() throws {
        var p = Self.base()
        p.samples = [Sample(locations: [3, 1], values: [1, 10]), Sample(locations: [0], values: [2, 2])]
        let once = try Profile.merge([p])
        let twice = try Profile.merge([once])
        try expectSame(twice, once)
        try expectSame(twice, Self.referenceMerge([once]))
    }

    @Test func sourcesStillReferencedElsewhereAreLeftAlone() throws {
        var p = Self.base()
        p.samples = [
            Sample(locations: [3, 2], values: [1, 10]), Sample(locations: [3, 1], values: [1, 10]),
            Sample(locations: [0], values: [0, 0]),
        ]
        let samples = p.samples, locations = p.locations
        let kept = p
        let m = try Profile.merge([p, kept])
        #expect(p.samples == samples && kept.samples == samples)
        #expect(p.locations == locations && kept.locations == locations)
        try expectSame(m, Self.referenceMerge([p, kept]))
    }

    @Test func mappingsOfSeveralSourcesAreMatchedAndAddressesMoved() throws {
        var a = Self.base()
        a.samples = [Sample(locations: [1], values: [1, 1])]
        var b = Self.base()
        b.mappings[0].start = 0x5000
        b.mappings[0].limit = 0x6000
        b.locations[1].address = 0x5010
        b.samples = [Sample(locations: [1], values: [2, 2]), Sample(locations: [0], values: [1, 1])]
        b.timeNanos = 5
        b.durationNanos = 7
        let m = try Profile.merge([a, b])
        try expectSame(m, Self.referenceMerge([a, b]))
        #expect(m.samples.map(\.values) == [[3, 3], [1, 1]])
        #expect(m.locations.count == 2)
    }

    // MARK: generated profiles

    @Test(arguments: 0..<40)
    func randomProfilesMergeAlone(seed: Int) throws {
        var rng = SplitMix(seed: UInt64(seed))
        let p = Self.randomProfile(&rng)
        try expectSame(try Profile.merge([p]), Self.referenceMerge([p]))
        try expectSame(try Profile.mergeAlone(p), Self.referenceMerge([p]))
        let bytes = p.serialized()
        let parsed = try Profile.parse(bytes)
        try expectSame(try Profile.parseMerged(bytes), Self.referenceMerge([parsed]))
    }

    @Test(arguments: 0..<20)
    func randomProfilesMergeTogether(seed: Int) throws {
        var rng = SplitMix(seed: UInt64(seed) &+ 1000)
        let sources = (0..<(2 + seed % 3)).map { _ in Self.randomProfile(&rng) }
        try expectSame(try Profile.merge(sources), Self.referenceMerge(sources))
    }

    @Test func profilesWithoutMappingsArePreparedBeforeTheMerge() throws {
        var rng = SplitMix(seed: 77)
        var p = Self.randomProfile(&rng)
        p.mappings = []
        for i in p.locations.indices { p.locations[i].mapping = -1 }
        let fix: (inout Profile) -> Void = { q in
            if q.mappings.isEmpty {
                q.mappings = [Mapping(id: 1)]
                for i in q.locations.indices { q.locations[i].mapping = 0 }
            }
        }
        let bytes = p.serialized()
        var parsed = try Profile.parse(bytes)
        fix(&parsed)
        try expectSame(try Profile.parseMerged(bytes, prepare: fix), Self.referenceMerge([parsed]))
    }

    /// Large profiles are decoded on a second thread while the first merges: same result.
    @Test func largeProfilesDecodedOnTwoThreads() throws {
        var rng = SplitMix(seed: 4242)
        let p = Self.randomProfile(&rng, samples: 3 * ProtobufDecoding.concurrentThreshold + 123)
        let bytes = p.serialized()
        let parsed = try Profile.parse(bytes)
        #expect(parsed.samples == p.samples)
        try expectSame(try Profile.parseMerged(bytes), Self.referenceMerge([p]))
    }

    /// The first sample that cannot be decoded gives the error, wherever the threads are.
    @Test func largeProfilesFailAtTheFirstBadSample() throws {
        var rng = SplitMix(seed: 99)
        let p = Self.randomProfile(&rng, samples: ProtobufDecoding.concurrentThreshold + 5000)
        var bytes = p.serialized(compress: false)
        func field(_ tag: UInt8, _ payload: [UInt8]) -> [UInt8] { [tag] + varint(UInt64(payload.count)) + payload }
        func varint(_ v: UInt64) -> [UInt8] {
            var v = v, out: [UInt8] = []
            while v >= 0x80 {
                out.append(UInt8(v & 0x7f) | 0x80)
                v >>= 7
            }
            return out + [UInt8(v)]
        }
        bytes += field(0x12, field(0x0a, varint(10_000_000)) + field(0x12, [2, 2]))  // unknown location
        bytes += field(0x12, [0x0a, 0x05, 0x01])  // truncated
        let n = p.samples.count
        for merged in [false, true] {
            do {
                _ = merged ? try Profile.parseMerged(bytes) : try Profile.parse(bytes)
                Issue.record("accepted")
            } catch {
                #expect(error.description == "parsing profile: sample \(n) refers to location 10000000, which does not exist")
            }
        }
    }

    /// A profile that a merge wrote (as Go's runtime writes them: every location, function and
    /// mapping first used in its order, no duplicates) is kept as decoded, small or large
    /// (decoded on two threads); one with anything to merge is merged after decoding.
    @Test(arguments: [40, 3 * ProtobufDecoding.concurrentThreshold])
    func mergedProfilesAreKeptAsDecoded(samples: Int) throws {
        var p = Self.base()
        p.samples = []
        let n = 30
        p.locations = (0..<n).map { i -> Location in
            let mapping = Int32(i % 2)
            let address = UInt64(0x1000 + 0x7000 * (i % 2) + 16 * i)
            return Location(id: UInt64(100 - i), mapping: mapping, address: address, lines: [Line(function: mapping, line: Int64(i))])
        }
        // Distinct stacks (sample i's digits in base n), values never zero.
        for i in 0..<samples {
            var stack: [Int32] = [], rest = i
            repeat {
                stack.append(Int32(rest % n))
                rest /= n
            } while rest > 0
            p.samples.append(Sample(locations: stack, values: [1, Int64(i + 1)]))
        }
        let once = try Profile.merge([p])
        #expect(once.samples.count == samples)
        var raw = once.serialized(compress: false)
        let decoded = try ProtobufDecoding.decode(&raw, merged: true, prepare: { _ in })
        #expect(decoded.keptAsDecoded)
        try expectSame(decoded.profile, Self.referenceMerge([once]))

        // Functions or mappings out of their first-use order are renumbered with the tables;
        // a sample to add up or locations out of order make it a merge.
        var twice = once
        twice.samples.append(once.samples[samples / 2])
        var functionsSwapped = once
        functionsSwapped.functions.swapAt(0, 1)
        var mappingsSwapped = once
        mappingsSwapped.mappings.swapAt(0, 1)
        for i in once.locations.indices {
            functionsSwapped.locations[i].lines[0].function = 1 - once.locations[i].lines[0].function
            mappingsSwapped.locations[i].mapping = 1 - once.locations[i].mapping
        }
        var locationsSwapped = once
        locationsSwapped.locations.swapAt(0, 1)
        for i in once.samples.indices {
            locationsSwapped.samples[i].locations = once.samples[i].locations.map { $0 < 2 ? 1 - $0 : $0 }
        }
        for (changed, kept) in [(twice, false), (functionsSwapped, true), (mappingsSwapped, true), (locationsSwapped, false)] {
            raw = changed.serialized(compress: false)
            let merged = try ProtobufDecoding.decode(&raw, merged: true, prepare: { _ in })
            #expect(merged.keptAsDecoded == kept)
            try expectSame(merged.profile, Self.referenceMerge([changed]))
            try expectSame(try Profile.mergeAlone(changed), Self.referenceMerge([changed]))
        }
    }

    static let samplesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples").standardized

    @Test func goProfilesInSamples() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.samplesDir.path)
            .filter { $0.hasSuffix(".pb.gz") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: Self.samplesDir.appendingPathComponent(name)))
            let parsed = try Profile.parse(bytes)
            let reference = try Self.referenceMerge([parsed])
            try expectSame(try Profile.parseMerged(bytes), reference, name)
            try expectSame(try Profile.merge([parsed]), reference, name)
            try expectSame(try Profile.merge([parsed, parsed]), Self.referenceMerge([parsed, parsed]), name)
        }
    }

    @Test func malformedInputsFailTheSameWay() throws {
        let dir = BadInputTests.dir
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name != "README.md" {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            var expected = ""
            do { _ = try Profile.parse(bytes, maxInflatedSize: 64 << 20) } catch { expected = error.description }
            var got = ""
            do { _ = try Profile.parseMerged(bytes, maxInflatedSize: 64 << 20) } catch { got = error.description }
            #expect(got == expected, "\(name)")
        }
        // A wrong value count is reported after any sample that cannot be decoded, as before.
        var p = Self.base()
        p.samples = [Sample(locations: [0], values: [1]), Sample(locations: [0], values: [1, 1, 1])]
        var bytes = p.serialized()
        var e1 = "", e2 = ""
        do { _ = try Profile.parse(bytes) } catch { e1 = error.description }
        do { _ = try Profile.parseMerged(bytes) } catch { e2 = error.description }
        #expect(e1 == e2 && e1.contains("sample 0 has 1 values"))
        p.sampleTypes = []
        bytes = p.serialized()
        do { _ = try Profile.parse(bytes) } catch { e1 = error.description }
        do { _ = try Profile.parseMerged(bytes) } catch { e2 = error.description }
        #expect(e1 == e2 && e1.contains("no sample types"))
    }

    /// A profile with few distinct addresses, functions, stacks and labels, so that locations,
    /// functions, mappings and samples collide; values in -1...2 so that some are zero and some
    /// cancel out; ids in random order.
    static func randomProfile(_ rng: inout SplitMix, samples: Int? = nil) -> Profile {
        var p = Profile()
        p.sampleTypes = [ValueType(type: "objects", unit: "count"), ValueType(type: "space", unit: "bytes")]
        p.periodType = ValueType(type: "space", unit: "bytes")
        p.period = Int64(rng.below(3))
        p.timeNanos = Int64(rng.below(3))
        p.durationNanos = Int64(rng.below(5))
        p.comments = (0..<rng.below(3)).map { "c\($0 % 2)" }
        p.defaultSampleType = rng.below(2) == 0 ? "" : "space"
        let mappingCount = 1 + rng.below(3)
        var mappingIDs = Array(1...UInt64(mappingCount + 2))
        mappingIDs.shuffle(using: &rng)
        for i in 0..<mappingCount {
            let start = UInt64(0x10000 * (1 + rng.below(3)))
            p.mappings.append(
                Mapping(
                    id: mappingIDs[i], start: start, limit: start + 0x1000 * UInt64(1 + rng.below(2)),
                    file: "/m\(rng.below(2))", buildID: rng.below(3) == 0 ? "b" : ""))
        }
        let functionCount = 1 + rng.below(8)
        var functionIDs = Array(1...UInt64(functionCount * 2))
        functionIDs.shuffle(using: &rng)
        for i in 0..<functionCount {
            p.functions.append(
                Function(
                    id: functionIDs[i], name: "f\(rng.below(5))", systemName: rng.below(4) == 0 ? "s" : "",
                    filename: "x.go", startLine: Int64(rng.below(2))))
        }
        let locationCount = 1 + rng.below(20)
        var locationIDs = Array(1...UInt64(locationCount + 3))
        locationIDs.shuffle(using: &rng)
        for i in 0..<locationCount {
            let mapping = Int32(rng.below(mappingCount + 1)) - 1
            let base = mapping >= 0 ? p.mappings[Int(mapping)].start : 0
            let lines = (0..<rng.below(3)).map { _ in
                Line(function: Int32(rng.below(functionCount)), line: Int64(rng.below(3)), column: Int64(rng.below(2)))
            }
            p.locations.append(
                Location(
                    id: locationIDs[i], mapping: mapping, address: base + UInt64(rng.below(4)) * 16, lines: lines,
                    isFolded: rng.below(5) == 0))
        }
        for _ in 0..<(samples ?? rng.below(60)) {
            let stack = (0..<rng.below(5)).map { _ in Int32(rng.below(locationCount)) }
            var labels: [Label] = []
            if rng.below(3) == 0 { labels.append(Label(key: "a", value: "v\(rng.below(2))")) }
            if rng.below(4) == 0 { labels.append(Label(key: "b", value: "w")) }
            var numLabels: [NumLabel] = []
            if rng.below(3) == 0 { numLabels.append(NumLabel(key: "bytes", value: Int64(rng.below(2)) + 1)) }
            let values = [Int64(rng.below(4)) - 1, Int64(rng.below(4)) - 1]
            p.samples.append(Sample(locations: stack, values: values, labels: labels, numLabels: numLabels))
        }
        return p
    }

    // MARK: comparison and the reference merge

    func expectSame(_ a: Profile, _ b: Profile, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(a.sampleTypes == b.sampleTypes, "\(what) sample types", sourceLocation: sourceLocation)
        #expect(a.samples == b.samples, "\(what) samples", sourceLocation: sourceLocation)
        #expect(a.locations == b.locations, "\(what) locations", sourceLocation: sourceLocation)
        #expect(a.functions == b.functions, "\(what) functions", sourceLocation: sourceLocation)
        #expect(a.mappings == b.mappings, "\(what) mappings", sourceLocation: sourceLocation)
        #expect(a.comments == b.comments, "\(what) comments", sourceLocation: sourceLocation)
        #expect(
            a.dropFrames == b.dropFrames && a.keepFrames == b.keepFrames && a.timeNanos == b.timeNanos
                && a.durationNanos == b.durationNanos && a.periodType == b.periodType && a.period == b.period
                && a.defaultSampleType == b.defaultSampleType && a.docURL == b.docURL,
            "\(what) header", sourceLocation: sourceLocation)
    }

    /// The merge as it was before the in-place and fused paths: every sample copied.
    static func referenceMerge(_ sources: [Profile]) throws -> Profile {
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
        var m = ReferenceMerger(into: merged)
        for src in sources {
            m.begin(src)
            if m.out.mappings.isEmpty, !src.mappings.isEmpty { _ = m.mapMapping(0) }
            for s in src.samples where !s.isZero { m.mapSample(s) }
        }
        var out = m.out
        if out.samples.contains(where: \.isZero) {
            out = try referenceMerge([out])
        }
        return out
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

private struct ReferenceMerger {
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
