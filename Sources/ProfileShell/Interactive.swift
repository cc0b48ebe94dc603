import ProfileFormat
import ProfileReport

/// The interactive shell's entry point.
public enum Interactive {
    /// Opens the shell on a loaded session and returns the exit status.
    public static func start(_ session: Session, sink: OutputSink) -> Int32 {
        sink.err("pprof: no report flag given (for example -top), and the interactive shell is not built yet")
        return 1
    }
}
