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

    /// The name to show for a raw symbol: what go tool pprof shows for it by default (C++ and
    /// Rust demangled and shortened by ProfileFormat's one implementation), and Swift symbols
    /// demangled and shortened. The profile keeps the raw symbol as the function's system_name;
    /// as the name then differs from it, go tool pprof prints this name as it is, and so does ours.
    static func displayName(_ raw: String) -> String {
        ProfileFormat.SymbolNames.readable(raw, .simplified)
    }

    /// Shortens a demangled Swift name (ProfileFormat's SwiftNames.simplify, shared with pprof).
    static func simplify(_ name: String) -> String { SwiftNames.simplify(name) }
}
