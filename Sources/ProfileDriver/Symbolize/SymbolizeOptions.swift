import Foundation
import ProfileFormat

/// `-symbolize=…`, read as go tool pprof reads it: `none`, `local`, `fastlocal`, `remote`,
/// `force` and `demangle=default|none|full|templates`, joined with `:`.
public struct SymbolizeOptions: Equatable, Sendable {
    /// `none`: leave the profile exactly as loaded (no symbolizing, no demangling).
    public var disabled = false
    public var local = true
    public var remote = true
    public var fast = false
    public var force = false
    public var demangle = DemangleMode.simplified

    public init() {}

    /// Parses a `-symbolize` value; unknown words are reported through `warn` as go does and ignored.
    public init(_ value: String, warn: (String) -> Void) {
        for word in value.lowercased().split(separator: ":", omittingEmptySubsequences: false) {
            switch word {
            case "": continue
            case "none", "no":
                disabled = true
                return
            case "local": (remote, local) = (false, true)
            case "fastlocal": (remote, local, fast) = (false, true, true)
            case "remote": (remote, local) = (true, false)
            case "force": force = true
            default:
                let mode = word.hasPrefix("demangle=") ? String(word.dropFirst("demangle=".count)) : String(word)
                switch mode {
                case "full", "none", "templates":
                    demangle = DemangleMode(rawValue: mode)!
                    force = true
                    continue
                case "default":
                    continue
                default:
                    warn("ignoring unrecognized symbolization option: \(value)")
                    warn("expecting -symbolize=[local|fastlocal|remote|none][:force][:demangle=[none|full|templates|default]")
                }
            }
        }
    }
}

/// pprof's symbolizer step, run on every loaded profile unless `-symbolize=none`.
public enum ProfileSymbolizer {
    /// Symbolizes what can be (see `LocalSymbolizer`), then demangles and simplifies names.
    public static func run(
        _ options: SymbolizeOptions, _ profile: inout Profile,
        environment: [String: String] = ProcessInfo.processInfo.environment, warn: (String) -> Void
    ) {
        // go looks for the binaries on PPROF_BINARY_PATH whatever the mode (its grabProfile).
        let local = LocalSymbolizer(environment: environment)
        local.locateBinaries(&profile, warn: warn)
        if options.disabled { return }
        if options.local {
            local.symbolize(&profile, force: options.force, warn: warn)
        }
        profile.demangleNames(options.demangle, force: options.force)
    }
}
