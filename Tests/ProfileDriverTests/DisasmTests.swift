import Foundation
import ProfileFormat
import ProfileReport
import Testing

@testable import ProfileDriver

/// `-disasm` on a gperftools CPU profile of a small C program whose binary is committed
/// (Fixtures/disasm, made by make-disasm.sh there, which also records go tool pprof's output).
/// go tool pprof prints instructions with Go's own disassembler in Go's assembler syntax; ours
/// come from objdump in AT&T syntax (as google/pprof prints them). Everything else must be go's:
/// the totals, the routines and their order, each instruction's address, values and place.
@Suite struct DisasmTests {
    static let dir = fixtures.appendingPathComponent("disasm")
    static let binary = dir.appendingPathComponent("disdemo").path

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var args: [String]
        var testDescription: String { name }
    }

    static let cases = cases(in: dir)

    /// The manifest (goldens.txt) of a folder of goldens.
    static func cases(in folder: URL) -> [Case] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("goldens.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return words.count >= 2 ? Case(name: words[0], args: Array(words.dropFirst())) : nil
        }
    }

    /// A Go program's binary and CPU profile (Fixtures/disasm/go, made by make-go.sh there).
    static let goDir = dir.appendingPathComponent("go")
    static let goCases = cases(in: goDir)

    /// The environment both pprofs ran with: the binary found through PPROF_BINARY_PATH.
    static func environment(_ folder: URL = dir) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["PPROF_BINARY_PATH"] = folder.path
        return env
    }

    static var environment: [String: String] { environment() }

    /// Our output for a golden's arguments, made as the command line makes it.
    static func ours(
        _ args: [String], folder: URL = dir, profile: String = "cpu.prof", environment: [String: String]? = nil,
        warn: (String) -> Void = { _ in }
    ) throws -> String {
        let environment = environment ?? Self.environment(folder)
        let inv = try PprofCommand.parse(args + [folder.appendingPathComponent(profile).path])
        var p = try Profile.parse([UInt8](try Data(contentsOf: folder.appendingPathComponent(profile))))
        ProfileSymbolizer.run(inv.symbolize, &p, environment: environment, warn: warn)
        let bytes = try DisasmReport.generate(p, argument: inv.argument ?? "", config: inv.config, environment: environment, warn: warn)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A listing without the instructions' text: header lines as they are, and for each
    /// instruction its values, address and the place printed for it (on its line or above it).
    static func skeleton(_ text: String) -> [String] {
        var out: [String] = []
        var place: String?
        let above = String(repeating: " ", count: 74) + ";"
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix(above) {
                place = String(line.dropFirst(above.count))
                continue
            }
            let b = Array(line.utf8)
            guard b.count > 34, b[10] == 32, b[21] == 32, b[32] == UInt8(ascii: ":"), b[33] == 32 else {
                out.append(line)
                continue
            }
            let body = Array(b[34...])
            var here = place ?? ""
            if place == nil, body.count > 40, body[40] == UInt8(ascii: ";") {
                here = String(decoding: body[41...], as: UTF8.self)
            }
            out.append(String(decoding: b[..<32], as: UTF8.self) + " @ " + here)
            place = nil
        }
        return out
    }

    @Test func manifestIsThere() {
        #expect(Self.cases.count >= 5)
    }

    @Test(arguments: cases)
    func matchesGoToolPprof(_ c: Case) throws {
        let golden = try String(contentsOf: Self.dir.appendingPathComponent(c.name + ".golden"), encoding: .utf8)
        let ours = try Self.ours(c.args)
        #expect(Self.skeleton(ours) == Self.skeleton(golden), "ours:\n\(ours)\ngo's:\n\(golden)")
        // The instructions really are there, with objdump's text.
        #expect(ours.contains(": add"), "\(ours)")
    }

    /// A Go binary: go tool pprof's disassembler reads its line table, so every instruction
    /// whose line changes shows its file and line, sampled or not; ours come from objdump's
    /// reading of the same binary's DWARF lines.
    @Test(arguments: goCases)
    func goBinaryMatchesGoToolPprof(_ c: Case) throws {
        #expect(Self.goCases.count >= 3)
        let golden = try String(contentsOf: Self.goDir.appendingPathComponent(c.name + ".golden"), encoding: .utf8)
        let ours = try Self.ours(c.args, folder: Self.goDir, profile: "cpu.pb.gz")
        #expect(Self.skeleton(ours) == Self.skeleton(golden), "ours:\n\(ours)\ngo's:\n\(golden)")
        #expect(ours.contains(";main.go:"), "\(ours)")
    }

    /// -list of the Go program needs no binary: the profile's lines and the source, as go prints them.
    @Test func goProgramListMatchesGoToolPprof() throws {
        let golden = try String(contentsOf: Self.goDir.appendingPathComponent("go-list-spin.golden"), encoding: .utf8)
        let folder = "Tests/ProfileDriverTests/Fixtures/disasm/go"
        let r = runPprof(["-list=main.spin", "-trim_path=godemo", "-source_path=" + folder, folder + "/cpu.pb.gz"])
        #expect(r.status == 0, "\(r.err)")
        #expect(String(decoding: r.out, as: UTF8.self) == golden)
    }

    @Test func instructionLinesAreLaidOutAsGoLaysThemOut() throws {
        let ours = try Self.ours(["-disasm=spin"])
        let lines = ours.split(separator: "\n")
        #expect(lines[0].hasPrefix("Total: "))
        #expect(lines[1] == "ROUTINE ======================== spin")
        // A sampled instruction names its place after the text padded to 40 columns, or on a
        // line of its own above a longer one.
        let placed = lines.filter { $0.hasSuffix(";spin disdemo.c:9") }
        #expect(!placed.isEmpty)
        for l in placed where !l.hasPrefix(String(repeating: " ", count: 74)) {
            #expect(l.utf8.count == 34 + 40 + ";spin disdemo.c:9".utf8.count, "\(l)")
        }
    }

    @Test func intelSyntaxComesFromObjdump() throws {
        let ours = try Self.ours(["-disasm=mix", "-intel_syntax"])
        #expect(ours.contains("imul   rax,rcx"), "\(ours)")
    }

    @Test func missingBinaryIsNamedInOneLine() throws {
        var env = ProcessInfo.processInfo.environment
        env["PPROF_BINARY_PATH"] = "/nonexistent"
        let error = #expect(throws: ReportError.self) { try Self.ours(["-disasm=spin"], environment: env) }
        #expect(error?.message.hasPrefix("no matches found for regexp: spin; disasm: cannot open /tmp/pprof-disasm/disdemo: no such file") == true)
        // On the command line: that one line, exit status 1.
        let run = runPprof(["-disasm=spin", Self.dir.appendingPathComponent("cpu.prof").path])
        #expect(run.status == 1)
        #expect(run.err.split(separator: "\n").filter { $0.hasPrefix("pprof: ") } == [
            "pprof: no matches found for regexp: spin; disasm: cannot open /tmp/pprof-disasm/disdemo: no such file (set PPROF_BINARY_PATH to the directory holding disdemo)"
        ], "\(run.err)")
    }

    @Test func strippedAndMismatchedBinariesAreRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-disasm-\(getpid())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let stripped = root.appendingPathComponent("disdemo").path
        try FileManager.default.copyItem(atPath: Self.binary, toPath: stripped)
        let strip = runProcess("/usr/bin/strip", [stripped])
        try #require(strip.status == 0)
        var env = ProcessInfo.processInfo.environment
        env["PPROF_BINARY_PATH"] = root.path
        let stripError = #expect(throws: ReportError.self) { try Self.ours(["-disasm=spin", "-symbolize=none"], environment: env) }
        #expect(stripError?.message.contains("has no symbol table (stripped)") == true, "\(String(describing: stripError))")

        // The right file with another build ID: refused before anything is disassembled.
        var p = try Profile.parse([UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("cpu.prof"))))
        p.mappings[0].file = Self.binary
        p.mappings[0].buildID = "0123456789abcdef"
        let mismatch = #expect(throws: ReportError.self) {
            try DisasmReport.generate(p, argument: "spin", config: ReportConfig(), warn: { _ in })
        }
        #expect(mismatch?.message.contains("does not match the profile: build ID") == true, "\(String(describing: mismatch))")
    }

    @Test func weblistGetsTheInstructionsOfASourceLine() throws {
        var p = try Profile.parse([UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("cpu.prof"))))
        ProfileSymbolizer.run(SymbolizeOptions(), &p, environment: Self.environment) { _ in }
        let report = try ReportPipeline.makeReport(p, command: "weblist", format: .list, argument: "spin", config: ReportConfig()) { _ in }
        let disassembler = Disassembler(environment: Self.environment)
        let insts = try disassembler.instructions(function: "spin", file: "disdemo.c", lines: 9...9, in: report)
        #expect(insts.count > 5)
        #expect(insts.allSatisfy { $0.line == 9 && $0.function == "spin" && $0.file.hasSuffix("disdemo.c") })
        // Every sample of spin is on line 9 (go's listing says so): the instructions hold them all.
        let spin = report.newGraph().nodes.filter { $0.info.name == "spin" }
        #expect(insts.reduce(0) { $0 + $1.flat } == spin.reduce(0) { $0 + $1.flat })
        #expect(insts.reduce(0) { $0 + $1.flat } > 0)
        // Another line of the same function has other instructions, and none of them is line 9's.
        let other = try disassembler.instructions(function: "spin", file: "disdemo.c", lines: 1...8, in: report)
        #expect(Set(other.map(\.address)).isDisjoint(with: insts.map(\.address)))
        #expect(try disassembler.instructions(function: "spin", file: "other.c", lines: 9...9, in: report).isEmpty)
    }

    @Test func objdumpListingParses() {
        let text = """
            0000000010001156 <spin>:
            spin():
            ./disdemo.c:9
                10001156:\ttest   %edi,%edi
            ./disdemo.c:9 (discriminator 3)
                10001177:\tmovapd %xmm0,%xmm2
            """
        let insts = Disassembler.parse(text)
        #expect(insts == [
            Instruction(address: 0x1000_1156, text: "test   %edi,%edi", function: "spin", file: "./disdemo.c", line: 9),
            Instruction(address: 0x1000_1177, text: "movapd %xmm0,%xmm2", function: "spin", file: "./disdemo.c", line: 9),
        ])
    }
}
