import Foundation

/// What one node of a report stands for (pprof's -functions, -files, …).
public enum Granularity: String, CaseIterable, Sendable {
    case functions, filefunctions, files, lines, addresses
}

/// The order of report rows: by flat (own) value or by cumulative value.
public enum SortOrder: String, CaseIterable, Sendable {
    case cum, flat
}

/// Every report option that a flag, a shell command or a URL can set (pprof's `config`).
public struct ReportConfig: Sendable, Equatable {
    public var output = ""
    public var callTree = false
    public var relativePercentages = false
    public var unit = OutputUnit.minimum
    public var compactLabels = false
    public var sourcePath = ""
    public var trimPath = ""
    public var intelSyntax = false
    public var mean = false
    public var sampleIndex = ""
    public var divideBy = 1.0
    public var normalize = false
    public var sort = SortOrder.flat
    public var tagRoot = ""
    public var tagLeaf = ""
    public var dropNegative = false
    public var nodeCount = -1
    public var nodeFraction = 0.005
    public var edgeFraction = 0.001
    public var trim = true
    public var focus = ""
    public var ignore = ""
    public var pruneFrom = ""
    public var hide = ""
    public var show = ""
    public var showFrom = ""
    public var tagFocus = ""
    public var tagIgnore = ""
    public var tagShow = ""
    public var tagHide = ""
    public var noInlines = false
    public var granularity = Granularity.functions
    /// Reports as JSON (`-json`, or `-json` after a shell command); not one of pprof's options.
    public var json = false

    public init() {}

    /// A settable option: its name, kind, allowed values for option groups, and help text.
    public struct Field: Sendable {
        public enum Kind: Sendable { case string, int, float, bool }
        public let name: String
        public let kind: Kind
        public let choices: [String]
        public let help: String
        let access: Access

        /// Where a field's value lives and how it is read and written as text.
        enum Access: Sendable {
            case string(WritableKeyPath<ReportConfig, String> & Sendable)
            case int(WritableKeyPath<ReportConfig, Int> & Sendable)
            case float(WritableKeyPath<ReportConfig, Double> & Sendable)
            case bool(WritableKeyPath<ReportConfig, Bool> & Sendable)
            /// A value of a parsed type (an enum's cases, the unit): its text, and setting it from
            /// text (false when the text names no value).
            case parsed(get: @Sendable (ReportConfig) -> String, set: @Sendable (inout ReportConfig, String) -> Bool)
        }

        private init(_ name: String, _ kind: Kind, choices: [String] = [], help: String, _ access: Access) {
            self.name = name
            self.kind = kind
            self.choices = choices
            self.help = help
            self.access = access
        }

        init(_ name: String, _ path: WritableKeyPath<ReportConfig, String> & Sendable, choices: [String] = [], help: String) {
            self.init(name, .string, choices: choices, help: help, .string(path))
        }

        init<E: RawRepresentable & CaseIterable & Sendable>(_ name: String, _ path: WritableKeyPath<ReportConfig, E> & Sendable, help: String)
        where E.RawValue == String {
            self.init(
                name, .string, choices: E.allCases.map(\.rawValue), help: help,
                .parsed(
                    get: { $0[keyPath: path].rawValue },
                    set: { cfg, text in
                        guard let value = E(rawValue: text) else { return false }
                        cfg[keyPath: path] = value
                        return true
                    }))
        }

        /// A field set from any text, parsed once (`unit`).
        init(_ name: String, _ path: WritableKeyPath<ReportConfig, OutputUnit> & Sendable, help: String) {
            self.init(
                name, .string, help: help,
                .parsed(
                    get: { $0[keyPath: path].description },
                    set: { cfg, text in
                        cfg[keyPath: path] = OutputUnit(text)
                        return true
                    }))
        }

        init(_ name: String, _ path: WritableKeyPath<ReportConfig, Int> & Sendable, help: String) {
            self.init(name, .int, help: help, .int(path))
        }

        init(_ name: String, _ path: WritableKeyPath<ReportConfig, Double> & Sendable, help: String) {
            self.init(name, .float, help: help, .float(path))
        }

        init(_ name: String, _ path: WritableKeyPath<ReportConfig, Bool> & Sendable, help: String) {
            self.init(name, .bool, help: help, .bool(path))
        }
    }

    /// The fields in pprof's order.
    public static let fields: [Field] = [
        Field("output", \.output, help: "Output filename for file-based outputs"),
        Field("call_tree", \.callTree, help: "Create a context-sensitive call tree"),
        Field("relative_percentages", \.relativePercentages, help: "Show percentages relative to focused subgraph"),
        Field("unit", \.unit, help: "Measurement units to display"),
        Field("compact_labels", \.compactLabels, help: "Show minimal headers"),
        Field("source_path", \.sourcePath, help: "Search path for source files"),
        Field("trim_path", \.trimPath, help: "Path to trim from source paths before search"),
        Field("intel_syntax", \.intelSyntax, help: "Show assembly in Intel syntax"),
        Field("mean", \.mean, help: "Average sample value over first value (count)"),
        Field("sample_index", \.sampleIndex, help: "Sample value to report (0-based index or name)"),
        Field("divide_by", \.divideBy, help: "Ratio to divide all samples before visualization"),
        Field("normalize", \.normalize, help: "Scales profile based on the base profile."),
        Field("sort", \.sort, help: ""),
        Field("tagroot", \.tagRoot, help: "Adds pseudo stack frames for labels key/value pairs at the callstack root."),
        Field("tagleaf", \.tagLeaf, help: "Adds pseudo stack frames for labels key/value pairs at the callstack leaf."),
        Field("drop_negative", \.dropNegative, help: "Ignore negative differences"),
        Field("nodecount", \.nodeCount, help: "Max number of nodes to show"),
        Field("nodefraction", \.nodeFraction, help: "Hide nodes below <f>*total"),
        Field("edgefraction", \.edgeFraction, help: "Hide edges below <f>*total"),
        Field("trim", \.trim, help: "Honor nodefraction/edgefraction/nodecount defaults"),
        Field("focus", \.focus, help: "Restricts to samples going through a node matching regexp"),
        Field("ignore", \.ignore, help: "Skips paths going through any nodes matching regexp"),
        Field("prune_from", \.pruneFrom, help: "Drops any functions below the matched frame."),
        Field("hide", \.hide, help: "Skips nodes matching regexp"),
        Field("show", \.show, help: "Only show nodes matching regexp"),
        Field("show_from", \.showFrom, help: "Drops functions above the highest matched frame."),
        Field("tagfocus", \.tagFocus, help: "Restricts to samples with tags in range or matched by regexp"),
        Field("tagignore", \.tagIgnore, help: "Discard samples with tags in range or matched by regexp"),
        Field("tagshow", \.tagShow, help: "Only consider tags matching this regexp"),
        Field("taghide", \.tagHide, help: "Skip tags matching this regexp"),
        Field("noinlines", \.noInlines, help: "Ignore inlines."),
        Field("granularity", \.granularity, help: ""),
    ]

    /// Looks up a field by its name or by one of its choices (`cum`, `lines`, …).
    public static func field(named name: String) -> Field? {
        fields.first { $0.name == name || $0.choices.contains(name) }
    }

    /// The value of a field as text, as pprof prints it.
    public func get(_ f: Field) -> String {
        switch f.access {
        case .string(let p): return self[keyPath: p]
        case .parsed(let get, _): return get(self)
        case .int(let p): return String(self[keyPath: p])
        case .float(let p): return formatGoFloat(self[keyPath: p])
        case .bool(let p): return self[keyPath: p] ? "true" : "false"
        }
    }

    /// Sets a field from text; throws a one-line reason when the value does not fit.
    public mutating func set(_ f: Field, _ value: String) throws(ReportError) {
        switch f.access {
        case .parsed(_, let set):
            if !set(&self, value) { throw ReportError("invalid \"\(f.name)\" value \"\(value)\"") }
        case .string(let p):
            self[keyPath: p] = value
        case .int(let p):
            guard let v = Int(value) else { throw ReportError("invalid value \"\(value)\" for \(f.name): not an integer") }
            self[keyPath: p] = v
        case .float(let p):
            guard let v = Double(value) else { throw ReportError("invalid value \"\(value)\" for \(f.name): not a number") }
            self[keyPath: p] = v
        case .bool(let p):
            guard let v = parseGoBool(value) else {
                throw ReportError("invalid value \"\(value)\" for \(f.name): not a boolean")
            }
            self[keyPath: p] = v
        }
    }
}

/// Go's strconv.ParseBool.
public func parseGoBool(_ s: String) -> Bool? {
    switch s {
    case "1", "t", "T", "true", "TRUE", "True": return true
    case "0", "f", "F", "false", "FALSE", "False": return false
    default: return nil
    }
}

/// Go's `fmt.Sprint` of a float64: the shortest digits that round-trip, in %e form when the
/// exponent is below -4 or at least 6 (so 1e+06, 0.005, 1.5).
public func formatGoFloat(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
    if v == 0 { return v.sign == .minus ? "-0" : "0" }
    // Shortest round-trip digits from Swift's own printing, in scientific form.
    let sci = String(format: "%.17e", v)
    var digits = ""
    var exp = 0
    // Find the shortest precision that round-trips.
    for prec in 0...16 {
        let t = String(format: "%.\(prec)e", v)
        if Double(t) == v {
            let parts = t.split(separator: "e")
            digits = parts[0].replacingOccurrences(of: ".", with: "").replacingOccurrences(of: "-", with: "")
            exp = Int(parts[1])!
            break
        }
    }
    if digits.isEmpty {
        let parts = sci.split(separator: "e")
        digits = parts[0].replacingOccurrences(of: ".", with: "").replacingOccurrences(of: "-", with: "")
        exp = Int(parts[1])!
    }
    while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
    let sign = v < 0 ? "-" : ""
    if exp < -4 || exp >= 6 {
        let mant = digits.count > 1 ? "\(digits.first!).\(digits.dropFirst())" : digits
        let e = abs(exp) < 10 ? "0\(abs(exp))" : "\(abs(exp))"
        return "\(sign)\(mant)e\(exp < 0 ? "-" : "+")\(e)"
    }
    if exp >= 0 {
        if digits.count <= exp + 1 {
            return sign + digits + String(repeating: "0", count: exp + 1 - digits.count)
        }
        let i = digits.index(digits.startIndex, offsetBy: exp + 1)
        return sign + digits[..<i] + "." + digits[i...]
    }
    return sign + "0." + String(repeating: "0", count: -exp - 1) + digits
}

/// A report could not be made; `description` is one line for people.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
