import CHeapSampler
import Glibc
import Synchronization

/// One frame of a symbolized address (an address in inlined code yields several).
struct SymbolizedFrame: Hashable, Sendable {
    var name: String
    var systemName: String
    var file: String
    var line: Int64
}

/// Turns code addresses of this process into function names, files and lines.
///
/// Each mapped file is asked once per batch through binutils' `addr2line` (DWARF line tables,
/// inlined frames included); where it is missing or knows nothing, the dynamic symbol table is
/// used through dladdr (names only). Results are cached, so the periodic snapshots of a running
/// service only pay for addresses they have not seen.
final class Symbolizer: Sendable {
    private let cache = Mutex<[UInt64: [SymbolizedFrame]]>([:])
    private let elfCache = Mutex<[String: ELFInfo?]>([:])
    private let addr2line: String?

    /// A prefix cut from source file names, like Go's -trimpath, so that profiles name files
    /// relative to the repository and `list` finds them in any checkout: HEAPPROFILER_TRIM_PATH.
    let trimPrefix: String?

    init(
        addr2line: String? = isOnPath("addr2line") ? "addr2line" : nil,
        trimPrefix: String? = getenv("HEAPPROFILER_TRIM_PATH").map { String(cString: $0) }
    ) {
        self.addr2line = addr2line
        self.trimPrefix = trimPrefix.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether file and line numbers can be found.
    var hasLineTables: Bool { addr2line != nil }

    func elfInfo(_ path: String) -> ELFInfo? {
        if let known = elfCache.withLock({ $0[path] }) { return known }
        let info = ELFInfo.read(path: path)
        elfCache.withLock { $0[path] = info }
        return info
    }

    /// Frames for each address (innermost inlined frame first, the containing function last).
    func symbolize(_ addresses: Set<UInt64>, regions: [MappedRegion]) -> [UInt64: [SymbolizedFrame]] {
        var result: [UInt64: [SymbolizedFrame]] = [:]
        var missing: [UInt64] = []
        cache.withLock { cache in
            for a in addresses {
                if let frames = cache[a] { result[a] = frames } else { missing.append(a) }
            }
        }
        guard !missing.isEmpty else { return result }
        var byFile: [String: [(address: UInt64, fileAddress: UInt64)]] = [:]
        for a in missing {
            guard let r = regions.first(where: { $0.executable && $0.start <= a && a < $0.limit }), r.path.hasPrefix("/"),
                let info = elfInfo(r.path)
            else { continue }
            byFile[r.path, default: []].append((a, info.fileAddress(of: a, mappingStart: r.start, mappingOffset: r.offset)))
        }
        var found: [UInt64: [SymbolizedFrame]] = [:]
        if let addr2line {
            for (path, list) in byFile {
                let frames = runAddr2line(addr2line, file: path, addresses: list.map(\.fileAddress))
                for (entry, f) in zip(list, frames) where !f.isEmpty { found[entry.address] = f.map(trimmed) }
            }
        }
        for a in missing {
            var frames = found[a] ?? []
            if frames.isEmpty || frames.last!.systemName.isEmpty, let name = dynamicSymbol(a) {
                if frames.isEmpty {
                    frames = [SymbolizedFrame(name: SymbolNames.displayName(name), systemName: name, file: "", line: 0)]
                } else {
                    frames[frames.count - 1].systemName = name
                    frames[frames.count - 1].name = SymbolNames.displayName(name)
                }
            }
            found[a] = frames
            result[a] = frames
        }
        cache.withLock { cache in
            for (a, f) in found { cache[a] = f }
        }
        return result
    }

    private func trimmed(_ frame: SymbolizedFrame) -> SymbolizedFrame {
        guard let trimPrefix, frame.file.hasPrefix(trimPrefix) else { return frame }
        var f = frame
        f.file = String(frame.file.dropFirst(trimPrefix.count))
        return f
    }

    private func dynamicSymbol(_ address: UInt64) -> String? {
        guard let name = hs_dynamic_symbol(UInt(address)) else { return nil }
        return String(cString: name)
    }

    /// Runs `addr2line -f -i -a -e FILE` (names stay mangled: the profile keeps them as system names) with the addresses on standard input (from a temporary file,
    /// so a large batch cannot fill a pipe both ways) and parses its blocks.
    private func runAddr2line(_ tool: String, file: String, addresses: [UInt64]) -> [[SymbolizedFrame]] {
        var template = Array("/tmp/heapprofiler-addrs-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return [] }
        let tempPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(tempPath) }
        let input = Array(addresses.map { "0x" + String($0, radix: 16) + "\n" }.joined().utf8)
        let written = input.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == input.count,
            let output = runCapturingOutput(tool, arguments: ["-f", "-i", "-a", "-e", file], stdinPath: tempPath)
        else { return [] }
        return Self.parseAddr2line(String(decoding: output, as: UTF8.self), count: addresses.count)
    }

    /// Parses addr2line output: per address, a `0x…` line, then a function line and a `file:line`
    /// line for each frame, innermost first.
    static func parseAddr2line(_ text: String, count: Int) -> [[SymbolizedFrame]] {
        var blocks: [[SymbolizedFrame]] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let first = lines.first {
            lines = lines.dropFirst()
            guard first.hasPrefix("0x") else { continue }
            var frames: [SymbolizedFrame] = []
            while let function = lines.first, !function.hasPrefix("0x"), lines.count >= 2 {
                let location = lines[lines.startIndex + 1]
                lines = lines.dropFirst(2)
                var (file, line) = parseFileLine(location)
                // Without a line, addr2line names the file from the symbol table's nearest FILE
                // symbol, often the C runtime's crtstuff.c: wrong more often than right, so drop it.
                if line == 0 { file = "" }
                let raw = String(function)
                if raw == "??" && file.isEmpty { continue }
                let name = raw == "??" ? "" : raw
                frames.append(
                    SymbolizedFrame(name: name.isEmpty ? "" : SymbolNames.displayName(name), systemName: name, file: file, line: line))
            }
            blocks.append(frames)
        }
        while blocks.count < count { blocks.append([]) }
        return blocks
    }

    /// `path:42 (discriminator 3)` → (path, 42); `??:0` and `??:?` → ("", 0).
    static func parseFileLine(_ s: Substring) -> (String, Int64) {
        var text = s
        if let paren = text.firstRange(of: " (") { text = text[..<paren.lowerBound] }
        guard let colon = text.lastIndex(of: ":") else { return (String(text), 0) }
        let file = String(text[..<colon])
        let line = Int64(text[text.index(after: colon)...]) ?? 0
        return (file == "??" ? "" : file, line)
    }
}
