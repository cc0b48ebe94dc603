/// How much of a demangled name to keep: go tool pprof's `-symbolize=demangle=…` modes.
public enum DemangleMode: String, Sendable, CaseIterable {
    /// go's default: no parameters, no template arguments, no return type.
    case simplified = "default"
    /// No parameters and no return type, template arguments kept.
    case templates
    /// Everything but compiler clone suffixes (`[clone .cold]`).
    case full
    /// What go 1.19 does for `demangle=none`: the demangler with no options, clones included.
    case none
}

extension Profile {
    /// Gives functions readable names as go tool pprof's symbolizer does after symbolizing: a
    /// function whose name is empty or equal to its system name gets the system name demangled
    /// (C++ and Rust), or, when it does not demangle but looks like demangled C++, simplified by
    /// go's heuristics; Swift names are demangled too, which go cannot do. `force` first resets
    /// every demangled name to its system name.
    public mutating func demangleNames(_ mode: DemangleMode, force: Bool) {
        var cache: [String: String] = [:]
        for i in functions.indices {
            if force && !functions[i].name.isEmpty && !functions[i].systemName.isEmpty {
                functions[i].name = functions[i].systemName
            }
            let f = functions[i]
            if !f.name.isEmpty && f.systemName != f.name { continue }
            if f.systemName.isEmpty { continue }
            let name: String
            if let known = cache[f.systemName] {
                name = known
            } else {
                name = SymbolNames.readable(f.systemName, mode)
                cache[f.systemName] = name
            }
            // Most names (every Go name) come back as they were: writing them anyway would copy
            // the profile's tables when they are shared.
            if name != f.name { functions[i].name = name }
        }
    }
}
