import CHeapSampler
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
        guard isSwiftMangled(name), let c = hs_swift_demangle(name) else { return nil }
        defer { free(c) }
        return String(cString: c)
    }

    /// The name to show for a raw symbol: Swift symbols demangled and shortened, others unchanged.
    static func displayName(_ raw: String) -> String {
        guard let full = demangle(raw) else { return raw }
        return simplify(full)
    }

    /// Shortens a demangled Swift name (see ProfileFormat's SwiftNames.simplify).
    static func simplify(_ name: String) -> String { SwiftNames.simplify(name) }
}
