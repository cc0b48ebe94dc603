import Foundation

/// Go's filepath.Clean: the shortest equivalent path.
public func cleanPath(_ path: String) -> String {
    if path.isEmpty { return "." }
    if isCleanPath(path) { return path }
    let rooted = path.hasPrefix("/")
    var out: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == ".." {
            if let last = out.last, last != ".." {
                out.removeLast()
            } else if !rooted {
                out.append(part)
            }
            continue
        }
        out.append(part)
    }
    let joined = out.joined(separator: "/")
    if rooted { return "/" + joined }
    return joined.isEmpty ? "." : joined
}

/// Whether Go's filepath.Clean leaves `path` (not empty) as it is: no empty, `.` or `..`
/// element and no trailing slash, which is what file names in profiles nearly always are.
func isCleanPath(_ path: String) -> Bool {
    var clean = true
    path.utf8.withContiguousStorageIfAvailable { b in
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var elementStart = 0
        for i in 0...b.count {
            if i < b.count && b[i] != slash { continue }
            let length = i - elementStart
            // An empty element is fine only as the root's leading slash (and "/" alone).
            if length == 0 && !(i == 0 && b.count > 1) && !(b.count == 1) {
                clean = false
                return
            }
            if length == 1 && b[elementStart] == dot { clean = false; return }
            if length == 2 && b[elementStart] == dot && b[elementStart + 1] == dot { clean = false; return }
            elementStart = i + 1
        }
    } ?? { clean = false }()
    return clean
}
