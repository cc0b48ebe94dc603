import Foundation
import ProfileFormat
import ProfileReport

/// Recent report outputs by command and options, so repeating a command costs nothing.
struct ReportCache {
    private var entries: [String: (bytes: [UInt8], warnings: [String])] = [:]
    private var order: [String] = []
    private var size = 0
    /// Outputs larger than this are not kept; all together stay under `limit`.
    static let largest = 16 << 20
    static let limit = 64 << 20

    subscript(key: String) -> (bytes: [UInt8], warnings: [String])? { entries[key] }

    mutating func store(_ key: String, _ bytes: [UInt8], _ warnings: [String]) {
        guard bytes.count <= Self.largest, entries[key] == nil else { return }
        entries[key] = (bytes, warnings)
        order.append(key)
        size += bytes.count
        while size > Self.limit, let oldest = order.first {
            order.removeFirst()
            size -= entries.removeValue(forKey: oldest)?.bytes.count ?? 0
        }
    }
}

extension Shell {
    /// Commands whose output go tool pprof's shell writes to a file rather than the terminal,
    /// and the file name suffix.
    static let fileSuffixes: [String: String] = [
        "callgrind": "callgraph.out", "proto": "pb.gz", "topproto": "pb.gz", "gif": "gif", "pdf": "pdf",
        "png": "png", "ps": "ps", "svg": "svg", "flame": "svg",
    ]

    /// Makes a report and sends it to the terminal or a file.
    func report(_ c: ReportCommand, argument: String?, config: ReportConfig) throws(ReportError) {
        if config.json { return try reportJSON(c, argument: argument, config: config) }
        // `traces` can print hundreds of megabytes: written as it is made, never held whole.
        if c.format == .traces && c.graphviz == nil {
            let traces = try session.report(c, argument: argument, config: config, warn: warn)
            if config.output.isEmpty {
                traces.write { sink.write($0) }
            } else {
                ui.print("Generating report in \(config.output)")
                let file = try OutputFile(config.output)
                defer { file.close() }
                try traces.write { (chunk) throws(ReportError) in try file.write(chunk) }
            }
            return
        }
        let bytes = try reportBytes(c, argument: argument, config: config)
        var output = config.output
        if output.isEmpty, let suffix = Self.fileSuffixes[c.name] {
            output = try newFile(directory: "", prefix: "profile", suffix: "." + suffix)
        }
        if output.isEmpty {
            sink.out(bytes)
            return
        }
        ui.print("Generating report in \(output)")
        try write(bytes, to: output)
    }

    /// The bytes of a report from the session's index, remembered by command and options.
    func reportBytes(_ c: ReportCommand, argument: String?, config: ReportConfig) throws(ReportError) -> [UInt8] {
        var probe = config
        probe.output = ""
        let key = "\(c.name)\u{0}\(argument ?? "")\u{0}\(probe)"
        if let hit = reportCache[key] {
            for w in hit.warnings { warn(w) }
            return hit.bytes
        }
        var warnings: [String] = []
        let bytes = try session.generate(c, argument: argument, config: config, warn: { warnings.append($0) })
        for w in warnings { warn(w) }
        reportCache.store(key, bytes, warnings)
        return bytes
    }

    /// `web`, `eog`, `evince`, `gv`, `kcachegrind`: the report in a temporary file, opened with
    /// the first viewer that starts (see `Viewers.show`); the shell does not wait for it.
    func view(_ c: ReportCommand, suffix: String, viewers: [String], config: ReportConfig) throws(ReportError) {
        let bytes = try reportBytes(c, argument: nil, config: config)
        if !config.output.isEmpty {
            ui.print("Generating report in \(config.output)")
            try write(bytes, to: config.output)
            return
        }
        try Viewers.show(bytes, suffix: suffix, programs: viewers, wait: false, note: ui.print)
    }

    /// `weblist RE`: the page `pprof -weblist=RE` writes, made with the shell's options and this
    /// command's filters, saved and opened in a browser as `web` does (or written to `>file`).
    func weblist(_ regexp: String, config: ReportConfig) throws(ReportError) {
        var cfg = config
        cfg.output = ""
        let saved = session.config
        session.config = cfg
        defer { session.config = saved }
        let page = Array(try WebUI(session: session).weblistDocument(regexp).utf8)
        if !config.output.isEmpty {
            ui.print("Generating report in \(config.output)")
            try write(page, to: config.output)
            return
        }
        try Viewers.show(page, suffix: "html", programs: Viewers.browsers(), wait: false, note: ui.print)
    }

    /// Writes a report file in place (see `writeFileInPlace`).
    func write(_ bytes: [UInt8], to path: String) throws(ReportError) {
        try writeFileInPlace(bytes, to: path)
    }
}

/// The first free `prefixNNN.suffix` in `directory` (the current directory when empty), made
/// empty, as go tool pprof names its output files.
func newFile(directory: String, prefix: String, suffix: String) throws(ReportError) -> String {
    for i in 1..<10000 {
        let name = prefix + String(format: "%03d", i) + suffix
        let path = directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o666)
        if fd >= 0 {
            close(fd)
            return path
        }
        if errno != EEXIST {
            throw ReportError("could not create \(path): \(String(cString: strerror(errno)))")
        }
    }
    throw ReportError("could not create a file of the form \(prefix)001\(suffix)")
}

/// The path of `program` on $PATH (or `program` itself when it has a slash).
func findExecutable(_ program: String) -> String? {
    if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
        let candidate = String(dir) + "/" + program
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
