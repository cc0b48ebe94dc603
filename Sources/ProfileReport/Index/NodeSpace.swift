import Foundation
import ProfileFormat

/// The shell's fast `top`/`text`: the loaded profile's stacks decoded once into flat arrays of
/// node numbers at one granularity, so each `top` (another count, sort, sample type, unit,
/// focus or ignore) is a pass over integers instead of a new call graph. It computes what
/// ReportPipeline and Report.printText compute, byte for byte (ShellTopEngineTests checks
/// that); options it does not cover (hide, show, tag filters, tagroot, relative
/// percentages, ...) go through the full pipeline.
final class NodeSpace {
    /// What the decoded stacks depend on.
    struct Key: Equatable {
        var granularity: Granularity
        var noInlines: Bool
        var trimPath: String
        var sourcePath: String
        /// Whether file names are trimmed (trimPath's rules) as graph reports trim them;
        /// `traces` shows them as the profile has them.
        var trimsFiles = true
        /// Whether every node names its binary and its function's start line, as `callgrind`,
        /// `list` and `raw` name nodes (else only nodes without a function name do).
        var objNames = false

        init(_ cfg: ReportConfig) {
            granularity = cfg.granularity
            noInlines = cfg.noInlines
            trimPath = cfg.trimPath
            sourcePath = cfg.sourcePath
        }

        /// The key of a profile whose locations are already at the granularity to show (a
        /// Report's own profile, filtered and aggregated): every location line its own node.
        init(asIs options: ReportOptions, objNames: Bool) {
            granularity = .addresses
            noInlines = false
            trimPath = options.trimPath
            sourcePath = options.sourcePath
            self.objNames = objNames
        }

        /// The key of `traces`: file names untrimmed, unless the granularity drops them.
        static func untrimmed(_ cfg: ReportConfig) -> Key { Key(cfg).untrimmed() }

        /// This key with file names untrimmed, unless the granularity drops them.
        func untrimmed() -> Key {
            var key = self
            if granularity != .functions {
                key.trimPath = ""
                key.sourcePath = ""
                key.trimsFiles = false
            }
            return key
        }
    }

    let key: Key
    /// The samples as flat arrays (shared by the engines of one profile).
    let samples: ProfileIndex
    var profile: Profile { samples.profile }
    var values: [[Int64]] { samples.values }

    /// What identifies a node: numbers into `strings` for its names, and its line and address.
    struct NodeKey: Equatable {
        var name: Int32
        var file: Int32
        var objfile: Int32
        var line: Int64
        var startLine: Int64
        var address: UInt64

        /// A cheap mix of every field, for the engine's node table.
        var fastHash: UInt64 {
            mixHash(
                mixHash(UInt64(UInt32(bitPattern: name)) << 32 | UInt64(UInt32(bitPattern: file)), address),
                UInt64(bitPattern: line) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: startLine) &* 0xC2B2_AE3D_27D4_EB4F
                    ^ UInt64(UInt32(bitPattern: objfile)))
        }
    }

    /// Node identities (NodeInfo is made only for nodes that are shown), and printed names.
    let keys: [NodeKey]
    let strings: [String]
    /// Node numbers by identity, and the numbers of the trimmed file names in `strings`.
    let nodeTable: FastIndexTable
    /// Whether trimming left every file name as it is: the engine is then also the one of
    /// this granularity with untrimmed names (Key.untrimmed).
    let namesFilesAsUntrimmed: Bool
    let trimmedFileIDs: [String: Int32]
    /// The edges between consecutive frames, numbered on first use (graphs without cuts).
    lazy var frameEdges = FrameEdges(self)
    /// The rank of each node's printed name among all the nodes' (equal names, equal ranks).
    var nameRank: [Int32] {
        if let known = rankStorage { return known }
        let names = nameBytes
        let rank = NameRanks(bytes: names.bytes, start: names.start).rank
        rankStorage = rank
        return rank
    }
    private var rankStorage: [Int32]?
    /// Whether `nameRank` has been made (graphs of a few nodes rank them themselves).
    var hasNameRank: Bool { rankStorage != nil }
    /// Every node's printed name as UTF-8 (`allNameBytes`), for ranking, matching and
    /// printing names.
    var nameBytes: (bytes: [UInt8], start: [Int]) {
        if let made = nameBytesIfMade { return made }
        let made = allNameBytes()
        nameBytesIfMade = made
        return made
    }
    private var nameBytesIfMade: (bytes: [UInt8], start: [Int])?
    /// The strings' UTF-8 bytes, for names built as bytes (`appendName`).
    lazy var stringBytes = NameRanks.concatenated(strings)
    /// The last `sums` made for a graph, with their options.
    var lastSums: (index: Int, meanIndex: Int?, keep: [Bool]?, sums: Sums)?
    /// Graphs of at most this many kept nodes find their edges in tables (KeptGraphSums),
    /// others by hashing (tests lower it to check one against the other).
    var keptTableLimit = KeptGraphSums.largest
    private var nameCache: [String?]

    var nodeCount: Int { keys.count }

    /// The identity of node `n`, as the call graph names it.
    func info(_ n: Int) -> NodeInfo { info(of: keys[n]) }

    func info(of k: NodeKey) -> NodeInfo {
        NodeInfo(
            name: strings[Int(k.name)], address: k.address, file: strings[Int(k.file)], startLine: Int(k.startLine),
            lineno: Int(k.line), objfile: strings[Int(k.objfile)])
    }

    /// The name reports print for node `n`.
    func name(_ n: Int) -> String {
        if let s = nameCache[n] { return s }
        let s: String
        if let names = nameBytesIfMade {
            s = names.bytes.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[names.start[n]..<names.start[n + 1]]), as: UTF8.self)
            }
        } else {
            var bytes: [UInt8] = []
            appendName(n, to: &bytes)
            s = String(decoding: bytes, as: UTF8.self)
        }
        nameCache[n] = s
        return s
    }
    /// Frames of sample `s`, root first: `frameNode[sampleStart[s]..<sampleStart[s+1]]`;
    /// `frameInline` says whether the frame is an inlined line of its location.
    let sampleStart: [Int32]
    let frameNode: [Int32]
    let frameInline: [Bool]
    /// Location `l`'s nodes, its last line (the caller) first:
    /// `locationNode[locationStart[l]..<locationStart[l+1]]`.
    let locationStart: [Int32]
    let locationNode: [Int32]
    /// Whether some location has node `n` as an inlined line (not its last): only such a node
    /// can be reached through an inlined call.
    let inlined: [Bool]

    init(samples: ProfileIndex, key: Key) {
        self.key = key
        self.samples = samples
        // What the granularity keeps, as pprof's Profile.Aggregate decides: inlined frames,
        // function names, file names, line numbers, addresses.
        let p = samples.profile
        let g = key.granularity
        let all = g == .addresses && !key.noInlines
        let inlineFrames = !key.noInlines
        let keepName = all || g != .files
        let keepFile = all || g != .functions
        let keepLine = all || g == .lines || g == .addresses
        let keepAddress = all || g == .addresses

        // One node per distinct NodeInfo. Names and files are numbers (the sample index's,
        // plus the trimmed file names), so a node is found by a key of integers; each
        // location becomes its frames in visiting order (its last line, the caller, first).
        let numbered = samples.names
        var strings = numbered.distinct
        var trimmedIDs: [String: Int32] = [:]
        var fileIDs: [Int32: Int32] = [0: 0]
        let functionName = keepName ? numbered.name : [Int32](repeating: 0, count: numbered.name.count)
        var filesAsUntrimmed = true
        let functionFile = numbered.file.map { raw -> Int32 in
            guard keepFile else { return 0 }
            if let id = fileIDs[raw] { return id }
            let path = strings[Int(raw)]
            let trimmed = cleanPath(key.trimsFiles ? trimPath(path, trim: key.trimPath, search: key.sourcePath) : path)
            if key.trimsFiles && filesAsUntrimmed && trimmed != cleanPath(path) { filesAsUntrimmed = false }
            let id = trimmedIDs[trimmed] ?? Int32(strings.count)
            if id == Int32(strings.count) {
                strings.append(trimmed)
                trimmedIDs[trimmed] = id
            }
            fileIDs[raw] = id
            return id
        }
        let mappingFile = numbered.mapping
        var table = FastIndexTable(capacity: p.locations.count)
        var keys: [NodeKey] = []
        keys.reserveCapacity(p.locations.count)
        func node(_ k: NodeKey) -> Int32 {
            let h = k.fastHash
            if let n = table.find(h, { keys[$0] == k }) { return Int32(n) }
            table.insert(h, keys.count)
            keys.append(k)
            return Int32(keys.count - 1)
        }
        // Each location's frames, in the order of the samples' frame layout for this inline
        // setting: the node of every frame it expands to.
        let layout = samples.frameLayout(inlineFrames: inlineFrames)
        var locNode: [Int32] = []
        locNode.reserveCapacity(Int(layout.locStart.last ?? 0))
        var inlinedNodes: [Int32] = []
        for loc in p.locations {
            let address = keepAddress ? loc.address : 0
            let objfile = loc.mapping >= 0 ? mappingFile[Int(loc.mapping)] : 0
            var lines = loc.lines[...]
            if !inlineFrames && lines.count > 1 { lines = lines.suffix(1) }
            if lines.isEmpty {
                locNode.append(node(NodeKey(name: 0, file: 0, objfile: objfile, line: 0, startLine: 0, address: address)))
            }
            var ni = lines.endIndex - 1
            while ni >= lines.startIndex {
                let line = lines[ni]
                var k = NodeKey(name: 0, file: 0, objfile: objfile, line: 0, startLine: 0, address: address)
                if line.function >= 0 {
                    let fi = Int(line.function)
                    k.name = functionName[fi]
                    k.file = functionFile[fi]
                    k.line = keepLine ? line.line : 0
                    if k.name == 0 || key.objNames {
                        k.startLine = p.functions[fi].startLine
                    } else {
                        k.objfile = 0
                    }
                }
                let n = node(k)
                locNode.append(n)
                if ni != lines.endIndex - 1 { inlinedNodes.append(n) }
                ni -= 1
            }
        }
        precondition(locNode.count == Int(layout.locStart.last ?? 0), "frame layout and nodes disagree")
        var inlined = [Bool](repeating: false, count: keys.count)
        for n in inlinedNodes { inlined[Int(n)] = true }
        self.inlined = inlined
        self.keys = keys
        self.strings = strings
        namesFilesAsUntrimmed = filesAsUntrimmed
        nodeTable = table
        trimmedFileIDs = trimmedIDs
        nameCache = [String?](repeating: nil, count: keys.count)
        sampleStart = layout.sampleStart
        frameInline = layout.frameInline
        frameNode = layout.map(locNode)
        locationStart = layout.locStart
        locationNode = locNode
    }

    /// Each node's function (its identity with address and line cleared, as call trees and
    /// callgrind link them): a node number, or `nodeCount + i` for `functionKeys[i]`, a
    /// function no frame stands for.
    private(set) lazy var functionOf: [Int32] = {
        var extra: [NodeKey] = []
        var table = FastIndexTable(capacity: 64)
        let of = keys.indices.map { n -> Int32 in
            var k = keys[n]
            if k.address == 0 && k.line == 0 { return Int32(n) }
            k.address = 0
            k.line = 0
            let h = k.fastHash
            if let m = nodeTable.find(h, { keys[$0] == k }) { return Int32(m) }
            if let i = table.find(h, { extra[$0] == k }) { return Int32(keys.count + i) }
            table.insert(h, extra.count)
            extra.append(k)
            return Int32(keys.count + extra.count - 1)
        }
        functionKeys = extra
        return of
    }()
    private(set) var functionKeys: [NodeKey] = []

    /// The identity of a node or a function of `functionOf`.
    func functionInfo(_ f: Int) -> NodeInfo {
        f < nodeCount ? info(f) : info(of: functionKeys[f - nodeCount])
    }

    func total(index: Int, meanIndex: Int?) -> Int64 { samples.total(index: index, meanIndex: meanIndex) }

    func keep(focus: String, ignore: String) throws(ReportError) -> (keep: [Bool]?, warnings: [String]) {
        try samples.keep(focus: focus, ignore: ignore)
    }

    var unitWarnings: [String] { samples.unitWarnings }
}
