import CDemangle
import Foundation

/// Readable function names from the raw symbol names that symbolizers and converters write.
public enum SymbolNames {
    /// The name go tool pprof shows for `raw` in `mode` (and Swift names demangled).
    public static func readable(_ raw: String, _ mode: DemangleMode) -> String {
        if let swift = swiftDemangled(raw, mode) { return swift }
        if let demangled = demangled(raw, mode) { return demangled }
        // Not mangled: perhaps C++ demangled already, which go simplifies by heuristics.
        guard looksLikeDemangledCxx(raw) else { return raw }
        var name = raw
        switch mode {
        case .simplified:
            name = removeMatching(name, "(", ")")
            name = removeMatching(name, "<", ">")
        case .templates:
            name = removeMatching(name, "(", ")")
        case .full, .none:
            break
        }
        return name
    }

    /// A C++ (`_Z`) or Rust (`_ZN…17h…E` legacy, `_R` v0) name demangled and simplified, or nil.
    static func demangled(_ raw: String, _ mode: DemangleMode) -> String? {
        if raw.hasPrefix("_R") { return RustV0Names.demangle(raw) }
        guard raw.hasPrefix("_Z"), let c = pprof_cxx_demangle(raw) else { return nil }
        defer { free(c) }
        var full = String(cString: c)
        if let rust = RustLegacyNames.simplify(raw, full) { return rust }
        if mode != .none { full = CxxNames.removeClones(full) }
        switch mode {
        case .simplified: return CxxNames.simplify(full, keepTemplates: false)
        case .templates: return CxxNames.simplify(full, keepTemplates: true)
        case .full, .none: return full
        }
    }

    /// A Swift name demangled through the Swift runtime and shortened like the heap profiler's
    /// names (`M.T.read(from:limit:)`) unless `mode` keeps everything.
    static func swiftDemangled(_ raw: String, _ mode: DemangleMode) -> String? {
        guard isSwiftMangled(raw), let c = pprof_swift_demangle(raw) else { return nil }
        defer { free(c) }
        let full = String(cString: c)
        if full == raw { return nil }
        switch mode {
        case .full, .none: return full
        case .templates, .simplified: return SwiftNames.simplify(full)
        }
    }

    static func isSwiftMangled(_ s: String) -> Bool {
        for prefix in ["$s", "_$s", "$S", "_$S", "$e", "_$e", "_T0"] where s.hasPrefix(prefix) && s.count > prefix.count + 1 {
            return true
        }
        return false
    }

    /// go's looksLikeDemangledCPlusPlus.
    static func looksLikeDemangledCxx(_ s: String) -> Bool {
        if s.contains(".<") || s.contains("]).") { return false }
        return s.contains(where: { "<>[]".contains($0) }) || s.contains("::")
    }

    /// Removes every outermost `start…end` group from `name`; an unmatched `end` leaves the name
    /// as it was (go's removeMatching).
    static func removeMatching(_ name: String, _ open: Character, _ close: Character) -> String {
        let start = open.asciiValue!
        let end = close.asciiValue!
        var b = Array(name.utf8)
        var nesting = 0
        var first = 0
        var i = 0
        while i < b.count {
            if b[i] == start {
                nesting += 1
                if nesting == 1 { first = i }
            } else if b[i] == end {
                nesting -= 1
                if nesting < 0 { return name }
                if nesting == 0 {
                    b.removeSubrange(first...i)
                    i = first
                    continue
                }
            }
            i += 1
        }
        return String(decoding: b, as: UTF8.self)
    }
}

