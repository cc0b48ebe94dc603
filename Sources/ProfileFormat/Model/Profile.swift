/// A sample or period type: what a value measures and in which unit.
public struct ValueType: Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var unit: String

    public init(type: String, unit: String) {
        self.type = type
        self.unit = unit
    }

    public var description: String { "\(type)/\(unit)" }
}

/// A string label on a sample (`key:value`).
public struct Label: Hashable, Sendable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A numeric label on a sample; `unit` is empty when the profile gave none.
public struct NumLabel: Hashable, Sendable {
    public var key: String
    public var value: Int64
    public var unit: String

    public init(key: String, value: Int64, unit: String = "") {
        self.key = key
        self.value = value
        self.unit = unit
    }
}

/// One sample: a stack (indices into `Profile.locations`, leaf first), one value per sample type, labels.
///
/// Labels are kept sorted by key (values of one key keep their order), so that two samples with the
/// same label sets compare equal.
public struct Sample: Hashable, Sendable {
    public var locations: [Int32]
    public var values: [Int64]
    public var labels: [Label]
    public var numLabels: [NumLabel]

    public init(locations: [Int32], values: [Int64], labels: [Label] = [], numLabels: [NumLabel] = []) {
        self.locations = locations
        self.values = values
        self.labels = labels
        self.numLabels = numLabels
    }

    /// The values of string label `key`, in order.
    public func labelValues(_ key: String) -> [String] {
        labels.compactMap { $0.key == key ? $0.value : nil }
    }

    /// Whether the sample carries `key:value`.
    public func hasLabel(_ key: String, _ value: String) -> Bool {
        labels.contains { $0.key == key && $0.value == value }
    }

    /// Whether this sample came from a `-diff_base` profile.
    public var isDiffBase: Bool { hasLabel(Profile.diffBaseLabel, "true") }

    /// Sorts labels by key, keeping the order of values within a key.
    public mutating func canonicalizeLabels() {
        if labels.count > 1 { labels = stableSorted(labels) { $0.key < $1.key } }
        if numLabels.count > 1 { numLabels = stableSorted(numLabels) { $0.key < $1.key } }
    }
}

/// A memory mapping of the profiled process (mappings[0] is the main binary).
public struct Mapping: Hashable, Sendable {
    public var id: UInt64
    public var start: UInt64
    public var limit: UInt64
    public var offset: UInt64
    public var file: String
    public var buildID: String
    public var hasFunctions: Bool
    public var hasFilenames: Bool
    public var hasLineNumbers: Bool
    public var hasInlineFrames: Bool

    public init(
        id: UInt64, start: UInt64 = 0, limit: UInt64 = 0, offset: UInt64 = 0, file: String = "",
        buildID: String = "", hasFunctions: Bool = false, hasFilenames: Bool = false,
        hasLineNumbers: Bool = false, hasInlineFrames: Bool = false
    ) {
        self.id = id
        self.start = start
        self.limit = limit
        self.offset = offset
        self.file = file
        self.buildID = buildID
        self.hasFunctions = hasFunctions
        self.hasFilenames = hasFilenames
        self.hasLineNumbers = hasLineNumbers
        self.hasInlineFrames = hasInlineFrames
    }
}

/// A function: its name, its raw (system) name, its source file and first line.
public struct Function: Hashable, Sendable {
    public var id: UInt64
    public var name: String
    public var systemName: String
    public var filename: String
    public var startLine: Int64

    public init(id: UInt64, name: String, systemName: String = "", filename: String = "", startLine: Int64 = 0) {
        self.id = id
        self.name = name
        self.systemName = systemName
        self.filename = filename
        self.startLine = startLine
    }
}

/// A source line within a location; `function` indexes `Profile.functions`.
public struct Line: Hashable, Sendable {
    public var function: Int32
    public var line: Int64
    public var column: Int64

    public init(function: Int32, line: Int64, column: Int64 = 0) {
        self.function = function
        self.line = line
        self.column = column
    }
}

/// A program counter with its symbolization. The LAST line is the caller; earlier ones are inlined into it.
public struct Location: Hashable, Sendable {
    public var id: UInt64
    /// Index into `Profile.mappings`, or -1.
    public var mapping: Int32
    public var address: UInt64
    public var lines: [Line]
    public var isFolded: Bool

    public init(id: UInt64, mapping: Int32 = -1, address: UInt64 = 0, lines: [Line] = [], isFolded: Bool = false) {
        self.id = id
        self.mapping = mapping
        self.address = address
        self.lines = lines
        self.isFolded = isFolded
    }
}

/// A decoded pprof profile, owned by Swift. Cross references are array indices, not ids.
public struct Profile: Sendable {
    public var sampleTypes: [ValueType] = []
    public var samples: [Sample] = []
    public var mappings: [Mapping] = []
    public var locations: [Location] = []
    public var functions: [Function] = []
    public var dropFrames = ""
    public var keepFrames = ""
    public var timeNanos: Int64 = 0
    public var durationNanos: Int64 = 0
    public var periodType = ValueType(type: "", unit: "")
    public var period: Int64 = 0
    public var comments: [String] = []
    public var defaultSampleType = ""
    public var docURL = ""

    /// The label that `-diff_base` puts on the base profile's samples.
    public static let diffBaseLabel = "pprof::base"

    public init() {}

    /// The mapping of a location, if any.
    @inlinable
    public func mapping(of location: Location) -> Mapping? {
        location.mapping >= 0 ? mappings[Int(location.mapping)] : nil
    }

    /// Names of the sample types, in order.
    public var sampleTypeNames: [String] { sampleTypes.map(\.type) }
}

/// A stable sort (Swift's `sort` is not guaranteed stable).
func stableSorted<T>(_ items: [T], by less: (T, T) -> Bool) -> [T] {
    items.enumerated().sorted { a, b in
        if less(a.element, b.element) { return true }
        if less(b.element, a.element) { return false }
        return a.offset < b.offset
    }.map(\.element)
}
