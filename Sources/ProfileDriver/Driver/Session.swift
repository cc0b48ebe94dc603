import Foundation
import ProfileFormat
import ProfileReport

/// Where a session's text goes: reports to `out`, errors and notes to `err`.
public struct OutputSink {
    public var out: ([UInt8]) -> Void
    public var err: (String) -> Void
    /// Whether standard output is a terminal (binary reports then go to a file).
    public var outIsTerminal: Bool
    /// Where output written a chunk at a time goes without being copied into an array first;
    /// nil sends each chunk to `out`.
    public var outBuffer: ((UnsafeRawBufferPointer) -> Void)?

    public init(
        out: @escaping ([UInt8]) -> Void, err: @escaping (String) -> Void, outIsTerminal: Bool = false,
        outBuffer: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) {
        self.out = out
        self.err = err
        self.outIsTerminal = outIsTerminal
        self.outBuffer = outBuffer
    }

    /// Sends a chunk of output on.
    func write(_ chunk: UnsafeRawBufferPointer) {
        if let outBuffer {
            outBuffer(chunk)
        } else {
            out(Array(chunk))
        }
    }

    /// Standard output and standard error of this process.
    public static func standard() -> OutputSink {
        // Output that cannot be written (a closed pipe) is dropped, as a terminal drops it.
        let toStdout: (UnsafeRawBufferPointer) -> Void = { buf in
            var off = 0
            while off < buf.count {
                let n = Foundation.write(1, buf.baseAddress! + off, buf.count - off)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
        return OutputSink(
            out: { bytes in bytes.withUnsafeBytes(toStdout) },
            err: { line in
                var text = line
                if !text.hasSuffix("\n") { text += "\n" }
                FileHandle.standardError.write(Data(text.utf8))
            },
            outIsTerminal: isatty(1) == 1, outBuffer: toStdout)
    }
}

/// The profile being examined with its sources and current options: what the command line
/// and the shell share.
public final class Session {
    /// The profile reports are made from; changing it drops its index.
    public var profile: Profile {
        didSet { indexIfMade = nil }
    }
    public var config: ReportConfig
    public var sources: [String]
    public var bases: [String]
    public var diffBase: Bool
    public var loader: ProfileLoader
    /// Reports are not freed: the process exits right after (see PprofCommand.run).
    var keepsReportsUntilExit = false
    private var indexIfMade: ProfileIndex?

    /// The index of `profile` that every report is made from, made on first use and kept
    /// until the profile changes.
    public var index: ProfileIndex {
        if let known = indexIfMade { return known }
        let made = PhaseTimer.measure("index") { ProfileIndex(profile: profile) }
        indexIfMade = made
        return made
    }

    public init(
        profile: Profile, config: ReportConfig, sources: [String], bases: [String] = [], diffBase: Bool = false,
        loader: ProfileLoader
    ) {
        self.profile = profile
        self.config = config
        self.sources = sources
        self.bases = bases
        self.diffBase = diffBase
        self.loader = loader
    }

    /// Loads sources and bases as pprof's fetchProfiles does: merge each side, mark or negate
    /// the base, merge again, symbolize (as `loader` is told to, with the main binary's file and
    /// build id replaced by `execName` and `buildID` when given), then drop uninteresting frames,
    /// which may be known only by the names symbolization gives.
    public static func loadProfile(
        sources: [String], bases: [String], diffBase: Bool, normalize: Bool, loader: ProfileLoader,
        execName: String = "", buildID: String = "", warn: (String) -> Void
    ) throws(ProfileError) -> Profile {
        var (p, _) = try loader.loadAll(sources, kind: "source", warn: warn)
        if !bases.isEmpty {
            var (base, _) = try loader.loadAll(bases, kind: "base", warn: warn)
            if diffBase { base.setLabel(Profile.diffBaseLabel, "true") }
            if normalize { try p.normalize(to: base) }
            base.scale(by: -1)
            p = try loader.combine([consume p, consume base])
        }
        if !p.mappings.isEmpty {
            if !execName.isEmpty { p.mappings[0].file = execName }
            if !buildID.isEmpty { p.mappings[0].buildID = buildID }
        }
        // Parsing validated each profile, and merging and pruning keep them valid.
        try loader.symbolizeAndPrune(&p, sources: sources + bases, warn: warn)
        return p
    }

    /// Makes one report from the index (pictures through Graphviz); with `-json`, the same
    /// report's rows as JSON.
    public func report(
        _ command: ReportCommand, argument: String?, config: ReportConfig, warn: (String) -> Void
    ) throws(ReportError) -> ReportOutput {
        if command.name == "disasm" {
            return .bytes(try DisasmReport.generate(profile, argument: argument ?? "", config: config, warn: warn))
        }
        let output = try ReportPipeline.run(
            index, command: command.name, format: command.format, argument: argument, config: config,
            keepsGraphs: keepsReportsUntilExit, warn: warn)
        guard let type = command.graphviz else { return output }
        var bytes = try Graphviz.render(dot: output.bytes(), type: type)
        if type == "svg" { bytes = Array(GraphSVG.addPanZoom(String(decoding: bytes, as: UTF8.self)).utf8) }
        return .bytes(bytes)
    }

    /// Makes the bytes of one report.
    public func generate(
        _ command: ReportCommand, argument: String?, config: ReportConfig, warn: (String) -> Void
    ) throws(ReportError) -> [UInt8] {
        try report(command, argument: argument, config: config, warn: warn).bytes()
    }

    /// Makes a report and sends it to `config.output`, to a file when binary output would hit a
    /// terminal, or to the sink.
    public func emit(
        _ command: ReportCommand, argument: String?, config: ReportConfig, sink: OutputSink
    ) throws(ReportError) {
        let report = try self.report(command, argument: argument, config: config, warn: sink.err)
        var output = config.output
        if output.isEmpty && command.binary && sink.outIsTerminal {
            output = Session.newReportFileName(suffix: command.name == "topproto" ? "pb.gz" : command.graphviz ?? "pb.gz")
        }
        if output.isEmpty {
            PhaseTimer.measure("write") { report.write { sink.write($0) } }
            return
        }
        sink.err("Generating report in \(output)")
        let file = try OutputFile(output)
        defer { file.close() }
        try report.write { (chunk) throws(ReportError) in try file.write(chunk) }
    }

    static func newReportFileName(suffix: String) -> String {
        let dir = NSTemporaryDirectory()
        for i in 1...9999 {
            let name = (dir as NSString).appendingPathComponent(String(format: "profile%03d.%@", i, suffix))
            if !FileManager.default.fileExists(atPath: name) { return name }
        }
        return (dir as NSString).appendingPathComponent("profile.\(suffix)")
    }
}

/// Graphviz's `dot`, for pictures.
enum Graphviz {
    /// The directories searched for `dot`: those of PATH (the usual places when it is unset).
    static func defaultSearchPath() -> [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { $0.isEmpty ? "." : String($0) }
    }

    /// Runs `dot -T<type>` over the graph; `searchPath` says where to look for the program.
    static func render(dot: [UInt8], type: String, searchPath: [String] = defaultSearchPath()) throws(ReportError)
        -> [UInt8]
    {
        let candidates = searchPath.map { ($0 as NSString).appendingPathComponent("dot") }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ReportError(
                "cannot make a \(type) picture: Graphviz's dot program was not found on PATH; "
                    + "install the Debian package graphviz (apt-get install graphviz)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-T" + type]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw ReportError("failed to execute dot: \(error.localizedDescription)")
        }
        let writer = Thread {
            input.fileHandleForWriting.write(Data(dot))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw ReportError("dot failed: \(errText.split(separator: "\n").first ?? "exit \(process.terminationStatus)")")
        }
        return [UInt8](data)
    }
}

/// Writes a file in place: opened, truncated and written, never replaced by a renamed temporary
/// file (which, run as root, would turn `-output=/dev/null` into a regular file).
func writeFileInPlace(_ bytes: [UInt8], to path: String) throws(ReportError) {
    let file = try OutputFile(path)
    defer { file.close() }
    try withBytes(bytes) { (b) throws(ReportError) in try file.write(b) }
}

/// A file being written in place (see `writeFileInPlace`), a chunk at a time.
struct OutputFile {
    let path: String
    private let fd: Int32

    init(_ path: String) throws(ReportError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        if fd < 0 { throw ReportError("could not write \(path): \(String(cString: strerror(errno)))") }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ReportError) {
        var off = 0
        while off < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw ReportError("could not write \(path): \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    func close() { _ = Foundation.close(fd) }
}
