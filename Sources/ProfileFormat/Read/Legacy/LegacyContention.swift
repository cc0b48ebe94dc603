import Foundation

/// Contention profiles: gperftools' `--- contentionz`, Go's `debug=1` `--- mutex:` and
/// `--- contention:` (block) text; `name = value` attributes, then `CYCLES COUNT @ 0x…` lines.
enum LegacyContention {
    static let sampleLine = try! GoRegex(#"(\d+) *(\d+) @([ x0-9a-f]*)"#)

    static func parse(_ data: [UInt8]) throws(ProfileError) -> LegacyBuilder? {
        var lines = LegacyLines(data)
        guard lines.scan() else { return nil }
        let r = lines.line
        guard lines.hasPrefix(r, "--- contentionz ") || lines.hasPrefix(r, "--- mutex:") || lines.hasPrefix(r, "--- contention:")
        else { return nil }
        var b = LegacyBuilder(
            sampleTypes: [ValueType(type: "contentions", unit: "count"), ValueType(type: "delay", unit: "nanoseconds")],
            periodType: ValueType(type: "contentions", unit: "count"), period: 1)
        var cpuHz: Int64 = 0
        attributes: while lines.scan() {
            let t = lines.trimmed
            if lines.isSpaceOrComment(t) { continue }
            if lines.hasPrefix(t, "---") { break }
            let line = String(decoding: lines.bytes[t], as: UTF8.self)
            guard let eq = line.firstIndex(of: "=") else { break attributes }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "cycles/second":
                guard let v = LegacyNumbers.parseInt(value) else { return nil }
                cpuHz = v
            case "sampling period":
                guard let v = LegacyNumbers.parseInt(value) else { return nil }
                b.profile.period = v
            case "ms since reset":
                guard let v = LegacyNumbers.parseInt(value) else { return nil }
                b.profile.durationNanos = v &* 1_000_000
            case "discarded samples": break
            default: return nil  // includes "format" and "resolution", which Java profiles have
            }
        }
        let period = b.profile.period
        var addresses: [UInt64] = []
        while true {
            let t = lines.trimmed
            if lines.hasPrefix(t, "---") { break }
            if !lines.isSpaceOrComment(t) {
                let line = String(decoding: lines.bytes[t], as: UTF8.self)
                guard let m = sampleLine.firstMatch(line) else { return nil }
                guard var delay = Int64(m[1]!), var count = Int64(m[2]!) else {
                    throw ProfileError("malformed contention profile sample: \(quoted(line)): a value is out of range")
                }
                if period > 0 {
                    if cpuHz > 0 {
                        let ghz = Double(cpuHz) / 1e9
                        delay = Int64(Double(delay) * Double(period) / ghz)
                    }
                    count = count &* period
                }
                addresses.removeAll(keepingCapacity: true)
                let stack = Array(m[3]!.utf8)
                try LegacyNumbers.hexAddresses(stack, 0..<stack.count, into: &addresses)
                b.addSample(b.callStack(addresses), [count, delay])
            }
            if !lines.scan() { break }
        }
        try lines.readAdditionalSections(into: &b)
        return b
    }
}
