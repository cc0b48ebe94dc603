import CProfileProto
import Foundation

extension Profile {
    /// Parses a profile from gzip-compressed or raw protobuf bytes and validates it.
    ///
    /// `maxInflatedSize` caps how large a gzip stream may grow when inflated.
    public static func parse(_ data: [UInt8], maxInflatedSize: Int = Gzip.defaultMaxInflatedSize) throws(ProfileError) -> Profile {
        var raw = try inflate(data, maxInflatedSize: maxInflatedSize)
        try HeapInuseSeries.refuse(raw)
        if let legacy = try LegacyProfile.parse(raw) { return legacy }
        if let folded = try FoldedStacks.parse(raw) { return folded }
        var decoded = try decodeTables(raw)
        var list = SampleList(valueCount: decoded.tables.sampleTypes.count)
        try decoded.decodeSamples(&raw, into: &list)
        var profile = decoded.tables
        decoded.tables = Profile()
        profile.samples = list.samples
        list.samples = []
        // `validate`, with the value counts checked as the samples came (while in the cache);
        // decoded stacks always refer to existing locations, and the converter has rejected
        // lines without a function (a missing mapping becomes none).
        try checkDecoded(typeCount: profile.sampleTypes.count, sampleCount: profile.samples.count, badSample: list.badSample)
        return profile
    }

    /// The errors about samples and their value counts, worded once for `validate` and the
    /// decoders: `badSample` is the first sample whose value count is not the number of types.
    static func checkDecoded(typeCount: Int, sampleCount: Int, badSample: (index: Int, count: Int)?) throws(ProfileError) {
        if typeCount == 0 && sampleCount > 0 {
            throw ProfileError("malformed profile: it has samples but no sample types")
        }
        if let (i, n) = badSample {
            throw ProfileError("malformed profile: sample \(i) has \(n) values for \(typeCount) sample types")
        }
    }

    /// The same as `merge([p])` where `p` is `parse(data)` after `prepare(&p)`, throwing the same
    /// errors, but the samples are merged as they are decoded instead of in a second pass over a
    /// second copy. `prepare` sees the profile without its samples (it may fix its tables).
    public static func parseMerged(
        _ data: [UInt8], maxInflatedSize: Int = Gzip.defaultMaxInflatedSize, prepare: (inout Profile) -> Void = { _ in }
    ) throws(ProfileError) -> Profile {
        var raw = try inflate(data, maxInflatedSize: maxInflatedSize)
        try HeapInuseSeries.refuse(raw)
        if var legacy = try LegacyProfile.parse(raw) {
            prepare(&legacy)
            return try PhaseTimer.measure("legacy merge") { () throws(ProfileError) in try merge([legacy]) }
        }
        if var folded = try FoldedStacks.parse(raw) {
            prepare(&folded)
            return try merge([folded])
        }
        var decoded = try decodeTables(raw)
        prepare(&decoded.tables)
        let typeCount = decoded.tables.sampleTypes.count
        // The merger takes the only reference to the tables, so that it renumbers them in place.
        var merger = Merger(into: mergedHeader([decoded.tables]), sampleCapacity: decoded.sampleRanges.count)
        var tables = Profile()
        swap(&tables, &decoded.tables)
        merger.begin(consume tables)
        var sink = MergingSample(merger: consume merger, valueCount: typeCount)
        try decoded.decodeSamples(&raw, into: &sink)
        // The errors that `validate` would have reported, in its order.
        try checkDecoded(typeCount: typeCount, sampleCount: decoded.sampleRanges.count, badSample: sink.badSample)
        sink.flush()
        return try sink.merger.finish()
    }

    /// `data`, inflated when it is gzip-compressed (to at most `maxInflatedSize` bytes).
    public static func inflate(_ data: [UInt8], maxInflatedSize: Int) throws(ProfileError) -> [UInt8] {
        if data.isEmpty { throw ProfileError("empty input file") }
        var raw = data
        if Gzip.isGzip(data) {
            raw = try PhaseTimer.measure("gunzip") { () throws(ProfileError) in try Gzip.decompress(data, limit: maxInflatedSize) }
        }
        if raw.isEmpty { throw ProfileError("parsing profile: the gzip stream holds no data") }
        return raw
    }

    /// Decodes everything but the samples of raw protobuf bytes with protobuf-c, into a
    /// Swift-owned profile; the samples are decoded next, by `DecodedTables.decodeSamples`.
    ///
    /// Samples are most of a large profile, so they are unpacked one message at a time into a
    /// small arena that is recycled, instead of all at once: the C structs of every sample and the
    /// Swift model are then never in memory together. Everything else (strings, locations,
    /// functions, mappings, the header fields) is unpacked by protobuf-c in one go, from a copy of
    /// the top-level fields without the samples.
    static func decodeTables(_ raw: [UInt8]) throws(ProfileError) -> DecodedTables {
        guard let fields = TopLevelFields(raw) else {
            throw ProfileError("parsing profile: " + WireDiagnosis.explain(raw))
        }
        var rest: [UInt8] = []
        rest.reserveCapacity(raw.count - fields.sampleBytes)
        for r in fields.others { rest += raw[r] }
        guard let arena = pprof_arena_new() else { throw ProfileError("parsing profile: out of memory") }
        defer { pprof_arena_free(arena) }
        let message = PhaseTimer.measure("protobuf-c unpack") {
            rest.withUnsafeBufferPointer { buf in
                perftools__profiles__profile__unpack(pprof_arena_allocator(arena), buf.count, buf.baseAddress)
            }
        }
        guard let message else {
            throw ProfileError("parsing profile: " + WireDiagnosis.explain(raw))
        }
        rest = []
        var converter = ProtoConverter(message.pointee)
        let profile = try PhaseTimer.measure("convert") { () throws(ProfileError) in try converter.convert() }
        // The converter keeps what samples need (strings, location ids), not the C structs.
        return DecodedTables(tables: profile, converter: converter, sampleRanges: fields.samples)
    }
}

/// A profile decoded but for its samples, and what decoding them takes.
struct DecodedTables {
    var tables: Profile
    fileprivate var converter: ProtoConverter
    var sampleRanges: [Range<Int>]

    /// Decodes the samples of `raw` (the bytes the tables came from) into `sink`, in order,
    /// then empties `raw`.
    func decodeSamples<Sink: SampleSink>(_ raw: inout [UInt8], into sink: inout Sink) throws(ProfileError) {
        try PhaseTimer.measure("samples") { () throws(ProfileError) in
            try converter.convertSamples(raw, sampleRanges, into: &sink)
        }
        raw = []
    }
}

/// Where decoded samples go, one at a time and in order.
protocol SampleSink {
    mutating func reserve(_ count: Int)
    /// Takes `sample` (it may leave it empty).
    mutating func accept(_ index: Int, _ sample: inout Sample)
}

/// Keeps every sample, and notes the first one whose value count is wrong.
struct SampleList: SampleSink {
    var samples: [Sample] = []
    let valueCount: Int
    var badSample: (index: Int, count: Int)?

    init(valueCount: Int) { self.valueCount = valueCount }

    mutating func reserve(_ count: Int) { samples.reserveCapacity(count) }

    mutating func accept(_ index: Int, _ sample: inout Sample) {
        if badSample == nil && sample.values.count != valueCount { badSample = (index, sample.values.count) }
        samples.append(sample.take())
    }
}

/// Merges samples as they come, and notes the first one whose value count is wrong (after
/// which nothing more is merged: the profile will be refused).
///
/// Each sample is renumbered as it comes but placed (looked up among the merged ones) when the
/// next one comes: the lookup's table slot is prefetched in between. The order is unchanged.
struct MergingSample: SampleSink {
    var merger: Merger
    var valueCount: Int
    var badSample: (index: Int, count: Int)?
    private var pending: Sample?
    private var pendingHash: UInt64 = 0

    init(merger: Merger, valueCount: Int) {
        self.merger = merger
        self.valueCount = valueCount
    }

    mutating func reserve(_ count: Int) { merger.out.samples.reserveCapacity(count) }

    mutating func accept(_ index: Int, _ sample: inout Sample) {
        if badSample != nil { return }
        if sample.values.count != valueCount {
            badSample = (index, sample.values.count)
            return
        }
        if sample.isZero { return }
        let h = merger.renumber(&sample)
        merger.samples.prefetch(h)
        flush()
        pending = sample.take()
        pendingHash = h
    }

    /// Places the last sample; call once all have been accepted.
    mutating func flush() {
        if var s = pending.take() { merger.place(&s, pendingHash) }
    }
}

/// Where the top-level fields of a Profile message are: the samples (field 2, each a
/// length-delimited message) and every other field, as byte ranges.
struct TopLevelFields {
    var samples: [Range<Int>] = []
    var others: [Range<Int>] = []
    var sampleBytes = 0

    /// Nil when the bytes are not a well-formed sequence of fields.
    init?(_ data: [UInt8]) {
        var pos = 0
        let end = data.count
        func varint() -> UInt64? { WireDiagnosis.varint(data, &pos, end) }
        while pos < end {
            let start = pos
            guard let tag = varint() else { return nil }
            let field = tag >> 3
            if field == 0 { return nil }
            switch tag & 7 {
            case 0: guard varint() != nil else { return nil }
            case 1:
                guard end - pos >= 8 else { return nil }
                pos += 8
            case 5:
                guard end - pos >= 4 else { return nil }
                pos += 4
            case 2:
                guard let n = varint(), n <= UInt64(end - pos) else { return nil }
                if field == 2 {
                    samples.append(pos..<(pos + Int(n)))
                    sampleBytes += pos + Int(n) - start
                    pos += Int(n)
                    continue
                }
                pos += Int(n)
            default: return nil
            }
            // Consecutive non-sample fields are copied as one range.
            if let last = others.last, last.upperBound == start {
                others[others.count - 1] = last.lowerBound..<pos
            } else {
                others.append(start..<pos)
            }
        }
    }
}

/// Turns protobuf-c's structs into the Swift model: strings resolved, ids turned into indices.
fileprivate struct ProtoConverter {
    let m: Perftools__Profiles__Profile
    var strings: [String] = []
    var locationIndex: [UInt64: Int32] = [:]
    var denseLocation: [Int32] = []

    init(_ m: Perftools__Profiles__Profile) {
        self.m = m
    }

    func string(_ index: Int64, _ what: @autoclosure () -> String) throws(ProfileError) -> String {
        guard index >= 0, index < Int64(strings.count) else {
            throw ProfileError(
                "parsing profile: \(what()) refers to string \(index), but the string table has \(strings.count) entries")
        }
        return strings[Int(index)]
    }

    mutating func convert() throws(ProfileError) -> Profile {
        strings.reserveCapacity(m.n_string_table)
        for i in 0..<m.n_string_table {
            strings.append(m.string_table[i].map { String(cString: $0) } ?? "")
        }
        if let first = strings.first, !first.isEmpty {
            throw ProfileError("parsing profile: string_table[0] must be the empty string, found \(quoted(first))")
        }
        var p = Profile()
        for i in 0..<m.n_sample_type {
            let vt = m.sample_type[i]!.pointee
            p.sampleTypes.append(
                ValueType(
                    type: try string(vt.type, "sample_type \(i)"), unit: try string(vt.unit, "sample_type \(i)")))
        }
        // Mappings.
        var mappingIndex: [UInt64: Int32] = [:]
        p.mappings.reserveCapacity(m.n_mapping)
        for i in 0..<m.n_mapping {
            let mp = m.mapping[i]!.pointee
            if mp.id == 0 { throw ProfileError("parsing profile: mapping \(i) has the reserved id 0") }
            if mappingIndex[mp.id] != nil { throw ProfileError("parsing profile: two mappings have id \(mp.id)") }
            mappingIndex[mp.id] = Int32(i)
            p.mappings.append(
                Mapping(
                    id: mp.id, start: mp.memory_start, limit: mp.memory_limit, offset: mp.file_offset,
                    file: try string(mp.filename, "mapping \(mp.id)"),
                    buildID: try string(mp.build_id, "mapping \(mp.id)"),
                    hasFunctions: mp.has_functions != 0, hasFilenames: mp.has_filenames != 0,
                    hasLineNumbers: mp.has_line_numbers != 0, hasInlineFrames: mp.has_inline_frames != 0))
        }
        // Functions.
        var functionIndex: [UInt64: Int32] = [:]
        functionIndex.reserveCapacity(m.n_function)
        p.functions.reserveCapacity(m.n_function)
        for i in 0..<m.n_function {
            let f = m.function[i]!.pointee
            if f.id == 0 { throw ProfileError("parsing profile: function \(i) has the reserved id 0") }
            if functionIndex[f.id] != nil { throw ProfileError("parsing profile: two functions have id \(f.id)") }
            functionIndex[f.id] = Int32(i)
            p.functions.append(
                Function(
                    id: f.id, name: try string(f.name, "function \(f.id)"),
                    systemName: try string(f.system_name, "function \(f.id)"),
                    filename: try string(f.filename, "function \(f.id)"), startLine: f.start_line))
        }
        // Locations. Ids are usually 1...n: look those up in an array, others in a dictionary.
        denseLocation = [Int32](repeating: -1, count: m.n_location + 1)
        p.locations.reserveCapacity(m.n_location)
        for i in 0..<m.n_location {
            let l = m.location[i]!.pointee
            if l.id == 0 { throw ProfileError("parsing profile: location \(i) has the reserved id 0") }
            if l.id < UInt64(denseLocation.count) {
                if denseLocation[Int(l.id)] >= 0 { throw ProfileError("parsing profile: two locations have id \(l.id)") }
                denseLocation[Int(l.id)] = Int32(i)
            } else {
                if locationIndex[l.id] != nil { throw ProfileError("parsing profile: two locations have id \(l.id)") }
                locationIndex[l.id] = Int32(i)
            }
            // Like go tool pprof, a location whose mapping is missing simply has no mapping.
            let mapping = mappingIndex[l.mapping_id] ?? -1
            var lines: [Line] = []
            lines.reserveCapacity(l.n_line)
            for j in 0..<l.n_line {
                let ln = l.line[j]!.pointee
                guard let fi = functionIndex[ln.function_id] else {
                    throw ProfileError(
                        "parsing profile: location \(l.id) refers to function \(ln.function_id), which does not exist")
                }
                lines.append(Line(function: fi, line: ln.line, column: ln.column))
            }
            p.locations.append(
                Location(id: l.id, mapping: mapping, address: l.address, lines: lines, isFolded: l.is_folded != 0))
        }
        p.dropFrames = try string(m.drop_frames, "drop_frames")
        p.keepFrames = try string(m.keep_frames, "keep_frames")
        p.timeNanos = m.time_nanos
        p.durationNanos = m.duration_nanos
        if let pt = m.period_type {
            p.periodType = ValueType(
                type: try string(pt.pointee.type, "period_type"), unit: try string(pt.pointee.unit, "period_type"))
        }
        p.period = m.period
        for i in 0..<m.n_comment {
            p.comments.append(try string(m.comment[i], "comment \(i)"))
        }
        p.defaultSampleType = try string(m.default_sample_type, "default_sample_type")
        p.docURL = try string(m.doc_url, "doc_url")
        return p
    }
}

extension ProtoConverter {
    /// Decodes and converts each sample message in `ranges` of `raw`, handing them to `sink`
    /// in order.
    ///
    /// A large profile is decoded on a second thread while this one takes the samples, chunk
    /// by chunk; the sink sees the same samples in the same order, and the error is the one of
    /// the first sample that cannot be decoded, as when decoding on one thread.
    func convertSamples<Sink: SampleSink>(_ raw: [UInt8], _ ranges: [Range<Int>], into sink: inout Sink) throws(ProfileError) {
        sink.reserve(ranges.count)
        if ranges.count >= SampleDecoding.pipelineThreshold && ProcessInfo.processInfo.activeProcessorCount > 1 {
            try convertSamplesPipelined(raw, ranges, into: &sink)
            return
        }
        var decoder = SampleDecoder()
        defer { decoder.free() }
        try raw.withUnsafeBufferPointer { (buf: UnsafeBufferPointer<UInt8>) throws(ProfileError) in
            for i in ranges.indices {
                var sample = try decoder.decode(i, buf, ranges[i], self, raw)
                sink.accept(i, &sample)
            }
        }
    }

    /// Decodes on a second thread, in chunks, while this thread hands samples to the sink.
    private func convertSamplesPipelined<Sink: SampleSink>(
        _ raw: [UInt8], _ ranges: [Range<Int>], into sink: inout Sink
    ) throws(ProfileError) {
        let chunkSize = 2048
        let chunkCount = (ranges.count + chunkSize - 1) / chunkSize
        let shared = DecodedChunks(converter: self, raw: raw, ranges: ranges, chunkCount: chunkCount)
        let worker = Thread { shared.produce(chunkSize: chunkSize) }
        worker.stackSize = 1 << 20
        worker.start()
        defer { shared.waitUntilDone() }
        for c in 0..<chunkCount {
            guard var chunk = shared.take(c) else { break }
            let first = c * chunkSize
            for k in chunk.indices { sink.accept(first + k, &chunk[k]) }
        }
        if let error = shared.error { throw error }
    }
}

enum SampleDecoding {
    /// Below this many samples one thread decodes and merges: a thread costs more than it saves.
    static let pipelineThreshold = 16384
}

/// Chunks of decoded samples passed from the decoding thread to the merging one.
///
/// The converter and the raw bytes are only read, by both threads, while this exists.
private final class DecodedChunks: @unchecked Sendable {
    let converter: ProtoConverter
    let raw: [UInt8]
    let ranges: [Range<Int>]
    private let condition = NSCondition()
    private var chunks: [[Sample]?]
    private var produced = 0
    private var finished = false
    private(set) var error: ProfileError?

    init(converter: ProtoConverter, raw: [UInt8], ranges: [Range<Int>], chunkCount: Int) {
        self.converter = converter
        self.raw = raw
        self.ranges = ranges
        chunks = Array(repeating: nil, count: chunkCount)
    }

    /// Runs on the decoding thread: decodes every chunk in order, stopping at the first error.
    func produce(chunkSize: Int) {
        var decoder = SampleDecoder()
        defer { decoder.free() }
        raw.withUnsafeBufferPointer { buf in
            for c in chunks.indices {
                let lo = c * chunkSize, hi = min(ranges.count, lo + chunkSize)
                var chunk: [Sample] = []
                chunk.reserveCapacity(hi - lo)
                do throws(ProfileError) {
                    for i in lo..<hi { chunk.append(try decoder.decode(i, buf, ranges[i], converter, raw)) }
                } catch {
                    condition.lock()
                    self.error = error
                    finished = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                condition.lock()
                chunks[c] = chunk
                produced = c + 1
                condition.broadcast()
                condition.unlock()
            }
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for chunk `c` and takes it; nil when decoding stopped before it (see `error`).
    func take(_ c: Int) -> [Sample]? {
        condition.lock()
        defer { condition.unlock() }
        while produced <= c && !finished { condition.wait() }
        guard produced > c, error == nil else { return nil }
        let chunk = chunks[c]
        chunks[c] = nil
        return chunk
    }

    func waitUntilDone() {
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }
}

/// Decodes sample messages one by one, with reused buffers.
struct SampleDecoder {
    private var arena: OpaquePointer? = nil
    private var unpacked = 0
    private var fields = SampleFields()
    private var direct = DecodeScratch()

    /// Sample `i` (bytes `r` of `buf`, which holds `raw`).
    ///
    /// A sample in the encoding Go and this tool write (packed or unpacked ids and values, labels
    /// with their four varint fields, one-byte tags) is read directly; anything else (unknown
    /// fields, other wire types, malformed bytes) is unpacked by protobuf-c, in a small arena
    /// that is recycled, which then accepts it or gives the error.
    fileprivate mutating func decode(
        _ i: Int, _ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ converter: ProtoConverter, _ raw: [UInt8]
    ) throws(ProfileError) -> Sample {
        let base = buf.baseAddress!
        if let sample = try converter.directSample(i, base + r.lowerBound, r.count, &direct) { return sample }
        if !fields.read(base + r.lowerBound, r.count) {
            if arena == nil || unpacked % 4096 == 4095 {
                if let arena { pprof_arena_free(arena) }
                arena = pprof_arena_new()
            }
            unpacked += 1
            guard let arena else { throw ProfileError("parsing profile: out of memory") }
            guard
                let sp = perftools__profiles__sample__unpack(pprof_arena_allocator(arena), r.count, base + r.lowerBound)
            else {
                throw ProfileError("parsing profile: " + WireDiagnosis.explain(raw))
            }
            fields.take(sp.pointee)
        }
        return try converter.makeSample(i, fields)
    }

    mutating func free() {
        if let arena { pprof_arena_free(arena) }
        arena = nil
        direct.free()
    }
}

extension ProtoConverter {
    /// The sample of the most common encoding, decoded straight into its arrays: one packed
    /// location_id field, one packed value field, labels. Nil when the message holds anything
    /// else or refers to an unknown location (the general path then decodes it or says why not).
    func directSample(
        _ i: Int, _ p: UnsafePointer<UInt8>, _ count: Int, _ scratch: inout DecodeScratch
    ) throws(ProfileError) -> Sample? {
        scratch.labels.removeAll(keepingCapacity: true)
        var locs: [Int32] = []
        var values: [Int64] = []
        var sawIDs = false, sawValues = false
        var pos = 0
        while pos < count {
            let tag = p[pos]
            pos += 1
            switch tag {
            case 0x0a:
                guard !sawIDs, let n = SampleFields.length(p, &pos, count) else { return nil }
                sawIDs = true
                let end = pos + Int(n)
                var ok = true
                // n bytes hold at most n varints: room enough without counting them first.
                let made = scratch.fill32(Int(n)) { out in
                    var made = 0
                    while pos < end {
                        guard let id = SampleFields.varint(p, &pos, end) else {
                            ok = false
                            break
                        }
                        let li = locationNumber(id)
                        if li < 0 {
                            ok = false
                            break
                        }
                        out[made] = li
                        made += 1
                    }
                    return made
                }
                if !ok { return nil }
                locs = scratch.array32(made)
            case 0x12:
                guard !sawValues, let n = SampleFields.length(p, &pos, count) else { return nil }
                sawValues = true
                let end = pos + Int(n)
                var ok = true
                let made = scratch.fill64(Int(n)) { out in
                    var made = 0
                    while pos < end {
                        guard let v = SampleFields.varint(p, &pos, end) else {
                            ok = false
                            break
                        }
                        out[made] = Int64(bitPattern: v)
                        made += 1
                    }
                    return made
                }
                if !ok { return nil }
                values = scratch.array64(made)
            case 0x1a:
                guard let n = SampleFields.length(p, &pos, count),
                    let label = SampleFields.label(p, &pos, pos + Int(n))
                else { return nil }
                scratch.labels.append(label)
            default:
                return nil
            }
        }
        var sample = Sample(locations: consume locs, values: consume values)
        if scratch.labels.count == 1 {
            try addSharedLabel(i, scratch.labels[0], to: &sample, &scratch)
        } else if !scratch.labels.isEmpty {
            try addLabels(i, scratch.labels, to: &sample)
        }
        return sample
    }

    /// Adds a sample's only label. Samples mostly carry one of a few (a heap profile's `bytes`),
    /// so the label arrays of recent ones are kept and shared instead of allocated again.
    func addSharedLabel(
        _ i: Int, _ label: SampleFields.RawLabel, to sample: inout Sample, _ scratch: inout DecodeScratch
    ) throws(ProfileError) {
        let h = mixHash(
            mixHash(UInt64(bitPattern: label.key), UInt64(bitPattern: label.str)),
            mixHash(UInt64(bitPattern: label.num), UInt64(bitPattern: label.numUnit)))
        let slot = Int(truncatingIfNeeded: h) & (DecodeScratch.labelSlots - 1)
        if scratch.labelKeys[slot] == label {
            sample.labels = scratch.labelArrays[slot]
            sample.numLabels = scratch.numLabelArrays[slot]
            return
        }
        try addLabels(i, [label], to: &sample)
        scratch.labelKeys[slot] = label
        scratch.labelArrays[slot] = sample.labels
        scratch.numLabelArrays[slot] = sample.numLabels
    }

    /// Resolves and adds labels, sorted by key.
    func addLabels(_ i: Int, _ labels: [SampleFields.RawLabel], to sample: inout Sample) throws(ProfileError) {
        for lb in labels {
            let key = try string(lb.key, "a label of sample \(i)")
            if lb.str != 0 {
                sample.labels.append(Label(key: key, value: try string(lb.str, "a label of sample \(i)")))
            } else if lb.num != 0 || lb.numUnit != 0 {
                let unit = lb.numUnit != 0 ? try string(lb.numUnit, "a label of sample \(i)") : ""
                sample.numLabels.append(NumLabel(key: key, value: lb.num, unit: unit))
            }
        }
        sample.canonicalizeLabels()
    }

    /// The index in `Profile.locations` of the location with this id, or -1.
    @inline(__always)
    func locationNumber(_ id: UInt64) -> Int32 {
        if id < UInt64(denseLocation.count) { return denseLocation[Int(id)] }
        return locationIndex[id] ?? -1
    }

    /// The Swift sample of decoded fields: location ids resolved, labels resolved and sorted.
    func makeSample(_ i: Int, _ f: borrowing SampleFields) throws(ProfileError) -> Sample {
        var missing: UInt64?
        var locs = [Int32](repeating: 0, count: f.ids.count)
        locs.withUnsafeMutableBufferPointer { out in
            for (j, id) in f.ids.enumerated() {
                let li = locationNumber(id)
                if li < 0 {
                    missing = id
                    break
                }
                out[j] = li
            }
        }
        if let missing {
            throw ProfileError("parsing profile: sample \(i) refers to location \(missing), which does not exist")
        }
        var sample = Sample(locations: consume locs, values: Array(f.values))
        try addLabels(i, f.labels, to: &sample)
        return sample
    }
}

/// Reused buffers for decoding samples directly.
///
/// Arrays are made with `reserveCapacity` + `append(contentsOf:)` from these buffers, which the
/// compiler specializes; `Array(repeating:count:)` and `unsafeUninitializedCapacity` go through
/// an unspecialized stdlib entry point that looks up the array's generic metadata on every call.
struct DecodeScratch {
    var labels: [SampleFields.RawLabel] = []
    /// Recent single labels and the arrays made for them (see `addSharedLabel`).
    static let labelSlots = 64
    var labelKeys = [SampleFields.RawLabel?](repeating: nil, count: labelSlots)
    var labelArrays = [[Label]](repeating: [], count: labelSlots)
    var numLabelArrays = [[NumLabel]](repeating: [], count: labelSlots)
    private var i32 = UnsafeMutablePointer<Int32>.allocate(capacity: 256)
    private var i64 = UnsafeMutablePointer<Int64>.allocate(capacity: 256)
    private var cap32 = 256, cap64 = 256

    /// Lets `body` write up to `n` elements; returns how many it wrote.
    mutating func fill32(_ n: Int, _ body: (UnsafeMutablePointer<Int32>) -> Int) -> Int {
        if n > cap32 {
            i32.deallocate()
            cap32 = n
            i32 = .allocate(capacity: n)
        }
        return body(i32)
    }

    mutating func fill64(_ n: Int, _ body: (UnsafeMutablePointer<Int64>) -> Int) -> Int {
        if n > cap64 {
            i64.deallocate()
            cap64 = n
            i64 = .allocate(capacity: n)
        }
        return body(i64)
    }

    func array32(_ n: Int) -> [Int32] {
        var a: [Int32] = []
        a.reserveCapacity(n)
        a.append(contentsOf: UnsafeBufferPointer(start: i32, count: n))
        return a
    }

    func array64(_ n: Int) -> [Int64] {
        var a: [Int64] = []
        a.reserveCapacity(n)
        a.append(contentsOf: UnsafeBufferPointer(start: i64, count: n))
        return a
    }

    func free() {
        i32.deallocate()
        i64.deallocate()
    }
}

/// The fields of one Sample message, as protobuf-c would decode them; the buffers are reused.
struct SampleFields {
    struct RawLabel: Equatable {
        var key: Int64 = 0
        var str: Int64 = 0
        var num: Int64 = 0
        var numUnit: Int64 = 0
    }

    var ids: [UInt64] = []
    var values: [Int64] = []
    var labels: [RawLabel] = []

    /// Reads a message in the usual encoding; false (fields unspecified) for anything else.
    mutating func read(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        ids.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        var pos = 0
        while pos < count {
            let tag = p[pos]
            pos += 1
            switch tag {
            case 0x0a, 0x12:  // packed location_id (1) or value (2)
                guard let n = Self.length(p, &pos, count) else { return false }
                let end = pos + Int(n)
                while pos < end {
                    guard let v = Self.varint(p, &pos, end) else { return false }
                    if tag == 0x0a { ids.append(v) } else { values.append(Int64(bitPattern: v)) }
                }
            case 0x08:  // one location_id
                guard let v = Self.varint(p, &pos, count) else { return false }
                ids.append(v)
            case 0x10:  // one value
                guard let v = Self.varint(p, &pos, count) else { return false }
                values.append(Int64(bitPattern: v))
            case 0x1a:  // label (3)
                guard let n = Self.length(p, &pos, count), let label = Self.label(p, &pos, pos + Int(n)) else {
                    return false
                }
                labels.append(label)
            default:
                return false
            }
        }
        return true
    }

    /// Copies what protobuf-c unpacked.
    mutating func take(_ s: Perftools__Profiles__Sample) {
        ids = Array(UnsafeBufferPointer(start: s.location_id, count: s.n_location_id))
        values = Array(UnsafeBufferPointer(start: s.value, count: s.n_value))
        labels = (0..<s.n_label).map { j in
            let lb = s.label[j]!.pointee
            return RawLabel(key: lb.key, str: lb.str, num: lb.num, numUnit: lb.num_unit)
        }
    }

    /// The length of a length-delimited field, which protobuf-c reads from at most 5 bytes and
    /// which must fit in what remains.
    @inline(__always)
    static func length(_ p: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int) -> UInt64? {
        let start = pos
        guard let n = varint(p, &pos, end), pos - start <= 5, n <= UInt64(end - pos) else { return nil }
        return n
    }

    /// A Label message in `p[pos..<end]`: key, str, num and num_unit; nil when malformed.
    @inline(__always)
    static func label(_ p: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int) -> RawLabel? {
        var label = RawLabel()
        while pos < end {
            let t = p[pos]
            pos += 1
            guard let v = varint(p, &pos, end) else { return nil }
            switch t {
            case 0x08: label.key = Int64(bitPattern: v)
            case 0x10: label.str = Int64(bitPattern: v)
            case 0x18: label.num = Int64(bitPattern: v)
            case 0x20: label.numUnit = Int64(bitPattern: v)
            default: return nil
            }
        }
        return label
    }

    /// A varint of at most 10 bytes ending before `end`, with bits past 64 dropped as protobuf-c does.
    @inline(__always)
    static func varint(_ p: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while pos < end && shift < 70 {
            let b = p[pos]
            pos += 1
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}

func quoted(_ s: String) -> String {
    let short = s.count > 40 ? String(s.prefix(40)) + "…" : s
    return "\"\(short)\""
}
