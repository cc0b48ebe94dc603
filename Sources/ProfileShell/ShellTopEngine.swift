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
    /// The profile as loaded (before aggregation), for filters, headers and totals.
    let profile: Profile
    /// Warnings ReportPipeline gives for every report of this profile (numeric label units).
    let unitWarnings: [String]

    /// Node identities and printed names.
    let infos: [NodeInfo]
    let names: [String]
    /// Frames of sample `s`, root first: `frameNode[sampleStart[s]..<sampleStart[s+1]]`;
    /// `frameInline` says whether the frame is an inlined line of its location.
    let sampleStart: [Int32]
    let frameNode: [Int32]
    let frameInline: [Bool]
    /// `values[t][s]`: sample `s`'s value of sample type `t`.
    let values: [[Int64]]
    let isDiffBase: [Bool]
    let anyDiffBase: Bool

    /// The last focus/ignore masks: which samples they keep.
    private var mask: (focus: String, ignore: String, keep: [Bool]?, warnings: [String])?

    init(profile: Profile, key: Key) {
        self.key = key
        self.profile = profile
        var warnings: [String] = []
        _ = ReportPipeline.identifyNumLabelUnits(profile, warn: { warnings.append($0) })
        unitWarnings = warnings

        var cfg = ReportConfig()
        cfg.granularity = key.granularity
        cfg.noInlines = key.noInlines
        var p = profile
        try? ReportPipeline.aggregate(&p, cfg)

        // One node per distinct NodeInfo; each location becomes its frames in visiting order.
        var table: [NodeInfo: Int32] = [:]
        var infos: [NodeInfo] = []
        var fileCache: [String: String] = [:]
        func node(_ info: NodeInfo) -> Int32 {
            if let n = table[info] { return n }
            let n = Int32(infos.count)
            table[info] = n
            infos.append(info)
            return n
        }
        var locFrames: [[Int32]] = []
        var locInline: [[Bool]] = []
        locFrames.reserveCapacity(p.locations.count)
        locInline.reserveCapacity(p.locations.count)
        for loc in p.locations {
            var objfile = ""
            if let m = p.mapping(of: loc), !m.file.isEmpty { objfile = m.file }
            if loc.lines.isEmpty {
                locFrames.append([node(NodeInfo(address: loc.address, objfile: objfile))])
                locInline.append([false])
                continue
            }
            var frames: [Int32] = []
            var inline: [Bool] = []
            let count = loc.lines.count
            for ni in stride(from: count - 1, through: 0, by: -1) {
                let line = loc.lines[ni]
                let info: NodeInfo
                if line.function < 0 {
                    info = NodeInfo(address: loc.address, objfile: objfile)
                } else {
                    let f = p.functions[Int(line.function)]
                    var ni = NodeInfo(name: f.name, address: loc.address, lineno: Int(line.line))
                    if !f.filename.isEmpty {
                        if let cached = fileCache[f.filename] {
                            ni.file = cached
                        } else {
                            let trimmed = cleanPath(trimPath(f.filename, trim: key.trimPath, search: key.sourcePath))
                            fileCache[f.filename] = trimmed
                            ni.file = trimmed
                        }
                    }
                    if ni.name.isEmpty {
                        ni.objfile = objfile
                        ni.startLine = Int(f.startLine)
                    }
                    info = ni
                }
                frames.append(node(info))
                inline.append(ni != count - 1)
            }
            locFrames.append(frames)
            locInline.append(inline)
        }
        self.infos = infos
        names = infos.map(\.printableName)

        var starts: [Int32] = [0]
        var nodes: [Int32] = []
        var inlines: [Bool] = []
        starts.reserveCapacity(p.samples.count + 1)
        var diffBase = [Bool](repeating: false, count: p.samples.count)
        var columns = [[Int64]](repeating: [], count: p.sampleTypes.count)
        for t in columns.indices { columns[t].reserveCapacity(p.samples.count) }
        for (si, s) in p.samples.enumerated() {
            for i in stride(from: s.locations.count - 1, through: 0, by: -1) {
                let li = Int(s.locations[i])
                nodes.append(contentsOf: locFrames[li])
                inlines.append(contentsOf: locInline[li])
            }
            starts.append(Int32(nodes.count))
            for t in columns.indices { columns[t].append(t < s.values.count ? s.values[t] : 0) }
            if !s.labels.isEmpty { diffBase[si] = s.isDiffBase }
        }
        sampleStart = starts
        frameNode = nodes
        frameInline = inlines
        values = columns
        isDiffBase = diffBase
        anyDiffBase = diffBase.contains(true)
    }

    /// pprof's report total: the sum of |value| (over the base's samples only with
    /// -diff_base), divided by the summed counts with -mean.
    func total(index: Int, meanIndex: Int?) -> Int64 {
        var div: Int64 = 0, total: Int64 = 0, diffDiv: Int64 = 0, diffTotal: Int64 = 0
        let column = values[index]
        let divisors = meanIndex.map { values[$0] }
        for s in column.indices {
            var v = column[s]
            let d = divisors?[s] ?? 0
            if v < 0 { v = 0 &- v }
            total &+= v
            div &+= d
            if anyDiffBase && isDiffBase[s] {
                diffTotal &+= v
                diffDiv &+= d
            }
        }
        if diffTotal > 0 {
            total = diffTotal
            div = diffDiv
        }
        return div != 0 ? total / div : total
    }

    /// The samples that `focus` and `ignore` keep (nil: all), as Profile.filterSamplesByName
    /// decides, with its "matched no samples" warnings.
    func keep(focus: String, ignore: String) throws(ReportError) -> (keep: [Bool]?, warnings: [String]) {
        if let m = mask, m.focus == focus, m.ignore == ignore { return (m.keep, m.warnings) }
        let focusRE = try compile("focus", focus)
        let ignoreRE = try compile("ignore", ignore)
        var keep: [Bool]?
        var warnings: [String] = []
        if focusRE != nil || ignoreRE != nil {
            let focusLoc = focusRE.map { locationMatches($0) }
            let ignoreLoc = ignoreRE.map { locationMatches($0) }
            // 1: focused, 2: ignored, as filterSamplesByName marks locations.
            var mark = [UInt8](repeating: 0, count: profile.locations.count)
            var focusMatched = false, ignoreMatched = false
            for li in mark.indices {
                if let ignoreLoc, ignoreLoc[li] {
                    ignoreMatched = true
                    mark[li] = 2
                } else if focusLoc?[li] ?? true {
                    focusMatched = true
                    mark[li] = 1
                }
            }
            var k = [Bool](repeating: false, count: profile.samples.count)
            for (si, s) in profile.samples.enumerated() {
                var focused = false
                var ignored = false
                for l in s.locations {
                    switch mark[Int(l)] {
                    case 1: focused = true
                    case 2: ignored = true
                    default: break
                    }
                    if ignored { break }
                }
                k[si] = focused && !ignored
            }
            keep = k
            if focusRE != nil && !focusMatched { warnings.append("Focus expression matched no samples") }
            if ignoreRE != nil && !ignoreMatched { warnings.append("Ignore expression matched no samples") }
        }
        mask = (focus, ignore, keep, warnings)
        return (keep, warnings)
    }

    private func compile(_ name: String, _ value: String) throws(ReportError) -> GoRegex? {
        if value.isEmpty { return nil }
        do {
            return try GoRegex(value)
        } catch {
            throw ReportError("parsing \(name) regexp: \(error)")
        }
    }

    /// For each location: whether a function name or file name of one of its lines, or its
    /// binary, matches. Names are matched once each, on both cores.
    private func locationMatches(_ re: GoRegex) -> [Bool] {
        let functions = profile.functions
        var distinct: [String] = []
        var index: [String: Int] = [:]
        func slot(_ s: String) -> Int {
            if let i = index[s] { return i }
            index[s] = distinct.count
            distinct.append(s)
            return distinct.count - 1
        }
        let nameSlot = functions.map { slot($0.name) }
        let fileSlot = functions.map { slot($0.filename) }
        let mappingSlot = profile.mappings.map { slot($0.file) }
        let matched = parallelMatch(re, distinct)
        let functionMatches = functions.indices.map { matched[nameSlot[$0]] || matched[fileSlot[$0]] }
        return profile.locations.map { loc in
            for ln in loc.lines where ln.function >= 0 && functionMatches[Int(ln.function)] { return true }
            if loc.mapping >= 0 { return matched[mappingSlot[Int(loc.mapping)]] }
            return false
        }
    }
}

/// `re.matches` over many strings, split across the cores.
func parallelMatch(_ re: GoRegex, _ strings: [String]) -> [Bool] {
    final class Results: @unchecked Sendable {
        var flags: [Bool]
        init(_ n: Int) { flags = [Bool](repeating: false, count: n) }
    }
    let results = Results(strings.count)
    let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 2, strings.count / 256))
    let size = (strings.count + chunks - 1) / max(chunks, 1)
    results.flags.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let out = out
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * size, hi = min(strings.count, lo + size)
            if lo >= hi { return }
            for i in lo..<hi { out[i] = re.matches(strings[i]) }
        }
    }
    return results.flags
}
