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
}

extension Graph {
    /// The graph of `sums` as `build` makes it for a non-tree graph without tags: a Node for
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
        let g = selectNodes(storage, dropNegative: dropNegative)
        if let rank {
            var ranks = [Int32](repeating: 0, count: storage.count)
            for n in 0..<sums.nodeCount where id[n] >= 0 { ranks[Int(id[n])] = rank(n) }
            g.nameRank = ranks
        }
        return g
    }
}
