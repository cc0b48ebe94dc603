import Foundation
import ProfileFormat

/// What a report writes: bytes made at once, or `traces`, written a block at a time as it is
/// made (it can run to hundreds of megabytes).
public enum ReportOutput {
    case bytes([UInt8])
    case traces(IndexedReports.TracesJob)

    /// Hands the output to `emit`, a chunk at a time.
    public func write<E: Error>(_ emit: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        switch self {
        case .bytes(let b): try withBytes(b, emit)
        case .traces(let job): try job.write(emit)
        }
    }

    /// The whole output.
    public func bytes() -> [UInt8] {
        switch self {
        case .bytes(let b): return b
        case .traces(let job): return job.bytes()
        }
    }
}

extension ReportPipeline {
    /// Makes the report of `command` in `format` from the index of the loaded profile: what the
    /// command line does once and the shell does for every command. The reports of graphs,
    /// call trees, stacks, lines and labels are summed over the index; options that are not
    /// masks over it (hide, show, show_from, prune_from, tag filters, tagroot/tagleaf,
    /// relative percentages) transform the profile first and index the result. The formats
    /// that print the profile itself (`proto`, `raw`, `comments`, `folded`) filter and
    /// aggregate a copy of it (`makeReport`).
    public static func run(
        _ index: ProfileIndex, command: String, format: ReportFormat, argument: String? = nil,
        config: ReportConfig, keepsGraphs: Bool = false, warn: (String) -> Void
    ) throws(ReportError) -> ReportOutput {
        if config.json && !JSONReport.commands.contains(command) {
            throw ReportError("-json works with top, text, traces, tags, peek and tree, not \(command)")
        }
        switch format {
        case .text, .tree, .list, .tags, .traces, .topProto, .dot, .callgrind, .flame:
            return try IndexedReports.report(
                command: command, format: format, argument: argument, config: config, index: index,
                keepsGraphs: keepsGraphs, warn: warn)
        case .comments, .proto, .raw, .folded:
            let rpt = try PhaseTimer.measure("pipeline") { () throws(ReportError) in
                try makeReport(
                    index.profile, command: command, format: format, argument: argument, config: config, warn: warn)
            }
            rpt.keepsGraphs = keepsGraphs
            let bytes = try PhaseTimer.measure("report") { () throws(ReportError) in try rpt.generate() }
            if keepsGraphs { _ = Unmanaged.passRetained(rpt) }
            return .bytes(bytes)
        }
    }
}

/// The reports made over a ProfileIndex: the steps of ReportPipeline.makeReport (command
/// overrides, options, total, filters, aggregation) done over the index's samples and node
/// spaces, so that no report copies, filters or aggregates the profile unless an option asks
/// for a transform. Graph reports get their graphs from the node space through
/// Report.graphSource and print them with Report's own code; `top` and `traces` write their
/// bytes themselves; `tags` prints a profile of one sample per label.
public enum IndexedReports {
    /// The report's output.
    static func report(
        command: String, format: ReportFormat, argument: String?, config input: ReportConfig, index: ProfileIndex,
        keepsGraphs: Bool, warn: (String) -> Void
    ) throws(ReportError) -> ReportOutput {
        let cfg = ReportPipeline.applyCommandOverrides(command, format, input)
        for w in index.unitWarnings { warn(w) }
        // Filters go before the options with relative percentages, after them otherwise, as in
        // makeReport (an error in the options then comes before the filters' warnings).
        var options: ReportOptions
        let view: IndexView
        if cfg.relativePercentages {
            view = try index.view(cfg, warn: warn)
            options = try ReportPipeline.reportOptions(index.profile, index.numLabelUnits, cfg)
        } else {
            options = try ReportPipeline.reportOptions(index.profile, index.numLabelUnits, cfg)
            view = try index.view(cfg, warn: warn)
        }
        let samples = view.index
        options.format = format
        if let argument {
            do {
                options.symbol = try GoRegex(argument)
            } catch {
                throw ReportError("parsing argument regexp \(argument): \(error)")
            }
        }
        let total = view.total(options.sampleIndex, options.meanDivisorIndex)
        let (keep, warnings) = try samples.keep(focus: view.masks.focus, ignore: view.masks.ignore)
        for w in warnings { warn(w) }
        let p = samples.profile
        // JSON is one more format of the same rows (JSONReport).
        let json = cfg.json
        switch format {
        case .text:
            let space = samples.nodeSpace(NodeSpace.Key(view.masks))
            let table = PhaseTimer.measure("top") { space.topTable(options, total: total, keep: keep) }
            return .bytes(try json ? JSONReport.top(command, table) : table.text())
        case .traces:
            // The other reports' node space of this granularity serves when trimming changed no
            // file name.
            let trimmed = samples.nodeSpace(NodeSpace.Key(view.masks))
            let space = trimmed.namesFilesAsUntrimmed ? trimmed : samples.nodeSpace(NodeSpace.Key.untrimmed(view.masks))
            let rpt = Report(profile: p, options: options, total: total)
            var around: JSONReport.Around?
            if json { around = try JSONReport.around("traces", rpt) }
            return .traces(TracesJob(engine: space, report: rpt, keep: keep, json: around))
        case .tree, .dot, .topProto, .callgrind, .flame:
            let rpt = Report(profile: p, options: options, total: total)
            rpt.space = (samples, NodeSpace.Key(view.masks), keep)
            rpt.keepsGraphs = keepsGraphs
            // `peek` prints only the edges of the nodes its regexp matches; without cuts (that
            // weigh edges) the graph needs no others.
            if format == .tree, let symbol = options.symbol, options.nodeCount <= 0, options.nodeFraction <= 0,
                options.edgeFraction <= 0
            {
                let e = samples.nodeSpace(NodeSpace.Key(view.masks))
                let edgesOf = matchNames(symbol, e)
                let values = GraphValues()
                rpt.graphSource = { o, nodesOnly in
                    e.graph(o, nodesOnly: nodesOnly, keep: keep, edgesOf: edgesOf, values: values)
                }
            }
            let bytes = try json && format == .tree ? rpt.generateJSON(command: command) : rpt.generate()
            if keepsGraphs { _ = Unmanaged.passRetained(rpt) }
            return .bytes(bytes)
        case .list:
            let rpt = Report(profile: p, options: options, total: total)
            rpt.space = (samples, NodeSpace.Key(view.masks), keep)
            if let symbol = options.symbol {
                let masks = view.masks
                rpt.graphSource = { o, _ in
                    guard o.objNames, !o.callTree, !o.collectTags, o.keptNodes == nil else { return nil }
                    return samples.listGraph(
                        symbol: symbol, noInlines: masks.noInlines, trimPath: masks.trimPath,
                        sourcePath: masks.sourcePath, index: o.sampleIndex, meanIndex: o.meanDivisorIndex, keep: keep,
                        dropNegative: o.dropNegative)
                }
            }
            return .bytes(try rpt.generate())
        default:
            let rpt = Report(
                profile: samples.labelTotals(index: options.sampleIndex, keep: keep), options: options, total: total)
            return .bytes(try json ? rpt.generateJSON(command: command) : rpt.generate())
        }
    }

    /// What `traces` writes, ready to be written a chunk at a time: its errors and warnings
    /// have been given, and no output has been.
    public struct TracesJob {
        let engine: NodeSpace
        let report: Report
        let keep: [Bool]?
        /// For `-json`, the document around the rows.
        let json: JSONReport.Around?

        public func write<E: Error>(_ emit: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
            if let json {
                try engine.writeTracesJSON(report, keep: keep, around: json, emit: emit)
            } else {
                try engine.writeTraces(report, keep: keep, emit: emit)
            }
        }

        public func bytes() -> [UInt8] {
            var out: [UInt8] = []
            write { (chunk: UnsafeRawBufferPointer) in out.append(contentsOf: chunk.assumingMemoryBound(to: UInt8.self)) }
            return out
        }
    }
}

/// The index a report reads and the options left to apply to it as masks: the loaded
/// profile's own index when every option is a mask over it, else the index of the profile
/// the other options transform it into.
struct IndexView {
    let index: ProfileIndex
    /// The configuration with the options the transform applied cleared.
    let masks: ReportConfig
    /// The report total, as pprof's Report.New takes it: before the filters, unless
    /// relative_percentages asks for the filtered profile's.
    let total: (_ sampleIndex: Int, _ meanIndex: Int?) -> Int64

    /// Whether `cfg` has an option that is not a mask over an index.
    static func transforms(_ cfg: ReportConfig) -> Bool {
        !(cfg.hide.isEmpty && cfg.show.isEmpty && cfg.showFrom.isEmpty && cfg.pruneFrom.isEmpty
            && cfg.tagFocus.isEmpty && cfg.tagIgnore.isEmpty && cfg.tagShow.isEmpty && cfg.tagHide.isEmpty
            && cfg.tagRoot.isEmpty && cfg.tagLeaf.isEmpty && !cfg.relativePercentages)
    }

    /// The options the transform reads, as a key for the transformed index.
    static func transformKey(_ cfg: ReportConfig) -> [String] {
        [
            cfg.focus, cfg.ignore, cfg.hide, cfg.show, cfg.showFrom, cfg.pruneFrom, cfg.tagFocus, cfg.tagIgnore,
            cfg.tagShow, cfg.tagHide, cfg.tagRoot, cfg.tagLeaf, cfg.unit.description, String(cfg.relativePercentages),
        ]
    }
}

extension ProfileIndex {
    /// The index and masks for a report with options `cfg` (command overrides applied). The
    /// index of a transformed profile is kept for the next report with the same transform.
    func view(_ cfg: ReportConfig, warn: (String) -> Void) throws(ReportError) -> IndexView {
        guard IndexView.transforms(cfg) else {
            return IndexView(index: self, masks: cfg, total: { self.total(index: $0, meanIndex: $1) })
        }
        let key = IndexView.transformKey(cfg)
        let derived: ProfileIndex
        if let known = transformed, known.key == key {
            derived = known.index
            for w in known.warnings { warn(w) }
        } else {
            var warnings: [String] = []
            var p = profile
            try ReportPipeline.addLabelNodes(&p, cfg, warn: { warnings.append($0) })
            try ReportPipeline.applyFocus(&p, numLabelUnits, cfg, warn: { warnings.append($0) })
            for w in warnings { warn(w) }
            derived = ProfileIndex(profile: p, numLabelUnits: numLabelUnits)
            transformed = (key, derived, warnings)
        }
        var masks = cfg
        for path in [
            \ReportConfig.focus, \.ignore, \.hide, \.show, \.showFrom, \.pruneFrom, \.tagFocus, \.tagIgnore,
            \.tagShow, \.tagHide, \.tagRoot, \.tagLeaf,
        ] {
            masks[keyPath: path] = ""
        }
        masks.relativePercentages = false
        // Tag roots and leaves add frames, not values: the total is the loaded profile's.
        let relative = cfg.relativePercentages
        return IndexView(
            index: derived, masks: masks,
            total: { relative ? derived.total(index: $0, meanIndex: $1) : self.total(index: $0, meanIndex: $1) })
    }
}
