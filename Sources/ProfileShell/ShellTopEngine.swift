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

/// A profile's samples as flat arrays: each sample's locations (root first), its values by
/// sample type, whether it belongs to a -diff_base; plus the focus/ignore masks over them.
final class SampleIndex {
    let profile: Profile
    let count: Int
    let locStart: [Int32]
    let locs: [Int32]
    /// `values[t][s]`: sample `s`'s value of sample type `t`.
    let values: [[Int64]]
    let isDiffBase: [Bool]
    let anyDiffBase: Bool
    /// Warnings ReportPipeline gives for every report of this profile (numeric label units).
    let unitWarnings: [String]
    /// The last focus/ignore masks: which samples they keep.
    private var mask: (focus: String, ignore: String, keep: [Bool]?, warnings: [String])?

    init(profile: Profile) {
        self.profile = profile
        var warnings: [String] = []
        _ = ReportPipeline.identifyNumLabelUnits(profile, warn: { warnings.append($0) })
        unitWarnings = warnings
        let n = profile.samples.count
        count = n
        var starts = [Int32](repeating: 0, count: n + 1)
        var locs: [Int32] = []
        var columns = [[Int64]](repeating: [Int64](repeating: 0, count: n), count: profile.sampleTypes.count)
        var diffBase = [Bool](repeating: false, count: n)
        profile.samples.withUnsafeBufferPointer { samples in
            var total = 0
            for i in 0..<n { total += samples[i].locations.count }
            locs.reserveCapacity(total)
            for i in 0..<n {
                samples[i].locations.withUnsafeBufferPointer { l in
                    var k = l.count - 1
                    while k >= 0 {
                        locs.append(l[k])
                        k -= 1
                    }
                }
                starts[i + 1] = Int32(locs.count)
                samples[i].values.withUnsafeBufferPointer { v in
                    for t in 0..<min(v.count, columns.count) { columns[t][i] = v[t] }
                }
                if !samples[i].labels.isEmpty { diffBase[i] = samples[i].isDiffBase }
            }
        }
        locStart = starts
        self.locs = locs
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
            var k = [Bool](repeating: false, count: count)
            mark.withUnsafeBufferPointer { mark in
                locs.withUnsafeBufferPointer { locs in
                    for si in 0..<count {
                        var focused = false
                        for j in Int(locStart[si])..<Int(locStart[si + 1]) {
                            let m = mark[Int(locs[j])]
                            if m == 2 {
                                focused = false
                                break
                            }
                            if m == 1 { focused = true }
                        }
                        k[si] = focused
                    }
                }
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
    /// binary, matches. Each distinct name is matched once.
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
        let matched = matchAll(re, distinct)
        let functionMatches = functions.indices.map { matched[nameSlot[$0]] || matched[fileSlot[$0]] }
        return profile.locations.map { loc in
            for ln in loc.lines where ln.function >= 0 && functionMatches[Int(ln.function)] { return true }
            if loc.mapping >= 0 { return matched[mappingSlot[Int(loc.mapping)]] }
            return false
        }
    }
}

/// `re.matches` over many strings: simple patterns (literals with `.`, `^`, `$`, `|`) on
/// ASCII strings by a byte search, the rest by the regexp, split across the cores.
func matchAll(_ re: GoRegex, _ strings: [String]) -> [Bool] {
    guard let simple = SimplePattern(re.pattern) else { return parallelMatch(re, strings) }
    var out = [Bool](repeating: false, count: strings.count)
    var rest: [Int] = []
    for (i, s) in strings.enumerated() {
        if let m = simple.matches(s) { out[i] = m } else { rest.append(i) }
    }
    if !rest.isEmpty {
        let matched = parallelMatch(re, rest.map { strings[$0] })
        for (k, i) in rest.enumerated() { out[i] = matched[k] }
    }
    return out
}

/// A regexp made only of letters, digits, `_`, `/`, `-`, `:`, `.` (any character), with
/// optional `^` and `$` anchors and `|` alternatives: common focus patterns, matched without
/// the regexp engine. Only ASCII strings are matched this way, where `.` is one byte.
struct SimplePattern {
    struct Alternative {
        var bytes: [UInt8]
        var anchoredStart: Bool
        var anchoredEnd: Bool
    }

    let alternatives: [Alternative]

    init?(_ pattern: String) {
        var alts: [Alternative] = []
        for part in pattern.split(separator: "|", omittingEmptySubsequences: false) {
            var body = Array(part.utf8)
            var alt = Alternative(bytes: [], anchoredStart: false, anchoredEnd: false)
            if body.first == UInt8(ascii: "^") {
                alt.anchoredStart = true
                body.removeFirst()
            }
            if body.last == UInt8(ascii: "$") {
                alt.anchoredEnd = true
                body.removeLast()
            }
            for b in body {
                let ok =
                    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                    || b == UInt8(ascii: "_") || b == UInt8(ascii: "/") || b == UInt8(ascii: "-")
                    || b == UInt8(ascii: ":") || b == UInt8(ascii: ".")
                if !ok { return nil }
            }
            alt.bytes = body
            alts.append(alt)
        }
        alternatives = alts
    }

    /// Whether the pattern matches `s`, or nil when `s` is not ASCII (or has control characters).
    func matches(_ s: String) -> Bool? {
        var s = s
        return s.withUTF8 { u -> Bool? in
            for b in u where b >= 0x80 || b < 0x20 { return nil }
            return alternatives.contains { matches($0, u) }
        }
    }

    private func matches(_ a: Alternative, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.bytes.count
        if n > s.count { return false }
        func at(_ i: Int) -> Bool {
            for j in 0..<n where a.bytes[j] != UInt8(ascii: ".") && a.bytes[j] != s[i + j] { return false }
            return true
        }
        if a.anchoredStart { return at(0) && (!a.anchoredEnd || n == s.count) }
        if a.anchoredEnd { return at(s.count - n) }
        for i in 0...(s.count - n) where at(i) { return true }
        return false
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
