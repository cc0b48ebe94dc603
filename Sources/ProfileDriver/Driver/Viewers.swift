import Foundation
import ProfileReport

/// A report handed to a program that shows it, as go tool pprof's `web`, `eog`, `evince`, `gv`
/// and `kcachegrind` do, on the command line (`-web`) and in the shell (`web`).
public struct Viewer: Sendable {
    public let name: String
    /// The report to make (for pictures, with the Graphviz type to draw).
    public let report: ReportCommand
    /// The temporary file's suffix.
    public let suffix: String
    /// Programs to try in turn (a program and its arguments, separated by spaces).
    public let programs: @Sendable () -> [String]

    public var description: String { report.description }
}

/// The viewers, and the temporary files they are given.
public enum Viewers {
    public static let all: [Viewer] = [
        Viewer(name: "eog", report: ReportCommand("eog", .dot, graphviz: "svg", "Visualize graph through eog"),
            suffix: "svg", programs: { ["eog"] }),
        Viewer(name: "evince", report: ReportCommand("evince", .dot, graphviz: "pdf", "Visualize graph through evince"),
            suffix: "pdf", programs: { ["evince"] }),
        Viewer(name: "gv", report: ReportCommand("gv", .dot, graphviz: "ps", "Visualize graph through gv"),
            suffix: "ps", programs: { ["gv --noantialias"] }),
        Viewer(name: "kcachegrind", report: ReportCommand("kcachegrind", .callgrind, "Visualize report in KCachegrind"),
            suffix: "grind", programs: { ["kcachegrind"] }),
        Viewer(name: "web", report: ReportCommand("web", .dot, graphviz: "svg", "Visualize graph through web browser"),
            suffix: "svg", programs: { browsers() }),
    ]

    public static func named(_ name: String) -> Viewer? { all.first { $0.name == name } }

    /// go tool pprof commands this pprof cannot run, and why (the shell and the command line
    /// say the same).
    public static let unavailable: [(name: String, reason: String)] = []

    /// Of those, the ones the command line cannot run either.
    public static var commandLineUnavailable: [(name: String, reason: String)] { unavailable }

    /// `-weblist`: annotated source as a web page, in a browser.
    public static let weblist = (name: "weblist", description: "Display annotated source in a web browser")

    /// Programs that can show an SVG file, most specific first: `$BROWSER`, then the usual browsers.
    static func browsers() -> [String] {
        var list: [String] = []
        let env = ProcessInfo.processInfo.environment
        if let b = env["BROWSER"], !b.isEmpty { list.append(b) }
        #if os(macOS)
            list.append("/usr/bin/open")
        #else
            list += ["chrome", "google-chrome", "chromium", "firefox", "sensible-browser"]
            if let d = env["DISPLAY"], !d.isEmpty { list.append("xdg-open") }
        #endif
        return list
    }

    /// Writes `bytes` to a new file in this process's private temporary directory and starts the
    /// first of `programs` that starts and does not fail at once (within a second, the time go
    /// tool pprof gives a viewer to open the file). The viewer's own output goes to a log file
    /// beside it, not over the shell's prompt, and it runs in its own process group, so Ctrl-C in
    /// the shell does not close it. `note` gets a line saying where the file is and what shows
    /// it. With `wait`, returns only when the viewer has exited (the command line, as go tool
    /// pprof). The files are removed when pprof exits (`removeTemporaryFiles`).
    public static func show(
        _ bytes: [UInt8], suffix: String, programs: [String], wait: Bool, note: (String) -> Void
    ) throws(ReportError) {
        let file = try TemporaryFiles.shared.makeFile(suffix: suffix)
        try writeFileInPlace(bytes, to: file)
        let log = file + ".log"
        var tried: [String] = []
        for viewer in programs {
            let words = viewer.split(separator: " ").map(String.init)
            guard let program = words.first else { continue }
            guard let path = findExecutable(program) else {
                tried.append("\(program): not found")
                continue
            }
            guard let pid = spawn(path, Array(words.dropFirst()) + [file], log: log) else {
                tried.append("\(program): \(String(cString: strerror(errno)))")
                continue
            }
            TemporaryFiles.shared.started()
            if let status = exitStatus(pid, within: 1), status != 0 {
                let said = firstLine(ofFile: log)
                tried.append("\(program): exit status \(status)" + (said.isEmpty ? "" : ", \(said)"))
                continue
            }
            note("Opened \(file) with \(program) (pprof removes it when it exits)")
            if wait { _ = exitStatus(pid, within: .infinity) }
            return
        }
        if programs.isEmpty { tried.append("none found") }
        // The private directory goes at exit: keep the report where it can still be opened.
        let kept = (try? keep(file, suffix: suffix)) ?? file
        throw ReportError("no viewer could show the report (\(tried.joined(separator: "; "))); it is in \(kept)")
    }

    /// Removes the files `show` made; waits first until the last viewer has had a second to open its file.
    public static func removeTemporaryFiles() { TemporaryFiles.shared.removeAll() }

    /// Moves `file` out of the private directory to the first free `pprofNNN.suffix` in the
    /// temporary directory.
    private static func keep(_ file: String, suffix: String) throws -> String {
        for i in 1..<10000 {
            let path = (NSTemporaryDirectory() as NSString).appendingPathComponent(String(format: "pprof%03d.", i) + suffix)
            if link(file, path) == 0 {
                unlink(file)
                return path
            }
            if errno != EEXIST { break }
        }
        throw ReportError("could not keep \(file)")
    }

    /// Starts `path` with `args`, standard input from /dev/null and output to `log`, in its own
    /// process group. Returns its pid, or nil with errno set.
    private static func spawn(_ path: String, _ args: [String], log: String) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        if rc != 0 {
            errno = rc
            return nil
        }
        return pid
    }

    /// The exit status of `pid` if it ends within `seconds` (128 + signal when killed), else nil.
    private static func exitStatus(_ pid: pid_t, within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if r < 0 && errno != EINTR { return nil }
            if Date() >= deadline { return nil }
            usleep(20_000)
        }
    }

    private static func firstLine(ofFile path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        return text.split(separator: "\n").first.map { String($0.prefix(200)) } ?? ""
    }
}

/// The private directory (mode 0700) that holds the files given to viewers, made on first use
/// and removed with its files when the process exits.
final class TemporaryFiles: @unchecked Sendable {
    static let shared = TemporaryFiles()

    private let lock = NSLock()
    private var directory: String?
    private var lastStart: Date?

    /// The first free `pprofNNN.suffix` in the directory.
    func makeFile(suffix: String) throws(ReportError) -> String {
        lock.lock()
        defer { lock.unlock() }
        if directory == nil {
            let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("pprof-XXXXXX")
            var template = Array(base.utf8CString)
            guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
                throw ReportError("could not make a temporary directory in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
            }
            directory = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            atexit { TemporaryFiles.shared.removeAll() }
        }
        return try newFile(directory: directory!, prefix: "pprof", suffix: "." + suffix)
    }

    func started() {
        lock.lock()
        lastStart = Date()
        lock.unlock()
    }

    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        guard let dir = directory else { return }
        if let last = lastStart {
            let left = 1 - Date().timeIntervalSince(last)
            if left > 0 { usleep(UInt32(left * 1e6)) }
        }
        try? FileManager.default.removeItem(atPath: dir)
        directory = nil
        lastStart = nil
    }
}
