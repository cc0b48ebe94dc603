import Foundation
import ProfileFormat
import ProfileReport

/// What the web UI answers to one request, before it becomes an HTTP response.
struct WebAnswer: Sendable {
    var status: Int = 200
    var contentType = "text/html; charset=utf-8"
    var body: [UInt8]
    var headers: [(String, String)] = []

    static func html(_ text: String, status: Int = 200) -> WebAnswer {
        WebAnswer(status: status, body: Array(text.utf8))
    }
}

/// The web UI over a loaded profile. Every view is answered by the interactive shell's own
/// path (`Shell.reportBytes`, `Shell.diff`): the profile stays loaded with the shell's engine
/// and caches, and each request re-queries it with the options in its URL. One request at a
/// time goes through the shell.
final class WebUI: @unchecked Sendable {
    let shell: Shell
    private let lock = NSLock()
    private let messages: CollectedLines
    private let output: OutputBuffer
    /// Where saved configurations live (go's settings.json).
    let settingsFile: String
    /// Options from the command line: the defaults the URL parameters apply to.
    let baseConfig: ReportConfig
    /// The profiles named on the command line, which `base=` and `new=` (numbered from 1) and
    /// the growth view choose from; the session's profile is all of them merged.
    let sources: [String]
    /// In a comparison's UI, the source numbers it compares.
    private(set) var comparing: (base: Int, new: Int)?
    /// Loads the comparison of two sources as `-diff_base=BASE NEW` does (the command line
    /// passes its own loading, symbolization included).
    let compareLoader: WebCompare.Loader
    /// The last comparison asked for, with its own shell (one: each holds two profiles).
    private var comparison: (key: [Int], ui: WebUI)?
    /// Growth reports already made, by their options, with the warnings made meanwhile.
    private var growthReports: [String: (report: GrowthReport, notes: [String])] = [:]
    /// Whether a comparison's views are made in the background once it is loaded (the server
    /// does; tests answer one request at a time).
    var warmsComparisons = false
    /// Warnings from loading a comparison's profiles, shown on each of its pages.
    private var loadNotes: [String] = []

    init(
        session: Session, settingsFile: String = WebSettings.defaultPath(), sources: [String]? = nil,
        compareLoader: WebCompare.Loader? = nil
    ) {
        let messages = CollectedLines()
        let output = OutputBuffer()
        self.messages = messages
        self.output = output
        shell = Shell(
            session: session, ui: messages,
            sink: OutputSink(out: { output.bytes += $0 }, err: { messages.lines.append($0) }))
        self.settingsFile = settingsFile
        baseConfig = session.config
        self.sources = sources ?? session.sources
        self.compareLoader = compareLoader ?? WebCompare.defaultLoader(session)
    }

    /// Decodes the profile's stacks and indexes before the first request, as the shell does
    /// before its first prompt.
    func prepare() {
        lock.withLock { shell.prepareIndex() }
    }

    /// The views a browser opens first, with the options of the command line (and the growth
    /// view when there are several profiles: its report reads every one of them). A
    /// comparison's: its flame graph, diff table and top table.
    static let warmPaths = ["/ui/flamegraph", "/ui/top", "/ui/graph.svg"]
    static let comparisonWarmPaths = ["/ui/flamegraph", "/ui/diff", "/ui/top"]
    var warmPaths: [String] {
        if comparing != nil { return Self.comparisonWarmPaths }
        return sources.count >= 2 ? Self.warmPaths + [WebView.growth.rawValue] : Self.warmPaths
    }

    /// Answers `warmPaths` once, so that their reports are in the shell's cache before anyone
    /// asks: the server runs this in the background right after load (each answer takes the
    /// lock on its own, so a request that arrives meanwhile waits for one report, not all).
    /// Returns the status of each answer.
    @discardableResult
    func warm() -> [Int] {
        let statuses = PhaseTimer.measure(comparing == nil ? "web: warm views" : "web: warm comparison") {
            warmPaths.map { answer(path: $0, query: [:]).status }
        }
        lock.withLock { warmedStatuses = statuses }
        return statuses
    }

    /// The statuses of the last `warm()`, once it is done.
    private var warmedStatuses: [Int]?
    var warmed: [Int]? { lock.withLock { warmedStatuses } }
    /// The same of the comparison last loaded.
    var comparisonWarmed: [Int]? { lock.withLock { comparison?.ui }?.warmed }

    /// The answer to `GET path?query` (or POST for the configuration paths).
    func answer(path: String, query: [String: String], method: String = "GET") -> WebAnswer {
        lock.withLock {
            messages.lines = []
            output.bytes = []
            return route(path: path, query: query, method: method)
        }
    }

    private func route(path: String, query: [String: String], method: String) -> WebAnswer {
        if let asset = WebAssets.named(path) { return asset }
        let isConfigPath = path == "/ui/saveconfig" || path == "/ui/deleteconfig"
        if isConfigPath != (method == "POST") {
            var a = WebAnswer.html(WebPage.plain("\(method) is not allowed on \(path)"), status: 405)
            a.headers = [("Allow", isConfigPath ? "POST" : "GET")]
            return a
        }
        // base= and new=: a comparison of two sources answers, with its own shell.
        if comparing == nil, !isConfigPath, path != WebView.growth.rawValue, WebCompare.asked(query) {
            do throws(ReportError) {
                return try comparisonUI(query).answer(path: path, query: query, method: method)
            } catch {
                guard let view = WebView(path: path) else { return .html(WebPage.plain(error.message), status: 400) }
                return page(view, query, failure: error.message)
            }
        }
        switch path {
        case "/", "/ui":
            return WebAnswer(status: 303, body: [], headers: [("Location", "/ui/flamegraph")])
        case "/ui/flamegraph2", "/ui/flamegraphold":
            return WebAnswer(status: 301, body: [], headers: [("Location", "/ui/flamegraph" + Self.suffix(query))])
        case "/ui/download":
            return WebAnswer(
                contentType: "application/vnd.google.protobuf+gzip", body: shell.session.profile.serialized(),
                headers: [("Content-Disposition", "attachment;filename=profile.pb.gz")])
        case "/ui/saveconfig":
            return configChange { () throws(ReportError) in try WebSettings.save(query, base: baseConfig, to: settingsFile) }
        case "/ui/deleteconfig":
            return configChange { () throws(ReportError) in try WebSettings.delete(query["config"] ?? "", from: settingsFile) }
        case "/ui/graph.svg":
            return svgGraph(query)
        default:
            guard let view = WebView(path: path) else {
                return .html(WebPage.plain("no such page: \(path)"), status: 404)
            }
            return page(view, query)
        }
    }

    private func configChange(_ body: () throws(ReportError) -> Void) -> WebAnswer {
        do {
            try body()
            return WebAnswer(status: 200, contentType: "text/plain; charset=utf-8", body: Array("ok\n".utf8))
        } catch {
            return WebAnswer(status: 400, contentType: "text/plain; charset=utf-8", body: Array((error.message + "\n").utf8))
        }
    }

    static func suffix(_ query: [String: String]) -> String {
        query.isEmpty ? "" : "?" + WebParams.queryString(query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The options of a request: the command line's, then the URL's.
    func config(_ query: [String: String]) throws(ReportError) -> ReportConfig {
        var cfg = try WebParams.apply(query, to: baseConfig)
        cfg.output = ""
        return cfg
    }

    /// One view's page: the menus, the profile's legend, then the view's body or the error
    /// that kept it from being made.
    private func page(_ view: WebView, _ query: [String: String], failure: String? = nil) -> WebAnswer {
        var context = WebPage.Context(view: view, query: query, profile: shell.session.profile)
        context.hasBase = !shell.session.bases.isEmpty
        context.sources = sources
        context.comparing = comparing
        context.configs = WebSettings.menu(settingsFile, view: view, query: query)
        var status = 200
        do throws(ReportError) {
            if let failure { throw ReportError(failure) }
            let cfg = try config(query)
            context.legend = legend(cfg)
            context.body = try body(view, cfg, query)
            // The flame graph's SVG heads itself with the same File/Type/Time lines.
            context.legendInBody = view == .flameGraph
        } catch {
            context.error = error.message
            status = 400
        }
        context.notes = loadNotes + messages.lines
        return .html(WebPage.render(context), status: status)
    }

    /// File, type, time and filters of the profile with these options.
    func legend(_ cfg: ReportConfig) -> [String] {
        guard let options = try? ReportPipeline.reportOptions(shell.session.profile, shell.session.index.numLabelUnits, cfg)
        else { return [] }
        var labels = Report(profile: shell.session.profile, options: options).profileLabels()
        if !options.activeFilters.isEmpty { labels.append("Active filters: " + options.activeFilters.joined(separator: " ")) }
        return labels
    }

    private func text(_ name: String, argument: String? = nil, _ cfg: ReportConfig) throws(ReportError) -> String {
        guard let command = ReportCommands.named(name) else { throw ReportError("no \(name) report") }
        return String(decoding: try shell.reportBytes(command, argument: argument, config: cfg), as: UTF8.self)
    }

    /// Where the source view's instructions come from; nil: the profile's binaries, through objdump.
    var instructions: (any SourceLineInstructions)?

    private func body(_ view: WebView, _ cfg: ReportConfig, _ query: [String: String]) throws(ReportError) -> String {
        switch view {
        case .flameGraph:
            return WebPage.inlineSVG(try text("flame", cfg))
        case .top:
            var c = cfg
            if query["n"]?.isEmpty ?? true { c.nodeCount = WebView.topRows }
            return WebPage.topTable(try text("top", c), query: query)
        case .graph:
            return WebPage.graphFrame(query: query)
        case .peek:
            var c = cfg
            if query["g"]?.isEmpty ?? true { c.granularity = .lines }
            return WebPage.preformatted(try text("peek", argument: query["f"] ?? "", c))
        case .source:
            guard let re = query["f"], !re.isEmpty else {
                throw ReportError("source needs a function: type a regexp in the search box and choose Refine › Focus")
            }
            return try weblist(re, cfg)
        case .disasm:
            guard let re = query["f"], !re.isEmpty else {
                throw ReportError("disasm needs a function: type a regexp in the search box and choose Refine › Focus")
            }
            return WebPage.preformatted(try text("disasm", argument: re, cfg))
        case .diff:
            return WebPage.preformatted(try diffTable(cfg, query))
        case .growth:
            return try growth(cfg, query)
        }
    }

    /// The UI of the comparison `base=`/`new=` ask for: made (and its profile loaded) the first
    /// time, kept until another pair is asked for.
    private func comparisonUI(_ query: [String: String]) throws(ReportError) -> WebUI {
        let (base, new) = try WebCompare.pair(query, sources: sources)
        if let known = comparison, known.key == [base, new] { return known.ui }
        comparison = nil
        var notes: [String] = []
        let session = try PhaseTimer.measure("web: load comparison") { () throws(ReportError) in
            try compareLoader(sources[base - 1], sources[new - 1], { notes.append($0) })
        }
        let ui = WebUI(session: session, settingsFile: settingsFile, sources: sources, compareLoader: compareLoader)
        ui.comparing = (base, new)
        ui.loadNotes = notes
        ui.prepare()
        comparison = ([base, new], ui)
        // The comparison's other views are made meanwhile, as the first views are after load.
        if warmsComparisons { Thread.detachNewThread { ui.warm() } }
        return ui
    }

    /// The growth view: `pprof -growth`'s report over the command line's sources, with the
    /// page's options, as a table and a plot. Reports are kept by their options.
    private func growth(_ cfg: ReportConfig, _ query: [String: String]) throws(ReportError) -> String {
        guard sources.count >= 2 else {
            throw ReportError(
                "the growth view needs two or more profiles on the command line (pprof -http=:0 snap1.pb.gz snap2.pb.gz ...)")
        }
        // The report has every node (nodeRows ignores nodecount); rows are cut when rendered.
        var keyed = cfg
        keyed.nodeCount = baseConfig.nodeCount
        let key = WebParams.queryString(WebParams.encode(keyed))
        let made: (report: GrowthReport, notes: [String])
        if let known = growthReports[key] {
            made = known
        } else {
            var notes: [String] = []
            let report = try PhaseTimer.measure("web: growth") { () throws(ReportError) in
                try Growth.report(sources: sources, loader: shell.session.loader, config: cfg, warn: { notes.append($0) })
            }
            made = (report, notes)
            growthReports[key] = made
        }
        messages.lines += made.notes
        // As in the top table: 500 rows unless the URL says how many.
        let rows = query["n"]?.isEmpty ?? true ? WebView.topRows : cfg.nodeCount
        return WebPage.growth(
            made.report, rowCount: rows, svg: String(decoding: made.report.svg(rowCount: rows), as: UTF8.self))
    }

    /// go's weblist: the `list` report for `re`, each line with the calls the `peek` report at
    /// line granularity finds there (a regexp peek cannot use, such as one ending in `$`, which
    /// node names `function file:line` never match, leaves the lines without calls).
    func weblist(_ re: String, _ cfg: ReportConfig) throws(ReportError) -> String {
        let list = try text("list", argument: re, cfg)
        // Calls are only shown on source lines: without source files there is nothing to
        // annotate, and the peek report of a hot function can be megabytes.
        let routines = WebPage.parseList(list).routines.filter { !$0.lines.isEmpty }
        var peek: [String: [Int: WebPage.LineDetail]] = [:]
        if !routines.isEmpty {
            var lines = cfg
            lines.granularity = .lines
            let notes = messages.lines
            if let text = try? text("peek", argument: re, lines) {
                peek = WebPage.parseLinePeek(text, functions: Set(routines.map(\.name)))
            }
            messages.lines = notes
        }
        let lines = instructions ?? disassembled(re, cfg, functions: routines.map { ($0.name, $0.file) })
        return WebPage.weblist(list: list, peek: peek, instructions: lines)
    }

    /// The last source page's instructions, by regexp, options and functions: finding them
    /// makes a graph of the whole profile at address granularity (most of a warm answer).
    private var lastInstructions: (key: String, lines: DisassembledLines)?

    private func disassembled(_ re: String, _ cfg: ReportConfig, functions: [(name: String, file: String)])
        -> DisassembledLines
    {
        let key = ([re, WebParams.queryString(WebParams.encode(cfg))] + functions.map { $0.name + "\u{0}" + $0.file })
            .joined(separator: "\u{1}")
        if let known = lastInstructions, known.key == key { return known.lines }
        let lines = DisassembledLines(profile: shell.session.profile, config: cfg, regexp: re, functions: functions)
        lastInstructions = (key, lines)
        return lines
    }

    /// `pprof -weblist=RE`: the source view for RE as a page that stands alone (its styles and
    /// script inside), with the command line's options.
    func weblistDocument(_ re: String) throws(ReportError) -> String {
        lock.lock()
        defer { lock.unlock() }
        messages.lines = []
        var cfg = baseConfig
        cfg.output = ""
        let body = try weblist(re, cfg)
        let labels = legend(cfg)
        let file = labels.first(where: { $0.hasPrefix("File: ") }).map { String($0.dropFirst(6)) } ?? "pprof"
        return WebPage.standalone(title: "\(file) \(re)", legend: labels, body: body)
    }

    /// The shell's `diff` table: the sources (new) against the first base.
    private func diffTable(_ cfg: ReportConfig, _ query: [String: String]) throws(ReportError) -> String {
        guard let base = shell.session.bases.first, let command = ShellCommands.named("diff") else {
            throw ReportError("no base profile to compare with: start pprof with -diff_base=PROFILE or -base=PROFILE")
        }
        var c = cfg
        if query["n"]?.isEmpty ?? true { c.nodeCount = WebView.topRows }
        // Filters are the diff's own include/exclude, as in the shell's `diff PROFILE re -re`.
        let rest = [c.focus, c.ignore]
        c.focus = ""
        c.ignore = ""
        try shell.diff(ParsedCommand(command: command, argument: base, config: c, rest: rest))
        return String(decoding: output.bytes, as: UTF8.self)
    }

    /// The call graph through Graphviz, with pan and zoom, for the graph view's frame.
    private func svgGraph(_ query: [String: String]) -> WebAnswer {
        do throws(ReportError) {
            let cfg = try config(query)
            guard let svg = ReportCommands.named("svg") else { throw ReportError("no svg report") }
            let bytes = try shell.reportBytes(svg, argument: nil, config: cfg)
            return WebAnswer(contentType: "image/svg+xml", body: bytes)
        } catch {
            let text = WebPage.escape(error.message)
            let svg = ##"<svg xmlns="http://www.w3.org/2000/svg" width="900" height="40"><text x="10" y="24" "##
                + ##"font-family="sans-serif" font-size="14" fill="#b00">"## + text + "</text></svg>"
            return WebAnswer(status: 400, contentType: "image/svg+xml", body: Array(svg.utf8))
        }
    }
}

/// The pages, by path.
enum WebView: String, CaseIterable, Sendable {
    case flameGraph = "/ui/flamegraph"
    case top = "/ui/top"
    case graph = "/ui/"
    case peek = "/ui/peek"
    case source = "/ui/source"
    case disasm = "/ui/disasm"
    case diff = "/ui/diff"
    case growth = "/ui/growth"

    /// Rows in the top and diff tables when the URL gives no `n` (go's web UI shows 500).
    static let topRows = 500

    init?(path: String) {
        self.init(rawValue: path)
    }

    var title: String {
        switch self {
        case .flameGraph: return "Flame Graph"
        case .top: return "Top"
        case .graph: return "Graph"
        case .peek: return "Peek"
        case .source: return "Source"
        case .disasm: return "Disassemble"
        case .diff: return "Diff"
        case .growth: return "Growth"
        }
    }
}

/// Messages the shell prints while answering a request (warnings such as a filter that
/// matched nothing), shown in the page.
final class CollectedLines: LineSource {
    var lines: [String] = []
    func readLine(prompt: String) -> String? { nil }
    func print(_ text: String) { lines.append(text) }
    func printError(_ text: String) { lines.append(text) }
    var isTerminal: Bool { false }
    func setCompletion(_ completer: @escaping LineCompleter) {}
}

/// Report bytes the shell writes to its sink (the diff table).
final class OutputBuffer {
    var bytes: [UInt8] = []
}
