import Foundation
import ProfileFormat
import ProfileReport

extension Growth {
    /// The most snapshots one `-count` may take, and the longest `-interval`.
    static let maxCount = 1000
    static let maxInterval = 24.0 * 3600

    /// `-count=N -interval=D URL`: fetches the URL N times, D apart, keeping each snapshot as
    /// `snapshot-NNN.pb.gz` in a new folder under $PPROF_TMPDIR (or ~/pprof) that it names on
    /// standard error, with progress there too.
    static func take(_ inv: PprofCommand.Invocation, loader: ProfileLoader, note: (String) -> Void) throws(ProfileError)
        -> [(source: String, profile: Profile)]
    {
        guard inv.sources.count == 1, let source = inv.sources.first, loader.url(for: source) != nil else {
            throw ProfileError("-growth -count=N -interval=D takes one URL to fetch N times, got \(inv.sources.joined(separator: " "))")
        }
        guard inv.count >= 2 && inv.count <= maxCount else {
            throw ProfileError("-count=\(inv.count): a series needs from 2 to \(maxCount) snapshots")
        }
        guard let interval = parseDuration(inv.interval.isEmpty ? "0s" : inv.interval), interval <= maxInterval else {
            throw ProfileError(
                "-interval=\(inv.interval) is not a duration of at most 24h such as 30s, 5m or 1h30m")
        }
        guard let base = Fetch.saveDirectory() else { throw ProfileError("no directory to save the series in (set PPROF_TMPDIR)") }
        let stamp = DateFormatter()
        stamp.dateFormat = "yyyyMMdd-HHmmss"
        stamp.timeZone = TimeZone(identifier: "UTC")
        var dir = (base as NSString).appendingPathComponent("growth-" + stamp.string(from: Date()))
        var suffix = 1
        while mkdir(dir, 0o755) != 0 {
            guard errno == EEXIST, suffix < 100 else {
                throw ProfileError("could not create \(dir): \(String(cString: strerror(errno)))")
            }
            suffix += 1
            dir = (base as NSString).appendingPathComponent("growth-" + stamp.string(from: Date()) + "-\(suffix)")
        }
        note("Taking \(inv.count) snapshots of \(source), \(inv.interval.isEmpty ? "0s" : inv.interval) apart, into \(dir)")
        var series: [(source: String, profile: Profile)] = []
        var quiet = loader
        quiet.saveRemote = { _, _ in }
        quiet.note = { _ in }
        for i in 1...inv.count {
            if i > 1 && interval > 0 { Thread.sleep(forTimeInterval: interval) }
            var p = try quiet.loadAll([source], kind: "source", warn: note).profile
            // A snapshot without a time gets the time it was taken, so slopes are per minute.
            if p.timeNanos == 0 { p.timeNanos = Int64(Date().timeIntervalSince1970 * 1e9) }
            let path = (dir as NSString).appendingPathComponent(String(format: "snapshot-%03d.pb.gz", i))
            do {
                try writeFileInPlace(p.serialized(compress: true), to: path)
            } catch {
                throw ProfileError(error.message)
            }
            note("Snapshot \(i)/\(inv.count) saved in \(path)")
            // Saved as fetched; reported symbolized, as every other source is.
            try quiet.symbolizeAndPrune(&p, sources: [source], warn: note)
            series.append((path, p))
        }
        return series
    }

    /// Go's time.ParseDuration for the units a series needs: `1h30m`, `90s`, `500ms`, `2.5m`;
    /// nil for anything else or a negative duration. In seconds.
    public static func parseDuration(_ s: String) -> Double? {
        if s == "0" { return 0 }
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(s)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let v = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (name, factor) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(name.count)
            total += v * factor
        }
        return total
    }
}
