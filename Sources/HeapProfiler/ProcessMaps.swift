import Glibc

/// One line of /proc/self/maps.
struct MappedRegion: Sendable, Equatable {
    var start: UInt64
    var limit: UInt64
    var offset: UInt64
    var executable: Bool
    var path: String

    /// Parses /proc/<pid>/maps text: `start-limit perms offset dev inode path`.
    static func parse(_ text: String) -> [MappedRegion] {
        var regions: [MappedRegion] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5 else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let limit = UInt64(range[1], radix: 16),
                let offset = UInt64(fields[2], radix: 16)
            else { continue }
            let path = fields.count > 5 ? fields[5].trimmingLeadingSpaces() : ""
            regions.append(
                MappedRegion(
                    start: start, limit: limit, offset: offset, executable: fields[1].contains("x"), path: path))
        }
        return regions
    }

    /// The regions of this process.
    static func current() -> [MappedRegion] {
        parse(String(decoding: readWholeFile("/proc/self/maps") ?? [], as: UTF8.self))
    }
}

extension Substring {
    fileprivate func trimmingLeadingSpaces() -> String {
        String(drop(while: { $0 == " " }))
    }
}

/// Reads a whole file (also /proc files, whose size is reported as 0); nil when it cannot be opened.
func readWholeFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        result.append(contentsOf: chunk[0..<n])
    }
    return result
}

/// The path of the running executable.
func currentExecutablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return "" }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
