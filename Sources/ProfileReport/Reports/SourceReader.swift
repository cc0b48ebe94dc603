import Foundation
import ProfileFormat

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

/// The most bytes of one source file read for `list` and `weblist`: far above real sources,
/// far below memory (a profile naming /dev/zero would otherwise be read for ever).
let maxSourceFileBytes = 64 << 20

/// The bytes of a file; a directory reads as empty, as Go's reader sees it. A file over
/// `maxSourceFileBytes` fails as "file too large".
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
        if out.count + n > maxSourceFileBytes { return .failure(Int32Error(code: EFBIG)) }
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
