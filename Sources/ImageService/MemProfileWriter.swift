import HeapProfiler
import Logging

/// `--memprofile FILE`: a heap profile written every `interval` seconds and once more at shutdown,
/// each time atomically (a temporary file, then a rename), as Go's -memprofile flag writes one; the
/// peak in-use profile goes beside it (`peakPath`).
struct MemProfileWriter: Sendable {
    let path: String
    let interval: Double?
    let logger: Logger

    /// Where the peak in-use profile goes, beside the profile: `heap.pb.gz` → `heap.peak.pb.gz`.
    var peakPath: String {
        path.hasSuffix(".pb.gz") ? String(path.dropLast(6)) + ".peak.pb.gz" : path + ".peak"
    }

    /// Writes the profile and the peak profile; the last ones, at shutdown, are logged at info level.
    func write(final: Bool = false) {
        do {
            try HeapProfiler.writeProfile(to: path)
            try HeapProfiler.writeProfile(to: peakPath, peak: true)
            logger.log(
                level: final ? .info : .debug, "wrote heap profiles", metadata: ["path": "\(path)", "peak": "\(peakPath)"])
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
