/// Explains, in one phrase, why bytes failed to decode as a profile message.
///
/// protobuf-c only says "no"; this walks the wire format with the profile schema to name the
/// first defect and where it is. It runs only after a decode has failed.
enum WireDiagnosis {
    /// Field numbers that hold embedded messages, per message kind.
    private enum Kind {
        case profile, valueType, sample, label, mapping, location, line, function

        func child(_ field: UInt64) -> Kind? {
            switch (self, field) {
            case (.profile, 1), (.profile, 11): return .valueType
            case (.profile, 2): return .sample
            case (.profile, 3): return .mapping
            case (.profile, 4): return .location
            case (.profile, 5): return .function
            case (.sample, 3): return .label
            case (.location, 4): return .line
            default: return nil
            }
        }

        var name: String {
            switch self {
            case .profile: return "Profile"
            case .valueType: return "ValueType"
            case .sample: return "Sample"
            case .label: return "Label"
            case .mapping: return "Mapping"
            case .location: return "Location"
            case .line: return "Line"
            case .function: return "Function"
            }
        }

        /// Singular numeric fields, which may not be length-delimited.
        func isScalar(_ field: UInt64) -> Bool {
            switch self {
            case .profile: return [7, 8, 9, 10, 12, 14, 15].contains(field)
            case .valueType: return field == 1 || field == 2
            case .label: return (1...4).contains(field)
            case .mapping: return (1...10).contains(field)
            case .location: return [1, 2, 3, 5].contains(field)
            case .line: return (1...3).contains(field)
            case .function: return (1...5).contains(field)
            case .sample: return false
            }
        }
    }

    static func explain(_ data: [UInt8]) -> String {
        if looksLikeText(data) {
            return "not a pprof profile: the input is text, not gzip or protobuf data"
        }
        if let defect = scan(data, 0, data.count, .profile) {
            return "not a valid pprof profile: \(defect)"
        }
        return "not a valid pprof profile (the protobuf data does not decode)"
    }

    private static func looksLikeText(_ data: [UInt8]) -> Bool {
        let sample = data.prefix(512)
        guard !sample.isEmpty else { return false }
        return sample.allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || ($0 >= 32 && $0 < 127) }
    }

    /// Reads a varint at `pos`, advancing it; nil when it runs past `end` or past 64 bits.
    static func varint(_ data: [UInt8], _ pos: inout Int, _ end: Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while pos < end {
            let b = data[pos]
            pos += 1
            if shift >= 64 { return nil }
            value |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    private static func scan(_ data: [UInt8], _ start: Int, _ end: Int, _ kind: Kind) -> String? {
        var pos = start
        while pos < end {
            let at = pos
            guard let tag = varint(data, &pos, end) else {
                if pos - at >= 10 { return "the varint at byte \(at) never ends (more than 10 bytes)" }
                return "a field tag at byte \(at) runs past the end of the \(kind.name) message"
            }
            let field = tag >> 3
            let wire = tag & 7
            if field == 0 { return "field number 0 at byte \(at) (in a \(kind.name) message)" }
            switch wire {
            case 0:
                let vstart = pos
                guard varint(data, &pos, end) != nil else {
                    if pos - vstart >= 10 {
                        return "the varint of field \(field) at byte \(vstart) never ends"
                    }
                    return "the varint of field \(field) at byte \(vstart) runs past the end of the data"
                }
                if kind.child(field) != nil {
                    return "field \(field) of \(kind.name) at byte \(at) should be a message but is a varint"
                }
            case 1:
                if end - pos < 8 { return "the 8-byte field \(field) at byte \(at) runs past the end of the data" }
                pos += 8
            case 5:
                if end - pos < 4 { return "the 4-byte field \(field) at byte \(at) runs past the end of the data" }
                pos += 4
            case 2:
                let lstart = pos
                guard let length = varint(data, &pos, end) else {
                    return "the length of field \(field) at byte \(lstart) is not a valid varint"
                }
                if length > UInt64(end - pos) {
                    return "field \(field) of \(kind.name) at byte \(at) claims \(length) bytes, but only \(end - pos) remain"
                }
                let len = Int(length)
                if let child = kind.child(field), let defect = scan(data, pos, pos + len, child) {
                    return defect
                }
                if kind.isScalar(field) {
                    return "field \(field) of \(kind.name) at byte \(at) should be a number but is length-delimited"
                }
                pos += len
            default:
                return "invalid wire type \(wire) for field \(field) at byte \(at)"
            }
        }
        return nil
    }
}
