import Foundation
import ProfileFormat
import ProfileReport

/// The `pprof` command line: flags as go tool pprof spells them, then a report or the shell.
public enum PprofCommand {
    /// Flags that are not report options.
    static let sourceFlags: [(String, FlagSet.Kind, String)] = [
        ("diff_base", .stringList, "Source of base profile for comparison"),
        ("base", .stringList, "Source of base profile for profile subtraction"),
        ("symbolize", .string, "Options for profile symbolization"),
        ("buildid", .string, "Override build id for first mapping"),
        ("timeout", .int, "Timeout in seconds for fetching a profile"),
        ("add_comment", .string, "Annotation string to record in the profile"),
        ("seconds", .int, "Length of time for dynamic profiles"),
        ("inuse_space", .bool, "Display in-use memory size"),
        ("inuse_objects", .bool, "Display in-use object counts"),
        ("alloc_space", .bool, "Display allocated memory size"),
        ("alloc_objects", .bool, "Display allocated object counts"),
        ("total_delay", .bool, "Display total delay at each region"),
        ("contentions", .bool, "Display number of delays at each region"),
        ("mean_delay", .bool, "Display mean delay at each region"),
        ("tools", .string, "Path for object tool pathnames"),
        ("http", .string, "Present interactive web UI at the specified http host:port"),
        ("no_browser", .bool, "Skip opening a browser for the interactive web UI"),
        ("json", .bool, "Write -top, -traces, -tags, -peek or -tree as JSON (docs/json.md)"),
        ("growth", .bool, "Rank what grows across profiles taken over time (docs/growth.md)"),
        ("count", .int, "With -growth and one URL: how many snapshots to take"),
        ("interval", .string, "With -growth -count: time between snapshots (30s, 5m)"),
        ("check", .stringList, "Rule the profile must keep, e.g. 'flat(fetch) < 10MB' (exit 3 when broken)"),
    ]

    /// The flag set with every flag defined.
    public static func makeFlagSet() -> FlagSet {
        var fs = FlagSet()
        for (name, kind, help) in sourceFlags { fs.define(name, kind, help) }
        for f in ReportConfig.fields {
            if !f.choices.isEmpty {
                for c in f.choices { fs.define(c, .bool, "") }
                continue
            }
            switch f.kind {
            case .string: fs.define(f.name, .string, f.help)
            case .int: fs.define(f.name, .int, f.help)
            case .float: fs.define(f.name, .float, f.help)
            case .bool: fs.define(f.name, .bool, f.help)
            }
        }
        for c in ReportCommands.all { fs.define(c.name, c.hasParam ? .string : .bool, c.description) }
        for v in Viewers.all { fs.define(v.name, .bool, v.description) }
        for (name, _) in Viewers.unavailable { fs.define(name, .string) }
        fs.define(Viewers.weblist.name, .string)
        fs.define("version", .bool, "Print pprof's version and exit")
        return fs
    }

    /// What the command line asks for.
    public struct Invocation {
        public var config = ReportConfig()
        public var sources: [String] = []
        public var bases: [String] = []
        public var diffBase = false
        public var command: ReportCommand?
        public var argument: String?
        /// `-web` and the like: the program that shows the report.
        public var viewer: Viewer?
        public var seconds = -1
        public var timeout = -1
        public var comment = ""
        public var buildID = ""
        public var execName = ""
        public var warnings: [String] = []
        /// `-http=[host]:port`: serve the web UI there (nil: not asked for); `-no_browser`.
        public var http: String?
        public var noBrowser = false
        public var symbolize = SymbolizeOptions()
        /// `-weblist=REGEX`: the annotated source page of the functions matching REGEX.
        public var weblist: String?
        /// `-check` rules, in order.
        public var checks: [String] = []
        /// `-growth`, and `-count`/`-interval` to take its series.
        public var growth = false
        public var count = 0
        public var interval = ""
    }

    /// Parses a command line (without the program name) into an invocation.
    public static func parse(_ args: [String]) throws(FlagError) -> Invocation {
        var fs = makeFlagSet()
        try fs.parse(args)
        if fs.bool("version") { throw FlagError.version }
        for (name, reason) in Viewers.commandLineUnavailable where fs.isSet(name) { throw FlagError(reason, listsFlags: false) }
        var inv = Invocation()
        var cfg = ReportConfig()
        for f in ReportConfig.fields {
            if !f.choices.isEmpty {
                let set = f.choices.filter { fs.bool($0) }
                if set.count > 1 { throw FlagError("conflicting options set: [\(set.joined(separator: " "))]") }
                if let c = set.first {
                    do { try cfg.set(f, c) } catch { throw FlagError(error.message) }
                }
                continue
            }
            if let v = fs.string(f.name) {
                do { try cfg.set(f, v) } catch { throw FlagError(error.message) }
            }
        }
        var chosen: [(ReportCommand, String?)] = []
        for c in ReportCommands.all {
            if c.hasParam {
                if let v = fs.string(c.name), !v.isEmpty { chosen.append((c, v)) }
            } else if fs.bool(c.name) {
                chosen.append((c, nil))
            }
        }
        for v in Viewers.all where fs.bool(v.name) {
            chosen.append((v.report, nil))
            inv.viewer = v
        }
        if let re = fs.string(Viewers.weblist.name), !re.isEmpty {
            if !chosen.isEmpty { throw FlagError("must set at most one output format") }
            inv.weblist = re
        }
        if chosen.count > 1 { throw FlagError("must set at most one output format") }
        if let (c, a) = chosen.first {
            inv.command = c
            inv.argument = a
        }
        if let http = fs.string("http"), !http.isEmpty {
            if inv.command != nil || inv.weblist != nil {
                throw FlagError("-http is not compatible with an output format on the command line")
            }
            _ = try WebServer.Address(http)
            inv.http = http
            inv.noBrowser = fs.bool("no_browser")
        }
        var si = cfg.sampleIndex
        for (flag, type) in [
            ("total_delay", "delay"), ("mean_delay", "delay"), ("contentions", "contentions"),
            ("inuse_space", "inuse_space"), ("inuse_objects", "inuse_objects"), ("alloc_space", "alloc_space"),
            ("alloc_objects", "alloc_objects"),
        ] where fs.bool(flag) {
            if si.isEmpty { si = type } else { inv.warnings.append("Multiple value selections, ignoring -\(flag)") }
        }
        cfg.sampleIndex = si
        if fs.bool("mean_delay") { cfg.mean = true }
        let bases = fs.list("base").filter { !$0.isEmpty }
        let diffBases = fs.list("diff_base").filter { !$0.isEmpty }
        if !bases.isEmpty && !diffBases.isEmpty {
            throw FlagError("-base and -diff_base flags cannot both be specified")
        }
        inv.bases = diffBases.isEmpty ? bases : diffBases
        inv.diffBase = !diffBases.isEmpty
        if cfg.normalize && inv.bases.isEmpty { throw FlagError("must have base profile to normalize by") }
        var positional = fs.positional
        if positional.isEmpty { throw FlagError("no profile source specified") }
        inv.buildID = fs.string("buildid") ?? ""
        if positional.count > 1 {
            if isELF(positional[0]) {
                inv.execName = positional.removeFirst()
            } else if inv.buildID.isEmpty && isBuildID(positional[0]) && !FileManager.default.fileExists(atPath: positional[0]) {
                inv.buildID = positional.removeFirst()
            }
        }
        inv.sources = positional
        inv.seconds = Int(fs.string("seconds") ?? "") ?? -1
        inv.timeout = Int(fs.string("timeout") ?? "") ?? -1
        inv.comment = fs.string("add_comment") ?? ""
        inv.symbolize = SymbolizeOptions(fs.string("symbolize") ?? "") { inv.warnings.append($0) }
        inv.checks = fs.list("check")
        cfg.json = fs.bool("json")
        inv.growth = fs.bool("growth")
        inv.count = Int(fs.string("count") ?? "") ?? 0
        inv.interval = fs.string("interval") ?? ""
        inv.config = cfg
        return inv
    }

    static func isBuildID(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isHexDigit }
    }

    static func isELF(_ path: String) -> Bool { ELFFile.isELF(path: path) }

    /// Runs a whole command line and returns the exit status.
    /// With `exitsAfterwards`, the process ends as soon as a one-shot report is written, so the
    /// profile and report are left for the system to reclaim instead of being freed piece by piece.
    public static func run(
        _ args: [String], sink: OutputSink, loader: ProfileLoader = ProfileLoader(), exitsAfterwards: Bool = false
    ) -> Int32 {
        let inv: Invocation
        do {
            inv = try parse(args)
        } catch {
            if error.isHelp {
                sink.out(Array(Usage.text.utf8))
                return 0
            }
            if error.isVersion {
                sink.out(Array(Usage.version.utf8))
                return 0
            }
            sink.err("pprof: \(error.message)" + (error.listsFlags ? " (pprof -help lists the flags)" : ""))
            return 1
        }
        for w in inv.warnings { sink.err(w) }
        let rules: [CheckRule]
        do {
            rules = try Checks.parse(inv.checks)
        } catch {
            sink.err("pprof: \(error.message)")
            return 1
        }
        var loader = loader
        loader.seconds = inv.seconds
        loader.timeout = inv.timeout
        loader.note = sink.err
        loader.symbolizeOptions = inv.symbolize
        if inv.growth && inv.http != nil && (inv.count > 0 || !inv.interval.isEmpty) {
            sink.err("pprof: -growth -http serves snapshots already taken; take the series with -count first, then serve its folder's files")
            return 1
        }
        // With -http, -growth serves the web UI over the snapshots and opens its growth view.
        if inv.growth && inv.http == nil { return Growth.run(inv, loader: loader, sink: sink) }
        // Sources against bases, as the command line asks; the web UI's Compare menu loads two
        // of the sources the same way.
        let load = { [loader] (sources: [String], bases: [String], diffBase: Bool, warn: (String) -> Void) throws(ProfileError) -> Profile in
            var profile = try Session.loadProfile(
                sources: sources, bases: bases, diffBase: diffBase, normalize: inv.config.normalize,
                loader: loader, execName: inv.execName, buildID: inv.buildID, warn: warn)
            if !inv.comment.isEmpty { profile.comments.append(inv.comment) }
            return profile
        }
        let profile: Profile
        do {
            profile = try load(inv.sources, inv.bases, inv.diffBase, sink.err)
        } catch {
            sink.err("pprof: \(error.message)")
            return 1
        }
        let session = Session(
            profile: profile, config: inv.config, sources: inv.sources, bases: inv.bases, diffBase: inv.diffBase,
            loader: loader)
        if let http = inv.http {
            return WebServer.run(
                session, address: http, openBrowser: !inv.noBrowser, opening: inv.growth ? "ui/growth" : "", sink: sink
            ) { (base, new, warn) throws(ReportError) in
                do throws(ProfileError) {
                    let p = try load([new], [base], true, warn)
                    return Session(profile: p, config: inv.config, sources: [new], bases: [base], diffBase: true, loader: loader)
                } catch {
                    throw ReportError(error.message)
                }
            }
        }
        if let re = inv.weblist { return WebList.run(session, regexp: re, sink: sink) }
        guard let command = inv.command else {
            if !rules.isEmpty { return Checks.run(rules, session: session, sink: sink) }
            return Interactive.start(session, sink: sink)
        }
        if exitsAfterwards {
            // Freeing a large profile's millions of small arrays takes longer than some reports.
            _ = Unmanaged.passRetained(session)
            session.keepsReportsUntilExit = true
        }
        do {
            if let viewer = inv.viewer {
                let bytes = try session.generate(command, argument: nil, config: inv.config, warn: sink.err)
                try Viewers.show(bytes, suffix: viewer.suffix, programs: viewer.programs(), wait: true, note: sink.err)
                Viewers.removeTemporaryFiles()
                return 0
            }
            try session.emit(command, argument: inv.argument, config: inv.config, sink: sink)
        } catch {
            sink.err("pprof: \(error.message)")
            return 1
        }
        if !rules.isEmpty { return Checks.run(rules, session: session, sink: sink) }
        return 0
    }

    /// Runs the process's command line and exits with its status.
    public static func main() -> Never {
        signal(SIGPIPE, SIG_IGN)
        exit(run(Array(CommandLine.arguments.dropFirst()), sink: .standard(), exitsAfterwards: true))
    }
}
