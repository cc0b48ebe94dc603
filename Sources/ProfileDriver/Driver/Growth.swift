import Foundation
import ProfileFormat
import ProfileReport

/// `-growth S1 … SN` and `-growth -count=N -interval=D URL`: which nodes keep growing across
/// snapshots taken over time (docs/growth.md). Each snapshot goes through the report pipeline
/// with the same options; GrowthReport compares the nodes' values.
public enum Growth {
    /// One snapshot summed through its index: what is kept of it once its profile is let go.
    typealias Summed = (source: String, timeNanos: Int64, rows: NodeRows)

    /// The series of loaded snapshots, ordered by profile time (then as given), as a report.
    /// Every snapshot must have the sample type chosen on the first, in the same unit.
    public static func report(
        _ snapshots: [(source: String, profile: Profile)], config: ReportConfig, warn: (String) -> Void
    ) throws(ReportError) -> GrowthReport {
        try checkCount(snapshots.count)
        let (cfg, first) = try seriesConfig(snapshots[0], config)
        var warned = Set<String>()
        var summed: [Summed] = []
        for s in snapshots {
            summed.append(try sum(s, first: first, cfg, warn: { w in if warned.insert(w).inserted { warn(w) } }))
        }
        return GrowthReport(ordered(summed), cum: config.sort == .cum)
    }

    /// The series of `sources` (files, URLs, heap in-use series), each read, summed through its
    /// index and let go before the next is read, two at a time when they are files and there
    /// are cores for it; the sample type is chosen on the first.
    static func report(
        sources: [String], loader: ProfileLoader, config: ReportConfig, warn: @escaping (String) -> Void
    ) throws(ReportError) -> GrowthReport {
        let warnOnce = once(warn)
        guard let firstSource = sources.first else { throw countError(0) }
        let head = try loadReporting(firstSource, loader: loader, warn: warnOnce)
        guard let first = head.first else { throw countError(0) }
        let (cfg, firstType) = try seriesConfig(first, config)
        var summed: [[Summed]] = [[]]
        for s in head { summed[0].append(try sum(s, first: firstType, cfg, warn: warnOnce)) }
        let rest = Array(sources.dropFirst())
        let local = rest.allSatisfy { loader.url(for: $0) == nil && $0 != "-" }
        // Two files in memory at a time at most: each is let go once summed.
        let workers = local ? Parallel.parts(rest.count, from: 2, atMost: 2) : 1
        summed += try sumAll(rest, workers: workers) { (source, note) throws(ReportError) in
            var out: [Summed] = []
            for s in try loadReporting(source, loader: loader, warn: note) {
                out.append(try sum(s, first: firstType, cfg, warn: note))
            }
            return out
        } warn: { warnOnce($0) }
        let all = summed.flatMap { $0 }
        try checkCount(all.count)
        return GrowthReport(ordered(all), cum: config.sort == .cum)
    }

    /// `body` of each source on `workers` threads (part `k` takes sources `k`, `k + workers`, …,
    /// one at a time, so that at most `workers` files are in memory), results in the order of
    /// `sources`; the warnings of each are given in that order too, after all are done, and the
    /// first error (in that order) is thrown.
    private static func sumAll(
        _ sources: [String], workers: Int,
        _ body: (String, (String) -> Void) throws(ReportError) -> [Summed], warn: (String) -> Void
    ) throws(ReportError) -> [[Summed]] {
        typealias Slot = (index: Int, result: Result<[Summed], ReportError>, warnings: [String])
        let parts = max(1, min(workers, sources.count))
        let done = Parallel.map(parts) { part -> [Slot] in
            var slots: [Slot] = []
            for i in stride(from: part, to: sources.count, by: parts) {
                var warnings: [String] = []
                let result = Result { () throws(ReportError) in try body(sources[i], { warnings.append($0) }) }
                slots.append((i, result, warnings))
                if case .failure = result { break }
            }
            return slots
        }
        var out: [[Summed]] = []
        for slot in done.joined().sorted(by: { $0.index < $1.index }) {
            for w in slot.warnings { warn(w) }
            switch slot.result {
            case .success(let s): out.append(s)
            case .failure(let e): throw e
            }
        }
        return out
    }

    static func checkCount(_ n: Int) throws(ReportError) {
        if n < 2 { throw countError(n) }
    }

    static func countError(_ n: Int) -> ReportError {
        ReportError("-growth needs at least two profiles (or -count=N with one URL), got \(n)")
    }

    /// A `warn` that gives each warning once.
    static func once(_ warn: @escaping (String) -> Void) -> (String) -> Void {
        var seen = Set<String>()
        let lock = NSLock()
        return { w in
            lock.lock()
            let new = seen.insert(w).inserted
            lock.unlock()
            if new { warn(w) }
        }
    }

    /// The first snapshot, whose sample type (and its unit) every other must have.
    typealias First = (source: String, unit: String)

    /// The options every snapshot is summed with (the sample type chosen on the first, nothing
    /// trimmed), and the first snapshot's source and unit.
    static func seriesConfig(_ first: (source: String, profile: Profile), _ config: ReportConfig) throws(ReportError)
        -> (ReportConfig, First)
    {
        if first.profile.sampleTypes.isEmpty { throw ReportError("\(first.source): profile has no samples") }
        let type = first.profile.sampleTypes[try ReportPipeline.sampleIndex(first.profile, config.sampleIndex)]
        var cfg = config
        cfg.sampleIndex = type.type
        cfg.trim = false
        return (cfg, (first.source, type.unit))
    }

    /// One snapshot summed through its index, once its sample type is checked against the
    /// first snapshot's (`cfg.sampleIndex`, in `first.unit`).
    static func sum(
        _ s: (source: String, profile: Profile), first: First, _ cfg: ReportConfig, warn: (String) -> Void
    ) throws(ReportError) -> Summed {
        let types = s.profile.sampleTypes
        guard let other = types.first(where: { $0.type == cfg.sampleIndex }) else {
            let has = types.isEmpty ? "none" : types.map(\.type).joined(separator: ", ")
            throw ReportError(
                "-growth: \(s.source) has no \(cfg.sampleIndex) samples to compare with \(first.source) (it has \(has))")
        }
        if other.unit != first.unit {
            throw ReportError(
                "-growth: \(s.source) measures \(other.type) in \(other.unit), \(first.source) in \(first.unit)")
        }
        let rows = try ProfileIndex(profile: s.profile).nodeRows(cfg, warn: warn)
        return (s.source, s.profile.timeNanos, rows)
    }

    /// The snapshots by profile time, then as given.
    static func ordered(_ summed: [Summed]) -> [Summed] {
        summed.enumerated().sorted { a, b in
            let ta = a.element.timeNanos, tb = b.element.timeNanos
            return ta != tb ? ta < tb : a.offset < b.offset
        }.map(\.element)
    }

    /// Reads one source: a profile, or a heap in-use series (a snapshot per point, named
    /// `SOURCE#N`). Bytes are inflated once, and a profile is parsed as `loadAll` parses one
    /// source.
    static func load(_ source: String, loader: ProfileLoader) throws(ProfileError) -> [(source: String, profile: Profile)] {
        do {
            let (bytes, remote) = try loader.read(source)
            let raw = try Profile.inflate(bytes, maxInflatedSize: loader.maxInflatedSize)
            if let series = try HeapInuseSeries.parse(raw) {
                return series.enumerated().map { (series.count == 1 ? source : "\(source)#\($0.offset + 1)", $0.element) }
            }
            let p = try Profile.parseMerged(raw, maxInflatedSize: loader.maxInflatedSize, prepare: ProfileLoader.addMissingMapping)
            if remote { loader.keepFetchedCopy(p) }
            return [(source, p)]
        } catch {
            throw error.context(Fetch.redact(source))
        }
    }

    /// `load`, symbolized as the command line's profile is, its error as a report error.
    static func loadReporting(_ source: String, loader: ProfileLoader, warn: (String) -> Void) throws(ReportError)
        -> [(source: String, profile: Profile)]
    {
        var loaded: [(source: String, profile: Profile)]
        do {
            loaded = try load(source, loader: loader)
        } catch {
            throw ReportError(error.message)
        }
        do throws(ProfileError) {
            for i in loaded.indices { try loader.symbolizeAndPrune(&loaded[i].profile, sources: [source], warn: warn) }
        } catch {
            throw ReportError(error.context(Fetch.redact(source)).message)
        }
        return loaded
    }

    /// The command line's `-growth`: loads or takes the series, then writes the text report,
    /// `-json`, or with `-svg` a plot; to `-output` or standard output. Returns the exit status.
    static func run(_ inv: PprofCommand.Invocation, loader: ProfileLoader, sink: OutputSink) -> Int32 {
        do throws(ReportError) {
            if let c = inv.command, c.name != "svg" {
                throw ReportError("-growth writes its own report: use it alone, with -json, or with -svg for a plot")
            }
            if !inv.bases.isEmpty {
                throw ReportError("-growth compares its snapshots with each other; -base and -diff_base do not apply")
            }
            let report: GrowthReport
            if inv.count > 0 || !inv.interval.isEmpty {
                let snapshots: [(source: String, profile: Profile)]
                do throws(ProfileError) {
                    snapshots = try take(inv, loader: loader, note: sink.err)
                } catch {
                    throw ReportError(error.message)
                }
                report = try Growth.report(snapshots, config: inv.config, warn: sink.err)
            } else {
                report = try Growth.report(sources: inv.sources, loader: loader, config: inv.config, warn: sink.err)
            }
            let rows = inv.config.nodeCount
            let bytes: [UInt8]
            if inv.command?.name == "svg" {
                bytes = report.svg(rowCount: rows)
            } else if inv.config.json {
                bytes = try report.json(rowCount: rows)
            } else {
                bytes = Array(report.render(rowCount: rows).utf8)
            }
            if inv.config.output.isEmpty {
                sink.out(bytes)
            } else {
                sink.err("Generating report in \(inv.config.output)")
                try writeFileInPlace(bytes, to: inv.config.output)
            }
            return 0
        } catch {
            sink.err("pprof: \(error.message)")
            return 1
        }
    }
}
