import CProfileProto

extension Profile {
    /// Parses a profile from gzip-compressed or raw protobuf bytes and validates it.
    ///
    /// `maxInflatedSize` caps how large a gzip stream may grow when inflated.
    public static func parse(_ data: [UInt8], maxInflatedSize: Int = Gzip.defaultMaxInflatedSize) throws(ProfileError) -> Profile {
        if data.isEmpty { throw ProfileError("empty input file") }
        var raw = data
        if Gzip.isGzip(data) {
            raw = try PhaseTimer.measure("gunzip") { () throws(ProfileError) in try Gzip.decompress(data, limit: maxInflatedSize) }
        }
        if raw.isEmpty { throw ProfileError("parsing profile: the gzip stream holds no data") }
        let profile = try decodeProtobuf(&raw)
        try profile.validate()
        return profile
    }

    /// Decodes raw protobuf bytes with protobuf-c into a Swift-owned profile.
    ///
    /// Samples are most of a large profile, so they are unpacked one message at a time into a
    /// small arena that is recycled, instead of all at once: the C structs of every sample and the
    /// Swift model are then never in memory together. Everything else (strings, locations,
    /// functions, mappings, the header fields) is unpacked by protobuf-c in one go, from a copy of
    /// the top-level fields without the samples. `raw` is emptied once it is no longer needed.
    static func decodeProtobuf(_ raw: inout [UInt8]) throws(ProfileError) -> Profile {
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
        var profile = try PhaseTimer.measure("convert") { () throws(ProfileError) in try converter.convert() }
        try PhaseTimer.measure("samples") { () throws(ProfileError) in
            try converter.convertSamples(raw, fields.samples, into: &profile)
        }
        raw = []
        return profile
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
private struct ProtoConverter {
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
    /// Unpacks and converts each sample message in `ranges` of `raw`, recycling a small arena.
    func convertSamples(_ raw: [UInt8], _ ranges: [Range<Int>], into p: inout Profile) throws(ProfileError) {
        p.samples.reserveCapacity(ranges.count)
        var arena = pprof_arena_new()
        defer { pprof_arena_free(arena) }
        try raw.withUnsafeBufferPointer { (buf: UnsafeBufferPointer<UInt8>) throws(ProfileError) in
            for (i, r) in ranges.enumerated() {
                if i % 4096 == 4095 {
                    pprof_arena_free(arena)
                    arena = pprof_arena_new()
                }
                guard let arena else { throw ProfileError("parsing profile: out of memory") }
                guard
                    let sp = perftools__profiles__sample__unpack(
                        pprof_arena_allocator(arena), r.count, buf.baseAddress! + r.lowerBound)
                else {
                    throw ProfileError("parsing profile: " + WireDiagnosis.explain(raw))
                }
                let s = sp.pointee
                var locs = [Int32](repeating: 0, count: s.n_location_id)
                for j in 0..<s.n_location_id {
                    let id = s.location_id[j]
                    var li: Int32 = -1
                    if id < UInt64(denseLocation.count) {
                        li = denseLocation[Int(id)]
                    } else if let found = locationIndex[id] {
                        li = found
                    }
                    if li < 0 {
                        throw ProfileError("parsing profile: sample \(i) refers to location \(id), which does not exist")
                    }
                    locs[j] = li
                }
                let values = Array(UnsafeBufferPointer(start: s.value, count: s.n_value))
                var sample = Sample(locations: locs, values: values)
                for j in 0..<s.n_label {
                    let lb = s.label[j]!.pointee
                    let key = try string(lb.key, "a label of sample \(i)")
                    if lb.str != 0 {
                        sample.labels.append(Label(key: key, value: try string(lb.str, "a label of sample \(i)")))
                    } else if lb.num != 0 || lb.num_unit != 0 {
                        let unit = lb.num_unit != 0 ? try string(lb.num_unit, "a label of sample \(i)") : ""
                        sample.numLabels.append(NumLabel(key: key, value: lb.num, unit: unit))
                    }
                }
                sample.canonicalizeLabels()
                p.samples.append(sample)
            }
        }
    }
}

func quoted(_ s: String) -> String {
    let short = s.count > 40 ? String(s.prefix(40)) + "…" : s
    return "\"\(short)\""
}
