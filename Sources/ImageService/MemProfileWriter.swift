import Foundation
import HeapProfiler
import Logging

/// `--memprofile FILE`: heap profiles written atomically (a temporary file, then a rename), as Go's
/// -memprofile flag writes one, with the peak in-use profile and the in-use series beside them.
/// - Without an interval: `FILE` once, at shutdown.
/// - With `--memprofile-interval`: numbered snapshots every `interval` seconds and at shutdown
///   (`heap.pb.gz` → `heap.0001.pb.gz`, `heap.0002.pb.gz`, …; numbering goes on after the highest
///   number already in the folder), of which the newest `keep` are kept, so that
///   `pprof -growth heap.[0-9]*.pb.gz` reads the series in time order.
struct MemProfileWriter: Sendable {
    let path: String
    let interval: Double?
    /// How many numbered snapshots stay; older ones are deleted after each write.
    var keep = 100
    let logger: Logger

    init(path: String, interval: Double?, keep: Int = 100, logger: Logger) {
        self.path = path
        self.interval = interval
        self.keep = keep
        self.logger = logger
    }

    /// `heap.pb.gz` → ("heap", ".pb.gz"); a path without that suffix keeps it whole and gets none.
    private var stemAndSuffix: (stem: String, suffix: String) {
        path.hasSuffix(".pb.gz") ? (String(path.dropLast(6)), ".pb.gz") : (path, "")
    }

    /// Where the peak in-use profile goes, beside the profile: `heap.pb.gz` → `heap.peak.pb.gz`.
    var peakPath: String {
        path.hasSuffix(".pb.gz") ? String(path.dropLast(6)) + ".peak.pb.gz" : path + ".peak"
    }

    /// Where the in-use series goes (JSON, see docs/heap-profiler.md): `heap.pb.gz` → `heap.series.json`.
    var seriesPath: String { stemAndSuffix.stem + ".series.json" }

    /// The numbered snapshot `n`: `heap.0007.pb.gz` (at least four digits).
    func numberedPath(_ n: Int) -> String {
        let digits = String(n)
        return stemAndSuffix.stem + "." + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            + stemAndSuffix.suffix
    }

    /// The numbered snapshots in the folder now, by number, oldest first.
    func numberedSnapshots() -> [(number: Int, path: String)] {
        let (stem, suffix) = stemAndSuffix
        let url = URL(fileURLWithPath: stem)
        let folder = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var found: [(Int, String)] = []
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
            let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
            guard middle.count >= 4, middle.allSatisfy(\.isASCII), middle.allSatisfy(\.isNumber), let n = Int(middle)
            else { continue }
            found.append((n, (folder as NSString).appendingPathComponent(name)))
        }
        return found.sorted { $0.0 < $1.0 }.map { (number: $0.0, path: $0.1) }
    }

    /// Writes the profile (numbered when there is an interval), the peak profile and the series;
    /// the last ones, at shutdown, are logged at info level.
    func write(final: Bool = false) {
        do {
            var target = path
            if interval != nil {
                target = numberedPath((numberedSnapshots().last?.number ?? 0) + 1)
            }
            try HeapProfiler.writeProfile(to: target)
            try HeapProfiler.writeProfile(to: peakPath, peak: true)
            try HeapProfiler.writeSeries(to: seriesPath)
            if interval != nil { removeOldSnapshots() }
            logger.log(
                level: final ? .info : .debug, "wrote heap profiles",
                metadata: ["path": "\(target)", "peak": "\(peakPath)", "series": "\(seriesPath)"])
        } catch {
            logger.error("\(error)")
        }
    }

    /// Deletes the oldest numbered snapshots beyond `keep`.
    func removeOldSnapshots() {
        let all = numberedSnapshots()
        guard all.count > keep else { return }
        for old in all.prefix(all.count - keep) where unlink(old.path) != 0 {
            logger.error("cannot delete old heap profile \(old.path): \(String(cString: strerror(errno)))")
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
