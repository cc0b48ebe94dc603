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
        return try ProtobufDecoding.decode(&raw, merged: false, prepare: { _ in }).profile
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
    /// errors, but without a second pass over a second copy when merging changes nothing (as for
    /// profiles that a merge wrote, or Go's runtime): see `ProtobufDecoding.decode`. `prepare`
    /// sees the profile without its samples (it may fix its tables).
    public static func parseMerged(
        _ data: consuming [UInt8], maxInflatedSize: Int = Gzip.defaultMaxInflatedSize,
        prepare: (inout Profile) -> Void = { _ in }
    ) throws(ProfileError) -> Profile {
        var raw = try inflate(data, maxInflatedSize: maxInflatedSize)
        // The compressed bytes go now (when the caller gave them up), not after decoding.
        data = []
        try HeapInuseSeries.refuse(raw)
        if var legacy = try LegacyProfile.parse(raw) {
            prepare(&legacy)
            return try PhaseTimer.measure("legacy merge") { () throws(ProfileError) in try mergeAlone(legacy) }
        }
        if var folded = try FoldedStacks.parse(raw) {
            prepare(&folded)
            return try mergeAlone(folded)
        }
        return try ProtobufDecoding.decode(&raw, merged: true, prepare: prepare).profile
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
}

/// Decoding of protobuf profiles.
///
/// The strings, locations and functions are read straight from their fields (`DirectTables`),
/// the rest of the tables (mappings, sample types, the header fields) unpacked by protobuf-c and
/// converted to the Swift model. The samples, most of a large profile, are decoded one message
/// at a time (`SampleDecoder`): a large profile's on a second thread while this one converts the
/// tables, with the location numbers of the locations already read.
enum ProtobufDecoding {
    /// Below this many samples one thread decodes everything: a thread costs more than it saves.
    static let concurrentThreshold = 16384

    /// The profile `raw` holds (protobuf, not compressed), validated; with `merged`, merged
    /// alone as `Profile.merge` would after `prepare`.
    ///
    /// A merge of one profile changes nothing when no sample is zero or has the stack and
    /// labels of an earlier one, the samples use the locations in their order (first use), and
    /// no two locations are the same. The samples are checked as they decode (`MergeCheck`),
    /// and the samples that pass are held back from the merge: when all pass and the locations
    /// merge alone into themselves, the profile is kept as decoded with the merged tables
    /// (`keptAsDecoded`); otherwise the merge takes them all, as it takes the rest.
    static func decode(_ raw: inout [UInt8], merged: Bool, prepare: (inout Profile) -> Void) throws(ProfileError)
        -> (profile: Profile, keptAsDecoded: Bool)
    {
        guard let fields = TopLevelFields(raw) else {
            throw ProfileError("parsing profile: " + WireDiagnosis.explain(raw))
        }
        let strings = fields.strings(of: raw)
        let direct = PhaseTimer.measure("locations and functions") { DirectTables(raw, fields) }
        // A large profile's samples are decoded on a second thread from now on, with the
        // numbers of the locations read; otherwise once the tables are converted.
        var chunks: SampleChunks?
        if fields.samples.count >= concurrentThreshold && ProcessInfo.processInfo.activeProcessorCount > 1,
            let numbers = direct?.locationNumbers()
        {
            chunks = SampleChunks(raw, fields.samples, SampleConverter(strings: strings, locations: numbers), checking: merged)
            chunks?.start()
        }
        var tables: (profile: Profile, locations: IDNumbers)
        do {
            tables = try decodeTables(raw, fields, strings, direct)
        } catch {
            chunks?.cancel()
            throw error
        }
        if chunks?.converter.locations != tables.locations {
            chunks?.cancel()
            chunks = SampleChunks(raw, fields.samples, SampleConverter(strings: strings, locations: tables.locations), checking: merged)
            chunks?.produce()
        }
        guard let chunks else { preconditionFailure("samples are decoded") }
        defer { chunks.cancel() }
        // The profile's tables are referenced once, so that the merge renumbers them in place.
        var profile = Profile()
        swap(&profile, &tables.profile)
        prepare(&profile)
        let typeCount = profile.sampleTypes.count
        let count = fields.samples.count
        if !merged {
            var list = SampleList(valueCount: typeCount)
            try chunks.drain(into: &list)
            try Profile.checkDecoded(typeCount: typeCount, sampleCount: count, badSample: list.badSample)
            profile.samples = list.samples
            return (profile, true)
        }
        let locationCount = profile.locations.count
        var merger = Merger(into: Profile.mergedHeader([profile]), sampleCapacity: count)
        var source = Profile()
        swap(&source, &profile)
        merger.begin(consume source)
        var sink = MergingSample(merger: consume merger, valueCount: typeCount)
        sink.reserve(count)
        // Samples that a merge keeps as they are, held back until one is not.
        var held: [Sample] = []
        var merging = false
        func mergeHeld() {
            for k in held.indices { sink.accept(k, &held[k]) }
            held = []
        }
        try PhaseTimer.measure("samples") { () throws(ProfileError) in
            for c in 0..<chunks.count {
                guard var chunk = chunks.take(c) else { break }
                let first = c * SampleChunks.size
                if !merging && chunks.mergeChanges(by: c) {
                    merging = true
                    mergeHeld()
                }
                if merging {
                    for k in chunk.indices { sink.accept(first + k, &chunk[k]) }
                } else {
                    held += chunk
                }
            }
            if let error = chunks.error { throw error }
        }
        raw = []
        if !merging {
            let bad = held.firstIndex { $0.values.count != typeCount }
            try Profile.checkDecoded(typeCount: typeCount, sampleCount: count, badSample: bad.map { ($0, held[$0].values.count) })
            if chunks.mergeKeepsAll(locationCount: locationCount) {
                // No sample went to the merger: its source is the profile as decoded.
                swap(&profile, &sink.merger.src)
                swap(&profile.samples, &held)
                if let kept = PhaseTimer.measure("merge tables", { Merger.keepingSamples(&profile) }) { return (kept, true) }
                swap(&profile.samples, &held)
                swap(&profile, &sink.merger.src)
            }
            mergeHeld()
        }
        try Profile.checkDecoded(typeCount: typeCount, sampleCount: count, badSample: sink.badSample)
        sink.flush()
        return (try sink.merger.finish(), false)
    }

    /// The tables of a profile, converted to the Swift model, with the location numbers of
    /// their ids: the locations and functions `direct` read, when it could, and everything else
    /// (and they, otherwise) unpacked by protobuf-c.
    static func decodeTables(_ raw: [UInt8], _ fields: TopLevelFields, _ strings: [String], _ direct: DirectTables?)
        throws(ProfileError) -> (profile: Profile, locations: IDNumbers)
    {
        var rest: [UInt8] = []
        rest.reserveCapacity(fields.otherBytes)
        for r in fields.others { rest += raw[r] }
        if direct == nil { for r in fields.tableFields { rest += raw[r] } }
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
        var converter = ProtoConverter(message.pointee, strings: strings, tables: direct ?? DirectTables(message.pointee))
        return try PhaseTimer.measure("convert") { () throws(ProfileError) in try converter.convert() }
    }
}

/// A profile's functions and locations with their fields as numbers (ids, string indices), read
/// straight from their messages, or taken from protobuf-c's.
struct DirectTables: Equatable {
    struct RawFunction: Equatable {
        var id: UInt64 = 0
        var name: Int64 = 0
        var systemName: Int64 = 0
        var filename: Int64 = 0
        var startLine: Int64 = 0
    }

    struct RawLine: Equatable {
        var functionID: UInt64 = 0
        var line: Int64 = 0
        var column: Int64 = 0
    }

    struct RawLocation: Equatable {
        var id: UInt64 = 0
        var mappingID: UInt64 = 0
        var address: UInt64 = 0
        var isFolded = false
        /// The location's lines in `lines`.
        var lines: Range<Int> = 0..<0
    }

    var functions: [RawFunction] = []
    var locations: [RawLocation] = []
    var lines: [RawLine] = []

    /// Reads the messages as protobuf-c would; nil when one has a known field in another wire
    /// type, a group, or bad bytes (protobuf-c then unpacks them, or says why not). Unknown fields
    /// are skipped, and a field given twice counts the last time, as protobuf-c does.
    init?(_ raw: [UInt8], _ fields: TopLevelFields) {
        functions.reserveCapacity(fields.functions.count)
        locations.reserveCapacity(fields.locations.count)
        lines.reserveCapacity(fields.locations.count + fields.locations.count / 4)
        let ok = raw.withUnsafeBufferPointer { buf -> Bool in
            let p = buf.baseAddress!
            for r in fields.functions {
                var f = RawFunction()
                let read = Self.scan(p, r) { field, value, payload in
                    if payload != nil { return false }
                    switch field {
                    case 1: f.id = value
                    case 2: f.name = Int64(bitPattern: value)
                    case 3: f.systemName = Int64(bitPattern: value)
                    case 4: f.filename = Int64(bitPattern: value)
                    case 5: f.startLine = Int64(bitPattern: value)
                    default: return false
                    }
                    return true
                }
                guard read else { return false }
                functions.append(f)
            }
            for r in fields.locations {
                var l = RawLocation()
                let first = lines.count
                let read = Self.scan(p, r) { field, value, payload in
                    if let payload {
                        guard field == 4 else { return false }
                        var line = RawLine()
                        let lineRead = Self.scan(p, payload) { field, value, payload in
                            if payload != nil { return false }
                            switch field {
                            case 1: line.functionID = value
                            case 2: line.line = Int64(bitPattern: value)
                            case 3: line.column = Int64(bitPattern: value)
                            default: return false
                            }
                            return true
                        }
                        if lineRead { lines.append(line) }
                        return lineRead
                    }
                    switch field {
                    case 1: l.id = value
                    case 2: l.mappingID = value
                    case 3: l.address = value
                    case 5: l.isFolded = value != 0
                    default: return false
                    }
                    return true
                }
                guard read else { return false }
                l.lines = first..<lines.count
                locations.append(l)
            }
            return true
        }
        if !ok { return nil }
    }

    /// Calls `body` with each field of the message in `r`: its number and varint value, or its
    /// payload when length-delimited (value 0). Unknown fields (above 5) of any valid wire type
    /// are skipped. False when the bytes are bad, a group or fixed-width field is met, or
    /// `body` returns false.
    private static func scan(
        _ p: UnsafePointer<UInt8>, _ r: Range<Int>, _ body: (UInt64, UInt64, Range<Int>?) -> Bool
    ) -> Bool {
        var pos = r.lowerBound
        let end = r.upperBound
        while pos < end {
            guard let tag = SampleFields.varint(p, &pos, end) else { return false }
            let field = tag >> 3
            if field == 0 { return false }
            switch tag & 7 {
            case 0:
                guard let v = SampleFields.varint(p, &pos, end) else { return false }
                if field > 5 { continue }
                if !body(field, v, nil) { return false }
            case 2:
                guard let n = SampleFields.length(p, &pos, end) else { return false }
                let payload = pos..<(pos + Int(n))
                pos += Int(n)
                if field > 5 { continue }
                if !body(field, 0, payload) { return false }
            default:
                return false
            }
        }
        return true
    }

    /// The number of each location id; nil when one is zero or given twice (converting the
    /// tables then says so).
    func locationNumbers() -> IDNumbers? {
        var numbers = IDNumbers(count: locations.count)
        for (i, l) in locations.enumerated() where l.id == 0 || !numbers.add(l.id, Int32(i)) { return nil }
        return numbers
    }

    /// The tables protobuf-c unpacked.
    init(_ m: Perftools__Profiles__Profile) {
        functions = (0..<m.n_function).map { i in
            let f = m.function[i]!.pointee
            return RawFunction(id: f.id, name: f.name, systemName: f.system_name, filename: f.filename, startLine: f.start_line)
        }
        locations = (0..<m.n_location).map { i in
            let l = m.location[i]!.pointee
            let first = lines.count
            for j in 0..<l.n_line {
                let ln = l.line[j]!.pointee
                lines.append(RawLine(functionID: ln.function_id, line: ln.line, column: ln.column))
            }
            return RawLocation(id: l.id, mappingID: l.mapping_id, address: l.address, isFolded: l.is_folded != 0, lines: first..<lines.count)
        }
    }
}

/// Where the top-level fields of a Profile message are: the payloads of the samples (field 2),
/// strings (6), locations (4) and functions (5), and every other field, as byte ranges.
struct TopLevelFields {
    var samples: [Range<Int>] = []
    var strings: [Range<Int>] = []
    var locations: [Range<Int>] = []
    var functions: [Range<Int>] = []
    /// The location and function fields, whole (for protobuf-c when `DirectTables` cannot read them).
    var tableFields: [Range<Int>] = []
    var others: [Range<Int>] = []
    var otherBytes = 0

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
                let payload = pos..<(pos + Int(n))
                pos += Int(n)
                if field == 2 {
                    samples.append(payload)
                    continue
                }
                if field == 6 {
                    strings.append(payload)
                    continue
                }
                if field == 4 || field == 5 {
                    if field == 4 { locations.append(payload) } else { functions.append(payload) }
                    if let last = tableFields.last, last.upperBound == start {
                        tableFields[tableFields.count - 1] = last.lowerBound..<pos
                    } else {
                        tableFields.append(start..<pos)
                    }
                    continue
                }
            default: return nil
            }
            // Consecutive other fields are copied as one range.
            otherBytes += pos - start
            if let last = others.last, last.upperBound == start {
                others[others.count - 1] = last.lowerBound..<pos
            } else {
                others.append(start..<pos)
            }
        }
    }

    /// The string table, each string's bytes as UTF-8 (invalid sequences repaired).
    func strings(of raw: [UInt8]) -> [String] {
        raw.withUnsafeBufferPointer { buf in
            strings.map { String(decoding: UnsafeBufferPointer(rebasing: buf[$0]), as: UTF8.self) }
        }
    }
}

/// The index of each id of a table (locations, functions): ids are usually 1...n, looked up in
/// an array; others in a dictionary.
struct IDNumbers: Equatable, Sendable {
    private var dense: [Int32]
    private var sparse: [UInt64: Int32] = [:]
    /// Whether entry i has id i + 1, as Go and merges number them: an id is then its index plus
    /// one, with no lookup.
    private var sequential = true
    private var count = 0

    init(count: Int) {
        dense = [Int32](repeating: -1, count: count + 1)
    }

    /// Records that entry `index` has `id`; false when another entry has it.
    mutating func add(_ id: UInt64, _ index: Int32) -> Bool {
        sequential = sequential && Int(index) == count && id == UInt64(index) + 1
        count += 1
        if id < UInt64(dense.count) {
            if dense[Int(id)] >= 0 { return false }
            dense[Int(id)] = index
            return true
        }
        return sparse.updateValue(index, forKey: id) == nil
    }

    /// The index of the entry with this id, or -1.
    @inline(__always)
    func number(_ id: UInt64) -> Int32 {
        if sequential { return id &- 1 < UInt64(count) ? Int32(truncatingIfNeeded: id &- 1) : -1 }
        if id < UInt64(dense.count) { return dense[Int(id)] }
        return sparse[id] ?? -1
    }
}

/// Turns protobuf-c's structs into the Swift model: strings resolved, ids turned into indices.
fileprivate struct ProtoConverter {
    let m: Perftools__Profiles__Profile
    let strings: [String]
    let tables: DirectTables

    init(_ m: Perftools__Profiles__Profile, strings: [String], tables: DirectTables) {
        self.m = m
        self.strings = strings
        self.tables = tables
    }

    func string(_ index: Int64, _ what: @autoclosure () -> String) throws(ProfileError) -> String {
        try strings.entry(index, what())
    }

    mutating func convert() throws(ProfileError) -> (profile: Profile, locations: IDNumbers) {
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
        var functionNumbers = IDNumbers(count: tables.functions.count)
        p.functions.reserveCapacity(tables.functions.count)
        for (i, f) in tables.functions.enumerated() {
            if f.id == 0 { throw ProfileError("parsing profile: function \(i) has the reserved id 0") }
            if !functionNumbers.add(f.id, Int32(i)) { throw ProfileError("parsing profile: two functions have id \(f.id)") }
            p.functions.append(
                Function(
                    id: f.id, name: try string(f.name, "function \(f.id)"),
                    systemName: try string(f.systemName, "function \(f.id)"),
                    filename: try string(f.filename, "function \(f.id)"), startLine: f.startLine))
        }
        // Locations.
        var numbers = IDNumbers(count: tables.locations.count)
        p.locations.reserveCapacity(tables.locations.count)
        for (i, l) in tables.locations.enumerated() {
            if l.id == 0 { throw ProfileError("parsing profile: location \(i) has the reserved id 0") }
            if !numbers.add(l.id, Int32(i)) { throw ProfileError("parsing profile: two locations have id \(l.id)") }
            // Like go tool pprof, a location whose mapping is missing simply has no mapping.
            let mapping = mappingIndex[l.mappingID] ?? -1
            var lines: [Line] = []
            lines.reserveCapacity(l.lines.count)
            for ln in tables.lines[l.lines] {
                let fi = functionNumbers.number(ln.functionID)
                guard fi >= 0 else {
                    throw ProfileError(
                        "parsing profile: location \(l.id) refers to function \(ln.functionID), which does not exist")
                }
                lines.append(Line(function: fi, line: ln.line, column: ln.column))
            }
            p.locations.append(
                Location(id: l.id, mapping: mapping, address: l.address, lines: lines, isFolded: l.isFolded))
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
        return (p, numbers)
    }
}

/// What samples need of the tables: the strings and the location numbers.
struct SampleConverter: Sendable {
    let strings: [String]
    let locations: IDNumbers

    func string(_ index: Int64, _ what: @autoclosure () -> String) throws(ProfileError) -> String {
        try strings.entry(index, what())
    }
}

extension [String] {
    /// String `index` of a profile's string table, which `what` refers to.
    fileprivate func entry(_ index: Int64, _ what: @autoclosure () -> String) throws(ProfileError) -> String {
        guard index >= 0, index < Int64(count) else {
            throw ProfileError(
                "parsing profile: \(what()) refers to string \(index), but the string table has \(count) entries")
        }
        return self[Int(index)]
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

    init(merger: consuming Merger, valueCount: Int) {
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

/// A profile's samples decoded in chunks, in order, with the first error, and as they come
/// whether merging the profile alone changes them (`MergeCheck`, when checking). Large
/// profiles are decoded on a second thread (`start`) while the caller does the tables, then
/// takes the chunks as they come; the caller is otherwise the producer (`produce`).
///
/// Only the producer writes a chunk, before it counts it produced under the lock; the
/// consumer reads it after seeing that count.
final class SampleChunks: @unchecked Sendable {
    static let size = 2048
    let converter: SampleConverter
    let count: Int
    private let raw: [UInt8]
    private let ranges: [Range<Int>]
    private let checking: Bool
    private let condition = NSCondition()
    private var chunks: [[Sample]?]
    /// Whether the samples up to each chunk hold a change (`MergeCheck.changes`).
    private var changedBy: [Bool]
    /// The check's outcome, once every chunk is decoded.
    private var checked: (changes: Bool, usedLocations: Int32)?
    private var produced = 0
    private var finished = false
    private var cancelled = false
    private var failure: ProfileError?

    init(_ raw: [UInt8], _ ranges: [Range<Int>], _ converter: SampleConverter, checking: Bool) {
        self.raw = raw
        self.ranges = ranges
        self.converter = converter
        self.checking = checking
        count = (ranges.count + Self.size - 1) / Self.size
        chunks = Array(repeating: nil, count: count)
        changedBy = Array(repeating: true, count: count)
    }

    /// Produces on a thread of its own.
    func start() {
        let worker = Thread { [self] in produce() }
        worker.stackSize = 1 << 20
        worker.start()
    }

    /// Decodes every chunk in order, stopping at the first error or when cancelled.
    func produce() {
        var decoder = SampleDecoder()
        defer { decoder.free() }
        var check = checking ? MergeCheck(capacity: ranges.count) : nil
        raw.withUnsafeBufferPointer { buf in
            for c in 0..<count {
                let lo = c * Self.size, hi = min(ranges.count, lo + Self.size)
                var chunk: [Sample] = []
                chunk.reserveCapacity(hi - lo)
                do throws(ProfileError) {
                    for i in lo..<hi {
                        let sample = try decoder.decode(i, buf, ranges[i], converter, raw)
                        check?.note(sample)
                        chunk.append(sample)
                    }
                } catch {
                    condition.lock()
                    failure = error
                    finished = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                let changed = check?.changes ?? true
                var result: (changes: Bool, usedLocations: Int32)?
                if c == count - 1, let done = check {
                    // The check's references to the samples go before the last chunk does.
                    result = (done.changes, done.usedLocations)
                    check = nil
                }
                condition.lock()
                chunks[c] = chunk
                changedBy[c] = changed
                produced = c + 1
                let stop = cancelled
                if let result { checked = result }
                condition.broadcast()
                condition.unlock()
                if stop { break }
            }
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer after its current chunk and waits for it.
    func cancel() {
        condition.lock()
        cancelled = true
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// Waits for chunk `c` and takes it; nil when decoding stopped before it (see `error`).
    func take(_ c: Int) -> [Sample]? {
        condition.lock()
        defer { condition.unlock() }
        while produced <= c && !finished { condition.wait() }
        guard produced > c else { return nil }
        let chunk = chunks[c]
        chunks[c] = nil
        return chunk
    }

    /// Whether the samples up to chunk `c`, once taken, hold a change.
    func mergeChanges(by c: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return changedBy[c]
    }

    /// Whether a merge keeps every sample as it is and uses each of `locationCount` locations.
    func mergeKeepsAll(locationCount: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !finished { condition.wait() }
        guard failure == nil, let checked else { return false }
        return !checked.changes && Int(checked.usedLocations) == locationCount
    }

    /// The first sample that could not be decoded, once every chunk is taken.
    var error: ProfileError? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// Takes every chunk into `sink`, throwing the first error.
    func drain<Sink: SampleSink>(into sink: inout Sink) throws(ProfileError) {
        sink.reserve(ranges.count)
        for c in 0..<count {
            guard var chunk = take(c) else { break }
            for k in chunk.indices { sink.accept(c * Self.size + k, &chunk[k]) }
        }
        if let error { throw error }
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
        _ i: Int, _ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ converter: SampleConverter, _ raw: [UInt8]
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

extension SampleConverter {
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
    func locationNumber(_ id: UInt64) -> Int32 { locations.number(id) }

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
