import Foundation

/// Prints how long each phase took to standard error when PPROF_TIMING is set; for tuning.
public enum PhaseTimer {
    public static let enabled = ProcessInfo.processInfo.environment["PPROF_TIMING"] != nil

    /// Runs `body`, reporting its wall time under `name` when timing is enabled.
    @inlinable
    public static func measure<T, E: Error>(_ name: String, _ body: () throws(E) -> T) throws(E) -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let line = "pprof timing: \(name) \(String(format: "%.1f", ms)) ms, peak RSS \(usage.ru_maxrss / 1024) MB\n"
        FileHandle.standardError.write(Data(line.utf8))
        return result
    }
}
