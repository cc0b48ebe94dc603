import CProfileProto
import Glibc

extension Profile {
    /// The profile as gzip-compressed protobuf, the form `go tool pprof` reads and writes.
    public func serialized(compress: Bool = true) -> [UInt8] {
        var encoder = ProtoEncoder(self)
        let raw = encoder.encode()
        return compress ? Gzip.compress(raw) : raw
    }
}

/// Builds protobuf-c structs from the Swift model in one arena, packs them, and frees the arena.
private struct ProtoEncoder {
    let p: Profile
    var strings: [String] = [""]
    var stringIndex: [String: Int64] = ["": 0]
    var allocations: [UnsafeMutableRawPointer] = []
    var cStrings: [UnsafeMutablePointer<CChar>] = []

    init(_ p: Profile) {
        self.p = p
    }

    mutating func intern(_ s: String) -> Int64 {
        if let i = stringIndex[s] { return i }
        let i = Int64(strings.count)
        strings.append(s)
        stringIndex[s] = i
        return i
    }

    mutating func alloc<T>(_ type: T.Type, _ count: Int) -> UnsafeMutablePointer<T> {
        let ptr = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        allocations.append(UnsafeMutableRawPointer(ptr))
        return ptr
    }

    mutating func valueType(_ vt: ValueType) -> UnsafeMutablePointer<Perftools__Profiles__ValueType> {
        let m = alloc(Perftools__Profiles__ValueType.self, 1)
        perftools__profiles__value_type__init(m)
        m.pointee.type = intern(vt.type)
        m.pointee.unit = intern(vt.unit)
        return m
    }

    mutating func encode() -> [UInt8] {
        defer {
            for a in allocations { a.deallocate() }
            for c in cStrings { free(c) }
        }
        var msg = Perftools__Profiles__Profile()
        perftools__profiles__profile__init(&msg)

        let sampleTypes = alloc(UnsafeMutablePointer<Perftools__Profiles__ValueType>?.self, p.sampleTypes.count)
        for (i, st) in p.sampleTypes.enumerated() { sampleTypes[i] = valueType(st) }
        msg.n_sample_type = p.sampleTypes.count
        msg.sample_type = sampleTypes

        // Samples: one block of structs, one of pointers, and flat blocks for their arrays.
        let ns = p.samples.count
        let sampleStructs = alloc(Perftools__Profiles__Sample.self, ns)
        let samplePtrs = alloc(UnsafeMutablePointer<Perftools__Profiles__Sample>?.self, ns)
        let totalLocs = p.samples.reduce(0) { $0 + $1.locations.count }
        let totalVals = p.samples.reduce(0) { $0 + $1.values.count }
        let totalLabels = p.samples.reduce(0) { $0 + $1.labels.count + $1.numLabels.count }
        let locBlock = alloc(UInt64.self, totalLocs)
        let valBlock = alloc(Int64.self, totalVals)
        let labelStructs = alloc(Perftools__Profiles__Label.self, totalLabels)
        let labelPtrs = alloc(UnsafeMutablePointer<Perftools__Profiles__Label>?.self, totalLabels)
        var li = 0, vi = 0, lbi = 0
        for (i, s) in p.samples.enumerated() {
            let sm = sampleStructs + i
            perftools__profiles__sample__init(sm)
            sm.pointee.n_location_id = s.locations.count
            sm.pointee.location_id = locBlock + li
            for l in s.locations {
                locBlock[li] = p.locations[Int(l)].id
                li += 1
            }
            sm.pointee.n_value = s.values.count
            sm.pointee.value = valBlock + vi
            for v in s.values {
                valBlock[vi] = v
                vi += 1
            }
            sm.pointee.n_label = s.labels.count + s.numLabels.count
            sm.pointee.label = labelPtrs + lbi
            for l in s.labels {
                let lm = labelStructs + lbi
                perftools__profiles__label__init(lm)
                lm.pointee.key = intern(l.key)
                lm.pointee.str = intern(l.value)
                labelPtrs[lbi] = lm
                lbi += 1
            }
            for l in s.numLabels {
                let lm = labelStructs + lbi
                perftools__profiles__label__init(lm)
                lm.pointee.key = intern(l.key)
                lm.pointee.num = l.value
                lm.pointee.num_unit = l.unit.isEmpty ? 0 : intern(l.unit)
                labelPtrs[lbi] = lm
                lbi += 1
            }
            samplePtrs[i] = sm
        }
        msg.n_sample = ns
        msg.sample = samplePtrs

        let mappingStructs = alloc(Perftools__Profiles__Mapping.self, p.mappings.count)
        let mappingPtrs = alloc(UnsafeMutablePointer<Perftools__Profiles__Mapping>?.self, p.mappings.count)
        for (i, m) in p.mappings.enumerated() {
            let mm = mappingStructs + i
            perftools__profiles__mapping__init(mm)
            mm.pointee.id = m.id
            mm.pointee.memory_start = m.start
            mm.pointee.memory_limit = m.limit
            mm.pointee.file_offset = m.offset
            mm.pointee.filename = intern(m.file)
            mm.pointee.build_id = intern(m.buildID)
            mm.pointee.has_functions = m.hasFunctions ? 1 : 0
            mm.pointee.has_filenames = m.hasFilenames ? 1 : 0
            mm.pointee.has_line_numbers = m.hasLineNumbers ? 1 : 0
            mm.pointee.has_inline_frames = m.hasInlineFrames ? 1 : 0
            mappingPtrs[i] = mm
        }
        msg.n_mapping = p.mappings.count
        msg.mapping = mappingPtrs

        let nl = p.locations.count
        let locStructs = alloc(Perftools__Profiles__Location.self, nl)
        let locPtrs = alloc(UnsafeMutablePointer<Perftools__Profiles__Location>?.self, nl)
        let totalLines = p.locations.reduce(0) { $0 + $1.lines.count }
        let lineStructs = alloc(Perftools__Profiles__Line.self, totalLines)
        let linePtrs = alloc(UnsafeMutablePointer<Perftools__Profiles__Line>?.self, totalLines)
        var lni = 0
        for (i, l) in p.locations.enumerated() {
            let lm = locStructs + i
            perftools__profiles__location__init(lm)
            lm.pointee.id = l.id
            lm.pointee.mapping_id = l.mapping >= 0 ? p.mappings[Int(l.mapping)].id : 0
            lm.pointee.address = l.address
            lm.pointee.is_folded = l.isFolded ? 1 : 0
            lm.pointee.n_line = l.lines.count
            lm.pointee.line = linePtrs + lni
            for ln in l.lines {
                let lnm = lineStructs + lni
                perftools__profiles__line__init(lnm)
                lnm.pointee.function_id = p.functions[Int(ln.function)].id
                lnm.pointee.line = ln.line
                lnm.pointee.column = ln.column
                linePtrs[lni] = lnm
                lni += 1
            }
            locPtrs[i] = lm
        }
        msg.n_location = nl
        msg.location = locPtrs

        let nf = p.functions.count
        let fnStructs = alloc(Perftools__Profiles__Function.self, nf)
        let fnPtrs = alloc(UnsafeMutablePointer<Perftools__Profiles__Function>?.self, nf)
        for (i, f) in p.functions.enumerated() {
            let fm = fnStructs + i
            perftools__profiles__function__init(fm)
            fm.pointee.id = f.id
            fm.pointee.name = intern(f.name)
            fm.pointee.system_name = intern(f.systemName)
            fm.pointee.filename = intern(f.filename)
            fm.pointee.start_line = f.startLine
            fnPtrs[i] = fm
        }
        msg.n_function = nf
        msg.function = fnPtrs

        msg.drop_frames = intern(p.dropFrames)
        msg.keep_frames = intern(p.keepFrames)
        msg.time_nanos = p.timeNanos
        msg.duration_nanos = p.durationNanos
        msg.period_type = valueType(p.periodType)
        msg.period = p.period
        let comments = alloc(Int64.self, p.comments.count)
        for (i, c) in p.comments.enumerated() { comments[i] = intern(c) }
        msg.n_comment = p.comments.count
        msg.comment = comments
        msg.default_sample_type = intern(p.defaultSampleType)
        msg.doc_url = intern(p.docURL)

        // The string table last, once every string is interned.
        let table = alloc(UnsafeMutablePointer<CChar>?.self, strings.count)
        for (i, s) in strings.enumerated() {
            let c = strdup(s)!
            cStrings.append(c)
            table[i] = c
        }
        msg.n_string_table = strings.count
        msg.string_table = table

        return withUnsafePointer(to: &msg) { mp -> [UInt8] in
            let size = perftools__profiles__profile__get_packed_size(mp)
            var out = [UInt8](repeating: 0, count: size)
            out.withUnsafeMutableBufferPointer { buf in
                _ = perftools__profiles__profile__pack(mp, buf.baseAddress)
            }
            return out
        }
    }
}
