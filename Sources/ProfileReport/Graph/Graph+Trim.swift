import Foundation

/// Orders in which graph nodes can be sorted.
public enum NodeOrder {
    case flatName, flatCumName, cumName, name, file, address, entropy
}

extension Graph {
    /// Sorts nodes as pprof's reports do: by cum with `-cum`, by entropy for pictures, else by flat.
    public func sortNodes(cum: Bool, visualMode: Bool) {
        sort(visualMode ? .entropy : cum ? .cumName : .flatName)
    }

    public func sort(_ order: NodeOrder) {
        func tie(_ l: Node, _ r: Node) -> Bool { l.info.goString < r.info.goString }
        switch order {
        case .flatName:
            sortByKeys { n in (goAbs(n.flat), 0, goAbs(n.cum)) }
        case .flatCumName:
            sortByKeys { n in (goAbs(n.flat), goAbs(n.cum), 0) }
        case .name:
            nodes.sort { l, r in l.info.name != r.info.name ? l.info.name < r.info.name : tie(l, r) }
        case .file:
            nodes.sort { l, r in
                if l.info.file != r.info.file { return l.info.file < r.info.file }
                if l.info.startLine != r.info.startLine { return l.info.startLine < r.info.startLine }
                return tie(l, r)
            }
        case .address:
            nodes.sort { l, r in l.info.address != r.info.address ? l.info.address < r.info.address : tie(l, r) }
        case .cumName, .entropy:
            sortByKeys { n in (goAbs(order == .cumName ? n.cum : entropyScore(n)), 0, goAbs(n.flat)) }
        }
    }

    /// Sorts nodes by `keys`' first two values (larger first), then by printed name, then by the
    /// third value (larger first), then by all of the node's identity, as pprof's orders do.
    /// Names are ranked once in byte order so that the sort compares integers.
    private func sortByKeys(_ keys: (Node) -> (Int64, Int64, Int64)) {
        struct Key {
            var first: Int64, second: Int64, third: Int64
            var name: Int32
            var index: Int32
        }
        // The known ranks when they cover these nodes, else ranks made here and kept.
        let rank: [Int32]
        if let byID = nameRank, nodes.allSatisfy({ $0.id < byID.count && byID[$0.id] >= 0 }) {
            rank = nodes.map { byID[$0.id] }
        } else {
            rank = NameRanks(nodes.lazy.map(\.printableName)).rank
            var byID = [Int32](repeating: -1, count: (storage.map(\.id).max() ?? -1) + 1)
            for (i, n) in nodes.enumerated() { byID[n.id] = rank[i] }
            nameRank = byID
        }
        var sortKeys: [Key] = []
        sortKeys.reserveCapacity(nodes.count)
        for (i, n) in nodes.enumerated() {
            let (a, b, c) = keys(n)
            sortKeys.append(Key(first: a, second: b, third: c, name: rank[i], index: Int32(i)))
        }
        let old = nodes
        sortKeys.sort { l, r in
            if l.first != r.first { return l.first > r.first }
            if l.second != r.second { return l.second > r.second }
            if l.name != r.name { return l.name < r.name }
            if l.third != r.third { return l.third > r.third }
            return old[Int(l.index)].info.goString < old[Int(r.index)].info.goString
        }
        nodes = sortKeys.map { old[Int($0.index)] }
    }

    /// The infos of nodes whose |cum| reaches `cutoff`.
    public func discardLowFrequencyNodes(_ cutoff: Int64) -> Set<NodeInfo> {
        Set(nodes.filter { goAbs($0.cum) >= cutoff }.map(\.info))
    }

    /// The nodes whose |cum| reaches `cutoff`, by identity (for call trees).
    public func discardLowFrequencyNodePtrs(_ cutoff: Int64) -> Set<Int> {
        Set(nodes.filter { goAbs($0.cum) >= cutoff }.map(\.id))
    }

    /// Removes tags whose flat and cum are both under `cutoff`.
    public func trimLowFrequencyTags(_ cutoff: Int64) {
        for n in nodes {
            n.labelTags = n.labelTags.filter { goAbs($0.value.flat) >= cutoff || goAbs($0.value.cum) >= cutoff }
            for (k, tags) in n.numericTags {
                n.numericTags[k] = tags.filter { goAbs($0.value.flat) >= cutoff || goAbs($0.value.cum) >= cutoff }
            }
        }
    }

    /// Removes edges lighter than `cutoff`; returns how many went.
    @discardableResult
    public func trimLowFrequencyEdges(_ cutoff: Int64) -> Int {
        var dropped = 0
        for n in nodes {
            for (srcID, e) in n.inEdges where goAbs(e.weight) < cutoff {
                n.inEdges[srcID] = nil
                e.src.outEdges[n.id] = nil
                dropped += 1
            }
        }
        return dropped
    }

    /// The first `maxNodes` nodes (in pictures, counting the tags each will show).
    public func selectTopNodes(_ maxNodes: Int, visualMode: Bool) -> [Node] {
        var limit = maxNodes
        if limit > 0 && visualMode {
            var count = 0
            for (i, n) in nodes.enumerated() {
                count += min(countTags(n), maxNodelets) + 1
                if count >= limit {
                    limit = i + 1
                    break
                }
            }
        }
        return Array(nodes.prefix(max(0, min(limit, nodes.count))))
    }

    /// The top nodes as pprof's SelectTopNodes keeps them (its NodeSet drops nodes whose |cum|,
    /// wrapped as Go's abs64 wraps it, is below 0: a cum of math.MinInt64).
    static func keptByCum(_ top: [Node]) -> [Node] {
        top.allSatisfy({ goAbs($0.cum) >= 0 }) ? top : top.filter { goAbs($0.cum) >= 0 }
    }

    /// Removes residual edges that another path already implies (pictures only).
    public func removeRedundantEdges() {
        for n in nodes.reversed() {
            let ins = sortedEdges(n.inEdges)
            for e in ins.reversed() {
                if !e.residual { break }
                if isRedundantEdge(e) {
                    e.src.outEdges[e.dest.id] = nil
                    e.dest.inEdges[e.src.id] = nil
                }
            }
        }
    }

    /// Drops nodes not in `kept` from a call tree, linking each child to its nearest kept ancestor.
    public func trimTree(_ kept: Set<Int>) {
        let old = nodes
        nodes = []
        for cur in old {
            if kept.contains(cur.id) {
                nodes.append(cur)
                continue
            }
            if cur.inEdges.isEmpty {
                for e in cur.outEdges.values { e.dest.inEdges[cur.id] = nil }
                continue
            }
            let parent = cur.inEdges.values.first!.src
            let parentEdgeInline = parent.outEdges[cur.id]!.inline
            parent.outEdges[cur.id] = nil
            for e in cur.outEdges.values {
                let child = e.dest
                child.inEdges[cur.id] = nil
                child.inEdges[parent.id] = e
                parent.outEdges[child.id] = e
                e.src = parent
                e.residual = true
                e.inline = parentEdgeInline && e.inline
            }
        }
        removeRedundantEdges()
    }
}

/// The most tags a picture shows on one node.
public let maxNodelets = 4

func countTags(_ n: Node) -> Int {
    var count = n.labelTags.values.filter { $0.flat != 0 }.count
    for tags in n.numericTags.values { count += tags.values.filter { $0.flat != 0 }.count }
    return count
}

func isRedundantEdge(_ e: Edge) -> Bool {
    let src = e.src
    var seen: Set<Int> = [e.dest.id]
    var queue = [e.dest]
    var head = 0
    while head < queue.count {
        let n = queue[head]
        head += 1
        for ie in n.inEdges.values {
            if ie === e || seen.contains(ie.src.id) { continue }
            if ie.src === src { return true }
            seen.insert(ie.src.id)
            queue.append(ie.src)
        }
    }
    return false
}

func entropyScore(_ n: Node) -> Int64 {
    var score = 0.0
    if n.inEdges.isEmpty { score += 1 } else { score += edgeEntropyScore(n.inEdges, self: 0) }
    if n.outEdges.isEmpty { score += 1 } else { score += edgeEntropyScore(n.outEdges, self: n.flat) }
    return goInt64(score * Double(n.cum)) &+ n.flat
}

func edgeEntropyScore(_ edges: EdgeMap, self own: Int64) -> Double {
    var score = 0.0
    var total = own
    for e in edges.values where e.weight > 0 { total &+= goAbs(e.weight) }
    if total != 0 {
        for e in edges.values {
            let frac = Double(goAbs(e.weight)) / Double(total)
            score += -frac * log2(frac)
        }
        if own > 0 {
            let frac = Double(goAbs(own)) / Double(total)
            score += -frac * log2(frac)
        }
    }
    return score
}
