import Foundation

/// The heap profiler's series of the sampled in-use total over time (served at
/// `/debug/pprof/heap?series=1`, written by the image service), one JSON object:
///
///     {"kind":"heap-inuse-series","sample_types":[{"type":"inuse_objects","unit":"count"},
///      {"type":"inuse_space","unit":"bytes"}],"period":524288,
///      "points":[{"time_nanos":1733212345000000000,"values":[12,345678]}, ...]}
///
/// Read as one snapshot per point, each a profile with one sample at the single frame
/// `(sampled in-use total)`, so that `-growth` reports it as it reports profiles
/// (docs/json.md, docs/heap-inuse-series.schema.json).
public enum HeapInuseSeries {
    public static let kind = "heap-inuse-series"
    /// The one frame every snapshot's sample is at.
    public static let frameName = "(sampled in-use total)"
    /// Bounds on what is read: the document's size, its points, its sample types.
    public static let maxBytes = 16 << 20
    public static let maxPoints = 100_000
    public static let maxSampleTypes = 16

    private struct Document: Decodable {
        struct SampleType: Decodable {
            let type: String
            let unit: String
        }
        struct Point: Decodable {
            let timeNanos: WholeNumber
            let values: [WholeNumber]
        }
        /// A JSON number that must be whole and fit in 64 bits; anything else says so where it is.
        struct WholeNumber: Decodable {
            let value: Int64

            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let v = try? c.decode(Int64.self) {
                    value = v
                } else if (try? c.decode(Double.self)) != nil {
                    throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a whole number")
                } else {
                    value = try c.decode(Int64.self)
                }
            }
        }
        let kind: String
        let sampleTypes: [SampleType]
        let period: WholeNumber?
        let points: [Point]
    }

    /// Whether `raw` (inflated) is a series: a JSON object, first byte `{` after white space,
    /// that names the kind. A series that is malformed is still one, and reading it says why.
    public static func detect(_ raw: [UInt8]) -> Bool {
        guard let first = raw.firstIndex(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }),
            raw[first] == UInt8(ascii: "{")
        else { return false }
        let needle = Array("\"\(kind)\"".utf8)
        let head = raw.prefix(4096)
        guard head.count >= needle.count else { return false }
        return (head.startIndex...(head.endIndex - needle.count)).contains { head[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    /// A series is many snapshots, not one profile: reading it as one is an error that says
    /// what reads it.
    static func refuse(_ raw: [UInt8]) throws(ProfileError) {
        if detect(raw) {
            throw ProfileError("this is a heap in-use series, a snapshot per point: read it with -growth (or the shell's growth)")
        }
    }

    /// The snapshots of the series in `raw` (inflated bytes), in time order; nil when `raw` is
    /// not a series. A malformed series is one error naming the problem.
    public static func parse(_ raw: [UInt8]) throws(ProfileError) -> [Profile]? {
        guard detect(raw) else { return nil }
        if raw.count > maxBytes {
            throw ProfileError("heap in-use series: \(raw.count) bytes is more than the \(maxBytes >> 20) MiB a series may have")
        }
        let doc: Document
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            doc = try decoder.decode(Document.self, from: Data(raw))
        } catch let error as DecodingError {
            throw ProfileError("heap in-use series: \(describe(error))")
        } catch {
            throw ProfileError("heap in-use series: not valid JSON")
        }
        guard doc.kind == kind else { throw ProfileError("heap in-use series: kind is \"\(doc.kind)\", not \"\(kind)\"") }
        let types = doc.sampleTypes
        guard !types.isEmpty, types.count <= maxSampleTypes else {
            throw ProfileError("heap in-use series: it needs from 1 to \(maxSampleTypes) sample_types, has \(types.count)")
        }
        if let blank = types.firstIndex(where: { $0.type.isEmpty }) {
            throw ProfileError("heap in-use series: sample_types[\(blank)] has no type")
        }
        if Set(types.map(\.type)).count != types.count {
            throw ProfileError("heap in-use series: sample_types names a type twice")
        }
        guard !doc.points.isEmpty, doc.points.count <= maxPoints else {
            throw ProfileError("heap in-use series: it needs from 1 to \(maxPoints) points, has \(doc.points.count)")
        }
        let period = doc.period?.value ?? 0
        if period < 0 { throw ProfileError("heap in-use series: period \(period) is negative") }
        var profiles: [Profile] = []
        profiles.reserveCapacity(doc.points.count)
        var last = Int64.min
        for (i, point) in doc.points.enumerated() {
            let time = point.timeNanos.value
            if point.values.count != types.count {
                throw ProfileError(
                    "heap in-use series: points[\(i)] has \(point.values.count) values for \(types.count) sample types")
            }
            if time <= 0 {
                throw ProfileError("heap in-use series: points[\(i)].time_nanos \(time) is not a time")
            }
            if time < last {
                throw ProfileError("heap in-use series: points[\(i)] is earlier than the point before it")
            }
            last = time
            profiles.append(snapshot(point.values.map(\.value), types: types, period: period, time: time))
        }
        return profiles
    }

    private static func snapshot(_ values: [Int64], types: [Document.SampleType], period: Int64, time: Int64) -> Profile {
        var p = Profile()
        p.sampleTypes = types.map { ValueType(type: $0.type, unit: $0.unit) }
        p.defaultSampleType = types.last!.type
        p.timeNanos = time
        p.period = period
        if period > 0, let space = types.last { p.periodType = ValueType(type: "space", unit: space.unit) }
        p.mappings = [Mapping(id: 1)]
        p.functions = [Function(id: 1, name: frameName, systemName: frameName)]
        p.locations = [Location(id: 1, mapping: 0, lines: [Line(function: 0, line: 0)])]
        p.samples = [Sample(locations: [0], values: values)]
        return p
    }

    /// One line for a decoding error: where in the document, and what.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var s = ""
            for k in keys {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + snake(k.stringValue) }
            }
            return s.isEmpty ? "the document" : s
        }
        switch error {
        case .keyNotFound(let key, let c):
            let at = path(c.codingPath)
            return "\(at == "the document" ? "" : at + ": ")\"\(snake(key.stringValue))\" is missing"
        case .typeMismatch(let type, let c):
            return "\(path(c.codingPath)) is not \(type == String.self ? "a string" : type == Int64.self ? "a whole number" : "what a series has there")"
        case .valueNotFound(_, let c):
            return "\(path(c.codingPath)) is null"
        case .dataCorrupted(let c):
            if c.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(c.codingPath)) is not a whole number that fits in 64 bits"
        @unknown default:
            return "not a series"
        }
    }

    /// `timeNanos` → `time_nanos` (coding keys arrive converted from snake case).
    private static func snake(_ key: String) -> String {
        var s = ""
        for c in key {
            if c.isUppercase {
                s += "_" + c.lowercased()
            } else {
                s.append(c)
            }
        }
        return s
    }
}
