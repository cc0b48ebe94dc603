import Foundation
import ProfileFormat

extension Report {
    /// `list`: the source of every function matching the symbol regexp, each line with its flat
    /// and cum values, as pprof's printSource prints it.
    public func printSource(_ w: inout String) throws(ReportError) {
        guard let rx = options.symbol else { throw ReportError("list needs a regular expression") }
        let g = newGraph()
        var functions: [Node] = []
        var functionNodes: [String: [Node]] = [:]
        for n in g.nodes where rx.matches(n.info.name) {
            if functionNodes[n.info.name] == nil { functions.append(n) }
            functionNodes[n.info.name, default: []].append(n)
        }
        if functionNodes.isEmpty { throw ReportError("no matches found for regexp: \(rx.pattern)") }
        functions = sortedNodes(functions, .name)

        var sourcePath = options.sourcePath
        if sourcePath.isEmpty { sourcePath = FileManager.default.currentDirectoryPath }
        var reader = SourceReader(searchPath: sourcePath, trimPath: options.trimPath)

        w += "Total: \(formatValue(total))\n"
        for fn in functions {
            let name = fn.info.name
            var sourceFiles: [Node] = []
            var fileNodes: [String: [Node]] = [:]
            for n in functionNodes[name]! where !n.info.file.isEmpty {
                if fileNodes[n.info.file] == nil { sourceFiles.append(n) }
                fileNodes[n.info.file, default: []].append(n)
            }
            if sourceFiles.isEmpty {
                w += "No source information for \(name)\n"
                continue
            }
            for fl in sortedNodes(sourceFiles, .file) {
                let file = fl.info.file
                let nodes = fileNodes[file]!
                var flatSum: Int64 = 0, cumSum: Int64 = 0
                for n in nodes {
                    flatSum &+= n.flat
                    cumSum &+= n.cum
                }
                let listing = sourceLines(file, &reader, nodes)
                w += "ROUTINE ======================== \(name) in \(file)\n"
                w += GoFormat.pad(formatValue(flatSum), 10) + " " + GoFormat.pad(formatValue(cumSum), 10)
                w += " (flat, cum) " + Measurement.percentage(cumSum, total) + " of Total\n"
                switch listing {
                case .failure(let error):
                    w += " Error: \(error.message)\n"
                case .success(let lines):
                    for l in lines {
                        w += GoFormat.pad(valueOrDot(l.flat), 10) + " " + GoFormat.pad(valueOrDot(l.cum), 10) + " "
                        w += GoFormat.pad(String(l.number), 6) + ":" + l.text + "\n"
                    }
                }
            }
        }
    }

    func valueOrDot(_ v: Int64) -> String { v == 0 ? "." : formatValue(v) }

    struct SourceLine {
        var number: Int
        var text: String
        var flat: Int64
        var cum: Int64
    }

    /// The lines of `file` around the samples of `nodes` (from the function's first line, or
    /// five before the first sample, to five after the last), with their values.
    private func sourceLines(_ file: String, _ reader: inout SourceReader, _ nodes: [Node])
        -> Result<[SourceLine], ReportError>
    {
        let margin = 5
        var byLine: [Int: (Int64, Int64)] = [:]
        var start = nodes[0].info.startLine != 0 ? nodes[0].info.startLine : nodes[0].info.lineno - margin
        var end = nodes[0].info.lineno + margin
        for n in nodes {
            let lineno = n.info.lineno
            let nodeStart = n.info.startLine != 0 ? n.info.startLine : lineno - margin
            let nodeEnd = lineno + margin
            // pprof widens the range at one end per node, never both.
            if nodeStart < start {
                start = nodeStart
            } else if nodeEnd > end {
                end = nodeEnd
            }
            let v = byLine[lineno] ?? (0, 0)
            byLine[lineno] = (v.0 &+ n.flat, v.1 &+ n.cum)
        }
        start = max(start, 1)
        var out: [SourceLine] = []
        if start <= end {
            for lineno in start...end {
                guard let text = reader.line(file, lineno) else { break }
                let v = byLine[lineno] ?? (0, 0)
                out.append(SourceLine(number: lineno, text: text, flat: v.0, cum: v.1))
            }
        }
        if let error = reader.errors[file] { return .failure(error) }
        return .success(out)
    }
}

/// Sorts a list of nodes in one of the graph orders.
func sortedNodes(_ nodes: [Node], _ order: NodeOrder) -> [Node] {
    let g = Graph(nodes: nodes, storage: [])
    g.sort(order)
    return g.nodes
}

/// Finds source files along a search path (after trimming build-machine prefixes) and caches
/// their lines, remembering why a file could not be read.
struct SourceReader {
    let searchPath: String
    let trimPath: String
    private var files: [String: [String]] = [:]
    private(set) var errors: [String: ReportError] = [:]

    init(searchPath: String, trimPath: String) {
        self.searchPath = searchPath
        self.trimPath = trimPath
    }

    /// Line `number` (from 1) of `path`, or nil past the end or when the file cannot be read.
    mutating func line(_ path: String, _ number: Int) -> String? {
        let lines: [String]
        if let cached = files[path] {
            lines = cached
        } else {
            switch open(path) {
            case .success(let bytes): lines = splitLines(bytes)
            case .failure(let error):
                errors[path] = error
                lines = []
            }
            files[path] = lines
        }
        return number >= 1 && number <= lines.count ? lines[number - 1] : nil
    }

    /// Reads a file named in a profile: absolute paths as they are, relative ones under each
    /// search directory or any of its parents.
    private func open(_ original: String) -> Result<[UInt8], ReportError> {
        let path = ProfileReport.trimPath(original, trim: trimPath, search: searchPath)
        if path.hasPrefix("/") {
            switch readSource(path) {
            case .success(let b): return .success(b)
            case .failure(let code): return .failure(ReportError("open \(path): \(goErrorText(code))"))
            }
        }
        for start in splitList(searchPath) {
            var dir = start
            while true {
                let candidate = joinPath(dir, path)
                if case .success(let b) = readSource(candidate) { return .success(b) }
                let parent = goDir(dir)
                if parent == dir { break }
                dir = parent
            }
        }
        return .failure(ReportError("could not find file \(path) on path \(searchPath)"))
    }
}

/// The bytes of a file; a directory reads as empty, as Go's reader sees it.
private func readSource(_ path: String) -> Result<[UInt8], Int32Error> {
    let fd = Glibc.open(path, O_RDONLY)
    if fd < 0 { return .failure(Int32Error(code: errno)) }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return .success(out)
}

private struct Int32Error: Error {
    let code: Int32
}

/// The text Go's syscall package gives an errno: strerror's, starting in lower case.
private func goErrorText(_ e: Int32Error) -> String {
    let s = String(cString: strerror(e.code))
    guard let first = s.first else { return s }
    return first.lowercased() + s.dropFirst()
}

/// Lines as Go's bufio.Scanner gives them: split at `\n`, a final `\r` dropped, no empty last line.
private func splitLines(_ bytes: [UInt8]) -> [String] {
    var lines: [String] = []
    var start = 0
    func add(_ end: Int) {
        var e = end
        if e > start && bytes[e - 1] == 0x0D { e -= 1 }
        lines.append(String(decoding: bytes[start..<e], as: UTF8.self))
    }
    for (i, b) in bytes.enumerated() where b == 0x0A {
        add(i)
        start = i + 1
    }
    if start < bytes.count { add(bytes.count) }
    return lines
}

/// Go's filepath.Join of two parts.
func joinPath(_ a: String, _ b: String) -> String {
    if a.isEmpty { return b.isEmpty ? "" : cleanPath(b) }
    if b.isEmpty { return cleanPath(a) }
    return cleanPath(a + "/" + b)
}

/// Go's filepath.Dir.
func goDir(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return cleanPath(String(path[...slash]))
}
