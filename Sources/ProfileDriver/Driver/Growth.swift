import Foundation
import ProfileFormat
import ProfileReport

/// `-growth S1 … SN` and `-growth -count=N -interval=D URL`: which nodes keep growing across
/// snapshots taken over time (docs/growth.md). Each snapshot goes through the report pipeline
/// with the same options; GrowthReport compares the nodes' values.
public enum Growth {
    /// The series of loaded snapshots, ordered by profile time (then as given), as a report.
    /// Every snapshot must have the sample type chosen on the first, in the same unit.
    public static func report(
        _ snapshots: [(source: String, profile: Profile)], config: ReportConfig, warn: (String) -> Void
    ) throws(ReportError) -> GrowthReport {
        guard snapshots.count >= 2 else {
            throw ReportError("-growth needs at least two profiles (or -count=N with one URL), got \(snapshots.count)")
        }
        let first = snapshots[0]
        if first.profile.sampleTypes.isEmpty { throw ReportError("\(first.source): profile has no samples") }
        let type = first.profile.sampleTypes[try ReportPipeline.sampleIndex(first.profile, config.sampleIndex)]
        for s in snapshots.dropFirst() {
            let types = s.profile.sampleTypes
            guard let other = types.first(where: { $0.type == type.type }) else {
                let has = types.isEmpty ? "none" : types.map(\.type).joined(separator: ", ")
                throw ReportError(
                    "-growth: \(s.source) has no \(type.type) samples to compare with \(first.source) (it has \(has))")
            }
            if other.unit != type.unit {
                throw ReportError(
                    "-growth: \(s.source) measures \(type.type) in \(other.unit), \(first.source) in \(type.unit)")
            }
        }
        var cfg = config
        cfg.sampleIndex = type.type
        cfg.trim = false
        cfg.nodeCount = 0
        cfg.nodeFraction = 0
        cfg.edgeFraction = 0
        let ordered = snapshots.enumerated().sorted { a, b in
            let ta = a.element.profile.timeNanos, tb = b.element.profile.timeNanos
            return ta != tb ? ta < tb : a.offset < b.offset
        }.map(\.element)
        var reports: [(source: String, report: Report)] = []
        var warned = Set<String>()
        for s in ordered {
            let rpt = try ReportPipeline.makeReport(
                s.profile, command: "top", format: .text, config: cfg,
                warn: { w in if warned.insert(w).inserted { warn(w) } })
            reports.append((s.source, rpt))
        }
        return GrowthReport(reports, cum: config.sort == .cum)
    }

    /// Reads each source on its own (files or URLs), as pprof reads one source.
    static func load(_ sources: [String], loader: ProfileLoader, warn: (String) -> Void) throws(ProfileError)
        -> [(source: String, profile: Profile)]
    {
        var out: [(source: String, profile: Profile)] = []
        for s in sources {
            var p = try loader.loadAll([s], kind: "source", warn: warn).profile
            try p.removeUninteresting()
            out.append((s, p))
        }
        return out
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
            var snapshots: [(source: String, profile: Profile)]
            do throws(ProfileError) {
                if inv.count > 0 || !inv.interval.isEmpty {
                    snapshots = try take(inv, loader: loader, note: sink.err)
                } else {
                    snapshots = try load(inv.sources, loader: loader, warn: sink.err)
                }
            } catch {
                throw ReportError(error.message)
            }
            let report = try report(snapshots, config: inv.config, warn: sink.err)
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
