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
    /// The profile's location keys, made once by a report that builds several graphs of one profile.
    var locationKeys: LocationKeys?
    /// The profile's samples as flat arrays, made once by a report that builds several graphs.
    var flatSamples: FlatSamples?
    /// Only the nodes' values are wanted (a first cut that decides which nodes to keep): the
    /// summing graph builder then skips the edges.
    var nodesOnly = false
    /// For a first cut (`nodesOnly`) that will drop nodes whose |cum| is under this fraction of
    /// the nodes' total flat value: a graph source may leave them out at once and say how many
    /// there were (Graph.uncut).
    public var firstCutFraction: Double?
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
        tagIndex?.attach(tags, to: { table.nodes[$0] })
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
                    let info = table.nodeInfo(loc, lines[li])
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
        tagIndex?.attach(tags, to: { table.nodes[$0] })
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
        let s = nodes.reduce((Int64(0), Int64(0))) { ($0.0 &+ $1.flat, $0.1 &+ $1.cum) }
        guard let omitted else { return s }
        return (s.0 &+ omitted.flat, s.1 &+ omitted.cum)
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

    /// The node of each location line (one row per location, inlined lines first).
    mutating func createNodes() -> [[Node?]] {
        let keys = locationKeys()
        let keyNode = nodes(for: keys)
        var result: [[Node?]] = []
        result.reserveCapacity(profile.locations.count)
        for l in 0..<profile.locations.count {
            let start = Int(keys.lineStart[l]), end = Int(keys.lineStart[l + 1])
            var row: [Node?] = []
            row.reserveCapacity(end - start)
            for f in start..<end { row.append(keyNode[Int(keys.lineKey[f])]) }
            result.append(row)
        }
        return result
    }

    /// The profile's location keys: the options' cached ones when they fit, else new ones.
    func locationKeys() -> LocationKeys {
        if let cached = options.locationKeys, cached.fits(options) { return cached }
        return LocationKeys(profile, options)
    }

    /// Finds or makes the node of each key, in the keys' order (their order of first use),
    /// as pprof's NodeMap meets them; nil for keys whose node is not kept. The same nodes, in
    /// the same order as a table keyed by NodeInfo would (a node, then its function's node), but
    /// through the keys' interned info numbers: a NodeInfo is hashed only for the kept set.
    mutating func nodes(for keys: LocationKeys) -> [Node?] {
        var kept: [Bool]?
        if let keptNodes = options.keptNodes {
            var flags = [Bool](repeating: false, count: keys.infos.count)
            for info in keptNodes {
                if let i = keys.id(of: info) { flags[Int(i)] = true }
            }
            kept = flags
        }
        var infoNode = [Node?](repeating: nil, count: keys.infos.count)
        func node(_ i: Int) -> Node {
            if let n = infoNode[i] { return n }
            let n = Node(id: nodes.count, info: keys.infos[i])
            nodes.append(n)
            infoNode[i] = n
            let f = Int(keys.functionInfo[i])
            n.function = f == i ? n : node(f)
            return n
        }
        var keyNode: [Node?] = []
        keyNode.reserveCapacity(keys.keyInfo.count)
        for i in keys.keyInfo {
            if let kept, !kept[Int(i)] {
                keyNode.append(nil)
            } else {
                keyNode.append(node(Int(i)))
            }
        }
        return keyNode
    }

    func nodeInfo(_ loc: Location, _ line: Line) -> NodeInfo {
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
    if isCleanPath(path) { return path }
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

/// Which NodeInfo each location line stands for, worked out once per profile and naming options
/// (a report builds up to three graphs of one profile, with different kept nodes).
///
/// A line's key is its function, address, line number and (sometimes) binary, the binary interned
/// once per mapping, so that each location line is looked up by integers and a NodeInfo is built
/// only once per distinct key; keys whose NodeInfos are equal (functions that differ only in
/// what the granularity drops) then share an info number. Keys are numbered in order of first use.
final class LocationKeys: @unchecked Sendable {
    let objNames: Bool
    let origFnNames: Bool
    /// Lines of location `l`: `lineKey[lineStart[l]..<lineStart[l+1]]`, in the location's order.
    let lineStart: [Int32]
    let lineKey: [Int32]
    /// The NodeInfo of each key, as a number into `infos` (equal infos, equal numbers).
    let keyInfo: [Int32]
    /// The distinct NodeInfos, their numbers, and for each the number of its function's info
    /// (address and line cleared; itself for a function).
    let infos: [NodeInfo]
    private let infoTable: FastIndexTable
    let functionInfo: [Int32]

    func fits(_ o: GraphOptions) -> Bool { o.objNames == objNames && o.origFnNames == origFnNames }

    init(_ profile: Profile, _ options: GraphOptions) {
        objNames = options.objNames
        origFnNames = options.origFnNames
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

        let namer = NodeTable(profile: profile, options: options)
        var table = FastIndexTable(capacity: profile.locations.count)
        var keyIdent: [Int32] = [], keyObj: [Int32] = [], keyAddr: [UInt64] = [], keyLine: [Int64] = []
        var info: [NodeInfo] = []
        info.reserveCapacity(profile.locations.count)
        var lineStart: [Int32] = [0]
        var lineKey: [Int32] = []
        lineStart.reserveCapacity(profile.locations.count + 1)
        lineKey.reserveCapacity(profile.locations.count)
        let noFunction = [Line(function: -1, line: 0)]
        for loc in profile.locations {
            let lines = loc.lines.isEmpty ? noFunction : loc.lines
            let obj = loc.mapping >= 0 ? mappingObjfile[Int(loc.mapping)] : -1
            for ln in lines {
                let fi = Int(ln.function)
                let ident = Int32(fi)
                let usesObj = fi < 0 || functionWithObjfile[fi]
                let o = usesObj ? obj : -2
                let line = fi >= 0 ? ln.line : 0
                var h = mixHash(UInt64(bitPattern: Int64(ident)), loc.address)
                h = mixHash(h, UInt64(bitPattern: line))
                h = mixHash(h, UInt64(bitPattern: Int64(o)))
                let addr = loc.address
                if let k = table.find(h, { keyIdent[$0] == ident && keyAddr[$0] == addr && keyLine[$0] == line && keyObj[$0] == o }) {
                    lineKey.append(Int32(k))
                    continue
                }
                table.insert(h, info.count)
                lineKey.append(Int32(info.count))
                keyIdent.append(ident)
                keyAddr.append(addr)
                keyLine.append(line)
                keyObj.append(o)
                info.append(namer.nodeInfo(loc, ln))
            }
            lineStart.append(Int32(lineKey.count))
        }
        self.lineStart = lineStart
        self.lineKey = lineKey
        var infos: [NodeInfo] = []
        var infoTable = FastIndexTable(capacity: info.count * 2)
        infos.reserveCapacity(info.count * 2)
        func number(_ i: NodeInfo) -> Int32 {
            let h = Self.hash(i)
            if let n = infoTable.find(h, { infos[$0] == i }) { return Int32(n) }
            let n = Int32(infos.count)
            infoTable.insert(h, infos.count)
            infos.append(i)
            return n
        }
        keyInfo = info.map(number)
        var functionInfo: [Int32] = []
        var i = 0
        while i < infos.count {
            var f = infos[i]
            if f.address == 0 && f.lineno == 0 {
                functionInfo.append(Int32(i))
            } else {
                f.address = 0
                f.lineno = 0
                functionInfo.append(number(f))
            }
            i += 1
        }
        self.infos = infos
        self.infoTable = infoTable
        self.functionInfo = functionInfo
    }

    /// The number of `info`, if a key has it.
    func id(of info: NodeInfo) -> Int32? {
        infoTable.find(Self.hash(info), { infos[$0] == info }).map(Int32.init)
    }

    private static func hash(_ i: NodeInfo) -> UInt64 {
        var h = mixHash(stringHash(i.name), stringHash(i.file))
        h = mixHash(h, i.address)
        h = mixHash(h, UInt64(bitPattern: Int64(i.lineno)) &* 31 &+ UInt64(bitPattern: Int64(i.startLine)))
        if !i.origName.isEmpty { h = mixHash(h, stringHash(i.origName)) }
        if !i.objfile.isEmpty { h = mixHash(h, stringHash(i.objfile)) }
        return h
    }
}

/// Whether Go's filepath.Clean leaves `path` (not empty) as it is: no empty, `.` or `..`
/// element and no trailing slash, which is what file names in profiles nearly always are.
func isCleanPath(_ path: String) -> Bool {
    var clean = true
    path.utf8.withContiguousStorageIfAvailable { b in
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var elementStart = 0
        for i in 0...b.count {
            if i < b.count && b[i] != slash { continue }
            let length = i - elementStart
            // An empty element is fine only as the root's leading slash (and "/" alone).
            if length == 0 && !(i == 0 && b.count > 1) && !(b.count == 1) {
                clean = false
                return
            }
            if length == 1 && b[elementStart] == dot { clean = false; return }
            if length == 2 && b[elementStart] == dot && b[elementStart + 1] == dot { clean = false; return }
            elementStart = i + 1
        }
    } ?? { clean = false }()
    return clean
}
