import CHeapSampler
import Glibc
import ProfileFormat

/// Turns the sampler's buckets into a Go-shaped heap profile.
struct HeapProfileBuilder {
    /// Allocator entry points: leaf frames in these functions are the allocator, not the program,
    /// so they are cut from each stack (and named in drop_frames for tools that re-read the stack).
    static let allocatorFunctions: Set<String> = [
        "malloc", "calloc", "realloc", "free", "posix_memalign", "aligned_alloc", "memalign", "valloc",
        "pvalloc", "reallocarray", "__libc_malloc", "__libc_calloc", "__libc_realloc", "__libc_memalign",
        "swift_slowAlloc", "swift_slowAllocTyped", "swift_allocObject", "swift_allocBox", "swift_allocEmptyBox",
        "swift_task_alloc", "swift_coroFrameAlloc", "operator new(unsigned long)", "operator new[](unsigned long)",
        "operator new(unsigned long, std::align_val_t)", "_Znwm", "_Znam", "_ZnwmSt11align_val_t",
    ]

    static var dropFramesPattern: String {
        allocatorFunctions.sorted().map { escapeRegex($0) }.joined(separator: "|")
    }

    let records: [hs_record]
    let rate: Int64
    let regions: [MappedRegion]
    let executable: String
    let symbolizer: Symbolizer
    /// In-use values from the moment of the peak (hs_record.peak_inuse_*) instead of now.
    var peak = false

    private var profile = Profile()
    private var locationIndex: [UInt64: Int32] = [:]
    private var functionIndex: [SymbolizedFrame: Int32] = [:]
    private var mappingIndex: [Int: Int32] = [:]  // index into `mapped`
    private var mapped: [MappedRegion] = []

    init(records: [hs_record], rate: Int64, regions: [MappedRegion], executable: String, symbolizer: Symbolizer) {
        self.records = records
        self.rate = rate
        self.regions = regions
        self.executable = executable
        self.symbolizer = symbolizer
    }

    mutating func build() -> Profile {
        profile.sampleTypes = [
            ValueType(type: "alloc_objects", unit: "count"), ValueType(type: "alloc_space", unit: "bytes"),
            ValueType(type: "inuse_objects", unit: "count"), ValueType(type: "inuse_space", unit: "bytes"),
        ]
        profile.periodType = ValueType(type: "space", unit: "bytes")
        profile.period = rate
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        profile.timeNanos = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        profile.dropFrames = Self.dropFramesPattern
        buildMappings()

        let (stacks, symbols) = Self.programStacks(records, regions: regions, symbolizer: symbolizer)

        struct Key: Hashable {
            var stack: [Int32]
            var size: UInt64
        }
        var values: [Key: [Int64]] = [:]
        var order: [Key] = []
        for (r, pcs) in zip(records, stacks) {
            if pcs.isEmpty { continue }
            let stack = pcs.map { location(for: $0, frames: symbols[$0] ?? []) }
            let alloc = HeapProfiler.unsample(count: Int64(r.alloc_objects), size: Int64(r.alloc_bytes), rate: r.rate)
            let inuseCount =
                peak ? Int64(r.peak_inuse_objects) : Int64(r.alloc_objects) - Int64(min(r.free_objects, r.alloc_objects))
            let inuseBytes =
                peak ? Int64(r.peak_inuse_bytes) : Int64(r.alloc_bytes) - Int64(min(r.free_bytes, r.alloc_bytes))
            let inuse = HeapProfiler.unsample(count: inuseCount, size: inuseBytes, rate: r.rate)
            let key = Key(stack: stack, size: r.size)
            if values[key] == nil { order.append(key) }
            let v = [alloc.count, alloc.size, inuse.count, inuse.size]
            values[key] = zip(values[key] ?? [0, 0, 0, 0], v).map { $0 + $1 }
        }
        for key in order {
            let v = values[key]!
            guard v.contains(where: { $0 != 0 }) else { continue }
            profile.samples.append(
                Sample(locations: key.stack, values: v, numLabels: [NumLabel(key: "bytes", value: Int64(key.size))]))
        }
        return profile
    }

    /// Each record's stack as call-site addresses, leaf first, without the allocator's own frames,
    /// and the frames of every address. Return addresses point after the call; the call itself
    /// is one byte earlier. A return address outside executable code is what a broken frame chain
    /// left behind, and is dropped.
    static func programStacks(_ records: [hs_record], regions: [MappedRegion], symbolizer: Symbolizer)
        -> (stacks: [[UInt64]], symbols: [UInt64: [SymbolizedFrame]])
    {
        var callSites = Set<UInt64>()
        for r in records { forEachPC(r) { callSites.insert(UInt64($0) - 1) } }
        let executable = regions.filter(\.executable)
        let code = Set(callSites.filter { a in executable.contains { $0.start <= a && a < $0.limit } })
        let symbols = symbolizer.symbolize(callSites, regions: regions)
        let stacks = records.map { r -> [UInt64] in
            var pcs: [UInt64] = []
            forEachPC(r) { if code.contains(UInt64($0) - 1) { pcs.append(UInt64($0) - 1) } }
            while pcs.count > 1, let name = symbols[pcs[0]]?.last?.systemName, isAllocator(name) {
                pcs.removeFirst()
            }
            return pcs
        }
        return (stacks, symbols)
    }

    static func isAllocator(_ name: String) -> Bool {
        allocatorFunctions.contains(name) || name.hasPrefix("__libc_") || name.hasPrefix("hs_")
    }

    private static func forEachPC(_ r: hs_record, _ body: (UInt) -> Void) {
        withUnsafeBytes(of: r.pcs) { raw in
            let pcs = raw.bindMemory(to: UInt.self)
            for i in 0..<Int(min(r.depth, UInt32(HS_MAX_DEPTH))) where pcs[i] > 0 { body(pcs[i]) }
        }
    }

    /// Executable file mappings, the main executable's first (pprof reads mapping[0] as the binary).
    private mutating func buildMappings() {
        let candidates = regions.enumerated().filter { $0.element.executable && $0.element.path.hasPrefix("/") }
        let sorted = candidates.sorted { a, b in
            let aMain = a.element.path == executable, bMain = b.element.path == executable
            return aMain != bMain ? aMain : a.offset < b.offset
        }
        let lines = symbolizer.hasLineTables
        for (i, entry) in sorted.enumerated() {
            let r = entry.element
            mapped.append(r)
            mappingIndex[entry.offset] = Int32(i)
            profile.mappings.append(
                Mapping(
                    id: UInt64(i + 1), start: r.start, limit: r.limit, offset: r.offset, file: r.path,
                    buildID: symbolizer.elfInfo(r.path)?.buildID ?? "", hasFunctions: true, hasFilenames: lines,
                    hasLineNumbers: lines, hasInlineFrames: lines))
        }
    }

    private func mapping(of address: UInt64) -> Int32 {
        for (i, r) in regions.enumerated() where r.start <= address && address < r.limit {
            return mappingIndex[i] ?? -1
        }
        return -1
    }

    /// Inlined standard-library allocation wrappers: a call site inside one is an allocation by the
    /// function it was inlined into, which is where the profile should put it.
    static func isInlinedAllocator(_ name: String) -> Bool {
        let n = name.hasPrefix("static ") ? name.dropFirst(7) : Substring(name)
        return [
            "Swift.UnsafeMutableRawPointer.allocate(", "Swift.UnsafeMutablePointer.allocate(",
            "Swift.UnsafeMutableRawBufferPointer.allocate(", "Swift.UnsafeMutableBufferPointer.allocate(",
        ].contains { n.hasPrefix($0) }
    }

    private mutating func location(for address: UInt64, frames allFrames: [SymbolizedFrame]) -> Int32 {
        if let known = locationIndex[address] { return known }
        var frames = allFrames[...]
        while frames.count > 1, Self.isInlinedAllocator(frames.first!.name) { frames = frames.dropFirst() }
        var lines: [Line] = []
        for f in frames {
            let named = f.name.isEmpty ? SymbolizedFrame(name: "0x" + String(address, radix: 16), systemName: "", file: f.file, line: f.line) : f
            lines.append(Line(function: function(for: named), line: named.line))
        }
        let index = Int32(profile.locations.count)
        profile.locations.append(
            Location(id: UInt64(index + 1), mapping: mapping(of: address), address: address, lines: lines))
        locationIndex[address] = index
        return index
    }

    private mutating func function(for frame: SymbolizedFrame) -> Int32 {
        let key = SymbolizedFrame(name: frame.name, systemName: frame.systemName, file: frame.file, line: 0)
        if let known = functionIndex[key] { return known }
        let index = Int32(profile.functions.count)
        profile.functions.append(
            Function(id: UInt64(index + 1), name: frame.name, systemName: frame.systemName, filename: frame.file))
        functionIndex[key] = index
        return index
    }
}

/// Escapes regular-expression metacharacters (RE2 syntax, as pprof's drop_frames uses).
func escapeRegex(_ s: String) -> String {
    var out = ""
    for c in s {
        if "\\.+*?()|[]{}^$".contains(c) { out.append("\\") }
        out.append(c)
    }
    return out
}
