import Foundation
import ProfileFormat

/// The index of a loaded profile, made once and kept while the profile is: its samples as
/// flat arrays (each sample's locations, root first, its values by sample type, whether it
/// belongs to a -diff_base), the focus/ignore masks over them, and its node spaces (the
/// stacks as node numbers at a granularity, NodeSpace), made on first use. Every report of
/// the command line and the shell is made from one (ReportPipeline.run).
public final class ProfileIndex {
    public let profile: Profile
    let count: Int
    /// `values[t][s]`: sample `s`'s value of sample type `t`.
    var values: [[Int64]] { flat.values }
    var isDiffBase: [Bool] { flat.isDiffBase }
    var anyDiffBase: Bool { flat.anyDiffBase }
    /// Warnings ReportPipeline gives for every report of this profile (numeric label units).
    var unitWarnings: [String] { units.warnings }
    /// The unit of each numeric label key (ReportPipeline.identifyNumLabelUnits).
    public var numLabelUnits: [String: String] { units.units }
    /// How the stacks expand into frames, with inlined frames and without (`frameLayout`).
    private var layouts: [Bool: FrameLayout] = [:]
    /// The last focus/ignore masks: which samples they keep.
    private var mask: (focus: String, ignore: String, keep: [Bool]?, warnings: [String])?

    /// The node spaces made so far, the most recently made last (a few are kept).
    private var spaces: [NodeSpace] = []
    /// The index of the profile the last transforming options made (IndexView), by those options.
    var transformed: (key: [String], index: ProfileIndex, warnings: [String])?

    /// Indexes `profile`. Nothing is made until a report asks for it: reports that build
    /// their graphs from the profile itself cost no more for the index.
    public init(profile: Profile) {
        self.profile = profile
        count = profile.samples.count
    }

    /// Indexes a profile transformed from another, whose numeric label units it keeps.
    init(profile: Profile, numLabelUnits: [String: String]) {
        self.profile = profile
        count = profile.samples.count
        unitsIfMade = (numLabelUnits, [])
    }

    private var unitsIfMade: (units: [String: String], warnings: [String])?
    private var units: (units: [String: String], warnings: [String]) {
        if let known = unitsIfMade { return known }
        var warnings: [String] = []
        let made = (ReportPipeline.identifyNumLabelUnits(profile, warn: { warnings.append($0) }), warnings)
        unitsIfMade = made
        return made
    }

    /// The samples' values and diff-base marks as flat arrays. Their locations are read from
    /// the profile's samples: a flat copy of them would cost 4 bytes a frame for as long as the
    /// index lives (FrameLayout lays the frames out from the samples).
    private struct FlatSamples {
        let values: [[Int64]]
        let isDiffBase: [Bool]
        let anyDiffBase: Bool

        init(_ profile: Profile) {
            let n = profile.samples.count
            var columns = [[Int64]](repeating: [Int64](repeating: 0, count: n), count: profile.sampleTypes.count)
            var diffBase = [Bool](repeating: false, count: n)
            profile.samples.withUnsafeBufferPointer { samples in
                for i in 0..<n {
                    samples[i].values.withUnsafeBufferPointer { v in
                        for t in 0..<min(v.count, columns.count) { columns[t][i] = v[t] }
                    }
                    if !samples[i].labels.isEmpty { diffBase[i] = samples[i].isDiffBase }
                }
            }
            values = columns
            isDiffBase = diffBase
            anyDiffBase = diffBase.contains(true)
        }
    }

    private var flatIfMade: FlatSamples?
    private var flat: FlatSamples {
        if let known = flatIfMade { return known }
        let made = PhaseTimer.measure("index: samples") { FlatSamples(profile) }
        flatIfMade = made
        return made
    }

    /// The node space for `key`, made on first use; the last four are kept.
    func nodeSpace(_ key: NodeSpace.Key) -> NodeSpace {
        if let known = spaces.first(where: { $0.key == key }) { return known }
        let made = PhaseTimer.measure("index: node space") { NodeSpace(samples: self, key: key) }
        spaces.append(made)
        if spaces.count > 4 { spaces.removeFirst() }
        return made
    }

    /// Makes what the first report of each kind needs with options `cfg`, so that it is as quick
    /// as the next (the shell does this before its first prompt): the node space, its ranked
    /// names, the lines for `list`, the labels for `tags` and `traces`.
    public func prepare(for cfg: ReportConfig) {
        if IndexView.transforms(cfg) { return }
        let e = nodeSpace(NodeSpace.Key(cfg))
        _ = e.nameRank
        _ = lineIndex
        _ = labelIndex
        _ = traceLabels
    }

    /// pprof's report total: the sum of |value| (over the base's samples only with
    /// -diff_base), divided by the summed counts with -mean.
    func total(index: Int, meanIndex: Int?) -> Int64 {
        var div: Int64 = 0, total: Int64 = 0, diffDiv: Int64 = 0, diffTotal: Int64 = 0
        let column = values[index]
        let divisors = meanIndex.map { values[$0] }
        let anyDiffBase = self.anyDiffBase, isDiffBase = self.isDiffBase
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
        return meanValue(total, div)
    }

    /// The samples that `focus` and `ignore` keep (nil: all), as Profile.filterSamplesByName
    /// decides, with its "matched no samples" warnings.
    func keep(focus: String, ignore: String) throws(ReportError) -> (keep: [Bool]?, warnings: [String]) {
        if let m = mask, m.focus == focus, m.ignore == ignore { return (m.keep, m.warnings) }
        let focusRE = try ReportPipeline.compile("focus", focus)
        let ignoreRE = try ReportPipeline.compile("ignore", ignore)
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
                profile.samples.withUnsafeBufferPointer { samples in
                    for si in 0..<count {
                        // Any ignored location drops the sample; a focused one keeps it.
                        var focused = false
                        for l in samples[si].locations {
                            let m = mark[Int(l)]
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

    /// The distinct names, file names and binaries of the profile ("" is number 0), and
    /// which of them each function and mapping has: what focus and ignore match against.
    lazy var names: (distinct: [String], name: [Int32], file: [Int32], mapping: [Int32]) = Self.numberNames(profile)

    /// The locations' lines by function name, for `list`.
    lazy var lineIndex = LineIndex(profile, functionName: names.name, nameCount: names.distinct.count)

    /// The samples' labels as numbers, for `tags`.
    lazy var labelIndex = SampleLabels(profile.samples)

    /// How the stacks expand into frames, with or without inlined frames; made on first use.
    func frameLayout(inlineFrames: Bool) -> FrameLayout {
        if let l = layouts[inlineFrames] { return l }
        let l = FrameLayout(self, inlineFrames: inlineFrames)
        layouts[inlineFrames] = l
        return l
    }

    /// The label lines `traces` prints above each sample's stack, for `traces`.
    lazy var traceLabels = TraceLabels(profile.samples, index: labelIndex, numLabelUnits: numLabelUnits)

    /// The number of each distinct name, file name and binary.
    lazy var nameIDs: [String: Int32] = {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(names.distinct.count)
        for (i, s) in names.distinct.enumerated() { ids[s] = Int32(i) }
        return ids
    }()

    static func numberNames(_ profile: Profile) -> (distinct: [String], name: [Int32], file: [Int32], mapping: [Int32]) {
        var distinct: [String] = [""]
        var index: [String: Int32] = ["": 0]
        func slot(_ s: String) -> Int32 {
            if let i = index[s] { return i }
            let i = Int32(distinct.count)
            index[s] = i
            distinct.append(s)
            return i
        }
        var name: [Int32] = [], file: [Int32] = []
        name.reserveCapacity(profile.functions.count)
        file.reserveCapacity(profile.functions.count)
        for i in profile.functions.indices {
            name.append(slot(profile.functions[i].name))
            file.append(slot(profile.functions[i].filename))
        }
        let mapping = profile.mappings.indices.map { slot(profile.mappings[$0].file) }
        return (distinct, name, file, mapping)
    }

    /// Location matches of recent patterns (focus and ignore values come back).
    private var matchCache: [String: [Bool]] = [:]

    /// For each location: whether a function name or file name of one of its lines, or its
    /// binary, matches. Each distinct name is matched once.
    private func locationMatches(_ re: GoRegex) -> [Bool] {
        if let cached = matchCache[re.pattern] { return cached }
        let n = names
        let matched = matchAll(re, n.distinct)
        var functionMatches = [Bool](repeating: false, count: n.name.count)
        for f in functionMatches.indices { functionMatches[f] = matched[Int(n.name[f])] || matched[Int(n.file[f])] }
        var result = [Bool](repeating: false, count: profile.locations.count)
        profile.locations.withUnsafeBufferPointer { locations in
            for li in 0..<locations.count {
                var hit = false
                for ln in locations[li].lines where ln.function >= 0 && functionMatches[Int(ln.function)] {
                    hit = true
                    break
                }
                if !hit && locations[li].mapping >= 0 { hit = matched[Int(n.mapping[Int(locations[li].mapping)])] }
                result[li] = hit
            }
        }
        if matchCache.count >= 8 { matchCache.removeAll() }
        matchCache[re.pattern] = result
        return result
    }
}
