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
