import ProfileReport

/// Command-line flags parsed the way Go's flag package (and so go tool pprof) parses them:
/// `-name`, `--name`, `-name=value`, `-name value`; boolean flags take no separate value.
/// Unlike Go, flags may also follow the profile names; `--` ends the flags.
public struct FlagSet {
    public enum Kind: Sendable { case bool, string, int, float, stringList }

    public struct Flag {
        public let name: String
        public let kind: Kind
        public let help: String
    }

    public private(set) var flags: [String: Flag] = [:]
    public private(set) var order: [String] = []
    /// Values as given, in order (a list flag may appear several times).
    public private(set) var values: [String: [String]] = [:]
    public private(set) var positional: [String] = []

    public init() {}

    public mutating func define(_ name: String, _ kind: Kind, _ help: String = "") {
        if flags[name] == nil { order.append(name) }
        flags[name] = Flag(name: name, kind: kind, help: help)
    }

    public func isSet(_ name: String) -> Bool { values[name] != nil }

    public func string(_ name: String) -> String? { values[name]?.last }

    public func list(_ name: String) -> [String] { values[name] ?? [] }

    public func bool(_ name: String) -> Bool {
        guard let v = values[name]?.last else { return false }
        return parseGoBool(v) ?? false
    }

    /// Parses `args` (without the program name). Throws one-line errors for unknown flags and bad values.
    public mutating func parse(_ args: [String]) throws(FlagError) {
        var i = 0
        while i < args.count {
            let arg = args[i]
            i += 1
            if arg == "--" {
                positional += args[i...]
                return
            }
            guard arg.hasPrefix("-"), arg.count > 1 else {
                positional.append(arg)
                continue
            }
            var body = arg.dropFirst()
            if body.hasPrefix("-") { body = body.dropFirst() }
            if body.isEmpty || body.hasPrefix("-") || body.hasPrefix("=") {
                throw FlagError("bad flag syntax: \(arg)")
            }
            var name = String(body)
            var value: String?
            if let eq = body.firstIndex(of: "=") {
                name = String(body[..<eq])
                value = String(body[body.index(after: eq)...])
            }
            if name == "help" || name == "h" { throw FlagError.help }
            guard let flag = flags[name] else {
                throw FlagError("flag provided but not defined: -\(name)")
            }
            if flag.kind == .bool {
                let v = value ?? "true"
                guard parseGoBool(v) != nil else {
                    throw FlagError("invalid boolean value \"\(v)\" for -\(name)")
                }
                values[name, default: []].append(v)
                continue
            }
            if value == nil {
                guard i < args.count else { throw FlagError("flag needs an argument: -\(name)") }
                value = args[i]
                i += 1
            }
            let v = value!
            switch flag.kind {
            case .int:
                guard Int(v) != nil else { throw FlagError("invalid value \"\(v)\" for flag -\(name): not an integer") }
            case .float:
                guard Double(v) != nil else { throw FlagError("invalid value \"\(v)\" for flag -\(name): not a number") }
            default: break
            }
            if flag.kind == .stringList {
                values[name, default: []].append(v)
            } else {
                values[name] = [v]
            }
        }
    }
}

/// A command line that could not be parsed. `isHelp` and `isVersion` ask for the usage text or
/// the version instead; `listsFlags` says whether pointing to `pprof -help` would help.
public struct FlagError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let isHelp: Bool
    public let isVersion: Bool
    public let listsFlags: Bool

    init(_ message: String, isHelp: Bool = false, isVersion: Bool = false, listsFlags: Bool = true) {
        self.message = message
        self.isHelp = isHelp
        self.isVersion = isVersion
        self.listsFlags = listsFlags
    }

    static let help = FlagError("help requested", isHelp: true)
    static let version = FlagError("version requested", isVersion: true)

    public var description: String { message }
}
