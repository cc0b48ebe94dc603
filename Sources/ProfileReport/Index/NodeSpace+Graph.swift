import Foundation
import ProfileFormat

/// The call graph of `tree`/`peek` from the engine's decoded stacks: the same sums and edges
/// as pprof's graph.New over the filtered, aggregated profile, without copying, filtering or
/// aggregating the profile and without rebuilding the node table.
extension NodeSpace {
    /// The engine's node for a graph node's identity, if it has one.
    func node(for info: NodeInfo) -> Int32? {
        guard info.origName.isEmpty else { return nil }
        let ids = samples.nameIDs
        guard let name = info.name.isEmpty ? 0 : ids[info.name],
            let objfile = info.objfile.isEmpty ? 0 : ids[info.objfile],
            let file = info.file.isEmpty ? 0 : trimmedFileIDs[info.file]
        else { return nil }
        let key = NodeKey(
            name: name, file: file, objfile: objfile, line: Int64(info.lineno), startLine: Int64(info.startLine),
            address: info.address)
        return nodeTable.find(key.fastHash) { keys[$0] == key }.map(Int32.init)
    }

    /// The graph over the samples `keep` lets through (all when nil), as Report asks for it:
    /// only nodes in `o.keptNodes` (others become residual gaps), without edges when `nodesOnly`.
    /// With `edgesOf`, only edges from or to those nodes are made (a report that prints no
    /// others). With `o.collectTags`, the nodes get the tags of `o.sampleTags` (made by the
    /// report); with `o.callTree`, the graph is a call tree (callTree). `o` names binaries
    /// on nodes as the space's key does.
    /// `values` keeps the nodes' values of the report's first graph: a graph of fewer nodes
    /// without edges has the same values on the nodes it keeps.
    func graph(
        _ o: GraphOptions, nodesOnly: Bool, keep: [Bool]?, edgesOf: [Bool]? = nil, values: GraphValues? = nil
    ) -> Graph {
        precondition(o.objNames == key.objNames, "a graph names nodes as its node space does")
        let tagIndex = o.collectTags ? o.sampleTags : nil
        var kept: [Bool]?
        if let infos = o.keptNodes {
            var mask = [Bool](repeating: false, count: nodeCount)
            for info in infos {
                if let n = node(for: info) { mask[Int(n)] = true }
            }
            kept = mask
        }
        if o.callTree { return callTree(o, keep: keep, kept: kept, tagIndex: tagIndex) }
        var sums: GraphSums
        var tags: TagSums?
        let valuesKey = GraphValues.Key(index: o.sampleIndex, meanIndex: o.meanDivisorIndex)
        if nodesOnly, let values, let known = values.sums, values.key == valuesKey {
            // A leaf's flat goes to its node, and a node's cum counts each sample it is in,
            // whichever other nodes are kept.
            sums = known
            if let kept {
                for n in 0..<nodeCount where !kept[n] {
                    sums.flat[n] = 0
                    sums.flatDiv[n] = 0
                    sums.cum[n] = 0
                    sums.cumDiv[n] = 0
                }
            }
        } else {
            (sums, tags) = graphSums(
                index: o.sampleIndex, meanIndex: o.meanDivisorIndex, keep: keep, kept: kept, withEdges: !nodesOnly,
                edgesOf: edgesOf, tagIndex: tagIndex)
            if nodesOnly && kept == nil, let values {
                values.sums = sums
                values.key = valuesKey
            }
        }
        var omitted: OmittedNodes?
        if let edgesOf {
            sums.keepEdges { edgesOf[Int($0)] || edgesOf[Int($1)] }
            // A report that prints only these nodes and links only to the other ends of their
            // edges needs no Node for any other.
            var linked = edgesOf
            for e in sums.edgeSrc.indices {
                linked[Int(sums.edgeSrc[e])] = true
                linked[Int(sums.edgeDst[e])] = true
            }
            omitted = sums.omit(dropNegative: o.dropNegative) { !linked[$0] }
        } else if nodesOnly && kept == nil, let fraction = o.firstCutFraction {
            omitted = sums.cut(fraction, dropNegative: o.dropNegative)
        }
        // Every node's rank, made once, serves graphs of most nodes; a graph of fewer (a first
        // cut, a peek at line level) ranks its own names when it sorts them.
        var rank: [Int32]?
        let made = (0..<nodeCount).lazy.filter({ sums.flat[$0] != 0 || sums.cum[$0] != 0 }).count
        if hasNameRank || (made > 4096 && made > nodeCount / 2) {
            rank = nameRank
        }
        let (g, position) = Graph.assemble(
            sums, info: { self.info($0) }, name: { self.name($0) }, rank: rank.map { r in { r[$0] } },
            dropNegative: o.dropNegative, tags: tagIndex.flatMap { index in tags.map { (index, $0) } })
        g.omitted = omitted
        if o.objNames { linkFunctions(g, position: position) }
        return g
    }

    /// Gives each node of `g` its `function` node (callgrind tells functions apart by it): the
    /// graph's node of that identity, or a node of its own that the graph keeps but does not
    /// list. `position` is each node number's index in the graph's storage.
    private func linkFunctions(_ g: Graph, position: [Int32]) {
        let of = functionOf
        var made: [Int32: Node] = [:]
        for n in 0..<nodeCount where position[n] >= 0 {
            let node = g.storage[Int(position[n])]
            let f = of[n]
            if f < nodeCount && position[Int(f)] >= 0 {
                node.function = g.storage[Int(position[Int(f)])]
            } else if let known = made[f] {
                node.function = known
            } else {
                let fn = Node(id: g.storage.count, info: functionInfo(Int(f)))
                fn.function = fn
                g.storage.append(fn)
                made[f] = fn
                node.function = fn
            }
        }
    }

    /// Node values and edges over the kept samples, summed in parts on the cores, and with
    /// `tagIndex` the nodes' tags.
    func graphSums(
        index: Int, meanIndex: Int?, keep: [Bool]?, kept: [Bool]?, withEdges: Bool, edgesOf: [Bool]? = nil,
        tagIndex: SampleTagIndex? = nil
    ) -> (GraphSums, TagSums?) {
        // With every node kept, the nodes' values are what `top` sums (cachedSums); only the
        // edges are summed here.
        func withNodeValues(_ edges: GraphSums) -> GraphSums {
            let s = cachedSums(index: index, meanIndex: meanIndex, keep: keep)
            var g = edges
            g.flat = s.flat
            g.flatDiv = s.flatDiv
            g.cum = s.cum
            g.cumDiv = s.cumDiv
            return g
        }
        if tagIndex == nil && kept == nil && !withEdges { return (withNodeValues(GraphSums(nodeCount: nodeCount)), nil) }
        if tagIndex == nil && kept == nil, let edgesOf {
            // Only the edges of a few nodes: found in a pass over the frames.
            return (withNodeValues(incidentEdges(of: edgesOf, index: index, meanIndex: meanIndex, keep: keep)), nil)
        }
        let ranges = Parallel.ranges(samples.count, parts: Parallel.parts(samples.count, from: 20_000, atMost: 2))
        let column = values[index]
        let divisors = meanIndex.map { values[$0] }
        if tagIndex == nil && kept == nil {
            // Every frame kept: the edges between consecutive frames are numbered once.
            let edges = frameEdges
            let parts = Parallel.map(ranges.count) { EdgeListSums(self, edges, ranges[$0], column, divisors, keep) }
            var total = parts[0]
            for part in parts.dropFirst() { total.merge(part) }
            return (withNodeValues(total.graphSums(nodeCount: nodeCount, edges: edges)), nil)
        }
        var keptNodes: [Int32] = []
        var keptID = [Int32](repeating: -1, count: nodeCount)
        for n in 0..<nodeCount where kept?[n] ?? true {
            keptID[n] = Int32(keptNodes.count)
            keptNodes.append(Int32(n))
        }
        if tagIndex == nil && keptNodes.count <= keptTableLimit {
            // Few nodes: edges found in a table of every pair.
            let k = keptNodes.count
            let parts = Parallel.map(ranges.count) {
                KeptGraphSums(
                    self, ranges[$0], keptID: keptID, keptCount: k, column, divisors, keep, withEdges: withEdges)
            }
            var total = parts[0]
            for part in parts.dropFirst() { total.merge(part) }
            return (total.graphSums(nodeCount: nodeCount, keptNodes: keptNodes), nil)
        }
        let parts = Parallel.map(ranges.count) { part in
            var acc = FrameGraphAccumulator(nodeCount: nodeCount)
            acc.add(
                self, ranges[part], index: index, meanIndex: meanIndex, keep: keep, kept: kept,
                withEdges: withEdges, tagIndex: tagIndex)
            return acc
        }
        var total = parts[0]
        for part in parts.dropFirst() { total.merge(part) }
        return (total.sums, tagIndex == nil ? nil : total.tags)
    }
}

extension NodeSpace {
    /// `sums` for these options; the last ones are kept (a report's graphs, and the next
    /// report with the same options, sum the same values).
    func cachedSums(index: Int, meanIndex: Int?, keep: [Bool]?) -> Sums {
        if let last = lastSums, last.index == index, last.meanIndex == meanIndex, last.keep == keep {
            return last.sums
        }
        let s = sums(index: index, meanIndex: meanIndex, keep: keep)
        lastSums = (index, meanIndex, keep, s)
        return s
    }

    /// The edges from and to the nodes of `of` over the kept samples, as the graph builder
    /// sums them (once per sample, not inline once a first visit in a sample is a location's
    /// own line). Each edge is visited from one node only, in frame order: edges out of a node
    /// of `of`, and edges into one from other nodes, in one pass over the frames.
    func incidentEdges(of matched: [Bool], index: Int, meanIndex: Int?, keep: [Bool]?) -> GraphSums {
        // Edges are counted once per sample, so halves of the samples are summed apart, on
        // two threads for a large profile, and added.
        let ranges = Parallel.ranges(samples.count, parts: Parallel.parts(samples.count, from: 20_000, atMost: 2))
        let parts = Parallel.map(ranges.count) { part in
            var edges = IncidentEdges(
                matched: matched, column: values[index], divisors: meanIndex.map { values[$0] },
                keep: keep, frames: frameNode, inlines: frameInline, start: sampleStart)
            frameNode.withUnsafeBufferPointer { frames in
                matched.withUnsafeBufferPointer { matched in
                    sampleStart.withUnsafeBufferPointer { start in
                        for si in ranges[part] {
                            for f in Int(start[si])..<Int(start[si + 1]) where matched[Int(frames[f])] {
                                edges.visit(f, sample: si, node: frames[f])
                            }
                        }
                    }
                }
            }
            return edges
        }
        var edges = parts[0]
        for part in parts.dropFirst() { edges.merge(part) }
        var sums = GraphSums(nodeCount: nodeCount)
        sums.edgeSrc = edges.src
        sums.edgeDst = edges.dst
        sums.edgeWeight = edges.weight
        sums.edgeWeightDiv = edges.weightDiv
        sums.edgeResidual = [Bool](repeating: false, count: edges.src.count)
        sums.edgeInline = edges.inline
        return sums
    }
}

/// The edges of incidentEdges, summed as frames of matched nodes are visited.
private struct IncidentEdges {
    let matched: [Bool]
    let column: [Int64]
    let divisors: [Int64]?
    let keep: [Bool]?
    let frames: [Int32]
    let inlines: [Bool]
    let start: [Int32]
    var src: [Int32] = [], dst: [Int32] = [], weight: [Int64] = [], weightDiv: [Int64] = []
    var inline: [Bool] = []
    /// The last sample each edge was counted for.
    var lastSample: [Int32] = []
    var table = FastIndexTable(capacity: 1 << 12)
    /// The last edge found on each side: a node's neighbors repeat from frame to frame.
    var lastIn: (from: Int32, to: Int32, edge: Int) = (-1, -1, -1)
    var lastOut: (from: Int32, to: Int32, edge: Int) = (-1, -1, -1)

    init(
        matched: [Bool], column: [Int64], divisors: [Int64]?, keep: [Bool]?, frames: [Int32], inlines: [Bool],
        start: [Int32]
    ) {
        self.matched = matched
        self.column = column
        self.divisors = divisors
        self.keep = keep
        self.frames = frames
        self.inlines = inlines
        self.start = start
    }

    /// Adds the edges `other` counted over other samples.
    mutating func merge(_ other: IncidentEdges) {
        for k in other.src.indices {
            let (from, to) = (other.src[k], other.dst[k])
            let h = FrameGraphAccumulator.hash(from, to)
            if let e = table.find(h, { src[$0] == from && dst[$0] == to }) {
                weight[e] &+= other.weight[k]
                weightDiv[e] &+= other.weightDiv[k]
                inline[e] = inline[e] && other.inline[k]
            } else {
                table.insert(h, src.count)
                src.append(from)
                dst.append(to)
                weight.append(other.weight[k])
                weightDiv.append(other.weightDiv[k])
                inline.append(other.inline[k])
                lastSample.append(-1)
            }
        }
    }

    /// Counts the edge into frame `f` of sample `si` (unless its source is matched: counted
    /// from there) and the edge out of it, each once per sample.
    mutating func visit(_ f: Int, sample si: Int, node: Int32) {
        if let keep, !keep[si] { return }
        let w = column[si]
        let dw = divisors?[si] ?? 0
        if w == 0 && dw == 0 { return }
        let mark = Int32(truncatingIfNeeded: si)
        for side in 0..<2 {
            let (from, to, destFrame): (Int32, Int32, Int)
            if side == 0 {
                guard f > Int(start[si]) else { continue }
                from = frames[f - 1]
                if from == node || matched[Int(from)] { continue }
                (to, destFrame) = (node, f)
            } else {
                guard f + 1 < Int(start[si + 1]) else { continue }
                to = frames[f + 1]
                if to == node { continue }
                (from, destFrame) = (node, f + 1)
            }
            let e: Int
            let last = side == 0 ? lastIn : lastOut
            if last.from == from && last.to == to {
                e = last.edge
            } else if let known = table.find(
                FrameGraphAccumulator.hash(from, to), { src[$0] == from && dst[$0] == to })
            {
                e = known
            } else {
                e = src.count
                table.insert(FrameGraphAccumulator.hash(from, to), e)
                src.append(from)
                dst.append(to)
                weight.append(0)
                weightDiv.append(0)
                inline.append(true)
                lastSample.append(-1)
            }
            if side == 0 { lastIn = (from, to, e) } else { lastOut = (from, to, e) }
            if lastSample[e] == mark { continue }
            lastSample[e] = mark
            weight[e] &+= w
            weightDiv[e] &+= dw
            if !inlines[destFrame] { inline[e] = false }
        }
    }
}

extension GraphSums {
    /// Drops the edges for which `keep(src, dst)` is false.
    mutating func keepEdges(_ keep: (Int32, Int32) -> Bool) {
        var j = 0
        for e in edgeSrc.indices where keep(edgeSrc[e], edgeDst[e]) {
            edgeSrc[j] = edgeSrc[e]
            edgeDst[j] = edgeDst[e]
            edgeWeight[j] = edgeWeight[e]
            edgeWeightDiv[j] = edgeWeightDiv[e]
            edgeResidual[j] = edgeResidual[e]
            edgeInline[j] = edgeInline[e]
            j += 1
        }
        edgeSrc.removeSubrange(j...)
        edgeDst.removeSubrange(j...)
        edgeWeight.removeSubrange(j...)
        edgeWeightDiv.removeSubrange(j...)
        edgeResidual.removeSubrange(j...)
        edgeInline.removeSubrange(j...)
    }
}

/// The edges between consecutive frames of the engine's samples, numbered once per engine:
/// frame `f`'s edge from the frame before it (-1 for a sample's first frame or a repeat of
/// the same node).
final class FrameEdges {
    let edge: [Int32]
    let src: [Int32]
    let dst: [Int32]

    init(_ engine: NodeSpace) {
        var edge = [Int32](repeating: -1, count: engine.frameNode.count)
        var src: [Int32] = [], dst: [Int32] = []
        var table = FastIndexTable(capacity: 1 << 16)
        var lastChild = [Int32](repeating: -1, count: engine.nodeCount)
        var lastEdge = [Int32](repeating: -1, count: engine.nodeCount)
        let start = engine.sampleStart, frames = engine.frameNode
        for si in 0..<engine.samples.count {
            let lo = Int(start[si]), hi = Int(start[si + 1])
            if hi - lo < 2 { continue }
            var parent = frames[lo]
            for f in (lo + 1)..<hi {
                let node = frames[f]
                if node == parent { continue }
                let p = Int(parent)
                if lastChild[p] == node {
                    edge[f] = lastEdge[p]
                } else {
                    let h = FrameGraphAccumulator.hash(parent, node)
                    let e: Int
                    if let found = table.find(h, { src[$0] == parent && dst[$0] == node }) {
                        e = found
                    } else {
                        e = src.count
                        table.insert(h, e)
                        src.append(parent)
                        dst.append(node)
                    }
                    edge[f] = Int32(e)
                    lastChild[p] = node
                    lastEdge[p] = Int32(e)
                }
                parent = node
            }
        }
        self.edge = edge
        self.src = src
        self.dst = dst
    }
}

/// The numbered edges' weights over a range of samples, every frame kept (the nodes' values
/// are the engine's cachedSums).
struct EdgeListSums {
    var weight: [Int64], weightDiv: [Int64]
    var present: [Bool], inline: [Bool]

    init(
        _ engine: NodeSpace, _ edges: FrameEdges, _ range: Range<Int>, _ column: [Int64], _ divisors: [Int64]?,
        _ keep: [Bool]?
    ) {
        let m = edges.src.count
        weight = [Int64](repeating: 0, count: m)
        weightDiv = weight
        present = [Bool](repeating: false, count: m)
        inline = [Bool](repeating: true, count: m)
        var edgeSeen = [Int32](repeating: -1, count: m)
        let hasDivisors = divisors != nil
        let divisors = divisors ?? [], keepAll = keep == nil, keepMask = keep ?? []
        let start = engine.sampleStart, inlines = engine.frameInline
        let frameEdge = edges.edge
        column.withUnsafeBufferPointer { column in
        divisors.withUnsafeBufferPointer { divisors in
        keepMask.withUnsafeBufferPointer { keepMask in
        start.withUnsafeBufferPointer { start in
        inlines.withUnsafeBufferPointer { inlines in
        frameEdge.withUnsafeBufferPointer { frameEdge in
        edgeSeen.withUnsafeMutableBufferPointer { edgeSeen in
        weight.withUnsafeMutableBufferPointer { weight in
        weightDiv.withUnsafeMutableBufferPointer { weightDiv in
        present.withUnsafeMutableBufferPointer { present in
        inline.withUnsafeMutableBufferPointer { inline in
            for si in range {
                if !keepAll && !keepMask[si] { continue }
                let w = column[si]
                let dw = hasDivisors ? divisors[si] : 0
                if w == 0 && dw == 0 { continue }
                let lo = Int(start[si]), hi = Int(start[si + 1])
                if lo == hi { continue }
                let mark = Int32(truncatingIfNeeded: si)
                for f in lo..<hi {
                    let e = Int(frameEdge[f])
                    if e >= 0 && edgeSeen[e] != mark {
                        edgeSeen[e] = mark
                        weight[e] &+= w
                        weightDiv[e] &+= dw
                        present[e] = true
                        if !inlines[f] { inline[e] = false }
                    }
                }
            }
        }}}}}}}}}}}
    }

    mutating func merge(_ o: EdgeListSums) {
        for e in weight.indices {
            weight[e] &+= o.weight[e]
            weightDiv[e] &+= o.weightDiv[e]
            present[e] = present[e] || o.present[e]
            inline[e] = inline[e] && o.inline[e]
        }
    }

    func graphSums(nodeCount: Int, edges: FrameEdges) -> GraphSums {
        var g = GraphSums(nodeCount: nodeCount)
        for e in present.indices where present[e] {
            g.edgeSrc.append(edges.src[e])
            g.edgeDst.append(edges.dst[e])
            g.edgeWeight.append(weight[e])
            g.edgeWeightDiv.append(weightDiv[e])
            g.edgeResidual.append(false)
            g.edgeInline.append(inline[e])
        }
        return g
    }
}

/// Node values and edges over a range of samples when only a few nodes are kept: kept nodes
/// are numbered 0..<k and edges are cells of k×k tables.
struct KeptGraphSums {
    /// The most kept nodes for which tables are used.
    static let largest = 512
    let k: Int
    var flat: [Int64], flatDiv: [Int64], cum: [Int64], cumDiv: [Int64]
    /// By cell `src * k + dst`.
    var weight: [Int64], weightDiv: [Int64]
    var present: [Bool], residual: [Bool], inline: [Bool]

    init(
        _ engine: NodeSpace, _ range: Range<Int>, keptID: [Int32], keptCount k: Int, _ column: [Int64],
        _ divisors: [Int64]?, _ keep: [Bool]?, withEdges: Bool
    ) {
        self.k = k
        let cells = withEdges ? k * k : 0
        var flat = [Int64](repeating: 0, count: k), flatDiv = flat, cum = flat, cumDiv = flat
        var weight = [Int64](repeating: 0, count: cells), weightDiv = weight
        var present = [Bool](repeating: false, count: cells), residualFlags = present
        var inlineFlags = [Bool](repeating: true, count: cells)
        var seen = [Int32](repeating: -1, count: k)
        var edgeSeen = [Int32](repeating: -1, count: cells)
        let hasDivisors = divisors != nil
        let divisors = divisors ?? [], keepAll = keep == nil, keepMask = keep ?? []
        let start = engine.sampleStart, frames = engine.frameNode, inlines = engine.frameInline
        column.withUnsafeBufferPointer { column in
        divisors.withUnsafeBufferPointer { divisors in
        keepMask.withUnsafeBufferPointer { keepMask in
        keptID.withUnsafeBufferPointer { keptID in
        start.withUnsafeBufferPointer { start in
        frames.withUnsafeBufferPointer { frames in
        inlines.withUnsafeBufferPointer { inlines in
        seen.withUnsafeMutableBufferPointer { seen in
        edgeSeen.withUnsafeMutableBufferPointer { edgeSeen in
        flat.withUnsafeMutableBufferPointer { flat in
        flatDiv.withUnsafeMutableBufferPointer { flatDiv in
        cum.withUnsafeMutableBufferPointer { cum in
        cumDiv.withUnsafeMutableBufferPointer { cumDiv in
        weight.withUnsafeMutableBufferPointer { weight in
        weightDiv.withUnsafeMutableBufferPointer { weightDiv in
        present.withUnsafeMutableBufferPointer { present in
        residualFlags.withUnsafeMutableBufferPointer { residualFlags in
        inlineFlags.withUnsafeMutableBufferPointer { inlineFlags in
            for si in range {
                if !keepAll && !keepMask[si] { continue }
                let w = column[si]
                let dw = hasDivisors ? divisors[si] : 0
                if w == 0 && dw == 0 { continue }
                let mark = Int32(truncatingIfNeeded: si)
                var parent = -1
                var residual = false
                for f in Int(start[si])..<Int(start[si + 1]) {
                    let node = Int(keptID[Int(frames[f])])
                    if node < 0 {
                        residual = true
                        continue
                    }
                    if seen[node] != mark {
                        seen[node] = mark
                        cum[node] &+= w
                        cumDiv[node] &+= dw
                    }
                    if withEdges && parent >= 0 && parent != node {
                        let e = parent * k + node
                        if edgeSeen[e] != mark {
                            edgeSeen[e] = mark
                            weight[e] &+= w
                            weightDiv[e] &+= dw
                            present[e] = true
                            if residual { residualFlags[e] = true }
                            if !inlines[f] { inlineFlags[e] = false }
                        }
                    }
                    parent = node
                    residual = false
                }
                if parent >= 0 && !residual {
                    flat[parent] &+= w
                    flatDiv[parent] &+= dw
                }
            }
        }}}}}}}}}}}}}}}}}}
        self.flat = flat
        self.flatDiv = flatDiv
        self.cum = cum
        self.cumDiv = cumDiv
        self.weight = weight
        self.weightDiv = weightDiv
        self.present = present
        self.residual = residualFlags
        self.inline = inlineFlags
    }

    /// Adds the sums over later samples: an edge is residual if either part saw it so, inline
    /// only if both did.
    mutating func merge(_ o: KeptGraphSums) {
        for i in 0..<k {
            flat[i] &+= o.flat[i]
            flatDiv[i] &+= o.flatDiv[i]
            cum[i] &+= o.cum[i]
            cumDiv[i] &+= o.cumDiv[i]
        }
        for e in weight.indices where o.present[e] {
            weight[e] &+= o.weight[e]
            weightDiv[e] &+= o.weightDiv[e]
            present[e] = true
            if o.residual[e] { residual[e] = true }
            if !o.inline[e] { inline[e] = false }
        }
    }

    /// The sums over the engine's node numbers.
    func graphSums(nodeCount: Int, keptNodes: [Int32]) -> GraphSums {
        var g = GraphSums(nodeCount: nodeCount)
        for (i, n) in keptNodes.enumerated() {
            g.flat[Int(n)] = flat[i]
            g.flatDiv[Int(n)] = flatDiv[i]
            g.cum[Int(n)] = cum[i]
            g.cumDiv[Int(n)] = cumDiv[i]
        }
        for e in present.indices where present[e] {
            g.edgeSrc.append(keptNodes[e / k])
            g.edgeDst.append(keptNodes[e % k])
            g.edgeWeight.append(weight[e])
            g.edgeWeightDiv.append(weightDiv[e])
            g.edgeResidual.append(residual[e])
            g.edgeInline.append(inline[e])
        }
        return g
    }
}

/// The nodes' values of a report's first graph (all nodes, no edges), for its later graphs.
final class GraphValues {
    struct Key: Equatable {
        var index: Int
        var meanIndex: Int?
    }
    var key = Key(index: -1, meanIndex: nil)
    var sums: GraphSums?
}

/// Graph sums over a range of samples for any set of kept nodes, edges found by hashing.
struct FrameGraphAccumulator {
    var sums: GraphSums
    var edges = FastIndexTable()
    /// The nodes' tags, when `add` is given a tag index.
    var tags = TagSums()

    init(nodeCount: Int) {
        sums = GraphSums(nodeCount: nodeCount)
        edges = FastIndexTable(capacity: 1 << 10)
    }

    static func hash(_ src: Int32, _ dst: Int32) -> UInt64 {
        mixHash(0x51ED_2701, UInt64(UInt32(bitPattern: src)) << 32 | UInt64(UInt32(bitPattern: dst)))
    }

    /// The index of edge src→dst, made (weightless, not residual, inline) if new.
    mutating func edge(_ src: Int32, _ dst: Int32) -> Int {
        let h = Self.hash(src, dst)
        if let e = edges.find(h, { sums.edgeSrc[$0] == src && sums.edgeDst[$0] == dst }) { return e }
        let e = sums.edgeSrc.count
        edges.insert(h, e)
        sums.edgeSrc.append(src)
        sums.edgeDst.append(dst)
        sums.edgeWeight.append(0)
        sums.edgeWeightDiv.append(0)
        sums.edgeResidual.append(false)
        sums.edgeInline.append(true)
        return e
    }

    /// Adds the samples in `range`, walked from the root as pprof's graph.New does: cum once
    /// per node per sample, flat at the leaf unless the leaf frames were dropped, an edge once
    /// per sample between consecutive kept frames, residual when dropped frames lie between,
    /// not inline once a first visit in a sample is a location's own (last) line. With
    /// `tagIndex`, each sample's tags go to the nodes it adds cum (and flat) to.
    mutating func add(
        _ engine: NodeSpace, _ range: Range<Int>, index: Int, meanIndex: Int?, keep: [Bool]?, kept: [Bool]?,
        withEdges: Bool, tagIndex: SampleTagIndex? = nil
    ) {
        let n = sums.nodeCount
        var seen = [Int32](repeating: -1, count: n)
        var lastChild = [Int32](repeating: -1, count: n), lastEdge = [Int32](repeating: -1, count: n)
        let column = engine.values[index]
        let divisors = meanIndex.map { engine.values[$0] }
        let start = engine.sampleStart, frames = engine.frameNode, inlines = engine.frameInline
        var edgeSeen: [Int32] = []
        for si in range {
            if let keep, !keep[si] { continue }
            let w = column[si]
            let dw = divisors?[si] ?? 0
            if w == 0 && dw == 0 { continue }
            let mark = Int32(truncatingIfNeeded: si)
            var parent: Int32 = -1
            var residual = false
            for f in Int(start[si])..<Int(start[si + 1]) {
                let node = frames[f]
                let nn = Int(node)
                if let kept, !kept[nn] {
                    residual = true
                    continue
                }
                if seen[nn] != mark {
                    seen[nn] = mark
                    sums.cum[nn] &+= w
                    sums.cumDiv[nn] &+= dw
                    if let tagIndex { tags.add(tagIndex, sample: si, node: nn, dw: dw, w: w, flat: false) }
                }
                if withEdges && parent >= 0 && parent != node {
                    let p = Int(parent)
                    let e: Int
                    if lastChild[p] == node {
                        e = Int(lastEdge[p])
                    } else {
                        e = edge(parent, node)
                        lastChild[p] = node
                        lastEdge[p] = Int32(e)
                        if e == edgeSeen.count { edgeSeen.append(-1) }
                    }
                    if edgeSeen[e] != mark {
                        edgeSeen[e] = mark
                        sums.edgeWeight[e] &+= w
                        sums.edgeWeightDiv[e] &+= dw
                        if residual { sums.edgeResidual[e] = true }
                        if !inlines[f] { sums.edgeInline[e] = false }
                    }
                }
                parent = node
                residual = false
            }
            if parent >= 0 && !residual {
                let p = Int(parent)
                sums.flat[p] &+= w
                sums.flatDiv[p] &+= dw
                if let tagIndex { tags.add(tagIndex, sample: si, node: p, dw: dw, w: w, flat: true) }
            }
        }
    }

    /// Adds the sums over later samples: an edge is residual if either part saw it so, inline
    /// only if both did.
    mutating func merge(_ other: FrameGraphAccumulator) {
        tags.merge(other.tags)
        let o = other.sums
        for i in 0..<sums.nodeCount {
            sums.flat[i] &+= o.flat[i]
            sums.flatDiv[i] &+= o.flatDiv[i]
            sums.cum[i] &+= o.cum[i]
            sums.cumDiv[i] &+= o.cumDiv[i]
        }
        for oe in o.edgeSrc.indices {
            let e = edge(o.edgeSrc[oe], o.edgeDst[oe])
            sums.edgeWeight[e] &+= o.edgeWeight[oe]
            sums.edgeWeightDiv[e] &+= o.edgeWeightDiv[oe]
            if o.edgeResidual[oe] { sums.edgeResidual[e] = true }
            if !o.edgeInline[oe] { sums.edgeInline[e] = false }
        }
    }
}
