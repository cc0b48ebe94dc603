import HeapProfiler
import Logging

/// `--memprofile FILE`: a heap profile written every `interval` seconds and once more at shutdown,
/// each time atomically (a temporary file, then a rename), as Go's -memprofile flag writes one.
struct MemProfileWriter: Sendable {
    let path: String
    let interval: Double?
    let logger: Logger

    /// Writes the profile; the last one, at shutdown, is logged at info level.
    func write(final: Bool = false) {
        do {
            try HeapProfiler.writeProfile(to: path)
            logger.log(level: final ? .info : .debug, "wrote heap profile", metadata: ["path": "\(path)"])
        } catch {
            logger.error("\(error)")
        }
    }

    /// Writes every `interval` seconds until the task is cancelled.
    func runPeriodically() async {
        guard let interval, interval > 0 else { return }
        while !Task.isCancelled {
            do {
                try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            } catch {
                return
            }
            write()
        }
    }
}
