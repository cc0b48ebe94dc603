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
}
