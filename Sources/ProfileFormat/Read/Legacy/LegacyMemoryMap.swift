import Foundation

/// The memory map at the end of legacy profiles: /proc/self/maps lines, or the brief
/// `start-end file (@offset) buildid` form, with `name=value` lines that define `$name`.
enum LegacyMemoryMap {
    private static let hexRange = #"\s*(?:0x)?([[:xdigit:]]+)[\s-]?\s*(?:0x)?([[:xdigit:]]+):?"#
    private static let perm = #"(?:\s+([-rwxp]+))?"#
    // These patterns are constants known to compile.
    static let procMaps = try! GoRegex(
        "^" + hexRange + perm + #"(?:\s+([[:xdigit:]]+))?\s+[[:xdigit:]]+:[[:xdigit:]]+\s+[[:digit:]]+(?:\s+(\S+))?"#)
    static let briefMaps = try! GoRegex(
        "^" + hexRange + perm + #"(?:\s+(\S+))?(?:\s+\(@([[:xdigit:]]+)\))?(?:\s+([[:xdigit:]]+))?"#)
    static let logPrefix = try! GoRegex(#"^[^\[\]]+:[0-9]+]\s"#)
    static let library = try! GoRegex(#"([.]so$|[.]so[._][0-9]+)"#)

    /// Whether a file name is a shared library's.
    static func isLibrary(_ file: String) -> Bool { library.matches(file) }

    /// The executable mappings of the lines left in `lines`.
    static func parse(_ lines: inout LegacyLines) throws(ProfileError) -> [Mapping] {
        var mappings: [Mapping] = []
        var substitutions: [(String, String)] = []
        while lines.scan() {
            var line = removeLoggingInfo(lines.text)
            for (k, v) in substitutions { line = line.replacingOccurrences(of: k, with: v) }
            switch entry(line) {
            case .mapping(let m): mappings.append(m)
            case .skipped: break
            case .unrecognized:
                if let eq = line.firstIndex(of: "=") {
                    let key = "$" + line[..<eq].trimmingCharacters(in: .whitespaces)
                    let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                    substitutions.append((key, value))
                }
            }
        }
        return mappings
    }

    enum Entry {
        case mapping(Mapping)
        case skipped
        case unrecognized
    }

    static func entry(_ line: String) -> Entry {
        var start = "", end = "", perm = "", file = "", offset = "", buildID = ""
        if let m = procMaps.firstMatch(line) {
            (start, end, perm, offset, file) = (m[1] ?? "", m[2] ?? "", m[3] ?? "", m[4] ?? "", m[5] ?? "")
        } else if let m = briefMaps.firstMatch(line) {
            (start, end, perm, file, offset, buildID) = (m[1] ?? "", m[2] ?? "", m[3] ?? "", m[4] ?? "", m[5] ?? "", m[6] ?? "")
        } else {
            return .unrecognized
        }
        if !perm.isEmpty && !perm.contains("x") { return .skipped }
        guard let s = UInt64(start, radix: 16), let e = UInt64(end, radix: 16) else { return .unrecognized }
        var o: UInt64 = 0
        if !offset.isEmpty {
            guard let v = UInt64(offset, radix: 16) else { return .unrecognized }
            o = v
        }
        return .mapping(Mapping(id: 0, start: s, limit: e, offset: o, file: file, buildID: buildID))
    }

    /// Drops a glog prefix (`I0102 15:04:05.000000 123 file.cc:45] `) from a line.
    static func removeLoggingInfo(_ line: String) -> String {
        guard let m = logPrefix.firstMatch(line), let prefix = m[0] else { return line }
        return String(line.dropFirst(prefix.count))
    }
}
