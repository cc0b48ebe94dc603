import Foundation
import ProfileFormat

extension Graph {
    /// Builds the (non-tree) call graph with the same result as `buildGraph`, accumulating into
    /// flat integer arrays and an integer-keyed edge table; Node and Edge objects are filled in
    /// once at the end. Large profiles without tags are split over two threads, whose sums and
    /// edge flags combine exactly. This is the hot path of every report on large profiles.
    static func buildAccumulated(_ profile: Profile, _ o: GraphOptions) -> Graph {
        var table = NodeTable(profile: profile, options: o)
        let keys = table.locationKeys()
        let keyNode = table.nodes(for: keys).map { $0.map { Int32($0.id) } ?? -1 }
        let nodes = table.nodes

        // Each location's nodes as ids (-1 where a node was not kept), flattened.
        let locStart = keys.lineStart
        let locNode = keys.lineKey.map { keyNode[Int($0)] }
        let layout = LocationLayout(start: locStart, node: locNode)

        var total: GraphAccumulator
        let samples = o.flatSamples ?? FlatSamples(profile)
        let tagIndex = o.collectTags ? o.sampleTags ?? SampleTagIndex(profile.samples, format: o.formatTag) : nil
        if Parallel.parts(samples.count, from: o.parallelThreshold, atMost: 2) == 2 {
            let half = samples.count / 2
            let nodeCount = nodes.count
            // Each thread reads the shared inputs and writes only its own slot.
            let parts = UnsafeSendableBox([GraphAccumulator?](repeating: nil, count: 2))
            let inputs = UnsafeSendableBox((samples, layout, o, tagIndex))
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                let (samples, layout, o, tagIndex) = inputs.value
                var acc = GraphAccumulator(nodeCount: nodeCount)
                acc.add(samples, part == 0 ? 0..<half : half..<samples.count, layout, o, tagIndex: tagIndex)
                parts.value[part] = acc
            }
            total = parts.value[0]!
            total.merge(parts.value[1]!)
        } else {
            total = GraphAccumulator(nodeCount: nodes.count)
            total.add(samples, 0..<samples.count, layout, o, tagIndex: tagIndex)
        }
        tagIndex?.attach(total.tags, to: { nodes[$0] })

        for (i, n) in nodes.enumerated() {
            n.flat = total.flat[i]
            n.flatDiv = total.flatDiv[i]
            n.cum = total.cum[i]
            n.cumDiv = total.cumDiv[i]
        }
        link(
            nodes, src: total.edgeSrc, dst: total.edgeDst, weight: total.edgeW, weightDiv: total.edgeWD,
            residual: total.edgeResidual, inline: total.edgeInline, position: { Int($0) })
        return selectNodes(nodes, dropNegative: o.dropNegative)
    }
}

extension Graph {
    /// Makes the Edge objects of the edges given as parallel arrays, between `nodes`; an edge
    /// end is a node number that `position` turns into an index of `nodes`. Each node's edge
    /// maps are sized once: growing them edge by edge re-allocates over and over.
    static func link(
        _ nodes: [Node], src: [Int32], dst: [Int32], weight: [Int64], weightDiv: [Int64], residual: [Bool],
        inline: [Bool], position: (Int32) -> Int
    ) {
        var outDegree = [Int](repeating: 0, count: nodes.count), inDegree = outDegree
        for e in src.indices {
            outDegree[position(src[e])] += 1
            inDegree[position(dst[e])] += 1
        }
        for (i, n) in nodes.enumerated() {
            if outDegree[i] > 0 { n.outEdges.reserveCapacity(outDegree[i]) }
            if inDegree[i] > 0 { n.inEdges.reserveCapacity(inDegree[i]) }
        }
        for e in src.indices {
            let from = nodes[position(src[e])], to = nodes[position(dst[e])]
            let edge = Edge(
                src: from, dest: to, weight: weight[e], weightDiv: weightDiv[e], residual: residual[e],
                inline: inline[e])
            from.outEdges[to.id] = edge
            to.inEdges[from.id] = edge
        }
    }
}

/// Where each location's nodes are: ids from `node[start[l]..<start[l+1]]`, inlined frames first.
struct LocationLayout: Sendable {
    let start: [Int32]
    let node: [Int32]
}

/// A mutable box that threads write to at distinct indices.
public final class UnsafeSendableBox<T>: @unchecked Sendable {
    public var value: T
    public init(_ value: T) { self.value = value }
}

/// Node values and edges summed over a range of samples.
struct GraphAccumulator {
    var flat: [Int64], flatDiv: [Int64], cum: [Int64], cumDiv: [Int64]
    /// Edge numbers by (src, dst), one slot per edge so that a probe touches one cache line.
    var edges = FrameTable(capacity: 16)
    var edgeSrc: [Int32] = [], edgeDst: [Int32] = []
    var edgeW: [Int64] = [], edgeWD: [Int64] = []
    var edgeResidual: [Bool] = [], edgeInline: [Bool] = []
    var tags = TagSums()

    init(nodeCount: Int) {
        flat = [Int64](repeating: 0, count: nodeCount)
        flatDiv = flat
        cum = flat
        cumDiv = flat
        edges = FrameTable(capacity: nodeCount * 4)
    }

    /// The index of edge src→dst, made (weightless, not residual, inline) if new.
    mutating func edge(_ src: Int32, _ dst: Int32) -> Int {
        let key = UInt64(UInt32(bitPattern: src)) << 32 | UInt64(UInt32(bitPattern: dst))
        let found = edges.find(key)
        if found >= 0 { return Int(found) }
        let e = edgeSrc.count
        edges.insert(key, Int32(e))
        edgeSrc.append(src)
        edgeDst.append(dst)
        edgeW.append(0)
        edgeWD.append(0)
        edgeResidual.append(false)
        edgeInline.append(true)
        return e
    }

    /// Adds the samples in `range`, as pprof's graph.New walks each stack from the root.
    /// With `tagIndex`, the nodes' label and numeric tags are summed too.
    mutating func add(
        _ samples: FlatSamples, _ range: Range<Int>, _ layout: LocationLayout, _ o: GraphOptions,
        tagIndex: SampleTagIndex?
    ) {
        let nNodes = flat.count
        var seen = [Int32](repeating: -1, count: nNodes)
        var edgeSeen: [Int32] = []
        // The edge each node last led to: stacks mostly repeat their callers' paths.
        var lastChild = [Int32](repeating: -1, count: nNodes), lastEdge = [Int32](repeating: -1, count: nNodes)
        let withEdges = !o.nodesOnly
        let weights = samples.values[o.sampleIndex]
        let divisors = o.meanDivisorIndex.map { samples.values[$0] }
        weights.withUnsafeBufferPointer { weights in
        samples.start.withUnsafeBufferPointer { sampleStart in
        samples.locations.withUnsafeBufferPointer { sampleLocs in
        layout.start.withUnsafeBufferPointer { locStart in
        layout.node.withUnsafeBufferPointer { locNode in
        for si32 in range {
            let si = Int32(truncatingIfNeeded: si32)
            let w = weights[si32]
            let dw = divisors?[si32] ?? 0
            if dw == 0 && w == 0 { continue }
            var parent: Int32 = -1
            var residual = false
            let first = Int(sampleStart[si32])
            var i = Int(sampleStart[si32 + 1]) - 1
            while i >= first {
                let l = Int(sampleLocs[i])
                let start = Int(locStart[l])
                let last = Int(locStart[l + 1]) - 1
                var ni = last
                while ni >= start {
                    let n = locNode[ni]
                    if n < 0 {
                        residual = true
                        ni -= 1
                        continue
                    }
                    let nn = Int(n)
                    if seen[nn] != si {
                        seen[nn] = si
                        cum[nn] &+= w
                        cumDiv[nn] &+= dw
                        if let tagIndex { tags.add(tagIndex, sample: si32, node: nn, dw: dw, w: w, flat: false) }
                    }
                    if withEdges && parent >= 0 && parent != n {
                        let p = Int(parent)
                        var e: Int
                        if lastChild[p] == n {
                            e = Int(lastEdge[p])
                        } else {
                            e = edge(parent, n)
                            lastChild[p] = n
                            lastEdge[p] = Int32(e)
                        }
                        while edgeSeen.count < edgeSrc.count { edgeSeen.append(-1) }
                        if edgeSeen[e] != si {
                            edgeSeen[e] = si
                            edgeW[e] &+= w
                            edgeWD[e] &+= dw
                            if residual { edgeResidual[e] = true }
                            if ni == last { edgeInline[e] = false }
                        }
                    }
                    parent = n
                    residual = false
                    ni -= 1
                }
                i -= 1
            }
            if parent >= 0 && !residual {
                let p = Int(parent)
                flat[p] &+= w
                flatDiv[p] &+= dw
                if let tagIndex { tags.add(tagIndex, sample: si32, node: p, dw: dw, w: w, flat: true) }
            }
        }
        }
        }
        }
        }
        }
    }

    /// Adds another accumulator's sums (over later samples); an edge is residual if either saw it
    /// so, inline only if both did.
    mutating func merge(_ other: GraphAccumulator) {
        tags.merge(other.tags)
        for i in flat.indices {
            flat[i] &+= other.flat[i]
            flatDiv[i] &+= other.flatDiv[i]
            cum[i] &+= other.cum[i]
            cumDiv[i] &+= other.cumDiv[i]
        }
        for oe in 0..<other.edgeSrc.count {
            let e = edge(other.edgeSrc[oe], other.edgeDst[oe])
            edgeW[e] &+= other.edgeW[oe]
            edgeWD[e] &+= other.edgeWD[oe]
            if other.edgeResidual[oe] { edgeResidual[e] = true }
            if !other.edgeInline[oe] { edgeInline[e] = false }
        }
    }
}

/// A profile's samples as flat arrays, made once for the several graphs of one report: the
/// locations of sample `s` (leaf first, as in the profile) are `locations[start[s]..<start[s+1]]`
/// and its value of sample type `t` is `values[t][s]`.
final class FlatSamples: @unchecked Sendable {
    let count: Int
    let start: [Int32]
    let locations: [Int32]
    let values: [[Int64]]

    init(_ profile: Profile) {
        let samples = profile.samples
        count = samples.count
        let types = profile.sampleTypes.count
        var start = [Int32](repeating: 0, count: samples.count + 1)
        var total = 0
        for (i, s) in samples.enumerated() {
            total += s.locations.count
            start[i + 1] = Int32(truncatingIfNeeded: total)
        }
        var locations = [Int32](repeating: 0, count: total)
        var values = [[Int64]](repeating: [Int64](repeating: 0, count: samples.count), count: types)
        locations.withUnsafeMutableBufferPointer { out in
            for (i, s) in samples.enumerated() {
                var at = Int(start[i])
                for l in s.locations {
                    out[at] = l
                    at += 1
                }
            }
        }
        for t in 0..<types {
            values[t].withUnsafeMutableBufferPointer { column in
                for (i, s) in samples.enumerated() where t < s.values.count { column[i] = s.values[t] }
            }
        }
        self.start = start
        self.locations = locations
        self.values = values
    }
}
