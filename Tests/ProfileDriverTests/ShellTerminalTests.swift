import Foundation
import ProfileDriver
import Testing

/// The folder SwiftPM built the running test binary into: it puts every product of the package
/// there (`.build/<triple>/debug`), so the executables under test sit beside it. Found from
/// /proc/self/exe, the binary itself, not from argv[0], which may be relative or a launcher's.
let buildProductsFolder: URL? = {
    guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
    return URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
}()

/// The executable `name` built with these tests, if it was built.
func builtProduct(_ name: String) -> String? {
    guard let path = buildProductsFolder?.appendingPathComponent(name).path,
        FileManager.default.isExecutableFile(atPath: path)
    else { return nil }
    return path
}

/// The built `pprof` next to this test binary, if it was built.
let builtPprof: String? = builtProduct("pprof")

let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// A tmux server of its own (so the user's sessions are never touched) with one session; its
/// socket lives in the test's directory and goes with it.
struct TmuxSession {
    let tmux: String
    /// The server's socket path.
    let socket: String
    let name = "pprof"

    /// Runs a tmux command and waits for it (posix_spawn and waitpid: the server tmux starts
    /// must not inherit a pipe of ours). With `capture`, returns what it printed.
    @discardableResult
    func run(_ args: [String], capture: Bool = false) -> (out: String, status: Int32) {
        let outPath = socket + ".out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = [tmux, "-S", socket] + args
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        // Signals as a shell would leave them: none blocked, default actions (the test
        // runner's threads block some, and a child inherits that).
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawn(&pid, tmux, &actions, &attr, &cargs, environ) == 0 else { return ("", -1) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard capture else { return ("", status) }
        defer { unlink(outPath) }
        return ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "", status)
    }

    func start(_ command: String) {
        run(["new-session", "-d", "-s", name, "-x", "160", "-y", "50", command])
    }

    func keys(_ keys: String...) { run(["send-keys", "-t", name] + keys) }

    func type(_ text: String) { run(["send-keys", "-t", name, "-l", text]) }

    var screen: String { run(["capture-pane", "-p", "-t", name, "-S", "-200"], capture: true).out }

    var alive: Bool { run(["has-session", "-t", name]).status == 0 }

    /// Waits up to `seconds` for `condition` on the screen; returns the last screen.
    @discardableResult
    func wait(_ seconds: Double = 60, until condition: (String) -> Bool) -> String {
        let end = Date().addingTimeInterval(seconds)
        var s = screen
        while !condition(s) && Date() < end {
            Thread.sleep(forTimeInterval: 0.1)
            s = screen
        }
        return s
    }

    func waitGone(_ seconds: Double = 20) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while alive && Date() < end { Thread.sleep(forTimeInterval: 0.1) }
        return !alive
    }

    func kill() { run(["kill-server"]) }
}

/// Once end to end in a real terminal: the built pprof inside tmux, with arrow and Emacs keys,
/// history kept across two runs, Ctrl-R, Ctrl-C, tab completion and Ctrl-D.
@Suite(.serialized) struct ShellTerminalTests {
    @Test(
        .enabled(if: tmuxPath != nil, "tmux is not installed (apt-get install tmux): terminal end-to-end check skipped"),
        .enabled(if: builtPprof != nil, "no pprof executable beside the test binary (swift build --build-tests builds it): terminal end-to-end check skipped"))
    func lineEditingHistoryAndCompletion() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-tmux-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let history = dir.appendingPathComponent("history").path
        let t = TmuxSession(tmux: tmuxPath!, socket: dir.appendingPathComponent("tmux.sock").path)
        defer { t.kill() }
        let command =
            "cd '\(repoRoot.path)' && env -u NO_COLOR TERM=xterm PPROF_HISTORY='\(history)' '\(builtPprof!)' Samples/heap-leak.pb.gz"

        // First run: a command, tab completion of an option and its values, then quit.
        t.start(command)
        // A prompt alone on its line (tmux drops trailing spaces).
        let prompt: (String) -> Bool = { $0.split(separator: "\n").contains("(pprof)") }
        var s = t.wait(until: prompt)
        #expect(s.contains("Type: inuse_space"), "\(s)")
        t.type("top 3")
        t.keys("Enter")
        s = t.wait { $0.contains("Showing top 3 nodes out of 27") }
        #expect(s.contains("bytes.growSlice"))
        t.type("samp")
        t.keys("Tab")
        s = t.wait(10) { $0.contains("(pprof) sample_index=") }
        #expect(s.contains("(pprof) sample_index="), "option name completion: \(s)")
        t.type("al")
        t.keys("Tab")
        s = t.wait(10) { $0.contains("sample_index=alloc_") }
        t.keys("Tab")
        t.keys("Tab")
        s = t.wait(10) { $0.contains("alloc_objects") && $0.contains("alloc_space") }
        #expect(s.contains("alloc_objects"), "choices listed: \(s)")
        t.keys("C-u")
        // Ctrl-C drops a half-typed line and the shell goes on.
        t.type("half typed")
        t.keys("C-c")
        s = t.wait(10) { $0.contains("half typed^C") }
        #expect(s.contains("half typed^C"), "Ctrl-C: \(s)")
        t.keys("C-u")
        t.type("quit")
        t.keys("Enter")
        #expect(t.waitGone(), "pprof did not leave on quit")
        let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
        #expect(saved.contains("top"), "history file: \(saved)")

        // Second run: the history is back (Up), arrows and Emacs keys edit, function names complete.
        t.start(command)
        s = t.wait(until: prompt)
        t.keys("Up", "Up")
        s = t.wait(10) { $0.contains("(pprof) top 3") }
        #expect(s.contains("(pprof) top 3"), "history recalled: \(s)")
        t.keys("C-u")
        t.type("op 55")
        t.keys("Left", "BSpace", "C-a")
        t.type("t")
        t.keys("Enter")
        s = t.wait { $0.contains("Showing top 5 nodes out of 27") }
        #expect(s.contains("Showing top 5 nodes out of 27"), "edited line ran as top 5: \(s)")
        t.keys("C-r")
        t.type("top 3")
        t.keys("Enter")
        s = t.wait { $0.components(separatedBy: "Showing top 3 nodes").count >= 2 }
        #expect(s.contains("Showing top 3 nodes"), "Ctrl-R found the earlier command: \(s)")
        t.type("list main.fe")
        t.keys("Tab")
        // (tmux drops the space completion adds after the name.)
        s = t.wait(10) { $0.split(separator: "\n").contains("(pprof) list main.fetch") }
        #expect(s.split(separator: "\n").contains("(pprof) list main.fetch"), "function name completion: \(s)")
        t.keys("Enter")
        s = t.wait { $0.contains("ROUTINE ======================== main.fetch") }
        #expect(s.contains("ROUTINE ======================== main.fetch"))
        t.keys("C-d")
        #expect(t.waitGone(), "pprof did not leave on Ctrl-D")
    }
}
