import Foundation
import ProfileFormat

/// The report kinds; several commands share one (`top` and `text`, `peek` and `tree`).
public enum ReportFormat: Sendable {
    case callgrind, comments, dot, list, proto, raw, tags, text, topProto, traces, tree, flame, folded
}

/// What a report needs to know beyond the profile (pprof's report.Options).
public struct ReportOptions {
    public var format: ReportFormat = .text
    public var cumSort = false
    public var callTree = false
    public var dropNegative = false
    public var compactLabels = false
    /// Values are multiplied by this before printing (1 / divide_by).
    public var ratio = 1.0
    public var title = ""
    public var profileLabels: [String] = []
    public var activeFilters: [String] = []
    public var numLabelUnits: [String: String] = [:]
    public var nodeCount = 0
    public var nodeFraction = 0.0
    public var edgeFraction = 0.0
    public var sampleIndex = 0
    public var meanDivisorIndex: Int?
    public var sampleType = ""
    public var sampleUnit = ""
    public var outputUnit = OutputUnit.minimum
    /// The regular expression of `list`, `peek`, `disasm`.
    public var symbol: GoRegex?
    public var sourcePath = ""
    public var trimPath = ""

    public init() {}
}

/// A profile ready to be reported: filtered, aggregated, with its total fixed.
public final class Report {
    public var profile: Profile {
        didSet { space = nil }
    }
    public let total: Int64
    public var options: ReportOptions
    /// When set, makes the report's graphs instead of the node space (`tree`/`peek` with only
    /// the edges they print, `list` with the lines of the functions it prints), given the
    /// graph options and whether only the nodes' values are wanted; nil for options it does
    /// not cover.
    public var graphSource: ((GraphOptions, Bool) -> Graph?)?
    /// Where the report's graphs are summed: a node space of an index (its key's `objNames`
    /// set by each graph) over the samples `keep` lets through. IndexedReports sets it to the
    /// loaded profile's index and masks; else it is made from `profile` on first use.
    var space: (index: ProfileIndex, key: NodeSpace.Key, keep: [Bool]?)?
    /// The nodes' values of the report's first graph, for its later ones.
    private let graphValues = GraphValues()
    /// Keep every graph built until the report goes away, for a process that exits after one
    /// report without freeing it: freeing a graph of 100,000 edges object by object takes
    /// tens of milliseconds that nobody waits for otherwise.
    public var keepsGraphs = false
    private var keptGraphs: [Graph] = []

    public init(profile: Profile, options: ReportOptions) {
        self.profile = profile
        self.options = options
        total = Report.computeTotal(profile, options.sampleIndex, options.meanDivisorIndex)
    }

    /// A report whose total is known already (computeTotal's, made from other arrays).
    public init(profile: Profile, options: ReportOptions, total: Int64) {
        self.profile = profile
        self.options = options
        self.total = total
    }

    /// A value in the output unit, as reports print it ("1.50MB").
    public func formatValue(_ v: Int64) -> String {
        var v = v
        let r = options.ratio
        if r > 0 && r != 1 { v = goInt64(Double(v) * r) }
        return currentScaler().label(v)
    }

    /// formatValue as a function of the current options that is safe to call from any thread.
    public func valueFormatter() -> @Sendable (Int64) -> String {
        let scaler = currentScaler()
        let r = options.ratio
        return { value in
            var v = value
            if r > 0 && r != 1 { v = goInt64(Double(v) * r) }
            return scaler.label(v)
        }
    }

    /// The units of formatValue, looked up once (the output unit is chosen after the graph).
    private var scaler: Measurement.Scaler?

    private func currentScaler() -> Measurement.Scaler {
        if let scaler, scaler.from == options.sampleUnit, scaler.to == options.outputUnit { return scaler }
        let made = Measurement.Scaler(from: options.sampleUnit, to: options.outputUnit)
        scaler = made
        return made
    }

    /// The sum of |value| over samples (over the base samples only, with -diff_base), divided by
    /// the summed counts with -mean.
    static func computeTotal(_ p: Profile, _ index: Int, _ meanIndex: Int?) -> Int64 {
        var div: Int64 = 0, total: Int64 = 0, diffDiv: Int64 = 0, diffTotal: Int64 = 0
        for s in p.samples {
            var v = s.values[index]
            let d = meanIndex.map { s.values[$0] } ?? 0
            if v < 0 { v = 0 &- v }
            total &+= v
            div &+= d
            if s.isDiffBase {
                diffTotal &+= v
                diffDiv &+= d
            }
        }
        if diffTotal > 0 {
            total = diffTotal
            div = diffDiv
        }
        return meanValue(total, div)
    }

    /// Picks one unit for the whole report from the smallest shown value and the total.
    public func selectOutputUnit(_ g: Graph) {
        guard options.outputUnit == .minimum, g.selectedCount > 0 else { return }
        let omitted = g.omitted.map { [($0.minValue, Int64(0))] } ?? []
        options.outputUnit = .unit(Report.minimumUnit(
            values: g.nodes.lazy.map { ($0.flatValue, $0.cumValue) } + omitted, total: total, options: options))
    }

    /// pprof's "minimum" unit: the unit of the smallest nonzero |flat| (|cum| when flat is 0),
    /// or of 100 times it when that is much smaller than the total (not for callgrind).
    public static func minimumUnit<S: Sequence>(values: S, total: Int64, options: ReportOptions) -> String
    where S.Element == (Int64, Int64) {
        var minValue: Int64 = 0
        for (flat, cum) in values {
            var nodeMin = goAbs(flat)
            if nodeMin == 0 { nodeMin = goAbs(cum) }
            if nodeMin > 0 && (minValue == 0 || nodeMin < minValue) { minValue = nodeMin }
        }
        return minimumUnit(smallest: minValue, largest: total, options: options)
    }

    /// The unit go picks for values from `smallest` (0: none; then `largest`) to `largest`: the
    /// smallest's, or a hundredth of the way up when the two scale to different units.
    public static func minimumUnit(smallest: Int64, largest: Int64, options: ReportOptions) -> String {
        var minValue = smallest, maxValue = largest
        if minValue == 0 { minValue = maxValue }
        let r = options.ratio
        if r > 0 && r != 1 {
            minValue = goInt64(Double(minValue) * r)
            maxValue = goInt64(Double(maxValue) * r)
        }
        let minUnit = Measurement.scale(minValue, from: options.sampleUnit, to: .minimum).1
        let maxUnit = Measurement.scale(maxValue, from: options.sampleUnit, to: .minimum).1
        var unit = minUnit
        if minUnit != maxUnit && minValue &* 100 < maxValue && options.format != .callgrind {
            unit = Measurement.scale(100 &* minValue, from: options.sampleUnit, to: .minimum).1
        }
        return unit.isEmpty ? options.sampleUnit : unit
    }

    /// The graph options this report builds with.
    public func graphOptions(keptNodes: Set<NodeInfo>? = nil) -> GraphOptions {
        var o = GraphOptions(sampleIndex: options.sampleIndex, meanDivisorIndex: options.meanDivisorIndex)
        let outputUnit = options.outputUnit
        o.formatTag = { v, key in Measurement.scaledLabel(v, from: key, to: outputUnit) }
        o.callTree = options.callTree && (options.format == .dot || options.format == .callgrind)
        o.dropNegative = options.dropNegative
        o.keptNodes = keptNodes
        o.collectTags = options.format == .dot
        switch options.format {
        case .raw, .list, .callgrind: o.objNames = true
        default: break
        }
        return o
    }

    /// The node space the report's graphs are summed over, naming binaries on every node or
    /// not (and with file names as the profile has them, for `traces`), and the samples it keeps.
    func graphSpace(objNames: Bool, trimsFiles: Bool = true) -> (space: NodeSpace, keep: [Bool]?) {
        let from =
            space
            ?? (
                ProfileIndex(profile: profile, numLabelUnits: options.numLabelUnits),
                NodeSpace.Key(asIs: options, objNames: objNames), nil
            )
        space = from
        var key = trimsFiles ? from.key : from.key.untrimmed()
        key.objNames = objNames
        return (from.index.nodeSpace(key), from.keep)
    }

    /// Builds the call graph, keeping only `keptNodes` when given.
    public func newGraph(keptNodes: Set<NodeInfo>? = nil) -> Graph {
        newGraph(keptNodes: keptNodes, firstCut: false)
    }

    /// A `firstCut` graph has the nodes' values only: no tags, no edges.
    func newGraph(keptNodes: Set<NodeInfo>?, firstCut: Bool) -> Graph {
        var o = graphOptions(keptNodes: keptNodes)
        o.collectTags = o.collectTags && !firstCut
        if firstCut { o.firstCutFraction = options.nodeFraction }
        if o.collectTags {
            // Trimming builds the graph up to three times; the samples' tags stay the same.
            if sampleTagsCache?.unit != options.outputUnit {
                // Only the `bytes` numeric label becomes tags, and the diff-base marker never does.
                let bytes = (key: "bytes", unit: options.numLabelUnits["bytes"] ?? "")
                sampleTagsCache = (
                    options.outputUnit,
                    SampleTagIndex(
                        profile.samples, format: o.formatTag, onlyNumeric: bytes, skipping: Profile.diffBaseLabel)
                )
            }
            o.sampleTags = sampleTagsCache?.index
        }
        if let source = graphSource, let g = source(o, firstCut) { return g }
        let (space, keep) = graphSpace(objNames: o.objNames)
        let g = PhaseTimer.measure("graph") {
            space.graph(o, nodesOnly: firstCut, keep: keep, values: graphValues)
        }
        if keepsGraphs { keptGraphs.append(g) }
        return g
    }

    private var sampleTagsCache: (unit: OutputUnit, index: SampleTagIndex)?

    /// The graph after nodefraction, nodecount and edgefraction, with counts for the header.
    public func newTrimmedGraph() -> (graph: Graph, origCount: Int, droppedNodes: Int, droppedEdges: Int) {
        let visualMode = options.format == .dot
        let callTree = options.callTree && (options.format == .dot || options.format == .callgrind)
        // The first graph is usually rebuilt without its light nodes: it needs only the nodes'
        // values, unless nothing is dropped after all (then it is built again in full).
        let firstCut = !callTree && options.nodeFraction > 0
        var g = newGraph(keptNodes: nil, firstCut: firstCut)
        var rebuilt = false
        let totalValue = g.sum().flat
        let nodeCutoff = Graph.cutoff(options.nodeFraction, of: totalValue)
        let edgeCutoff = Graph.cutoff(options.edgeFraction, of: totalValue)
        var droppedNodes = 0, droppedEdges = 0
        if !visualMode && !callTree && options.nodeCount > 0,
            let cut = topNodesFromFirstCut(g, nodeCutoff: nodeCutoff, edgeCutoff: edgeCutoff)
        {
            return cut
        }
        if nodeCutoff > 0 {
            if callTree {
                let kept = g.discardLowFrequencyNodePtrs(nodeCutoff)
                if kept.count != g.nodes.count {
                    droppedNodes = g.nodes.count - kept.count
                    g.trimTree(kept)
                }
            } else {
                let kept = g.discardLowFrequencyNodes(nodeCutoff)
                if kept.count != g.selectedCount {
                    droppedNodes = g.selectedCount - kept.count
                    g = newGraph(keptNodes: kept)
                    rebuilt = true
                }
            }
        }
        if firstCut && !rebuilt { g = newGraph() }
        let origCount = g.selectedCount
        g.sortNodes(cum: options.cumSort, visualMode: visualMode)
        if options.nodeCount > 0 {
            g.trimLowFrequencyTags(nodeCutoff)
            g.trimLowFrequencyEdges(edgeCutoff)
            var top = g.selectTopNodes(options.nodeCount, visualMode: visualMode)
            if !callTree { top = Graph.keptByCum(top) }
            if top.count != g.nodes.count {
                if callTree {
                    g.trimTree(Set(top.map(\.id)))
                } else {
                    g = newGraph(keptNodes: Set(top.map(\.info)))
                }
                g.sortNodes(cum: options.cumSort, visualMode: visualMode)
            }
        }
        g.trimLowFrequencyTags(nodeCutoff)
        droppedEdges = g.trimLowFrequencyEdges(edgeCutoff)
        if visualMode { g.removeRedundantEdges() }
        return (g, origCount, droppedNodes, droppedEdges)
    }

    /// The trimmed graph of a report that is not a picture, made from the first graph in one more
    /// build when nodecount drops nodes: the nodes that survive nodefraction have the same values
    /// in the graph rebuilt without the others (a dropped node only takes flat weight away from
    /// nobody), and without pictures the order of nodes depends on those values and names only;
    /// so the graph of the survivors, which would be built just to pick the top nodes and then
    /// thrown away, is not needed. Nil when nodecount drops nothing.
    private func topNodesFromFirstCut(_ first: Graph, nodeCutoff: Int64, edgeCutoff: Int64)
        -> (graph: Graph, origCount: Int, droppedNodes: Int, droppedEdges: Int)?
    {
        var survivors = first.nodes
        var droppedNodes = 0
        if nodeCutoff > 0 {
            let kept = survivors.filter { goAbs($0.cum) >= nodeCutoff }
            if kept.count != first.selectedCount {
                droppedNodes = first.selectedCount - kept.count
                survivors = kept
            }
        }
        let ranked = Graph(nodes: survivors, storage: first.storage)
        ranked.sortNodes(cum: options.cumSort, visualMode: false)
        let top = Graph.keptByCum(ranked.selectTopNodes(options.nodeCount, visualMode: false))
        if top.count == ranked.nodes.count { return nil }
        let g = newGraph(keptNodes: Set(top.map(\.info)))
        g.sortNodes(cum: options.cumSort, visualMode: false)
        g.trimLowFrequencyTags(nodeCutoff)
        let droppedEdges = g.trimLowFrequencyEdges(edgeCutoff)
        return (g, ranked.nodes.count, droppedNodes, droppedEdges)
    }

    /// The header lines about the profile: file, build id, comments, type, time, duration.
    public func profileLabels() -> [String] {
        var label: [String] = []
        let p = profile
        if let m = p.mappings.first {
            if !m.file.isEmpty { label.append("File: " + baseName(m.file)) }
            if !m.buildID.isEmpty { label.append("Build ID: " + m.buildID) }
        }
        for c in p.comments where !c.hasPrefix("#") { label.append(c) }
        if !options.sampleType.isEmpty { label.append("Type: " + options.sampleType) }
        if p.timeNanos != 0 { label.append("Time: " + GoTime.format(nanos: p.timeNanos)) }
        if p.durationNanos != 0 {
            let duration = Measurement.label(p.durationNanos, unit: "nanoseconds")
            let (totalNanos, totalUnit) = Measurement.scale(total, from: options.sampleUnit, to: "nanoseconds")
            var ratio = ""
            if totalUnit == "ns" && totalNanos != 0 {
                ratio = "(" + Measurement.percentage(Int64(totalNanos), p.durationNanos) + ")"
            }
            label.append("Duration: \(duration), Total samples = \(formatValue(total)) \(ratio)")
        }
        return label
    }

    /// The header of graph-based reports.
    public func reportLabels(
        _ g: Graph, origCount: Int, droppedNodes: Int, droppedEdges: Int, fullHeaders: Bool
    ) -> [String] {
        var flatSum: Int64 = g.omitted?.flatValue ?? 0
        for n in g.nodes { flatSum &+= n.flatValue }
        return reportLabels(
            flatSum: flatSum, shown: g.nodes.count, selected: g.selectedCount, origCount: origCount,
            droppedNodes: droppedNodes, droppedEdges: droppedEdges, fullHeaders: fullHeaders)
    }

    /// The header of a report that shows `shown` of the `selected` nodes (flat values adding up
    /// to `flatSum`) out of `origCount` after cuts.
    func reportLabels(
        flatSum: Int64, shown: Int, selected: Int, origCount: Int, droppedNodes: Int, droppedEdges: Int,
        fullHeaders: Bool
    ) -> [String] {
        var label: [String] = []
        if !options.profileLabels.isEmpty {
            label += options.profileLabels
        } else if fullHeaders || !options.compactLabels {
            label += profileLabels()
        }
        if !options.activeFilters.isEmpty {
            label.append("Active filters:")
            for f in options.activeFilters {
                var s = f
                if s.utf8.count > 80 { s = String(decoding: Array(s.utf8.prefix(80)), as: UTF8.self) + "…" }
                label.append("   " + s)
            }
        }
        label.append(
            "Showing nodes accounting for \(formatValue(flatSum)), "
                + "\(Measurement.percentage(flatSum, total).trimmingCharacters(in: .whitespaces)) of \(formatValue(total)) total"
        )
        if total != 0 {
            if droppedNodes > 0 {
                label.append(
                    dropLabel(droppedNodes, "node", "cum", formatValue(Graph.cutoff(options.nodeFraction, of: total))))
            }
            if droppedEdges > 0 {
                label.append(
                    dropLabel(droppedEdges, "edge", "freq", formatValue(Graph.cutoff(options.edgeFraction, of: total))))
            }
            if shown > 0 && selected < origCount {
                label.append("Showing top \(shown) nodes out of \(origCount)")
            }
        }
        if fullHeaders { label.append("\nSee https://git.io/JfYMW for how to read the graph") }
        return label
    }

    private func dropLabel(_ d: Int, _ n: String, _ l: String, _ f: String) -> String {
        "Dropped \(d) \(d > 1 ? n + "s" : n) (\(l) <= \(f))"
    }
}

/// Strips a build machine's path prefix from a source path (pprof's trimPath heuristics).
public func trimPath(_ path: String, trim: String, search: String) -> String {
    if trim.isEmpty {
        for dir in splitList(search) {
            let want = "/" + baseName(dir) + "/"
            if let r = path.range(of: want) { return String(path[r.upperBound...]) }
        }
    }
    for var t in splitList(trim) + ["/proc/self/cwd/./", "/proc/self/cwd/"] {
        if !t.hasSuffix("/") { t += "/" }
        if path.hasPrefix(t) { return String(path.dropFirst(t.count)) }
    }
    return path
}

/// Go's filepath.SplitList: colon-separated, empty input gives nothing.
public func splitList(_ s: String) -> [String] {
    s.isEmpty ? [] : s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
}
