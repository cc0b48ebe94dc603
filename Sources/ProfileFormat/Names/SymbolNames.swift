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
    /// One pass over the UTF-8 bytes: it runs for every function name of a profile.
    static func looksLikeDemangledCxx(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { b in
            let dot = UInt8(ascii: "."), lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">")
            let open = UInt8(ascii: "["), close = UInt8(ascii: "]"), paren = UInt8(ascii: ")")
            let colon = UInt8(ascii: ":")
            var bracket = false, scope = false
            for i in 0..<b.count {
                switch b[i] {
                case dot:
                    // ".<" (a Java "class.<init>") is not C++.
                    if i + 1 < b.count && b[i + 1] == lt { return false }
                case close:
                    // "])." (a Go "foo.(*Bar[...]).Method") is not C++.
                    if i + 2 < b.count && b[i + 1] == paren && b[i + 2] == dot { return false }
                    bracket = true
                case lt, gt, open:
                    bracket = true
                case colon:
                    if i + 1 < b.count && b[i + 1] == colon { scope = true }
                default:
                    break
                }
            }
            return bracket || scope
        }
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

