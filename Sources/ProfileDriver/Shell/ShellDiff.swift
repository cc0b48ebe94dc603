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
        let table = try diffTable(new: new, base: base, path: path, config: both, factor: factor)
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

    static func rowNoun(_ granularity: Granularity) -> String {
        switch granularity {
        case .lines, .files, .addresses: return granularity.rawValue
        case .functions, .filefunctions: return "functions"
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

    /// The comparison of both profiles' indexes: same filters, sample type, mean.
    func diffTable(new: Profile, base: Profile, path: String, config: ReportConfig, factor: Double)
        throws(ReportError) -> DiffReport
    {
        let newIndex = profiles.bases.isEmpty ? session.index : diffIndex("\u{0}source", new)
        let cum = config.sort == .cum
        var values: [String: (base: Int64, new: Int64)] = [:]
        let baseTotal = try diffIndex(path, base).diffValues(
            config, cum: cum, factor: factor, warn: { warn("base: " + $0) },
            add: { values[$0, default: (0, 0)].base &+= $1 })
        let newTotal = try newIndex.diffValues(
            config, cum: cum, factor: 1, warn: warn, add: { values[$0, default: (0, 0)].new &+= $1 })
        var options = try ReportPipeline.reportOptions(new, [:], config)
        options.format = .text
        return DiffReport(values: values, baseTotal: baseTotal, newTotal: newTotal, options: options)
    }

    /// The index of another profile, kept for the next `diff`.
    func diffIndex(_ name: String, _ p: Profile) -> ProfileIndex {
        if let known = diffIndexes[name] { return known }
        let made = ProfileIndex(profile: p)
        diffIndexes[name] = made
        return made
    }

    /// The base profile of `diff`, read once per path (and again after `reload`).
    func diffBaseProfile(_ path: String) throws(ReportError) -> Profile {
        if let p = diffBases[path] { return p }
        do {
            var p = try session.loader.loadAll([path], kind: "base", warn: warn).profile
            try session.loader.symbolizeAndPrune(&p, sources: [path], warn: warn)
            diffBases[path] = p
            return p
        } catch {
            throw ReportError(error.message)
        }
    }
}
