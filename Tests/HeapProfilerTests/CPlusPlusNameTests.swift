import Glibc
import ProfileFormat
import Testing

@testable import HeapProfiler

/// C++ frames (the Swift runtime's own) must read the same in `pprof -top` and `go tool pprof -top`.
/// The profiler names them with ProfileFormat's demangling and shortening (the one both pprof and
/// the profiler use) and keeps the mangled symbol as system_name. The golden
/// `Fixtures/cxx-names.top` is go tool pprof's -top of the raw symbols, which go demangles and
/// shortens itself: the profiler's names must be the ones go printed (re-record with
/// HEAPPROFILER_RECORD=1 `swift test --filter CPlusPlusNameTests`).
@Suite("C++ names")
struct CPlusPlusNameTests {
    static let symbols = [
        "_ZN5swift17MetadataAllocator8AllocateEmm",
        "_ZN5swift17MetadataAllocator8AllocateEmm.cold.1",
        "_ZNK12_GLOBAL__N_118FunctionCacheEntry10matchesKeyERKNS0_3KeyE",
        "_ZN5swift20LockingConcurrentMapIN12_GLOBAL__N_115TupleCacheEntryENS1_17TupleCacheStorageEE11getOrInsertINS2_3KeyEJRNS_15MetadataRequestERPKNS_23TargetValueWitnessTableINS_9InProcessEEEEEESt4pairIPS2_NS_16MetadataResponseEET_DpOT0_",
        "_ZN5swift26ResolveAsSymbolicReferenceclENS_8Demangle9__runtime21SymbolicReferenceKindENS2_10DirectnessEiPKv",
        "_ZN5swift5Mutex8withLockIZNS_22MetadataCacheEntryBaseINS_17GenericCacheEntryEJPKvEE15checkDependencyERNS_18ConcurrencyControlENS_13MetadataStateEEUlvE_EEDTclclsr3stdE7forwardIT_Efp_EEEOSB_",
        "_Znwm",
        "_Z41swift_dynamicCastFailure_SOURCE_TYPE_NULLPKN5swift14TargetMetadataINS_9InProcessEEEPKc",
        "_ZNSt10_HashtableIN5swift8Demangle9__runtime17SubstitutionEntryESt4pairIKS3_jESaIS6_ENSt8__detail10_Select1stESt8equal_toIS3_ENS3_6HasherENS8_18_Mod_range_hashingENS8_20_Default_ranged_hashENS8_20_Prime_rehash_policyENS8_17_Hashtable_traitsILb1ELb0ELb1EEEE13_M_rehash_auxEmSt17integral_constantIbLb1EE",
    ]

    static let goldenPath: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/") + "/Fixtures/cxx-names.top"
    }()

    /// One sample per symbol, named only by the symbol (go demangles it), valued so that -top
    /// lists them in this order.
    static func profile() -> Profile {
        var p = Profile()
        p.sampleTypes = [ValueType(type: "samples", unit: "count")]
        for (i, symbol) in symbols.enumerated() {
            let id = UInt64(i + 1)
            p.functions.append(Function(id: id, name: symbol, systemName: symbol))
            p.locations.append(Location(id: id, address: 0x1000 + id, lines: [Line(function: Int32(i), line: 0)]))
            p.samples.append(Sample(locations: [Int32(i)], values: [Int64(100 - i)]))
        }
        return p
    }

    @Test("names that are not C++ stay as they are")
    func plainNames() {
        #expect(SymbolNames.displayName("_ZN5swift17MetadataAllocator8AllocateEmm") == "swift::MetadataAllocator::Allocate")
        #expect(SymbolNames.displayName("malloc") == "malloc")
        #expect(SymbolNames.displayName("$s4main3fooyyF") == "main.foo()")
    }

    @Test("the profiler's C++ names are the ones go tool pprof prints (golden from go)")
    func namesAreGos() throws {
        let profile = Self.profile()
        if getenv("HEAPPROFILER_RECORD") != nil {
            let path = "/tmp/heapprofiler-cxx-\(getpid()).pb.gz"
            defer { unlink(path) }
            try writeFileAtomically(path, contents: profile.serialized())
            let (status, output) = GoTool.run(["tool", "pprof", "-top", path])
            try #require(status == 0, "\(output)")
            try writeFileAtomically(Self.goldenPath, contents: Array(output.utf8))
        }
        let golden = String(decoding: try readFile(Self.goldenPath), as: UTF8.self)
        let rows = golden.split(separator: "\n").drop { !$0.contains("flat%") }.dropFirst()
        // A row ends with "cum%", two spaces, and the name.
        let printed = rows.map { row in row.ranges(of: "%  ").last.map { String(row[$0.upperBound...]) } ?? "" }
        let ours = Self.symbols.map(SymbolNames.displayName)
        // Go merges functions of the same name into one row: compare the distinct names, in order.
        var distinct: [String] = []
        for name in ours where !distinct.contains(name) { distinct.append(name) }
        #expect(printed == distinct, "\(golden)")
        // The names really are shortened, and differ from the system names (else go would rename them).
        for (name, symbol) in zip(ours, Self.symbols) {
            #expect(name != symbol)
            #expect(!name.contains("(unsigned long"), "\(name)")
        }
    }
}
