import Foundation
import ProfileDriver
import Testing

/// Shell behaviours a newcomer tripped over: Tab over escaped regexps, help for option groups,
/// the diff table's count of rows.
@Suite struct ShellRoughEdgeTests {
    static let heap = ["Samples/heap-leak.pb.gz"]

    /// What Tab does with several candidates, as the line editor calls it.
    @Test func tabExtendsWhatWasTypedThroughEscapes() throws {
        let shell = try makeShell(Self.heap)
        let typed = "bytes.(*B"
        let candidates = shell.complete("focus=" + typed)
        #expect(candidates.count > 1, "\(candidates)")
        #expect(candidates.allSatisfy { $0.hasPrefix("bytes.\\(\\*Buffer\\).") })
        #expect(ShellCompleter.commonCompletion(typed, candidates) == "bytes.\\(\\*Buffer\\).")
        // Typed with some of the escapes, or with the leading `-` of an ignore.
        #expect(ShellCompleter.commonCompletion("bytes.\\(*B", candidates) == "bytes.\\(\\*Buffer\\).")
        let ignore = shell.complete("top -bytes.(*B")
        #expect(ShellCompleter.commonCompletion("-bytes.(*B", ignore) == "-bytes.\\(\\*Buffer\\).")
        // Plain prefixes as before.
        #expect(ShellCompleter.commonCompletion("al", ["alloc_objects", "alloc_space"]) == "alloc_")
    }

    @Test func tabKeepsTheWordWhenCandidatesOnlyContainIt() {
        // Candidates found by substring do not start with the word: it stays as typed.
        #expect(ShellCompleter.commonCompletion("grow", ["bytes.\\(\\*Buffer\\).grow", "bytes.growSlice"]) == "grow")
        // Never ends inside an escape.
        #expect(ShellCompleter.commonCompletion("a", ["a\\(x", "a\\*y"]) == "a")
    }

    @Test func helpForOptionGroupsListsTheChoices() {
        let run = runShell(Self.heap, ["help granularity", "help sort", "lines=true", "help granularity"])
        #expect(run.ui.errors.isEmpty)
        let text = run.ui.stderr
        #expect(text.contains("Option group granularity, now granularity=functions: choose with granularity=CHOICE or CHOICE=true\n"))
        #expect(text.contains("Option group granularity, now granularity=lines:"))
        for choice in ["functions", "filefunctions", "files", "lines", "addresses", "cum", "flat"] {
            #expect(text.contains("\n      \(choice) "), "no line for \(choice)")
        }
        #expect(text.contains("Option group sort, now sort=flat:"))
        #expect(!text.contains("\n\n\n"), "blank lines")
    }

    @Test func diffCountsOneRowInTheSingular() {
        let run = runShell(Self.heap, ["diff Samples/heap-fixed.pb.gz fetchExact", "diff Samples/heap-fixed.pb.gz main"])
        #expect(run.text.contains("Showing 1 function that changed, largest |delta| first\n"), "\(run.text)")
        #expect(run.text.contains("Showing 2 functions that changed"), "\(run.text)")
    }
}

/// The same Tab in a real terminal: the built pprof in tmux, through libedit.
@Suite struct ShellTabThroughEscapesInATerminalTests {
    @Test(
        .enabled(if: tmuxPath != nil, "tmux is not installed (apt-get install tmux): skipped"),
        .enabled(if: builtPprof != nil, "the pprof executable was not built next to the tests: skipped"))
    func tabExtendsAnUnescapedRegexp() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-tmux-tab-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = TmuxSession(tmux: tmuxPath!, socket: dir.appendingPathComponent("tmux.sock").path)
        defer { t.kill() }
        t.start("cd '\(repoRoot.path)' && env PPROF_HISTORY= TERM=xterm '\(builtPprof!)' Samples/heap-leak.pb.gz")
        _ = t.wait { $0.split(separator: "\n").contains("(pprof)") }
        t.type("focus=bytes.(*B")
        t.keys("Tab")
        let s = t.wait(10) { $0.contains(#"(pprof) focus=bytes.\(\*Buffer\)."#) }
        #expect(s.contains(#"(pprof) focus=bytes.\(\*Buffer\)."#), "Tab did not extend the word: \(s)")
        t.keys("C-u", "C-d")
        #expect(t.waitGone(), "pprof did not leave on Ctrl-D")
    }
}
