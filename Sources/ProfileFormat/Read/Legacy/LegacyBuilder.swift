/// A legacy profile as its parser builds it, in the shape go's `profile` package gives it before
/// renumbering: locations in order of creation, looked up by address, mappings from the memory map.
/// `finish` renumbers locations, functions and mappings the way go does and makes a `Profile`.
struct LegacyBuilder {
    struct Loc {
        var address: UInt64
        var mapping: Int = -1
        var function: Int = -1
        var line: Int64 = 0
    }
    struct Func {
        var name: String
        var filename: String
    }

    var profile = Profile()
    var locations: [Loc] = []
    var functions: [Func] = []
    var mappings: [Mapping] = []
    /// Each sample's stack as indices into `locations`; values and the `bytes` label go to the profile.
    var stacks: [[Int32]] = []
    var values: [[Int64]] = []
    var blockSizes: [Int64]? = nil
    /// Indices into `locations` by address, and their addresses alone (a quarter of the
    /// memory of `locations`, for the lookups' comparisons).
    private var byAddress = FastIndexTable()
    private var addresses: [UInt64] = []

    init(sampleTypes: [ValueType], periodType: ValueType, period: Int64) {
        profile.sampleTypes = sampleTypes
        profile.periodType = periodType
        profile.period = period
    }

    /// The location for `address`, created on first use.
    mutating func location(_ address: UInt64) -> Int32 {
        let hash = Self.addressHash(address)
        if let i = byAddress.find(hash, { addresses[$0] == address }) { return Int32(i) }
        let i = locations.count
        locations.append(Loc(address: address))
        addresses.append(address)
        byAddress.insert(hash, i)
        return Int32(i)
    }

    /// The stack of return addresses `addresses` as locations of the calls, one byte earlier.
    mutating func callStack(_ addresses: [UInt64]) -> [Int32] {
        // Every lookup's table slot is requested before the first lookup: their misses overlap.
        for a in addresses { byAddress.prefetch(Self.addressHash(a &- 1)) }
        return addresses.map { location($0 &- 1) }
    }

    /// The location already made for `address`, if any.
    func existingLocation(_ address: UInt64) -> Int32? {
        byAddress.find(Self.addressHash(address)) { addresses[$0] == address }.map(Int32.init)
    }

    /// A hash of an address that is a bijection: a multiplication by an odd number (invertible
    /// modulo 2^64) and an xor of the high half into the low half (its own inverse), so distinct
    /// addresses never share a hash. The table keeps and places by its high half.
    static func addressHash(_ address: UInt64) -> UInt64 {
        let x = address &* 0x9E37_79B9_7F4A_7C15
        return x ^ (x >> 32)
    }

    mutating func addSample(_ stack: [Int32], _ v: [Int64], blockSize: Int64? = nil) {
        stacks.append(stack)
        values.append(v)
        if let blockSize {
            if blockSizes == nil { blockSizes = [] }
            blockSizes!.append(blockSize)
        }
    }

    /// Go's ParseMemoryMapFromScanner: the memory map's mappings are added, then merged and
    /// reordered (massageMappings), and locations, functions and mappings renumbered.
    mutating func addMemoryMap(_ lines: inout LegacyLines) throws(ProfileError) {
        mappings += try LegacyMemoryMap.parse(&lines)
        massageMappings()
        remapMappings()
    }

    /// Gives every location with an address but no mapping the mapping that holds its address,
    /// or a catch-all one (go's remapMappingIDs).
    mutating func remapMappings() {
        if let m = mappings.first, m.file.hasPrefix("/anon_hugepage"), mappings.count > 1, m.limit == mappings[1].start {
            mappings.removeFirst()
            for i in locations.indices where locations[i].mapping >= 0 { locations[i].mapping -= 1 }
        }
        if !mappings.isEmpty {
            let expectedStart: UInt64 = 0x400000
            if mappings[0].start &- mappings[0].offset == expectedStart {
                mappings[0].start = expectedStart
                mappings[0].offset = 0
            }
        }
        var fake = -1
        let used = usedLocations()
        next: for i in used {
            let a = locations[i].address
            if locations[i].mapping >= 0 || a == 0 { continue }
            for (mi, m) in mappings.enumerated() where m.start <= a && a < m.limit {
                locations[i].mapping = mi
                continue next
            }
            for (mi, m) in mappings.enumerated() where m.offset != 0 && m.start &- m.offset <= a && a < m.start {
                mappings[mi].start -= m.offset
                mappings[mi].offset = 0
                locations[i].mapping = mi
                continue next
            }
            if fake < 0 {
                fake = mappings.count
                mappings.append(Mapping(id: 0, limit: UInt64.max))
            }
            locations[i].mapping = fake
        }
        for i in mappings.indices { mappings[i].id = UInt64(i + 1) }
    }

    /// Indices of the locations that samples use, in order of first use (go's remapLocationIDs).
    func usedLocations() -> [Int] {
        var seen = [Bool](repeating: false, count: locations.count)
        var order: [Int] = []
        order.reserveCapacity(locations.count)
        for s in stacks {
            for l in s where !seen[Int(l)] {
                seen[Int(l)] = true
                order.append(Int(l))
            }
        }
        return order
    }

    /// Merges adjacent pieces of one mapping and moves the main binary to the front.
    mutating func massageMappings() {
        if mappings.count > 1 {
            var merged = [mappings[0]]
            var moved: [Int: Int] = [:]
            for (i, m) in mappings.enumerated().dropFirst() {
                let last = merged.count - 1
                if Self.adjacent(merged[last], m) {
                    merged[last].limit = m.limit
                    if !m.file.isEmpty { merged[last].file = m.file }
                    if !m.buildID.isEmpty { merged[last].buildID = m.buildID }
                    moved[i] = last
                    continue
                }
                moved[i] = merged.count
                merged.append(m)
            }
            moved[0] = 0
            mappings = merged
            for i in locations.indices where locations[i].mapping >= 0 {
                locations[i].mapping = moved[locations[i].mapping] ?? locations[i].mapping
            }
        }
        for (i, m) in mappings.enumerated() {
            let file = m.file.replacingOccurrences(of: "(deleted)", with: "").trimmingCharacters(in: .whitespaces)
            if file.isEmpty || LegacyMemoryMap.isLibrary(file) || file.hasPrefix("[") { continue }
            if i != 0 {
                mappings.swapAt(0, i)
                for l in locations.indices {
                    if locations[l].mapping == 0 {
                        locations[l].mapping = i
                    } else if locations[l].mapping == i {
                        locations[l].mapping = 0
                    }
                }
            }
            break
        }
        for i in mappings.indices { mappings[i].id = UInt64(i + 1) }
    }

    static func adjacent(_ a: Mapping, _ b: Mapping) -> Bool {
        if !a.file.isEmpty && !b.file.isEmpty && a.file != b.file { return false }
        if !a.buildID.isEmpty && !b.buildID.isEmpty && a.buildID != b.buildID { return false }
        if a.limit != b.start { return false }
        if a.offset != 0 && b.offset != 0 && a.offset &+ (a.limit &- a.start) != b.offset { return false }
        return true
    }

    /// The profile, with locations numbered in order of first use and functions in order of
    /// first use by those locations, as go's remap functions leave them.
    consuming func finish(dropFrames: String, keepFrames: String) -> Profile {
        let used = usedLocations()
        var newIndex = [Int32](repeating: -1, count: locations.count)
        var funcIndex = [Int32](repeating: -1, count: functions.count)
        var p = profile
        p.mappings = mappings
        p.locations.reserveCapacity(used.count)
        for (n, i) in used.enumerated() {
            newIndex[i] = Int32(n)
            let l = locations[i]
            var loc = Location(id: UInt64(n + 1), mapping: Int32(l.mapping), address: l.address)
            if l.function >= 0 {
                if funcIndex[l.function] < 0 {
                    funcIndex[l.function] = Int32(p.functions.count)
                    let f = functions[l.function]
                    p.functions.append(
                        Function(id: UInt64(p.functions.count + 1), name: f.name, systemName: f.name, filename: f.filename))
                }
                loc.lines = [Line(function: funcIndex[l.function], line: l.line)]
            }
            p.locations.append(loc)
        }
        p.samples.reserveCapacity(stacks.count)
        // Each stack is renumbered in place and handed to its sample with its values: they are
        // moved out of the builder, which is consumed, so no array is copied.
        var stacks: [[Int32]] = []
        var values: [[Int64]] = []
        swap(&stacks, &self.stacks)
        swap(&values, &self.values)
        for i in stacks.indices {
            var s: [Int32] = []
            var v: [Int64] = []
            swap(&s, &stacks[i])
            swap(&v, &values[i])
            for k in s.indices { s[k] = newIndex[Int(s[k])] }
            var sample = Sample(locations: s, values: v)
            if let sizes = blockSizes { sample.numLabels = [NumLabel(key: "bytes", value: sizes[i])] }
            p.samples.append(sample)
        }
        p.dropFrames = dropFrames
        p.keepFrames = keepFrames
        return p
    }
}
