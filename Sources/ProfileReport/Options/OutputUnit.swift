/// The `-unit` option, parsed once where it is set: pprof's "minimum" (the unit of the
/// report's smallest value, chosen once per report), "auto" (a readable unit for each value),
/// or a unit to convert every value to (`kb`, `ms`, … any alias Measurement knows; another
/// name is printed after the unconverted value, as pprof does).
public enum OutputUnit: Sendable, Equatable, CustomStringConvertible {
    case minimum
    case auto
    case unit(String)

    /// The option's value as given.
    public init(_ text: String) {
        switch text {
        case "minimum": self = .minimum
        case "auto": self = .auto
        default: self = .unit(text)
        }
    }

    /// Whether each value gets a readable unit of its own (the minimum unit is chosen with such
    /// units before a report prints anything).
    public var scalesAutomatically: Bool {
        switch self {
        case .minimum, .auto: return true
        case .unit: return false
        }
    }

    /// The option's text, as pprof prints it.
    public var description: String {
        switch self {
        case .minimum: return "minimum"
        case .auto: return "auto"
        case .unit(let name): return name
        }
    }
}
