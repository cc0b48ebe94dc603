import Glibc
import Testing

/// Runs `go` when it is installed.
enum GoTool {
    static let path: String? = {
        let dirs = (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin").split(separator: ":")
        return dirs.map { "\($0)/go" }.first { access($0, X_OK) == 0 }
    }()

    static let missing: Comment = "skipped: `go` is not on PATH, so go tool pprof cannot check the profiles"

    /// Runs go with `arguments`; returns the exit status and the combined output.
    static func run(_ arguments: [String]) -> (Int32, String) {
        guard let path else { return (-1, "go is missing") }
        let outPath = "/tmp/heapprofiler-go-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt"
        defer { unlink(outPath) }
        let quoted = ([path] + arguments).map { "'" + $0.replacingQuotes() + "'" }.joined(separator: " ")
        let status = system("\(quoted) > '\(outPath)' 2>&1")
        let fd = open(outPath, O_RDONLY)
        var bytes: [UInt8] = []
        if fd >= 0 {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            close(fd)
        }
        return ((status >> 8) & 0xff, String(decoding: bytes, as: UTF8.self))
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for c in self { out += c == "'" ? "'\\''" : String(c) }
        return out
    }
}
