import ProfileFormat

/// What identifies a node of the call graph at the chosen granularity.
public struct NodeInfo: Hashable, Sendable {
    public var name = ""
    public var origName = ""
    public var address: UInt64 = 0
    public var file = ""
    public var startLine = 0
    public var lineno = 0
    public var objfile = ""

    public init(
        name: String = "", origName: String = "", address: UInt64 = 0, file: String = "", startLine: Int = 0,
        lineno: Int = 0, objfile: String = ""
    ) {
        self.name = name
        self.origName = origName
        self.address = address
        self.file = file
        self.startLine = startLine
        self.lineno = lineno
        self.objfile = objfile
    }

    /// The parts of the printed name: address, function, file:line (or file, or [binary]).
    public var nameComponents: [String] {
        var parts: [String] = []
        if address != 0 { parts.append(GoFormat.hex16(address)) }
        if !name.isEmpty { parts.append(name) }
        if lineno != 0 {
            parts.append("\(file):\(lineno)")
        } else if !file.isEmpty {
            parts.append(file)
        } else if !name.isEmpty {
        } else if !objfile.isEmpty {
            parts.append("[" + baseName(objfile) + "]")
        } else {
            parts.append("<unknown>")
        }
        return parts
    }

    /// The name reports print for this node.
    public var printableName: String { nameComponents.joined(separator: " ") }

    /// Go's `fmt.Sprint` of the struct, pprof's last tie-breaker when sorting.
    var goString: String {
        "{\(name) \(origName) \(address) \(file) \(startLine) \(lineno) \(objfile)}"
    }
}

/// A tag (label value) attached to a node, with the weight of the samples that carried it.
public final class Tag {
    public let name: String
    public let unit: String
    public let value: Int64
    public var flat: Int64 = 0
    public var flatDiv: Int64 = 0
    public var cum: Int64 = 0
    public var cumDiv: Int64 = 0

    init(name: String, unit: String, value: Int64) {
        self.name = name
        self.unit = unit
        self.value = value
    }

    public var flatValue: Int64 { meanValue(flat, flatDiv) }
    public var cumValue: Int64 { meanValue(cum, cumDiv) }
}

/// A node of the call graph.
public final class Node {
    public let id: Int
    public let info: NodeInfo
    /// The node of the same function with address and line cleared (itself for function nodes).
    public unowned(unsafe) var function: Node!
    public var flat: Int64 = 0
    public var flatDiv: Int64 = 0
    public var cum: Int64 = 0
    public var cumDiv: Int64 = 0
    /// Edges keyed by the id of the node at the other end.
    public var inEdges = EdgeMap()
    public var outEdges = EdgeMap()
    public var labelTags: [String: Tag] = [:]
    public var numericTags: [String: [String: Tag]] = [:]
    public private(set) lazy var printableName: String = info.printableName

    init(id: Int, info: NodeInfo) {
        self.id = id
        self.info = info
    }

    /// A node whose printed name is known already (`info.printableName`).
    init(id: Int, info: NodeInfo, printableName: String) {
        self.id = id
        self.info = info
        self.printableName = printableName
    }

    public var flatValue: Int64 { meanValue(flat, flatDiv) }
    public var cumValue: Int64 { meanValue(cum, cumDiv) }

    /// Adds weight to the edge from this node to `to`, creating it if needed.
    public func addToEdge(_ to: Node, dv: Int64, v: Int64, residual: Bool, inline: Bool) {
        if let e = outEdges[to.id] {
            e.weightDiv &+= dv
            e.weight &+= v
            if residual { e.residual = true }
            if !inline { e.inline = false }
            return
        }
        let e = Edge(src: self, dest: to, weight: v, weightDiv: dv, residual: residual, inline: inline)
        outEdges[to.id] = e
        to.inEdges[id] = e
    }

    /// Adds a sample's weight to the node's flat or cumulative value (tags are summed apart,
    /// by SampleTagIndex and TagSums).
    func addSample(dw: Int64, w: Int64, flat isFlat: Bool) {
        if isFlat {
            flatDiv &+= dw
            flat &+= w
        } else {
            cumDiv &+= dw
            cum &+= w
        }
    }
}

/// A weighted edge from caller to callee.
public final class Edge {
    public unowned(unsafe) var src: Node
    public unowned(unsafe) var dest: Node
    public var weight: Int64
    public var weightDiv: Int64
    /// The edge skips nodes that were removed.
    public var residual: Bool
    /// The call is inlined.
    public var inline: Bool

    init(src: Node, dest: Node, weight: Int64, weightDiv: Int64, residual: Bool, inline: Bool) {
        self.src = src
        self.dest = dest
        self.weight = weight
        self.weightDiv = weightDiv
        self.residual = residual
        self.inline = inline
    }

    public var weightValue: Int64 { meanValue(weight, weightDiv) }
}

/// Edges in report order: heavier first, then by caller name, then by callee name.
public func sortedEdges(_ edges: EdgeMap) -> [Edge] {
    sortedEdges(edges.values)
}

/// Any edges in report order.
public func sortedEdges<S: Sequence<Edge>>(_ edges: S) -> [Edge] {
    edges.sorted { a, b in
        if a.weight != b.weight { return goAbs(a.weight) > goAbs(b.weight) }
        if a.src.printableName != b.src.printableName { return a.src.printableName < b.src.printableName }
        return a.dest.printableName < b.dest.printableName
    }
}

func baseName(_ path: String) -> String {
    if path.isEmpty { return "." }
    var p = Substring(path)
    while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
    if p == "/" { return "/" }
    if let slash = p.lastIndex(of: "/") { return String(p[p.index(after: slash)...]) }
    return String(p)
}

/// What a call graph holds and how its nodes are named (pprof's graph.Options).
public struct GraphOptions {
    /// Which value of each sample to use.
    public var sampleIndex: Int
    /// With `-mean`: the index of the count to divide by.
    public var meanDivisorIndex: Int?
    /// Formats a numeric tag value with its unit.
    public var formatTag: ((Int64, String) -> String)?
    /// Keep the binary's name on every node.
    public var objNames = false
    /// Build a tree (one node per distinct call path) instead of a graph.
    public var callTree = false
    /// Drop nodes whose value is negative.
    public var dropNegative = false
    /// Collect label tags on nodes (only graph pictures show them).
    public var collectTags = false
    /// The samples' tags, interned once by a report that builds several graphs of one profile.
    var sampleTags: SampleTagIndex?
    /// For a first cut (a graph of the nodes' values only) that will drop nodes whose |cum| is under this fraction of
    /// the nodes' total flat value: a graph source may leave them out at once and say how many
    /// there were (Graph.uncut).
    public var firstCutFraction: Double?
    /// When set, only nodes with these infos are made; others become residual gaps.
    public var keptNodes: Set<NodeInfo>?

    public init(sampleIndex: Int, meanDivisorIndex: Int? = nil) {
        self.sampleIndex = sampleIndex
        self.meanDivisorIndex = meanDivisorIndex
    }
}

/// A call graph: the nodes and, through them, the edges.
public final class Graph {
    public var nodes: [Node]
    /// Every node made while building, kept alive because edges and `function` links point
    /// at nodes that were not selected.
    var storage: [Node]
    /// By node id, the rank of the node's printed name in byte order (equal names, equal ranks;
    /// -1 for a node not ranked), from the builder when it knows them or from the last sort:
    /// sorts and the tree renderer then compare numbers, not names.
    var nameRank: [Int32]?
    /// Nodes the graph's source left out of `nodes` though a graph of all of them would have
    /// selected them (GraphOptions.firstCutFraction, or a `peek`'s unprinted nodes).
    public var omitted: OmittedNodes?
    /// How many nodes the graph would select with the omitted ones.
    public var selectedCount: Int { nodes.count + (omitted?.count ?? 0) }

    init(nodes: [Node], storage: [Node]) {
        self.nodes = nodes
        self.storage = storage
    }

    /// The graph of `nodes` that lists those with a value (not negative with `dropNegative`).
    static func selectNodes(_ nodes: [Node], dropNegative: Bool) -> Graph {
        Graph(
            nodes: nodes.filter { n in
                if n.cum == 0 && n.flat == 0 { return false }
                if dropNegative && (n.flat < 0 || (n.flat == 0 && n.cum < 0)) { return false }
                return true
            }, storage: nodes)
    }

    /// The sum of the raw flat and cum values of all nodes.
    public func sum() -> (flat: Int64, cum: Int64) {
        let s = nodes.reduce((Int64(0), Int64(0))) { ($0.0 &+ $1.flat, $0.1 &+ $1.cum) }
        guard let omitted else { return s }
        return (s.0 &+ omitted.flat, s.1 &+ omitted.cum)
    }
}
