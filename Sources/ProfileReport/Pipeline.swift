import ProfileFormat

/// Turns a loaded profile and the options into a report, as pprof's generateRawReport does:
/// command overrides, tag roots/leaves, sample index, total, filters, then aggregation.
public enum ReportPipeline {
    /// Makes the report of `command` (a name such as "top", "traces", "peek") in `format`.
    /// Warnings (a filter that matched nothing) go to `warn`.
    public static func makeReport(
        _ profile: Profile, command: String, format: ReportFormat, argument: String? = nil,
        config inputConfig: ReportConfig, warn: (String) -> Void
    ) throws(ReportError) -> Report {
        var p = profile
        let numLabelUnits = identifyNumLabelUnits(p, warn: warn)
        let cfg = applyCommandOverrides(command, format, inputConfig)
        try addLabelNodes(&p, cfg, warn: warn)

        if cfg.relativePercentages {
            try applyFocus(&p, numLabelUnits, cfg, warn: warn)
        }
        var ropt = try reportOptions(p, numLabelUnits, cfg)
        ropt.format = format
        if let argument {
            do {
                ropt.symbol = try GoRegex(argument)
            } catch {
                throw ReportError("parsing argument regexp \(argument): \(error)")
            }
        }
        let rpt = Report(profile: p, options: ropt)
        if !cfg.relativePercentages {
            try applyFocus(&rpt.profile, numLabelUnits, cfg, warn: warn)
        }
        try aggregate(&rpt.profile, cfg)
        return rpt
    }

    /// The unit of each numeric label key, warning about keys seen with several units.
    public static func identifyNumLabelUnits(_ p: Profile, warn: (String) -> Void) -> [String: String] {
        var units: [String: String] = [:]
        var ignored: [String: Set<String>] = [:]
        var keys = Set<String>()
        for s in p.samples {
            for nl in s.numLabels {
                keys.insert(nl.key)
                if nl.unit.isEmpty { continue }
                if let want = units[nl.key] {
                    if want != nl.unit { ignored[nl.key, default: []].insert(nl.unit) }
                } else {
                    units[nl.key] = nl.unit
                }
            }
        }
        for key in keys where (units[key] ?? "").isEmpty {
            units[key] = (key == "alignment" || key == "request") ? "bytes" : key
        }
        for (key, others) in ignored.sorted(by: { $0.key < $1.key }) {
            warn("For tag \(key) used unit \(units[key]!), also encountered unit(s) \(others.sorted().joined(separator: ", "))")
        }
        return units
    }

    /// Per-command adjustments: `list` works on lines, text reports show every node, graphs 80, …
    public static func applyCommandOverrides(_ cmd: String, _ format: ReportFormat, _ input: ReportConfig) -> ReportConfig {
        var cfg = input
        var trim = cfg.trim
        switch cmd {
        case "disasm":
            trim = false
            cfg.granularity = .addresses
            cfg.noInlines = true
        case "weblist":
            trim = false
            cfg.granularity = .addresses
            cfg.noInlines = false
        case "peek":
            trim = false
        case "list":
            trim = false
            cfg.granularity = .lines
        case "text", "top", "topproto":
            if cfg.nodeCount == -1 { cfg.nodeCount = 0 }
        default:
            if cfg.nodeCount == -1 { cfg.nodeCount = 80 }
        }
        switch format {
        case .proto, .raw, .callgrind:
            trim = false
            cfg.granularity = .addresses
            cfg.noInlines = false
        default: break
        }
        if !trim {
            cfg.nodeCount = 0
            cfg.nodeFraction = 0
            cfg.edgeFraction = 0
        }
        return cfg
    }

    /// The sample index a name or number selects; "" selects the default.
    public static func sampleIndex(_ p: Profile, _ name: String) throws(ReportError) -> Int {
        if name.isEmpty {
            if !p.defaultSampleType.isEmpty, let i = p.sampleTypes.firstIndex(where: { $0.type == p.defaultSampleType }) {
                return i
            }
            return p.sampleTypes.count - 1
        }
        if let i = Int(name) {
            if i < 0 || i >= p.sampleTypes.count {
                throw ReportError("sample_index \(name) is outside the range [0..\(p.sampleTypes.count - 1)]")
            }
            return i
        }
        let noInuse = name.hasPrefix("inuse_") ? String(name.dropFirst(6)) : name
        if let i = p.sampleTypes.firstIndex(where: { $0.type == name || $0.type == noInuse }) { return i }
        throw ReportError(
            "sample_index \"\(name)\" must be one of: [\(p.sampleTypes.map(\.type).joined(separator: " "))]")
    }

    /// The report options pprof derives from a profile and a configuration.
    public static func reportOptions(_ p: Profile, _ numLabelUnits: [String: String], _ cfg: ReportConfig) throws(ReportError)
        -> ReportOptions
    {
        if p.sampleTypes.isEmpty { throw ReportError("profile has no samples") }
        let index = try sampleIndex(p, cfg.sampleIndex)
        var o = ReportOptions()
        o.sampleIndex = index
        o.meanDivisorIndex = cfg.mean ? 0 : nil
        let st = p.sampleTypes[index]
        o.sampleType = cfg.mean ? "mean_" + st.type : st.type
        o.sampleUnit = st.unit
        if cfg.divideBy == 0 { throw ReportError("zero divisor specified") }
        var filters: [String] = []
        for (k, v) in [
            ("focus", cfg.focus), ("ignore", cfg.ignore), ("hide", cfg.hide), ("show", cfg.show),
            ("show_from", cfg.showFrom), ("tagfocus", cfg.tagFocus), ("tagignore", cfg.tagIgnore),
            ("tagshow", cfg.tagShow), ("taghide", cfg.tagHide),
        ] where !v.isEmpty {
            filters.append(k + "=" + v)
        }
        o.cumSort = cfg.sort == .cum
        o.callTree = cfg.callTree
        o.dropNegative = cfg.dropNegative
        o.compactLabels = cfg.compactLabels
        o.ratio = 1 / cfg.divideBy
        o.nodeCount = cfg.nodeCount
        o.nodeFraction = cfg.nodeFraction
        o.edgeFraction = cfg.edgeFraction
        o.activeFilters = filters
        o.numLabelUnits = numLabelUnits
        o.outputUnit = cfg.unit
        o.sourcePath = cfg.sourcePath
        o.trimPath = cfg.trimPath
        if let m = p.mappings.first, !m.file.isEmpty { o.title = baseName(m.file) }
        return o
    }

    static func compile(_ name: String, _ value: String) throws(ReportError) -> GoRegex? {
        if value.isEmpty { return nil }
        do {
            return try GoRegex(value)
        } catch {
            throw ReportError("parsing \(name) regexp: \(error)")
        }
    }

    /// Applies focus, ignore, hide, show, show_from, tag filters and prune_from to `p`.
    public static func applyFocus(
        _ p: inout Profile, _ numLabelUnits: [String: String], _ cfg: ReportConfig, warn: (String) -> Void
    ) throws(ReportError) {
        let focus = try compile("focus", cfg.focus)
        let ignore = try compile("ignore", cfg.ignore)
        let hide = try compile("hide", cfg.hide)
        let show = try compile("show", cfg.show)
        let showFrom = try compile("show_from", cfg.showFrom)
        let tagFocus = try TagFilter.compile("tagfocus", cfg.tagFocus, numLabelUnits, warn: warn)
        let tagIgnore = try TagFilter.compile("tagignore", cfg.tagIgnore, numLabelUnits, warn: warn)
        let pruneFrom = try compile("prune_from", cfg.pruneFrom)

        func check(_ ok: Bool, _ option: String) {
            if !ok { warn(option + " expression matched no samples") }
        }
        let m = p.filterSamplesByName(focus: focus, ignore: ignore, hide: hide, show: show)
        check(focus == nil || m.focus, "Focus")
        check(ignore == nil || m.ignore, "Ignore")
        check(hide == nil || m.hide, "Hide")
        check(show == nil || m.show, "Show")
        if let showFrom {
            check(p.showFrom(showFrom), "ShowFrom")
        }
        if tagFocus != nil || tagIgnore != nil {
            let t = p.filterSamplesByTag(focus: tagFocus, ignore: tagIgnore)
            check(tagFocus == nil || t.focus, "TagFocus")
            check(tagIgnore == nil || t.ignore, "TagIgnore")
        }
        let tagShow = try compile("tagshow", cfg.tagShow)
        let tagHide = try compile("taghide", cfg.tagHide)
        if tagShow != nil || tagHide != nil {
            let t = p.filterTagsByName(show: tagShow, hide: tagHide)
            check(tagShow == nil || t.show, "TagShow")
            check(tagHide == nil || t.hide, "TagHide")
        }
        if let pruneFrom { p.pruneFrom(pruneFrom) }
    }

    /// Forgets what the granularity does not show.
    public static func aggregate(_ p: inout Profile, _ cfg: ReportConfig) throws(ReportError) {
        let inlines = !cfg.noInlines
        switch cfg.granularity {
        case .addresses:
            if inlines { return }
            p.aggregate(inlineFrame: inlines, function: true, filename: true, lineNumber: true, address: true)
        case .lines:
            p.aggregate(inlineFrame: inlines, function: true, filename: true, lineNumber: true, address: false)
        case .files:
            p.aggregate(inlineFrame: inlines, function: false, filename: true, lineNumber: false, address: false)
        case .functions:
            p.aggregate(inlineFrame: inlines, function: true, filename: false, lineNumber: false, address: false)
        case .filefunctions:
            p.aggregate(inlineFrame: inlines, function: true, filename: true, lineNumber: false, address: false)
        }
    }
}
