import Foundation
import ProfileFormat
import ProfileReport

/// The shell's fast `tree`, `peek`, `list`, `tags` and `traces`: the steps of
/// ReportPipeline.makeReport (command overrides, options, focus, aggregation) done over the
/// loaded profile's samples as decoded once (SampleIndex, TopEngine), so that no report copies,
/// filters or aggregates the profile. Graph reports get their graphs from the decoded stacks
/// through Report.graphSource and print them with Report's own code; `tags` prints a profile of
/// one sample per label; `traces` writes its bytes itself. FastReportTests checks every one
/// byte for byte against the pipeline. Options they do not cover (those TopEngine.handles
/// rejects) go through the pipeline.
enum FastReports {
    static let granularities: Set<String> = ["functions", "filefunctions", "files", "lines", "addresses"]

    /// Whether a report of `format` with these options is made here.
    static func handles(_ format: ReportFormat, _ cfg: ReportConfig) -> Bool {
        switch format {
        case .tree, .list, .tags, .traces: break
        default: return false
        }
        return TopEngine.handles(cfg) && granularities.contains(cfg.granularity)
    }

    /// The report's bytes, or nil when `handles` says no. `engine` gives the decoded stacks for
    /// a granularity and file trimming. Warnings go to `warn` in the pipeline's order.
    static func report(
        command: String, format: ReportFormat, argument: String?, config input: ReportConfig, samples: SampleIndex,
        engine: (TopEngine.Key) -> TopEngine, warn: (String) -> Void
    ) throws(ReportError) -> [UInt8]? {
        guard handles(format, input) else { return nil }
        if format == .traces {
            return try tracesJob(command: command, config: input, samples: samples, engine: engine, warn: warn)?.bytes()
        }
        let cfg = ReportPipeline.applyCommandOverrides(command, format, input)
        // The line graph of `list` is made for line granularity only.
        if format == .list && cfg.granularity != "lines" { return nil }
        let p = samples.profile
        let (options, total, keep) = try prepare(format, argument, cfg, samples, warn)
        switch format {
        case .tree:
            let rpt = Report(profile: p, options: options, total: total)
            let e = engine(TopEngine.Key(cfg))
            // `peek` prints only the edges of the nodes its regexp matches; without cuts (that
            // weigh edges) the graph needs no others.
            var edgesOf: [Bool]?
            if let symbol = options.symbol, options.nodeCount <= 0, options.nodeFraction <= 0,
                options.edgeFraction <= 0
            {
                edgesOf = matchNames(symbol, e)
            }
            let values = GraphValues()
            rpt.graphSource = { [edgesOf] o, nodesOnly in
                e.graph(o, nodesOnly: nodesOnly, keep: keep, edgesOf: edgesOf, values: values)
            }
            return try rpt.generate()
        case .list:
            let rpt = Report(profile: p, options: options, total: total)
            guard let symbol = options.symbol else { return try rpt.generate() }
            rpt.graphSource = { o, _ in
                guard o.objNames, !o.callTree, !o.collectTags, !o.origFnNames, o.keptNodes == nil else { return nil }
                return samples.listGraph(
                    symbol: symbol, noInlines: cfg.noInlines, trimPath: cfg.trimPath, sourcePath: cfg.sourcePath,
                    index: o.sampleIndex, meanIndex: o.meanDivisorIndex, keep: keep, dropNegative: o.dropNegative)
            }
            return try rpt.generate()
        case .tags:
            let rpt = Report(
                profile: samples.labelTotals(index: options.sampleIndex, keep: keep), options: options, total: total)
            return try rpt.generate()
        default:
            return nil
        }
    }

    /// `traces`, made ready to write, or nil when `handles` says no.
    static func tracesJob(
        command: String, config input: ReportConfig, samples: SampleIndex, engine: (TopEngine.Key) -> TopEngine,
        warn: (String) -> Void
    ) throws(ReportError) -> TracesJob? {
        guard handles(.traces, input) else { return nil }
        let cfg = ReportPipeline.applyCommandOverrides(command, .traces, input)
        let (options, total, keep) = try prepare(.traces, nil, cfg, samples, warn)
        // The other reports' engine of this granularity serves when trimming changed no file name.
        let trimmed = engine(TopEngine.Key(cfg))
        return TracesJob(
            engine: trimmed.namesFilesAsUntrimmed ? trimmed : engine(TopEngine.Key.untrimmed(cfg)),
            report: Report(profile: samples.profile, options: options, total: total), keep: keep)
    }

    /// What every fast report starts from, as ReportPipeline.makeReport works it out: the
    /// report options (with the argument's regexp), the total, and the samples focus and
    /// ignore keep; warnings given in the pipeline's order.
    private static func prepare(
        _ format: ReportFormat, _ argument: String?, _ cfg: ReportConfig, _ samples: SampleIndex,
        _ warn: (String) -> Void
    ) throws(ReportError) -> (options: ReportOptions, total: Int64, keep: [Bool]?) {
        for w in samples.unitWarnings { warn(w) }
        var options = try ReportPipeline.reportOptions(samples.profile, samples.numLabelUnits, cfg)
        options.format = format
        if let argument {
            do {
                options.symbol = try GoRegex(argument)
            } catch {
                throw ReportError("parsing argument regexp \(argument): \(error)")
            }
        }
        let total = samples.total(index: options.sampleIndex, meanIndex: options.meanDivisorIndex)
        let (keep, warnings) = try samples.keep(focus: cfg.focus, ignore: cfg.ignore)
        for w in warnings { warn(w) }
        return (options, total, keep)
    }

    /// What `traces` writes, ready to be written a chunk at a time: its errors and warnings
    /// have been given, and no output has been.
    struct TracesJob {
        let engine: TopEngine
        let report: Report
        let keep: [Bool]?

        func write<E: Error>(_ emit: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
            try engine.writeTraces(report, keep: keep, emit: emit)
        }

        func bytes() -> [UInt8] {
            var out: [UInt8] = []
            write { (chunk: UnsafeRawBufferPointer) in out.append(contentsOf: chunk.assumingMemoryBound(to: UInt8.self)) }
            return out
        }
    }
}

extension Shell {
    /// `traces` from the decoded samples when the options allow, written as it is made.
    func fastTraces(_ c: ReportCommand, config: ReportConfig) throws(ReportError) -> FastReports.TracesJob? {
        guard c.format == .traces, c.graphviz == nil, FastReports.handles(c.format, config) else { return nil }
        return try FastReports.tracesJob(
            command: c.name, config: config, samples: samples, engine: { engine(key: $0) }, warn: warn)
    }

    /// `tree`, `peek`, `list`, `tags`, `traces` from the decoded samples, when the options allow.
    func fastReport(_ c: ReportCommand, argument: String?, config: ReportConfig, warn: (String) -> Void)
        throws(ReportError) -> [UInt8]?
    {
        guard c.graphviz == nil, FastReports.handles(c.format, config) else { return nil }
        return try FastReports.report(
            command: c.name, format: c.format, argument: argument, config: config, samples: samples,
            engine: { engine(key: $0) }, warn: warn)
    }
}
