import ProfileFormat

/// How to build a call graph from a profile.
public struct GraphOptions {
    /// Which value of each sample to use.
    public var sampleIndex: Int
    /// With `-mean`: the index of the count to divide by.
    public var meanDivisorIndex: Int?
    /// Formats a numeric tag value with its unit.
    public var formatTag: ((Int64, String) -> String)?
    /// Keep the binary's name on every node.
    public var objNames = false
    /// Keep the raw (system) function names.
    public var origFnNames = false
    /// Build a tree (one node per distinct call path) instead of a graph.
    public var callTree = false
    /// Drop nodes whose value is negative.
    public var dropNegative = false
    /// Collect label tags on nodes (only graph pictures show them).
    public var collectTags = false
    /// The samples' tags, interned once by a report that builds several graphs of one profile.
    var sampleTags: SampleTagIndex?
    /// Only the nodes' values are wanted (a first cut that decides which nodes to keep): the
    /// summing graph builder then skips the edges.
    var nodesOnly = false
    /// When set, only nodes with these infos are made; others become residual gaps.
    public var keptNodes: Set<NodeInfo>?
    /// From this many samples on, graphs without tags are summed on two threads.
    public var parallelThreshold = 20_000

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
    let storage: [Node]
    /// By node id, the rank of the node's printed name among the graph's (equal names, equal
    /// ranks), when its builder knows it: sorting then compares numbers, not names.
    var nameRank: [Int32]?

    init(nodes: [Node], storage: [Node]) {
        self.nodes = nodes
        self.storage = storage
    }

    /// Builds the graph of `profile` as pprof's graph.New does.
    public static func build(_ profile: Profile, _ o: GraphOptions) -> Graph {
        if o.callTree { return buildTree(profile, o) }
        return buildAccumulated(profile, o)
    }

    /// Builds the graph and returns, for each location index, its nodes (one per line, inlined first).
    public static func buildGraph(_ profile: Profile, _ o: GraphOptions) -> (graph: Graph, locationNodes: [[Node?]]) {
        var table = NodeTable(profile: profile, options: o)
        let locationNodes = table.createNodes()
        var seen = [Int](repeating: -1, count: table.nodes.count)
        var seenEdges: [(Int, Int)] = []
        let tagIndex = o.collectTags ? o.sampleTags ?? SampleTagIndex(profile.samples, format: o.formatTag) : nil
        var tags = TagSums()
        for (si, sample) in profile.samples.enumerated() {
            let w = sample.values[o.sampleIndex]
            let dw = o.meanDivisorIndex.map { sample.values[$0] } ?? 0
            if dw == 0 && w == 0 { continue }
            seenEdges.removeAll(keepingCapacity: true)
            var parent: Node?
            var residual = false
            var i = sample.locations.count - 1
            while i >= 0 {
                let locNodes = locationNodes[Int(sample.locations[i])]
                var ni = locNodes.count - 1
                while ni >= 0 {
                    defer { ni -= 1 }
                    guard let n = locNodes[ni] else {
                        residual = true
                        continue
                    }
                    if seen[n.id] != si {
                        seen[n.id] = si
                        n.addSample(dw: dw, w: w, flat: false)
                        if let tagIndex { tags.add(tagIndex, sample: si, node: n.id, dw: dw, w: w, flat: false) }
                    }
                    if let p = parent, p !== n, !seenEdges.contains(where: { $0.0 == n.id && $0.1 == p.id }) {
                        seenEdges.append((n.id, p.id))
                        p.addToEdge(n, dv: dw, v: w, residual: residual, inline: ni != locNodes.count - 1)
                    }
                    parent = n
                    residual = false
                }
                i -= 1
            }
            if let p = parent, !residual {
                p.addSample(dw: dw, w: w, flat: true)
                if let tagIndex { tags.add(tagIndex, sample: si, node: p.id, dw: dw, w: w, flat: true) }
            }
        }
        tagIndex?.attach(tags, to: table.nodes)
        return (selectNodes(table.nodes, dropNegative: o.dropNegative), locationNodes)
    }

    static func buildTree(_ profile: Profile, _ o: GraphOptions) -> Graph {
        var table = NodeTable(profile: profile, options: o)
        // One node table per parent node (by id; -1 for the roots).
        var children: [Int: [NodeInfo: Node]] = [:]
        // A node in one calling context; its whole-function node belongs to the same context,
        // as in pprof, so callgrind can tell the contexts apart.
        func contextNode(_ info: NodeInfo, under key: Int) -> Node {
            if let existing = children[key]?[info] { return existing }
            let n = table.appendNode(info)
            children[key, default: [:]][info] = n
            if info.address == 0 && info.lineno == 0 {
                n.function = n
            } else {
                var fi = info
                fi.address = 0
                fi.lineno = 0
                n.function = contextNode(fi, under: key)
            }
            return n
        }
        let tagIndex = o.collectTags ? o.sampleTags ?? SampleTagIndex(profile.samples, format: o.formatTag) : nil
        var tags = TagSums()
        for (si, sample) in profile.samples.enumerated() {
            let w = sample.values[o.sampleIndex]
            let dw = o.meanDivisorIndex.map { sample.values[$0] } ?? 0
            if dw == 0 && w == 0 { continue }
            var parent: Node?
            var i = sample.locations.count - 1
            while i >= 0 {
                let loc = profile.locations[Int(sample.locations[i])]
                let lines = loc.lines.isEmpty ? [Line(function: -1, line: 0)] : loc.lines
                var li = lines.count - 1
                while li >= 0 {
                    defer { li -= 1 }
                    guard let info = table.nodeInfo(loc, lines[li]) else { continue }
                    if let kept = o.keptNodes, !kept.contains(info) { continue }
                    let n = contextNode(info, under: parent?.id ?? -1)
                    n.addSample(dw: dw, w: w, flat: false)
                    if let tagIndex { tags.add(tagIndex, sample: si, node: n.id, dw: dw, w: w, flat: false) }
                    if let p = parent {
                        p.addToEdge(n, dv: dw, v: w, residual: false, inline: li != lines.count - 1)
                    }
                    parent = n
                }
                i -= 1
            }
            if let p = parent {
                p.addSample(dw: dw, w: w, flat: true)
                if let tagIndex { tags.add(tagIndex, sample: si, node: p.id, dw: dw, w: w, flat: true) }
            }
        }
        tagIndex?.attach(tags, to: table.nodes)
        return selectNodes(table.nodes, dropNegative: o.dropNegative)
    }

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
        nodes.reduce((Int64(0), Int64(0))) { ($0.0 + $1.flat, $0.1 + $1.cum) }
    }
}

/// The sorted `key:value` labels of a sample joined by a literal `\n`, as pprof names label tags.
func joinLabels(_ s: Sample, skipping skipped: String? = nil) -> String {
    if s.labels.isEmpty { return "" }
    return s.labels.compactMap { $0.key == skipped ? nil : "\($0.key):\($0.value)" }.sorted().joined(separator: "\\n")
}

/// Finds or makes the node for each location line, as pprof's NodeMap does.
struct NodeTable {
    let profile: Profile
    let options: GraphOptions
    var nodes: [Node] = []
    var byInfo: [NodeInfo: Node] = [:]

    init(profile: Profile, options: GraphOptions) {
        self.profile = profile
        self.options = options
    }

    /// A new node outside the lookup table (call trees keep their own per context).
    mutating func appendNode(_ info: NodeInfo) -> Node {
        let n = Node(id: nodes.count, info: info)
        nodes.append(n)
        return n
    }

    mutating func findOrInsert(_ info: NodeInfo, kept: Set<NodeInfo>?) -> Node? {
        if let kept, !kept.contains(info) { return nil }
        if let n = byInfo[info] { return n }
        let n = Node(id: nodes.count, info: info)
        nodes.append(n)
        byInfo[info] = n
        if info.address == 0 && info.lineno == 0 {
            n.function = n
        } else {
            var fi = info
            fi.address = 0
            fi.lineno = 0
            n.function = findOrInsert(fi, kept: nil)
        }
        return n
    }

    mutating func createNodes() -> [[Node?]] {
        // A line's NodeInfo is decided by its function's fields, the address, the line number and
        // (sometimes) the binary. Intern the function part once per function and the binary once
        // per mapping, so that each location line is looked up by integers; a NodeInfo is built
        // and hashed only once per distinct key.
        struct FunctionPart: Hashable {
            var name: String
            var origName: String
            var file: String
            var startLine: Int64
            var withObjfile: Bool
        }
        var identities: [FunctionPart: Int32] = [:]
        let functionIdentity: [Int32] = profile.functions.map { f in
            var part = FunctionPart(name: f.name, origName: options.origFnNames ? f.systemName : "", file: "", startLine: 0, withObjfile: false)
            if !f.filename.isEmpty { part.file = cleanPath(f.filename) }
            if options.objNames || (part.name.isEmpty && part.origName.isEmpty) {
                part.withObjfile = true
                part.startLine = f.startLine
            }
            if let id = identities[part] { return id }
            let id = Int32(identities.count)
            identities[part] = id
            return id
        }
        let functionWithObjfile = profile.functions.map { f in
            options.objNames || (f.name.isEmpty && !(options.origFnNames && !f.systemName.isEmpty))
        }
        var objfileIDs: [String: Int32] = [:]
        let mappingObjfile: [Int32] = profile.mappings.map { m in
            if let id = objfileIDs[m.file] { return id }
            let id = Int32(objfileIDs.count)
            objfileIDs[m.file] = id
            return id
        }

        var table = FastIndexTable(capacity: profile.locations.count)
        var keyIdent: [Int32] = [], keyObj: [Int32] = [], keyAddr: [UInt64] = [], keyLine: [Int64] = []
        var keyNode: [Node?] = []
        var result: [[Node?]] = []
        result.reserveCapacity(profile.locations.count)
        let noFunction = [Line(function: -1, line: 0)]
        for loc in profile.locations {
            let lines = loc.lines.isEmpty ? noFunction : loc.lines
            let obj = loc.mapping >= 0 ? mappingObjfile[Int(loc.mapping)] : -1
            var row: [Node?] = []
            row.reserveCapacity(lines.count)
            for ln in lines {
                let fi = Int(ln.function)
                let ident: Int32 = fi >= 0 ? functionIdentity[fi] : -1
                let usesObj = fi < 0 || functionWithObjfile[fi]
                let o = usesObj ? obj : -2
                let line = fi >= 0 ? ln.line : 0
                var h = mixHash(UInt64(bitPattern: Int64(ident)), loc.address)
                h = mixHash(h, UInt64(bitPattern: line))
                h = mixHash(h, UInt64(bitPattern: Int64(o)))
                let addr = loc.address
                if let k = table.find(h, { keyIdent[$0] == ident && keyAddr[$0] == addr && keyLine[$0] == line && keyObj[$0] == o }) {
                    row.append(keyNode[k])
                    continue
                }
                let node = nodeInfo(loc, ln).flatMap { findOrInsert($0, kept: options.keptNodes) }
                table.insert(h, keyNode.count)
                keyIdent.append(ident)
                keyAddr.append(addr)
                keyLine.append(line)
                keyObj.append(o)
                keyNode.append(node)
                row.append(node)
            }
            result.append(row)
        }
        return result
    }

    func nodeInfo(_ loc: Location, _ line: Line) -> NodeInfo? {
        var objfile = ""
        if let m = profile.mapping(of: loc), !m.file.isEmpty { objfile = m.file }
        if line.function < 0 {
            return NodeInfo(address: loc.address, objfile: objfile)
        }
        let f = profile.functions[Int(line.function)]
        var ni = NodeInfo(name: f.name, address: loc.address, lineno: Int(line.line))
        if !f.filename.isEmpty { ni.file = cleanPath(f.filename) }
        if options.origFnNames { ni.origName = f.systemName }
        if options.objNames || (ni.name.isEmpty && ni.origName.isEmpty) {
            ni.objfile = objfile
            ni.startLine = Int(f.startLine)
        }
        return ni
    }
}

/// Go's filepath.Clean: the shortest equivalent path.
public func cleanPath(_ path: String) -> String {
    if path.isEmpty { return "." }
    let rooted = path.hasPrefix("/")
    var out: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == ".." {
            if let last = out.last, last != ".." {
                out.removeLast()
            } else if !rooted {
                out.append(part)
            }
            continue
        }
        out.append(part)
    }
    let joined = out.joined(separator: "/")
    if rooted { return "/" + joined }
    return joined.isEmpty ? "." : joined
}
