import Foundation
import ProfileFormat
import ProfileReport

/// The interactive shell's entry point.
public enum Interactive {
    /// Opens the shell on a loaded session and returns the exit status: a line editor with
    /// history and completion when standard input is a terminal, otherwise one command per
    /// line read from standard input, with exit status 1 if any command failed.
    public static func start(_ session: Session, sink: OutputSink) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let ui: LineSource
        if isatty(0) == 1 {
            var terminalSink = sink
            terminalSink.outIsTerminal = isatty(1) == 1
            ui = EditLineSource(
                sink: sink, historyFile: EditLineSource.historyPath(environment: environment),
                colour: colourWanted(terminal: isatty(2) == 1, environment: environment))
            return run(session, ui: ui, sink: terminalSink)
        }
        ui = PipedLines(sink: sink)
        return run(session, ui: ui, sink: sink)
    }

    /// Runs the shell with any line source (tests pass a list of lines).
    public static func run(_ session: Session, ui: LineSource, sink: OutputSink) -> Int32 {
        Shell(session: session, ui: ui, sink: sink).run()
    }
}
