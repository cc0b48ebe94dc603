import Foundation
import ProfileFormat
import Testing
@testable import ProfileDriver

/// Local symbolization of address-only profiles (gperftools' profiles of cppdemo, whose binary
/// is kept in ProfileFormatTests/Fixtures/legacy/symbolize), and the -symbolize option.
@Suite struct SymbolizeTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ProfileFormatTests/Fixtures/legacy/symbolize")
    static let binary = dir.appendingPathComponent("cppdemo").path

    /// The fixture profile with its main mapping pointing at `file` (and `buildID`).
    static func profile(_ name: String, file: String = binary, buildID: String = "") throws -> Profile {
        var p = try Profile.parse([UInt8](try Data(contentsOf: dir.appendingPathComponent(name))))
        p.mappings[0].file = file
        p.mappings[0].buildID = buildID
        return p
    }

    static func symbolized(_ p: inout Profile, _ env: [String: String] = [:], mode: String = "") -> [String] {
        var warnings: [String] = []
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "PPROF_BINARY_PATH")
        environment.merge(env) { $1 }
        ProfileSymbolizer.run(SymbolizeOptions(mode) { warnings.append($0) }, &p, environment: environment) {
            warnings.append($0)
        }
        return warnings
    }

    static func names(_ p: Profile) -> Set<String> { Set(p.functions.map(\.name)) }

    @Test(arguments: ["heap_v2.heap", "cpu.prof"])
    func addressesBecomeFunctionsAndLines(_ name: String) throws {
        var p = try Self.profile(name)
        #expect(p.functions.isEmpty)
        _ = Self.symbolized(&p)
        #expect(Self.names(p).isSuperset(of: ["main"]))
        #expect(Self.names(p).contains(name == "cpu.prof" ? "demo::spin" : "demo::Worker::keep"))
        #expect(p.mappings[0].hasFunctions && p.mappings[0].hasLineNumbers && p.mappings[0].hasInlineFrames)
        #expect(p.functions.contains { $0.filename.hasSuffix("cppdemo.cc") })
        // System names stay mangled; the shown name is go's simplification.
        #expect(p.functions.contains { $0.systemName == "_ZN4demo6Worker6crunchEi" && $0.name == "demo::Worker::crunch" } || name != "cpu.prof")
        try p.validate()
    }

    @Test func missingBinaryIsNamedWithTheWayOut() throws {
        var p = try Self.profile("heap_v2.heap", file: "/nonexistent/bin/cppdemo")
        let warnings = Self.symbolized(&p)
        #expect(warnings.contains("Local symbolization failed for cppdemo: open /nonexistent/bin/cppdemo: no such file or directory"))
        #expect(warnings.contains { $0.contains("Try setting PPROF_BINARY_PATH") })
        #expect(p.functions.isEmpty)
    }

    @Test func binaryFoundThroughPPROF_BINARY_PATH() throws {
        var p = try Self.profile("heap_v2.heap", file: "/somewhere/else/cppdemo")
        _ = Self.symbolized(&p, ["PPROF_BINARY_PATH": "/nonexistent:" + Self.dir.path])
        #expect(p.mappings[0].file == Self.dir.appendingPathComponent("cppdemo").path)
        #expect(Self.names(p).contains("demo::Worker::keep"))
    }

    @Test func mismatchedBuildIDIsRefused() throws {
        var p = try Self.profile("heap_v2.heap", buildID: "0123456789abcdef")
        let warnings = Self.symbolized(&p, ["PPROF_BINARY_PATH": Self.dir.path])
        #expect(warnings.contains { $0.hasPrefix("Ignoring local file") && $0.contains("build-id mismatch (0123456789abcdef != ") })
        #expect(warnings.contains("Local symbolization failed for cppdemo (build ID 0123456789abcdef): build ID mismatch"))
        #expect(p.functions.isEmpty)
    }

    @Test func matchingBuildIDIsFoundByID() throws {
        let id = try #require(ELFFile(path: Self.binary)).buildID
        #expect(id.count == 40)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-buildid-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(id), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.binary, toPath: root.appendingPathComponent(id).appendingPathComponent("renamed").path)
        var p = try Self.profile("heap_v2.heap", file: "/gone/prog", buildID: id)
        _ = Self.symbolized(&p, ["PPROF_BINARY_PATH": root.path])
        #expect(p.mappings[0].file.hasSuffix("/renamed"))
        #expect(Self.names(p).contains("main"))
    }

    @Test func noneLeavesAddressesAndForceResymbolizes() throws {
        var p = try Self.profile("cpu.prof")
        _ = Self.symbolized(&p, mode: "none")
        #expect(p.functions.isEmpty)
        _ = Self.symbolized(&p, mode: "demangle=full")
        #expect(Self.names(p).contains("demo::spin(int, double)"))
    }

    @Test func optionsParseAsGoParsesThem() {
        var warnings: [String] = []
        let o = SymbolizeOptions("fastlocal:force:demangle=templates") { warnings.append($0) }
        #expect(o.fast && o.local && !o.remote && o.force && o.demangle == .templates && warnings.isEmpty)
        #expect(SymbolizeOptions("None") { _ in }.disabled)
        _ = SymbolizeOptions("bogus") { warnings.append($0) }
        #expect(warnings.first == "ignoring unrecognized symbolization option: bogus")
    }

    /// The shell's `load` and `reload` and -growth's snapshots are symbolized as the command
    /// line's profile is, with its -symbolize options (the profile maps cppdemo by a path
    /// relative to the package).
    @Test(arguments: [true, false])
    func everyProfileReadIsSymbolized(_ symbolize: Bool) {
        let heap = "Tests/ProfileFormatTests/Fixtures/legacy/symbolize/heap_v2.heap"
        let flags = symbolize ? [] : ["-symbolize=none"]
        let shell = runShell(flags + ["Samples/heap-leak.pb.gz"], ["load \(heap)", "top", "reload", "traces"])
        #expect(shell.status == 0, "\(shell.ui.errors)")
        let top = shell.text.components(separatedBy: "-----------+")[0]
        #expect(top.contains("demo::Worker::keep") == symbolize, "\(top)")
        #expect(shell.text.components(separatedBy: "-----------+").dropFirst().contains { $0.contains("demo::Worker::keep") } == symbolize)
        let growth = runPprof(flags + ["-growth", "-cum", heap, heap])
        #expect(growth.status == 0, "\(growth.err)")
        #expect(String(decoding: growth.out, as: UTF8.self).contains("demo::Worker::keep") == symbolize)
    }

    /// The `file:line[:column]` forms symbolizers print, read byte by byte.
    @Test(arguments: [
        ("/src/a.cc:12:7", "/src/a.cc", 12), ("/src/a.cc:12", "/src/a.cc", 12), ("a.cc:30 (discriminator 2)", "a.cc", 30),
        ("a.cc: 5", "a.cc", 5), ("a.cc:", "a.cc", 0), ("a.cc:x", "a.cc", 0), ("a.cc", "a.cc", 0), ("C:/a.cc:1:2", "", 0),
        ("??:0", "", 0), ("??:0:0", "", 0), ("??:?", "", 0), ("/src/é.swift:9:1", "/src/é.swift", 9),
    ] as [(String, String, Int64)])
    func fileAndLine(_ text: String, _ file: String, _ line: Int64) {
        #expect(SymbolizerTool.frame("f", text) == SymbolFrame(function: "f", file: file, line: line))
    }

    @Test func llvmOutputWithInlinedFrames() {
        let out = ["inner", "a.cc:3:1", "outer", "a.cc:10:2", "", "??", "??:0:0", ""]
        let frames = SymbolizerTool.parseLLVM(out, count: 2)
        #expect(frames.count == 2)
        #expect(frames[0] == [SymbolFrame(function: "inner", file: "a.cc", line: 3), SymbolFrame(function: "outer", file: "a.cc", line: 10)])
        #expect(frames[1] == [SymbolFrame(function: "", file: "", line: 0)])
    }
}
