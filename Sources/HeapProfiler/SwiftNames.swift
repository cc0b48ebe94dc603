import CDemangle
import Glibc
import ProfileFormat

/// Turns symbol names into the names a profile shows.
enum SymbolNames {
    /// Whether `name` is a mangled Swift symbol.
    static func isSwiftMangled(_ name: String) -> Bool {
        name.hasPrefix("$s") || name.hasPrefix("_$s") || name.hasPrefix("$S") || name.hasPrefix("_$S")
            || name.hasPrefix("_T0") || name.hasPrefix("$e") || name.hasPrefix("_$e")
    }

    /// The Swift runtime's demangling of `name`, or nil when it is not a Swift symbol.
    static func demangle(_ name: String) -> String? {
        guard isSwiftMangled(name), let c = pprof_swift_demangle(name) else { return nil }
        defer { free(c) }
        return String(cString: c)
    }

    /// The name to show for a raw symbol: Swift symbols demangled and shortened, C++ symbols
    /// demangled and shortened as go tool pprof shortens them, others unchanged. The profile keeps
    /// the raw symbol as the function's system_name; as the name then differs from it, go tool pprof
    /// prints this name as it is, and so does our pprof.
    static func displayName(_ raw: String) -> String {
        if let full = demangle(raw) { return simplify(full) }
        if raw.hasPrefix("_Z"), let c = pprof_cxx_demangle(raw) {
            defer { free(c) }
            return simplifyCPlusPlus(String(cString: c))
        }
        return raw
    }

    /// go tool pprof's default simplification of a demangled C++ name: parameter lists and template
    /// arguments removed, nested brackets included (`ns::Map<K, V>::find(K const&) const` →
    /// `ns::Map::find const`). Beyond go's heuristic, `(anonymous namespace)` is kept and return
    /// types left over from template functions are dropped, as go's demangler does.
    static func simplifyCPlusPlus(_ name: String) -> String {
        let anonymous = "(anonymous namespace)", placeholder = "\u{1}"
        var s = name.replacing(anonymous, with: placeholder)
        s = removeMatching(s, "(", ")")
        s = removeMatching(s, "<", ">")
        // What is left of a template function's return type goes too (`std::pair ns::Map::insert`,
        // `decltype  ns::f` → `ns::Map::insert`, `ns::f`), and so do doubled spaces.
        var words = s.split(separator: " ")
        if words.count >= 2, !words[0].hasPrefix("operator"), !words[0].hasSuffix("::operator"), words[1].contains("::") {
            words.removeFirst()
        }
        return words.joined(separator: " ").replacing(placeholder, with: anonymous)
    }

    /// Removes each outermost `open`…`close` span with what it nests; an unbalanced `close`
    /// leaves the name as it was (pprof's removeMatching).
    static func removeMatching(_ name: String, _ open: Character, _ close: Character) -> String {
        var out = ""
        var pending = ""
        var depth = 0
        for c in name {
            if c == open {
                depth += 1
            } else if c == close {
                depth -= 1
                if depth < 0 { return name }
                if depth == 0 {
                    pending = ""
                    continue
                }
            }
            if depth == 0 { out.append(c) } else { pending.append(c) }
        }
        return out + pending
    }

    /// Shortens a demangled Swift name (ProfileFormat's SwiftNames.simplify, shared with pprof).
    static func simplify(_ name: String) -> String { SwiftNames.simplify(name) }
}
