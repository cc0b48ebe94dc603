import ProfileFormat

/// A call graph's sums computed outside the graph builder (the shell sums stacks it decoded
/// once), over nodes numbered 0..<nodeCount: what `Graph.assemble` turns into the Graph that
/// reports print.
public struct GraphSums {
    public let nodeCount: Int
    public var flat: [Int64], flatDiv: [Int64], cum: [Int64], cumDiv: [Int64]
    public var edgeSrc: [Int32] = [], edgeDst: [Int32] = []
    public var edgeWeight: [Int64] = [], edgeWeightDiv: [Int64] = []
    public var edgeResidual: [Bool] = [], edgeInline: [Bool] = []

    public init(nodeCount: Int) {
        self.nodeCount = nodeCount
        flat = [Int64](repeating: 0, count: nodeCount)
        flatDiv = flat
        cum = flat
        cumDiv = flat
    }

    /// For a first cut without edges (GraphOptions.firstCutFraction): leaves out the nodes
    /// whose |cum| is under `fraction` of the total flat value of the nodes a graph would
    /// select (see `omit`).
    public mutating func cut(_ fraction: Double, dropNegative: Bool) -> OmittedNodes {
        precondition(edgeSrc.isEmpty, "a first cut has no edges")
        var flatSum: Int64 = 0
        for n in 0..<nodeCount where Self.selected(flat[n], cum[n], dropNegative) { flatSum &+= flat[n] }
        let cutoff = Graph.cutoff(fraction, of: flatSum)
        let cum = self.cum
        return omit(dropNegative: dropNegative) { goAbs(cum[$0]) < cutoff }
    }

    /// Clears the values of the nodes `leaveOut` names, so that no Node is made for them (none
    /// may be the end of an edge), and returns what the nodes among them that a graph would
    /// have selected add up to.
    public mutating func omit(dropNegative: Bool, _ leaveOut: (Int) -> Bool) -> OmittedNodes {
        var omitted = OmittedNodes()
        for n in 0..<nodeCount where (flat[n] != 0 || cum[n] != 0) && leaveOut(n) {
            if Self.selected(flat[n], cum[n], dropNegative) {
                omitted.add(flat: flat[n], flatDiv: flatDiv[n], cum: cum[n], cumDiv: cumDiv[n])
            }
            flat[n] = 0
            flatDiv[n] = 0
            cum[n] = 0
            cumDiv[n] = 0
        }
        return omitted
    }

    /// Whether a node with these values is among a graph's `nodes` (Graph.selectNodes).
    static func selected(_ flat: Int64, _ cum: Int64, _ dropNegative: Bool) -> Bool {
        if flat == 0 && cum == 0 { return false }
        return !(dropNegative && (flat < 0 || (flat == 0 && cum < 0)))
    }
}

/// What the nodes a graph source left out of a graph (its first cut's light nodes, or the
/// nodes a `peek` does not print or link to) add up to: what reports read from all of a
/// graph's nodes besides those they print.
public struct OmittedNodes: Sendable {
    public var count = 0
    /// Raw flat and cum sums (Graph.sum).
    public var flat: Int64 = 0
    public var cum: Int64 = 0
    /// The sum of their flat values (Node.flatValue), for report headers.
    public var flatValue: Int64 = 0
    /// Their smallest nonzero |flat value| (|cum value| when flat is 0), for the minimum unit.
    public var minValue: Int64 = 0

    public init() {}

    mutating func add(flat f: Int64, flatDiv: Int64, cum c: Int64, cumDiv: Int64) {
        count += 1
        flat &+= f
        cum &+= c
        let fv = meanValue(f, flatDiv)
        let cv = meanValue(c, cumDiv)
        flatValue &+= fv
        var m = goAbs(fv)
        if m == 0 { m = goAbs(cv) }
        if m > 0 && (minValue == 0 || m < minValue) { minValue = m }
    }
}

extension Graph {
    /// The value under which nodes (nodefraction) or edges (edgefraction) are dropped: that
    /// fraction of the graph's total flat value, as pprof rounds it.
    public static func cutoff(_ fraction: Double, of total: Int64) -> Int64 {
        goAbs(goInt64(Double(total) * fraction))
    }

    /// The graph of `sums` as `build` makes it for a non-tree graph: a Node for
    /// each node that has a value or an edge (named by `info`), `nodes` those with a value
    /// (and not negative with `dropNegative`), in node number order; `name`, when given, is
    /// each node's `info.printableName`, known already. Nodes have no `function` link (only
    /// call trees and callgrind use it).
    /// `rank`, when given, is the rank of each node's printed name among all (equal names,
    /// equal ranks), for sorting.
    public static func assemble(
        _ sums: GraphSums, info: (Int) -> NodeInfo, name: ((Int) -> String)? = nil, rank: ((Int) -> Int32)? = nil,
        dropNegative: Bool
    ) -> Graph {
        assemble(sums, info: info, name: name, rank: rank, dropNegative: dropNegative, tags: nil).graph
    }

    /// `assemble`, giving the nodes their tags from `tags` (summed by node number); with, for
    /// each node number, the index of its Node in the graph's storage (-1 for none).
    static func assemble(
        _ sums: GraphSums, info: (Int) -> NodeInfo, name: ((Int) -> String)?, rank: ((Int) -> Int32)?,
        dropNegative: Bool, tags: (index: SampleTagIndex, sums: TagSums)?
    ) -> (graph: Graph, position: [Int32]) {
        var id = [Int32](repeating: -1, count: sums.nodeCount)
        var made = 0
        for n in 0..<sums.nodeCount where sums.flat[n] != 0 || sums.cum[n] != 0 {
            id[n] = 0
            made += 1
        }
        for e in sums.edgeSrc.indices {
            id[Int(sums.edgeSrc[e])] = 0
            id[Int(sums.edgeDst[e])] = 0
        }
        var storage: [Node] = []
        storage.reserveCapacity(made)
        for n in 0..<sums.nodeCount where id[n] == 0 {
            id[n] = Int32(storage.count)
            let node =
                name.map { Node(id: storage.count, info: info(n), printableName: $0(n)) }
                ?? Node(id: storage.count, info: info(n))
            node.flat = sums.flat[n]
            node.flatDiv = sums.flatDiv[n]
            node.cum = sums.cum[n]
            node.cumDiv = sums.cumDiv[n]
            storage.append(node)
        }
        link(
            storage, src: sums.edgeSrc, dst: sums.edgeDst, weight: sums.edgeWeight, weightDiv: sums.edgeWeightDiv,
            residual: sums.edgeResidual, inline: sums.edgeInline, position: { Int(id[Int($0)]) })
        if let tags { tags.index.attach(tags.sums, to: { id[$0] >= 0 ? storage[Int(id[$0])] : nil }) }
        let g = selectNodes(storage, dropNegative: dropNegative)
        if let rank {
            var ranks = [Int32](repeating: 0, count: storage.count)
            for n in 0..<sums.nodeCount where id[n] >= 0 { ranks[Int(id[n])] = rank(n) }
            g.nameRank = ranks
        }
        return (g, id)
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
