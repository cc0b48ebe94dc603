import Testing
@testable import ProfileFormat

/// Names as go tool pprof's symbolizer leaves them (the `names-` goldens compare whole profiles
/// with go), and Swift names, which go cannot demangle.
@Suite struct SymbolNameTests {
    @Test(arguments: [
        ("_ZN4demo6BufferIlE4growEm", DemangleMode.simplified, "demo::Buffer::grow"),
        ("_ZN4demo6BufferIlE4growEm", .templates, "demo::Buffer<long>::grow"),
        ("_ZN4demo6BufferIlE4growEm", .full, "demo::Buffer<long>::grow(unsigned long)"),
        ("_Z4funcv.cold", .full, "func()"),
        ("_Z4funcv.cold", .none, "func() [clone .cold]"),
        ("_Z3fooIiEvT_", .simplified, "foo"),
        ("_ZN3FooltERKS_", .simplified, "Foo::operator<"),
        ("_ZN12_GLOBAL__N_16Helper3runEv", .simplified, "(anonymous namespace)::Helper::run"),
        ("_ZThn8_N3Foo3barEv", .simplified, "non-virtual thunk to Foo::bar()"),
        ("_ZTIm", .simplified, "typeinfo for unsigned long"),
        ("_ZN7mycrate3foo3bar17h9f0e1d2c3b4a5968E", .simplified, "mycrate::foo::bar"),
        // Already demangled: go's heuristics.
        ("ns::Type::method(int, long) const", .simplified, "ns::Type::method const"),
        ("completeTaskWithClosure(swift::AsyncContext*, swift::SwiftError*)", .simplified, "completeTaskWithClosure"),
        ("(anonymous namespace)::Helper::run()", .simplified, "::Helper::run"),
        ("closing)::first(x)", .simplified, "closing)::first(x)"),
        ("operator new(unsigned long)", .simplified, "operator new(unsigned long)"),
        ("main.(*Cache[...]).Get", .simplified, "main.(*Cache[...]).Get"),
        ("java.lang.Thread.<init>", .simplified, "java.lang.Thread.<init>"),
        ("_Znot_really_mangled", .simplified, "_Znot_really_mangled"),
        // What the heap profiler's own simplifier was tested with, now on the one implementation.
        ("ns::Map<K, std::pair<A, B> >::find(K const&) const", .simplified, "ns::Map::find const"),
        ("decltype (foo()) ns::Mutex::withLock<F>(F&&)", .simplified, "decltype  ns::Mutex::withLock"),
        ("_ZN5swift5Mutex8withLockIZNS_22MetadataCacheEntryBaseINS_17GenericCacheEntryEJPKvEE15checkDependencyERNS_18ConcurrencyControlENS_13MetadataStateEEUlvE_EEDTclclsr3stdE7forwardIT_Efp_EEEOSB_",
            .simplified, "swift::Mutex::withLock"),
        ("_ZN5swift17MetadataAllocator8AllocateEmm.cold.1", .simplified, "swift::MetadataAllocator::Allocate"),
        ("x::a(b(c)d", .simplified, "x::a(b(c)d"),
        ("x::a)b(c)", .simplified, "x::a)b(c)"),
        // Rust v0: demangled whole in every mode, as go 1.19 does (the names-rust-v0 goldens
        // compare a whole profile of them with go).
        ("_RNvXs_Cs1234_7mycrateNtB4_5PointNtNtCs5678_4core3fmt7Display3fmt", .simplified,
            "<mycrate::Point as core::fmt::Display>::fmt"),
        ("_RINvCs1234_7mycrate4pairTReRShEE", .simplified, "mycrate::pair::<(&str, &[u8])>"),
        ("_RINvCs1234_7mycrate4pairTReRShEE", .none, "mycrate::pair::<(&str, &[u8])>"),
        ("_RNvCs1234_7mycrateu10mnchen_3ya", .full, "mycrate::münchen"),
        ("_RNvCs1234_7mycrate3foo.llvm.1234567", .simplified, "mycrate::foo"),
        ("_R0NvC3foo3bar", .simplified, "_R0NvC3foo3bar"),
    ])
    func readable(_ raw: String, _ mode: DemangleMode, _ expected: String) {
        #expect(SymbolNames.readable(raw, mode) == expected)
    }

    /// go's looksLikeDemangledCPlusPlus, byte by byte.
    @Test(arguments: [
        ("a::b", true), ("a:b", false), ("f<int>", true), ("x[3]", true), ("plain.Func", false),
        ("java.lang.Thread.<init>", false), ("main.(*Cache[...]).Get", false), ("a]).", false), ("a])", true),
        ("", false), ("ns::Typé", true),
    ])
    func demangledCxxHeuristic(_ name: String, _ expected: Bool) {
        #expect(SymbolNames.looksLikeDemangledCxx(name) == expected)
    }

    @Test func swiftNamesDemangleThroughTheRuntime() {
        #expect(SymbolNames.readable("$s4main5CacheC3get3keySSSgSS_tF", .simplified) == "main.Cache.get(key:)")
        #expect(SymbolNames.readable("$s4main5CacheC3get3keySSSgSS_tF", .full) == "main.Cache.get(key: Swift.String) -> Swift.Optional<Swift.String>")
        // Not a Swift symbol after all: left alone.
        #expect(SymbolNames.readable("$s", .simplified) == "$s")
    }

    @Test func demanglingLeavesNamedFunctionsAlone() {
        var p = Profile()
        p.functions = [
            Function(id: 1, name: "kept", systemName: "_Z3foov"),
            Function(id: 2, name: "_Z3foov", systemName: "_Z3foov"),
            Function(id: 3, name: "", systemName: "_Z3barv"),
        ]
        p.demangleNames(.simplified, force: false)
        #expect(p.functions.map(\.name) == ["kept", "foo", "bar"])
        p.demangleNames(.full, force: true)
        #expect(p.functions.map(\.name) == ["foo()", "foo()", "bar()"])
    }

    @Test func rustV0GarbageIsBoundedAndLeftAlone() {
        // Back references that refer back to back references, and names cut short.
        let loop = "_RIN" + String(repeating: "B_", count: 5000) + "E"
        #expect(RustV0Names.demangle(loop) == nil)
        #expect(RustV0Names.demangle("_RINvCs1234_7mycrate4pairTReRS") == nil)
        #expect(RustV0Names.demangle("_R") == nil)
    }
}
