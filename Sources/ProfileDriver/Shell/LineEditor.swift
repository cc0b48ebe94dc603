import Foundation

/// Offers completions for the word at the end of `lineBeforeCursor`; each candidate replaces
/// that whole word. Words end at a space, a tab or `=` (`ShellCompleter.wordBreaks`).
public typealias LineCompleter = (_ lineBeforeCursor: String) -> [String]

/// The shell's terminal, as pprof's UI is: where command lines come from and where messages go.
/// Reports do not pass through here; they go to the session's output sink.
public protocol LineSource: AnyObject {
    /// The next line without its line end, or nil at the end of input (Ctrl-D).
    func readLine(prompt: String) -> String?
    /// A message for the person at the shell: the header, help, options. A line end is added
    /// when missing.
    func print(_ text: String)
    /// An error message, one line.
    func printError(_ text: String)
    /// Whether a person is typing: then there are prompts, history, completion and colour.
    var isTerminal: Bool { get }
    /// Installs tab completion (terminals only; other sources may ignore it).
    func setCompletion(_ completer: @escaping LineCompleter)
}

/// Lines read from a pipe or a file on standard input: no prompt, no colour, messages and
/// errors to standard error, so `printf 'top\n' | pprof heap.pb.gz` is a script.
public final class PipedLines: LineSource {
    let sink: OutputSink
    let read: () -> String?

    /// Reads standard input through `read` (Swift's `readLine` by default).
    public init(sink: OutputSink, read: @escaping () -> String? = { Swift.readLine(strippingNewline: true) }) {
        self.sink = sink
        self.read = read
    }

    public func readLine(prompt: String) -> String? { read() }
    public func print(_ text: String) { sink.err(text) }
    public func printError(_ text: String) { sink.err(text) }
    public var isTerminal: Bool { false }
    public func setCompletion(_ completer: @escaping LineCompleter) {}
}

/// Whether to colour terminal output: only on a terminal, never with NO_COLOR set
/// (https://no-color.org) or TERM=dumb.
public func colourWanted(terminal: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    guard terminal else { return false }
    if let v = environment["NO_COLOR"], !v.isEmpty { return false }
    if environment["TERM"] == "dumb" { return false }
    return true
}
