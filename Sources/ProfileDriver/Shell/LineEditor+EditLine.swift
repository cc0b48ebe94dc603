import CEditLine
import Foundation

/// A terminal line editor on libedit's readline interface: arrow and Emacs keys, Ctrl-R
/// search, history kept across runs in a file, and tab completion. Ctrl-C drops the line
/// being typed; Ctrl-D on an empty line ends the input.
public final class EditLineSource: LineSource {
    let sink: OutputSink
    let historyFile: String?
    let colour: Bool
    private var lastLine = ""

    /// At most this many lines of history are kept.
    public static let historyLimit = 1000

    /// Where history is kept: `$PPROF_HISTORY` when set (empty turns history files off),
    /// otherwise `~/.pprof_history`.
    public static func historyPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let path = environment["PPROF_HISTORY"] { return path.isEmpty ? nil : path }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".pprof_history")
    }

    public init(sink: OutputSink, historyFile: String?, colour: Bool) {
        self.sink = sink
        self.historyFile = historyFile
        self.colour = colour
        // libedit keeps the pointer, so the word breaks live as long as the process.
        pprof_el_initialize("pprof", strdup(ShellCompleter.wordBreakCharacters), Int32(Self.historyLimit))
        // libedit restores the terminal around Ctrl-Z and follows window size changes; it passes
        // SIGINT on to the handler Interrupt installs while a line is read.
        pprof_el_catch_signals(1)
        if let historyFile { _ = read_history(historyFile) }
    }

    public func readLine(prompt: String) -> String? {
        while true {
            Interrupt.install()
            let read = readline(prompt)
            Interrupt.uninstall()
            guard let raw = read else {
                if Interrupt.happened {
                    // Ctrl-C: forget the line and prompt again.
                    writeTerminal("^C\n")
                    continue
                }
                writeTerminal("\n")
                return nil
            }
            defer { free(raw) }
            let line = String(cString: raw)
            remember(line)
            return line
        }
    }

    func remember(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed != lastLine else { return }
        lastLine = trimmed
        _ = add_history(trimmed)
        if let historyFile { _ = write_history(historyFile) }
    }

    public func print(_ text: String) { sink.err(text) }

    public func printError(_ text: String) {
        sink.err(colour ? "\u{1b}[31m" + text + "\u{1b}[0m" : text)
    }

    public var isTerminal: Bool { true }

    public func setCompletion(_ completer: @escaping LineCompleter) {
        EditLineCompletion.slot.set(completer)
        pprof_el_set_completer(completeForEditLine)
    }

    func writeTerminal(_ s: String) {
        _ = s.withCString { write(1, $0, strlen($0)) }
    }
}

/// The completer libedit's C callback reaches (a C function pointer cannot capture it).
final class EditLineCompletion: @unchecked Sendable {
    static let slot = EditLineCompletion()
    private let lock = NSLock()
    private var completer: LineCompleter?

    func set(_ c: @escaping LineCompleter) {
        lock.lock()
        completer = c
        lock.unlock()
    }

    func get() -> LineCompleter? {
        lock.lock()
        defer { lock.unlock() }
        return completer
    }
}

/// libedit's attempted-completion callback: element 0 replaces the word, then the choices.
private func completeForEditLine(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    pprof_el_completion_settings(0)
    guard let complete = EditLineCompletion.slot.get(), let buffer = pprof_el_line_buffer() else { return nil }
    let length = min(Int(max(end, 0)), strlen(buffer))
    let before = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    let candidates = complete(before)
    if candidates.isEmpty { return nil }
    let word = text.map { String(cString: $0) } ?? ""
    var replacement = candidates[0]
    if candidates.count == 1 {
        let open = replacement.hasSuffix("=") || replacement.hasSuffix("/")
        pprof_el_completion_settings(open ? 0 : 32)
    } else {
        replacement = ShellCompleter.commonCompletion(word, candidates)
    }
    guard let matches = pprof_el_alloc_matches(Int32(candidates.count)) else { return nil }
    matches[0] = strdup(replacement)
    if candidates.count > 1 {
        for (i, c) in candidates.enumerated() { matches[i + 1] = strdup(c) }
    }
    return matches
}

/// Ctrl-C while reading a line: a flag set by a SIGINT handler installed without SA_RESTART
/// for as long as the editor reads, so the terminal read returns and the editor gives up the
/// line. Outside reading, Ctrl-C keeps its usual meaning and stops pprof.
enum Interrupt {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    nonisolated(unsafe) private static var previous = sigaction()
    nonisolated(unsafe) private static var previousMask = sigset_t()

    static var happened: Bool { flag != 0 }

    static func install() {
        flag = 0
        var action = sigaction()
        #if os(Linux)
            action.__sigaction_handler.sa_handler = { _ in Interrupt.flag = 1 }
        #else
            action.__sigaction_u.__sa_handler = { _ in Interrupt.flag = 1 }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, &previous)
        // A parent may have left SIGINT blocked; Ctrl-C must reach the editor.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, &previousMask)
    }

    static func uninstall() {
        sigaction(SIGINT, &previous, nil)
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
    }
}
