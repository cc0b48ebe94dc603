import Foundation
import ProfileFormat
import ProfileReport

/// The shell's fast `top`/`text`: the loaded profile's stacks decoded once into flat arrays of
/// node numbers at one granularity, so each `top` (another count, sort, sample type, unit,
/// focus or ignore) is a pass over integers instead of a new call graph. It computes what
/// ReportPipeline and Report.printText compute, byte for byte (ShellTopEngineTests checks
/// that); options it does not cover (hide, show, tag filters, tagroot, relative
/// percentages, ...) go through the full pipeline.
final class TopEngine {
    /// What the decoded stacks depend on.
    struct Key: Equatable {
        var granularity: String
        var noInlines: Bool
        var trimPath: String
        var sourcePath: String

        init(_ cfg: ReportConfig) {
            granularity = cfg.granularity
            noInlines = cfg.noInlines
            trimPath = cfg.trimPath
            sourcePath = cfg.sourcePath
        }
    }

    /// Whether the fast path computes this configuration exactly.
    static func handles(_ cfg: ReportConfig) -> Bool {
        cfg.hide.isEmpty && cfg.show.isEmpty && cfg.showFrom.isEmpty && cfg.pruneFrom.isEmpty
            && cfg.tagFocus.isEmpty && cfg.tagIgnore.isEmpty && cfg.tagShow.isEmpty && cfg.tagHide.isEmpty
            && cfg.tagRoot.isEmpty && cfg.tagLeaf.isEmpty && !cfg.relativePercentages
    }

    let key: Key
    /// The samples as flat arrays (shared by the engines of one profile).
    let samples: SampleIndex
    var profile: Profile { samples.profile }
    var values: [[Int64]] { samples.values }

    /// Node identities, and printed names as they are needed.
    let infos: [NodeInfo]
    private var nameCache: [String?]

    /// The name reports print for node `n`.
    func name(_ n: Int) -> String {
        if let s = nameCache[n] { return s }
        let s = infos[n].printableName
        nameCache[n] = s
        return s
    }
    /// Frames of sample `s`, root first: `frameNode[sampleStart[s]..<sampleStart[s+1]]`;
    /// `frameInline` says whether the frame is an inlined line of its location.
    let sampleStart: [Int32]
    let frameNode: [Int32]
    let frameInline: [Bool]

    init(samples: SampleIndex, key: Key) {
        self.key = key
        self.samples = samples
        // What the granularity keeps, as pprof's Profile.Aggregate decides: inlined frames,
        // function names, file names, line numbers, addresses.
        let p = samples.profile
        let g = key.granularity
        let all = g == "addresses" && !key.noInlines
        let inlineFrames = !key.noInlines
        let keepName = all || g != "files"
        let keepFile = all || g != "functions"
        let keepLine = all || g == "lines" || g == "addresses"
        let keepAddress = all || g == "addresses"

        // One node per distinct NodeInfo. Names and files are numbered first, so a node is
        // found by a key of integers; each location becomes its frames in visiting order (the
        // location's last line, its caller, first).
        var stringIDs: [String: Int32] = ["": 0]
        var strings: [String] = [""]
        func intern(_ s: String) -> Int32 {
            if let id = stringIDs[s] { return id }
            let id = Int32(strings.count)
            stringIDs[s] = id
            strings.append(s)
            return id
        }
        var fileCache: [String: Int32] = [:]
        let functionName = p.functions.map { keepName ? intern($0.name) : 0 }
        let functionFile = p.functions.map { f -> Int32 in
            guard keepFile && !f.filename.isEmpty else { return 0 }
            if let id = fileCache[f.filename] { return id }
            let id = intern(cleanPath(trimPath(f.filename, trim: key.trimPath, search: key.sourcePath)))
            fileCache[f.filename] = id
            return id
        }
        let mappingFile = p.mappings.map { intern($0.file) }
        struct NodeKey: Hashable {
            var name: Int32
            var file: Int32
            var objfile: Int32
            var line: Int64
            var startLine: Int64
            var address: UInt64
        }
        var table: [NodeKey: Int32] = [:]
        var infos: [NodeInfo] = []
        table.reserveCapacity(p.locations.count)
        infos.reserveCapacity(p.locations.count)
        func node(_ k: NodeKey) -> Int32 {
            if let n = table[k] { return n }
            let n = Int32(infos.count)
            table[k] = n
            infos.append(
                NodeInfo(
                    name: strings[Int(k.name)], address: k.address, file: strings[Int(k.file)],
                    startLine: Int(k.startLine), lineno: Int(k.line), objfile: strings[Int(k.objfile)]))
            return n
        }
        var locStart: [Int32] = [0]
        var locNode: [Int32] = []
        var locInline: [Bool] = []
        locStart.reserveCapacity(p.locations.count + 1)
        locNode.reserveCapacity(p.locations.count * 2)
        locInline.reserveCapacity(p.locations.count * 2)
        for loc in p.locations {
            let address = keepAddress ? loc.address : 0
            let objfile = loc.mapping >= 0 ? mappingFile[Int(loc.mapping)] : 0
            var lines = loc.lines[...]
            if !inlineFrames && lines.count > 1 { lines = lines.suffix(1) }
            if lines.isEmpty {
                locNode.append(node(NodeKey(name: 0, file: 0, objfile: objfile, line: 0, startLine: 0, address: address)))
                locInline.append(false)
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
                    if k.name == 0 {
                        k.startLine = p.functions[fi].startLine
                    } else {
                        k.objfile = 0
                    }
                }
                locNode.append(node(k))
                locInline.append(ni != lines.endIndex - 1)
                ni -= 1
            }
            locStart.append(Int32(locNode.count))
        }
        self.infos = infos
        nameCache = [String?](repeating: nil, count: infos.count)

        // Each sample's frames: its locations' frames, root first.
        let n = samples.count
        var total = 0
        for l in samples.locs { total += Int(locStart[Int(l) + 1] - locStart[Int(l)]) }
        var starts = [Int32](repeating: 0, count: n + 1)
        var nodes = [Int32](repeating: 0, count: total)
        var inlines = [Bool](repeating: false, count: total)
        samples.locStart.withUnsafeBufferPointer { sampleLoc in
            samples.locs.withUnsafeBufferPointer { locs in
                locStart.withUnsafeBufferPointer { locStart in
                    locNode.withUnsafeBufferPointer { locNode in
                        locInline.withUnsafeBufferPointer { locInline in
                            starts.withUnsafeMutableBufferPointer { starts in
                                nodes.withUnsafeMutableBufferPointer { nodes in
                                    inlines.withUnsafeMutableBufferPointer { inlines in
                                        var at = 0
                                        for si in 0..<n {
                                            for k in Int(sampleLoc[si])..<Int(sampleLoc[si + 1]) {
                                                let l = Int(locs[k])
                                                for f in Int(locStart[l])..<Int(locStart[l + 1]) {
                                                    nodes[at] = locNode[f]
                                                    inlines[at] = locInline[f]
                                                    at += 1
                                                }
                                            }
                                            starts[si + 1] = Int32(at)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        sampleStart = starts
        frameNode = nodes
        frameInline = inlines
    }

    func total(index: Int, meanIndex: Int?) -> Int64 { samples.total(index: index, meanIndex: meanIndex) }

    func keep(focus: String, ignore: String) throws(ReportError) -> (keep: [Bool]?, warnings: [String]) {
        try samples.keep(focus: focus, ignore: ignore)
    }

    var unitWarnings: [String] { samples.unitWarnings }
}
