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

extension ProfileLoader {
    /// The symbolizer step with this loader's `-symbolize` options and `-timeout`, for a profile
    /// read from `sources` (those that are URLs are asked for symbols): the one call that the
    /// command line's profile, the shell's `load`, `reload` and base profiles, and `-growth`'s
    /// snapshots all go through.
    public func symbolize(_ profile: inout Profile, sources: [String], warn: (String) -> Void) {
        ProfileSymbolizer.run(
            symbolizeOptions, &profile, remoteSources: sources.compactMap { url(for: $0) },
            timeout: timeout > 0 ? Double(timeout) : 60, warn: warn)
    }

    /// What go's fetchProfiles does last to a loaded profile: symbolize it, then drop the
    /// uninteresting frames, which drop_frames may name only as symbolization names them.
    public func symbolizeAndPrune(_ profile: inout Profile, sources: [String], warn: (String) -> Void) throws(ProfileError) {
        symbolize(&profile, sources: sources, warn: warn)
        try profile.removeUninteresting()
    }
}

/// pprof's symbolizer step, run on every loaded profile unless `-symbolize=none`.
public enum ProfileSymbolizer {
    /// Symbolizes what can be from the binaries here (see `LocalSymbolizer`), then, for a
    /// profile fetched from `remoteSources`, from its server (see `RemoteSymbolizer`), then
    /// demangles and simplifies names. `fastlocal` is `local`: go tool pprof 1.19 reads binaries
    /// with its own object reader, on which the fast mode of google/pprof's binutils has no effect.
    public static func run(
        _ options: SymbolizeOptions, _ profile: inout Profile, remoteSources: [URL] = [], timeout: Double = 60,
        environment: [String: String] = ProcessInfo.processInfo.environment, warn: (String) -> Void
    ) {
        // go looks for the binaries on PPROF_BINARY_PATH whatever the mode (its grabProfile).
        let local = LocalSymbolizer(environment: environment)
        local.locateBinaries(&profile, warn: warn)
        if options.disabled { return }
        // As go does, a mapping naming no file nor build ID is named after the URL it came
        // from while symbolizing: local symbolization then leaves it alone.
        var sourced: [Int] = []
        if let first = remoteSources.first {
            for i in profile.mappings.indices where profile.mappings[i].file.isEmpty && profile.mappings[i].buildID.isEmpty {
                profile.mappings[i].file = first.absoluteString
                sourced.append(i)
            }
        }
        if options.local {
            local.symbolize(&profile, force: options.force, warn: warn)
        }
        if options.remote && !remoteSources.isEmpty {
            RemoteSymbolizer(sources: remoteSources, timeout: timeout).symbolize(&profile, force: options.force, warn: warn)
        }
        for i in sourced { profile.mappings[i].file = "" }
        profile.demangleNames(options.demangle, force: options.force)
    }
}
