import Foundation
import ProfileFormat
import ProfileReport

extension Shell {
    /// `diff PROFILE [re]... [-re]... [n] [-cum] [>f]`: the loaded profile (new) against
    /// PROFILE (base), one row per function with base, new, delta and delta%.
    func diff(_ parsed: ParsedCommand) throws(ReportError) {
        let path = parsed.argument!
        let cfg = parsed.config
        let base = try diffBaseProfile(path)
        let new = try profiles.source(warn: warn)
        let newIndex = try ReportPipeline.sampleIndex(new, cfg.sampleIndex)
        let type = new.sampleTypes[newIndex]
        guard let baseIndex = base.sampleTypes.firstIndex(where: { $0.type == type.type }) else {
            throw ReportError(
                "\(path) has no \(type.type) samples to compare (it has \(base.sampleTypes.map(\.type).joined(separator: ", ")))")
        }
        let baseType = base.sampleTypes[baseIndex]
        guard Measurement.compatible(type.type, type.unit, baseType.type, baseType.unit) else {
            throw ReportError("cannot compare \(type) with \(baseType)")
        }
        let factor = Measurement.scale(1, from: baseType.unit, to: type.unit).0
        var both = cfg
        both.sampleIndex = type.type
        let table: DiffReport
        if TopEngine.handles(both) {
            table = try engineDiff(new: new, base: base, path: path, config: both, factor: factor)
        } else {
            var warnings: [String] = []
            let newReport = try ReportPipeline.makeReport(
                new, command: "top", format: .text, config: both, warn: { warnings.append($0) })
            let baseReport = try ReportPipeline.makeReport(
                base, command: "top", format: .text, config: both, warn: { warnings.append($0) })
            for w in warnings { warn(w) }
            table = DiffReport(base: baseReport, new: newReport, cum: cfg.sort == "cum", baseFactor: factor)
        }
        var layout = DiffReport.Layout()
        layout.title = ["Base: \(path)", "New:  \(profiles.sources.joined(separator: " "))"]
        layout.rowCount = cfg.nodeCount
        layout.include = try regex("diff", parsed.rest[0])
        layout.exclude = try regex("diff", parsed.rest[1])
        layout.noun = Self.rowNoun(cfg.granularity)
        let bytes = cfg.json ? try table.json(layout) : Array(table.render(layout).utf8)
        if cfg.output.isEmpty {
            sink.out(bytes)
        } else {
            ui.print("Generating report in \(cfg.output)")
            try write(bytes, to: cfg.output)
        }
    }

    static func rowNoun(_ granularity: String) -> String {
        switch granularity {
        case "lines": return "lines"
        case "files": return "files"
        case "addresses": return "addresses"
        default: return "functions"
        }
    }

    func regex(_ what: String, _ pattern: String) throws(ReportError) -> GoRegex? {
        if pattern.isEmpty { return nil }
        do {
            return try GoRegex(pattern)
        } catch {
            throw ReportError("parsing \(what) regexp: \(error)")
        }
    }

    /// The comparison from the fast engines of both profiles: same filters, sample type, mean.
    func engineDiff(new: Profile, base: Profile, path: String, config: ReportConfig, factor: Double)
        throws(ReportError) -> DiffReport
    {
        let key = TopEngine.Key(config)
        let newEngine: TopEngine
        if profiles.bases.isEmpty {
            newEngine = engine(for: config)
        } else {
            newEngine = diffEngine("\u{0}source", new, key)
        }
        let baseEngine = diffEngine(path, base, key)
        let cum = config.sort == "cum"
        var values: [String: (base: Int64, new: Int64)] = [:]
        var totals: (base: Int64, new: Int64) = (0, 0)
        var options = try reportOptions(new, config)
        options.format = .text
        for (engine, isBase) in [(baseEngine, true), (newEngine, false)] {
            let index = try ReportPipeline.sampleIndex(engine.profile, config.sampleIndex)
            let meanIndex: Int? = config.mean ? 0 : nil
            let (keep, warnings) = try engine.keep(focus: config.focus, ignore: config.ignore)
            for w in warnings { warn((isBase ? "base: " : "") + w) }
            let s = engine.sums(index: index, meanIndex: meanIndex, keep: keep)
            for n in 0..<engine.nodeCount {
                let flat = s.flat[n], cumRaw = s.cum[n]
                if flat == 0 && cumRaw == 0 { continue }
                if config.dropNegative && (flat < 0 || (flat == 0 && cumRaw < 0)) { continue }
                var v = cum ? s.cumValue(n) : s.flatValue(n)
                var f = s.flatValue(n)
                if isBase && factor != 1 {
                    v = Int64((Double(v) * factor).rounded())
                    f = Int64((Double(f) * factor).rounded())
                }
                var entry = values[engine.name(n)] ?? (0, 0)
                if isBase {
                    entry.base &+= v
                    totals.base &+= f
                } else {
                    entry.new &+= v
                    totals.new &+= f
                }
                values[engine.name(n)] = entry
            }
        }
        return DiffReport(values: values, baseTotal: totals.base, newTotal: totals.new, options: options)
    }

    /// An engine for another profile, kept for the next `diff` with the same granularity.
    func diffEngine(_ name: String, _ p: Profile, _ key: TopEngine.Key) -> TopEngine {
        if let e = diffEngines[name], e.key == key { return e }
        let e = TopEngine(samples: diffEngines[name]?.samples ?? SampleIndex(profile: p), key: key)
        diffEngines[name] = e
        return e
    }

    /// The base profile of `diff`, read once per path (and again after `reload`).
    func diffBaseProfile(_ path: String) throws(ReportError) -> Profile {
        if let p = diffBases[path] { return p }
        do {
            var p = try session.loader.loadAll([path], kind: "base", warn: warn).profile
            try p.removeUninteresting()
            diffBases[path] = p
            return p
        } catch {
            throw ReportError(error.message)
        }
    }
}
