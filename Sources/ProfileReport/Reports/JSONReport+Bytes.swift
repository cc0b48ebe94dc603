import Foundation
import ProfileFormat

/// The parts of a JSON report written as bytes, for reports too long for JSONEncoder (`traces`
/// runs to hundreds of megabytes): the document around its rows comes from JSONEncoder, and
/// strings are escaped as JSONEncoder escapes them, so both ways write the same bytes.
extension JSONReport {
    /// A report's document without its rows, split where they go (`prefix` ends with
    /// `"rows":[`, `suffix` starts with `]`), and the converter of its values to the base unit.
    struct Around {
        let prefix: [UInt8]
        let suffix: [UInt8]
        let convert: (Int64) -> Int64
    }

    /// The document of `report` (`traces`, `peek`, `tree`) made from `rpt`, around its rows.
    static func around(_ report: String, _ rpt: Report) throws(ReportError) -> Around {
        let (header, convert) = JSONReport.header(report, rpt)
        let empty = try encode(header, Rows<Int>(rows: []))
        // A string's quotes are escaped inside it, so this text can only be the key itself.
        let key = Array("\"rows\":[]".utf8)
        guard let at = (0...(empty.count - key.count)).first(where: { empty[$0..<$0 + key.count].elementsEqual(key) })
        else { throw ReportError("could not write the JSON report: no rows in \(String(decoding: empty, as: UTF8.self))") }
        let split = at + key.count - 1
        return Around(prefix: Array(empty[..<split]), suffix: Array(empty[split...]), convert: convert)
    }

    /// How JSONEncoder writes each ASCII character inside a string (nil: as it is), learnt from
    /// JSONEncoder itself. Other UTF-8 bytes are written as they are.
    static let asciiEscapes: [[UInt8]?] = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (0..<128).map { b -> [UInt8]? in
            let s = String(UnicodeScalar(UInt8(b)))
            guard let data = try? encoder.encode(s) else { return nil }
            let inner = Array(data.dropFirst().dropLast())
            return inner == [UInt8(b)] ? nil : inner
        }
    }()

    /// Appends the UTF-8 text `bytes` as the inside of a JSON string (no quotes).
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let escapes = asciiEscapes
        var plainFrom = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x80, let e = escapes[Int(b)] else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainFrom..<i]))
            out += e
            plainFrom = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainFrom...]))
    }

    /// Appends `s` as a JSON string, quotes included.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { appendEscaped($0, to: &out) }
        out.append(0x22)
    }

    /// A trace row's label fields, `"labels":{…},"num_labels":{…}`: keys in order, each key's
    /// values in the sample's order, numeric values in base units with their unit.
    static func labelFields(_ s: Sample, numLabelUnits: [String: String]) -> [UInt8] {
        var out = Array("\"labels\":{".utf8)
        var byKey: [String: [String]] = [:]
        for l in s.labels { byKey[l.key, default: []].append(l.value) }
        for (i, key) in byKey.keys.sorted().enumerated() {
            if i > 0 { out.append(0x2C) }
            appendString(key, to: &out)
            out += Array(":[".utf8)
            for (j, v) in byKey[key]!.enumerated() {
                if j > 0 { out.append(0x2C) }
                appendString(v, to: &out)
            }
            out.append(0x5D)
        }
        out += Array("},\"num_labels\":{".utf8)
        var numeric: [String: [(value: Int64, unit: String)]] = [:]
        for nl in s.numLabels {
            let (unit, factor) = baseUnit(numLabelUnits[nl.key] ?? nl.unit)
            let scaled = toBase(nl.value, factor)
            numeric[nl.key, default: []].append((scaled, unit))
        }
        for (i, key) in numeric.keys.sorted().enumerated() {
            if i > 0 { out.append(0x2C) }
            appendString(key, to: &out)
            out += Array(":[".utf8)
            for (j, v) in numeric[key]!.enumerated() {
                if j > 0 { out.append(0x2C) }
                out += Array("{\"unit\":".utf8)
                appendString(v.unit, to: &out)
                out += Array(",\"value\":\(v.value)}".utf8)
            }
            out.append(0x5D)
        }
        out.append(0x7D)
        return out
    }
}
