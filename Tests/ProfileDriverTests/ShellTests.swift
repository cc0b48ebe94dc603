import Foundation
import ProfileFormat
import ProfileDriver
import Testing

/// The shell driven through its line source: options, shortcuts, errors, exit status,
/// completion, diff, base options, load and reload.
@Suite struct ShellTests {
    static let heap = ["Samples/heap-leak.pb.gz"]

    static func golden(_ name: String) -> String {
        (try? String(contentsOf: fixtures.appendingPathComponent("shell-goldens/\(name).txt"), encoding: .utf8)) ?? ""
    }

    @Test func everyCommandSucceedingExitsZero() {
        let run = runShell(Self.heap, ["top 3", "o", "help", "help top", "nodecount=4", "top", "quit"])
        #expect(run.status == 0)
        #expect(run.ui.errors.isEmpty)
    }

    @Test func aFailedCommandMakesTheExitStatusOneAndTheShellGoesOn() {
        let run = runShell(Self.heap, ["frobnicate", "top 2", "list", "nodecount=many", "top 2"])
        #expect(run.status == 1)
        #expect(
            run.ui.errors == [
                "unrecognized command: \"frobnicate\"", "command list requires an argument",
                "invalid value \"many\" for nodecount: not an integer",
            ])
        // Both tops ran.
        #expect(run.text.components(separatedBy: "Showing top 2 nodes").count == 3)
    }

    @Test func onATerminalMistakesDoNotChangeTheExitStatus() {
        let run = runShell(Self.heap, ["frobnicate"], terminal: true)
        #expect(run.status == 0)
        #expect(run.ui.errors.count == 1)
    }

    @Test func mistakesNeverStopTheShell() {
        let bad = [
            "", "   ", "=", "==", "top -", "top >", "focus=(", "top", "list (", "peek", "tags >", "sample_index=9",
            "sample_index=-1", "granularity=words", "mean=perhaps", "divide_by=0", "top", "divide_by=1", "cum=false",
            "top 99999999999999999999", "diff", "diff /nonexistent", "load", "load /nonexistent", "base",
            "diff_base=/nonexistent", "help nothing", "o extra", "top",
        ]
        let run = runShell(Self.heap, bad)
        #expect(run.status == 1)
        #expect(run.text.contains("bytes.growSlice"))
        for e in run.ui.errors { #expect(!e.contains("\n"), "one line: \(e)") }
    }

    @Test func assignmentsAndShortcuts() {
        let run = runShell(
            ["Samples/block.pb.gz"],
            ["mean", "o", "total_delay", "o", "contentions", "o", "focus=a ;; b //: a comment", "o", ":", "o"])
        #expect(run.status == 0, "\(run.ui.errors)")
        let blocks = Array(run.ui.messages.components(separatedBy: "  call_tree")[1...])
        #expect(blocks.count == 5)
        #expect(blocks[0].contains("mean                      = true "))
        #expect(blocks[1].contains("mean                      = false "))
        #expect(blocks[1].contains("sample_index              = delay "))
        #expect(blocks[2].contains("sample_index              = contentions "))
        #expect(blocks[3].contains("focus                     = a ;; b "))
        #expect(blocks[4].contains("focus                     = \"\""))
    }

    @Test func redirectsToAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-shell-\(getpid()).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = runShell(Self.heap, ["top 3 >\(path)", "top 3 > \(path).2"])
        defer { try? FileManager.default.removeItem(atPath: path + ".2") }
        #expect(run.status == 0)
        #expect(run.out.isEmpty)
        #expect(run.ui.messages.contains("Generating report in \(path)\n"))
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.hasPrefix("Showing nodes accounting for"))
        #expect(try String(contentsOfFile: path + ".2", encoding: .utf8) == written)
    }

    @Test func redirectionWritesInPlace() throws {
        // A report to `>/dev/null` must not replace the device with a file: write through links.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-shell-link-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("target.txt").path
        let link = dir.appendingPathComponent("link.txt").path
        _ = FileManager.default.createFile(atPath: target, contents: Data("old".utf8))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let run = runShell(Self.heap, ["top 2 >\(link)"])
        #expect(run.status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("Showing nodes accounting for"))
    }

    @Test func diffBaseOptionMatchesTheCommandLineFlag() {
        let run = runShell(
            Self.heap, ["diff_base=Samples/heap-fixed.pb.gz", "top 5", "drop_negative=true", "top 5"])
        #expect(run.status == 0, "\(run.ui.errors)")
        #expect(run.text == Self.golden("shell-diff_base"))
    }

    @Test func clearingTheBaseRestoresTheProfile() {
        let plain = runShell(Self.heap, ["top 3", "top 3 -cum"]).text
        let run = runShell(
            Self.heap,
            ["base=Samples/heap-fixed.pb.gz", "base=", "top 3", "diff_base=Samples/heap-fixed.pb.gz", "diff_base=", "top 3 -cum"])
        #expect(run.status == 0)
        #expect(run.text == plain)
    }

    @Test func baseOptionSubtracts() {
        let direct = runPprof(["-top", "-nodecount=4", "-base", "Samples/heap-fixed.pb.gz", "Samples/heap-leak.pb.gz"])
        let run = runShell(Self.heap, ["base=Samples/heap-fixed.pb.gz", "compact_labels=false", "top 4"])
        #expect(run.status == 0)
        // The command line prints every node by default; compare the rows the shell shows.
        let rows = run.text.split(separator: "\n").filter { $0.hasSuffix("growSlice") || $0.hasSuffix("main.fetch") }
        for r in rows { #expect(String(decoding: direct.out, as: UTF8.self).contains(r)) }
        #expect(rows.count == 2)
    }

    @Test func optionsListTheProfiles() {
        let run = runShell(Self.heap, ["diff_base=Samples/heap-fixed.pb.gz", "o"])
        #expect(run.ui.messages.contains("    source     Samples/heap-leak.pb.gz\n"))
        #expect(run.ui.messages.contains("    diff_base  Samples/heap-fixed.pb.gz\n"))
    }

    @Test func diffComparesFunctionBySideBySide() {
        let run = runShell(Self.heap, ["diff Samples/heap-fixed.pb.gz", "diff Samples/heap-fixed.pb.gz fetch -Exact"])
        #expect(run.status == 0, "\(run.ui.errors)")
        let text = run.text
        #expect(text.contains("Total: base 15.19MB, new 166.02MB, delta +150.84MB (+993.19%)\n"))
        #expect(text.contains("      base        new      delta    delta%\n"))
        #expect(text.contains("    7.07MB   118.91MB  +111.84MB +1582.58%  bytes.growSlice\n"))
        #expect(text.contains("    7.12MB          0    -7.12MB     -100%  main.fetchExact\n"))
        #expect(text.contains("         0    44.96MB   +44.96MB       new  main.fetch\n"))
        let second = text.components(separatedBy: "Base: ").last ?? ""
        #expect(second.contains("main.fetch\n"))
        #expect(!second.contains("fetchExact"))
    }

    @Test func diffFollowsSampleTypeFiltersAndUnits() {
        let run = runShell(
            Self.heap, ["inuse_objects", "diff Samples/heap-fixed.pb.gz 2", "unit=kb", "hide=runtime", "inuse_space", "diff Samples/heap-fixed.pb.gz"])
        #expect(run.status == 0, "\(run.ui.errors)")
        #expect(run.text.contains("Type: inuse_objects\n"))
        #expect(run.text.contains("Showing 2 of 4 functions that changed (2 unchanged)"))
        #expect(run.text.contains("        12        164       +152 +1266.67%  bytes.growSlice\n"))
        #expect(run.text.contains("Active filters:\n   hide=runtime\n"))
        #expect(run.text.contains(" 7236.60kB 121761.84kB +114525.24kB +1582.58%  bytes.growSlice\n"))
    }

    @Test func diffOfIncompatibleProfilesIsAnError() {
        let run = runShell(Self.heap, ["diff Samples/cpu.pb.gz"])
        #expect(run.status == 1)
        #expect(run.ui.errors == ["Samples/cpu.pb.gz has no inuse_space samples to compare (it has samples, cpu)"])
    }

    @Test func loadAndReload() {
        let run = runShell(Self.heap, ["load Samples/cpu.pb.gz", "top 2", "reload", "o", "load Samples/heap-leak.pb.gz Samples/heap-fixed.pb.gz", "top 1"])
        #expect(run.status == 0, "\(run.ui.errors)")
        #expect(run.ui.messages.contains("Type: cpu\n"))
        #expect(run.ui.messages.contains("    source     Samples/cpu.pb.gz\n"))
        #expect(run.text.contains("Showing top 2 nodes"))
        #expect(run.text.contains("181.21MB"))
    }

    @Test func loadKeepsAValidSampleType() {
        let run = runShell(Self.heap, ["alloc_space", "load Samples/cpu.pb.gz", "o"])
        #expect(run.status == 0)
        #expect(run.ui.messages.contains("sample_index alloc_space is not in the new profile; back to the default"))
        #expect(run.ui.messages.contains("sample_index              = cpu "))
    }

    @Test func helpForOurCommands() {
        let run = runShell(Self.heap, ["help diff", "help load", "help diff_base", "help"])
        #expect(run.status == 0)
        #expect(run.ui.messages.contains("Compare with another profile: base, new, delta and delta% per function\n  Usage:\n    diff <profile>"))
        #expect(run.ui.messages.contains("    diff             Compare with another profile"))
        #expect(run.ui.messages.contains("    diff_base        Source of base profile for comparison"))
    }

    @Test func disasmSaysWhyItCannotRun() {
        let run = runShell(Self.heap, ["disasm main"])
        #expect(run.ui.errors.count == 1)
        // disasm runs, and says in one line that the profile's binary is not here.
        #expect(run.ui.errors[0].contains("disasm: cannot open") || run.ui.errors[0].contains("no matches found"), "\(run.ui.errors)")
    }

    /// `weblist RE >file` writes the page `pprof -weblist=RE -output=file` writes, with the
    /// shell's options.
    @Test func weblistWritesTheCommandLinesPage() throws {
        let dir = NSTemporaryDirectory() + "pprof-shell-weblist-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cmd = runPprof(["-weblist=main\\.fetch", "-output=\(dir)/cmd.html", "-sample_index=alloc_space"] + WebSourceTests.goSource)
        #expect(cmd.status == 0, "\(cmd.err)")
        let run = runShell(WebSourceTests.goSource, ["sample_index=alloc_space", "weblist main\\.fetch >\(dir)/shell.html"])
        #expect(run.status == 0 && run.ui.errors.isEmpty, "\(run.ui.errors)")
        #expect(run.ui.messages.contains("Generating report in \(dir)/shell.html\n"))
        let page = try String(contentsOfFile: dir + "/shell.html", encoding: .utf8)
        #expect(page.contains("<h2>main.fetch <span class=\"file\">fetch.go</span></h2>"))
        #expect(page.contains("<div>Type: alloc_space</div>"))
        #expect(page == (try String(contentsOfFile: dir + "/cmd.html", encoding: .utf8)))
    }

    @Test func binaryReportsGoToAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-shell-proto-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = runShell(Self.heap, ["proto >\(dir.path)/p.pb.gz"])
        #expect(run.status == 0)
        let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent("p.pb.gz")))
        #expect(try Profile.parse(bytes).samples.count > 0)
    }

    @Test func completion() throws {
        let shell = try makeShell(Self.heap)
        let complete = shell.complete
        #expect(complete("samp") == ["sample_index="])
        #expect(complete("topp") == ["topproto"])
        #expect(complete("to").contains("total_inuse_space"))
        #expect(complete("sample_index=al") == ["alloc_objects", "alloc_space"])
        #expect(complete("granularity=f") == ["functions", "filefunctions", "files"])
        #expect(complete("mean=") == ["true", "false"])
        #expect(complete("inuse_s") == ["inuse_space"])
        #expect(complete("mean_a").contains("mean_alloc_space"))
        #expect(complete("top main.fe") == ["main.fetch"])
        #expect(complete("top 10 -bytes.grow") == ["-bytes.growSlice"])
        #expect(complete("list bytes.(*Buffer).g") == ["bytes.\\(\\*Buffer\\).grow"])
        #expect(complete("focus=growSl") == ["bytes.growSlice"])
        #expect(complete("help sample_i") == ["sample_index"])
        #expect(complete("load Samples/heap-l") == ["Samples/heap-leak.pb.gz"])
        #expect(complete("diff Samples/heap-f") == ["Samples/heap-fixed.pb.gz"])
        #expect(complete("diff_base=Samples/gop") == ["Samples/goprog/"])
        #expect(complete("tags ph").isEmpty)
        #expect(complete("quit ").isEmpty)
    }

    @Test func colourOnlyOnATerminalAndNotWithNoColor() {
        #expect(colourWanted(terminal: true, environment: ["TERM": "xterm"]))
        #expect(!colourWanted(terminal: false, environment: ["TERM": "xterm"]))
        #expect(!colourWanted(terminal: true, environment: ["TERM": "xterm", "NO_COLOR": "1"]))
        #expect(!colourWanted(terminal: true, environment: ["TERM": "dumb"]))
    }

    @Test func historyFileLocation() {
        #expect(EditLineSource.historyPath(environment: ["HOME": "/home/u"]) == "/home/u/.pprof_history")
        #expect(EditLineSource.historyPath(environment: ["HOME": "/home/u", "PPROF_HISTORY": "/tmp/h"]) == "/tmp/h")
        #expect(EditLineSource.historyPath(environment: ["HOME": "/home/u", "PPROF_HISTORY": ""]) == nil)
    }
}
