import Foundation

/// Java heapz and contentionz text profiles (`--- heapz 1 ---`, attributes, `VALUE COUNT @ 0x…`
/// samples, then `0xADDR function (file:line)` lines naming the addresses).
enum LegacyJava {
    static let attribute = try! GoRegex(#"([\w ]+)=([\w ]+)"#)
    static let sampleLine = try! GoRegex(#" *(\d+) +(\d+) +@ +([ x0-9a-f]*)"#)
    static let locationLine = try! GoRegex(#"^\s*0x([[:xdigit:]]+)\s+(.*)\s*$"#)
    static let fileLine = try! GoRegex(#"^(.*)\s+\((.+):(-?[[:digit:]]+)\)$"#)
    static let path = try! GoRegex(#"^(.*)\s+\((.*)\)$"#)

    static func parse(_ data: [UInt8]) throws(ProfileError) -> LegacyBuilder? {
        guard let nl = data.firstIndex(of: 10) else { return nil }
        let header = String(decoding: data[..<nl], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let kind: String
        switch header {
        case "--- heapz 1 ---": kind = "heap"
        case "--- contentionz 1 ---": kind = "contention"
        default: return nil
        }
        var b = LegacyBuilder(sampleTypes: [], periodType: ValueType(type: "", unit: ""), period: 0)
        // Attributes, one per line, until a line that is not one.
        var i = nl + 1
        while let end = data[i...].firstIndex(of: 10) {
            let line = String(decoding: data[i..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !line.isEmpty {
                guard let m = attribute.firstMatch(line) else { break }
                let name = m[1]!.trimmingCharacters(in: .whitespaces)
                let value = m[2]!.trimmingCharacters(in: .whitespaces)
                switch kind + "/" + name {
                case "heap/format", "contention/format":
                    if value != "java" { return nil }
                case "heap/resolution":
                    b.profile.sampleTypes = [ValueType(type: "inuse_objects", unit: "count"), ValueType(type: "inuse_space", unit: value)]
                case "contention/resolution":
                    b.profile.sampleTypes = [ValueType(type: "contentions", unit: "count"), ValueType(type: "delay", unit: value)]
                case "contention/sampling period":
                    b.profile.periodType = ValueType(type: "contentions", unit: "count")
                    guard let v = LegacyNumbers.parseInt(value) else {
                        throw ProfileError("malformed Java profile: bad attribute \(quoted(line))")
                    }
                    b.profile.period = v
                case "contention/ms since reset":
                    guard let v = LegacyNumbers.parseInt(value) else {
                        throw ProfileError("malformed Java profile: bad attribute \(quoted(line))")
                    }
                    b.profile.durationNanos = v &* 1_000_000
                default: return nil
                }
            }
            i = end + 1
        }
        // Samples, one per line, until a line that is not one.
        var addresses: [UInt64] = []
        while let end = data[i...].firstIndex(of: 10) {
            let line = String(decoding: data[i..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !line.isEmpty {
                guard let m = sampleLine.firstMatch(line) else { break }
                addresses.removeAll(keepingCapacity: true)
                let stack = Array(m[3]!.utf8)
                try LegacyNumbers.hexAddresses(stack, 0..<stack.count, into: &addresses)
                guard var v0 = LegacyNumbers.parseInt(m[2]!), var v1 = LegacyNumbers.parseInt(m[1]!) else {
                    throw ProfileError("malformed Java profile sample: \(quoted(line))")
                }
                var blockSize: Int64? = nil
                if kind == "heap" {
                    if v0 == 0 { throw ProfileError("malformed Java profile sample: \(quoted(line)): second value must be non-zero") }
                    blockSize = v1 / v0
                    (v0, v1) = LegacyHeap.scale(v0, v1, rate: 524288)
                } else if b.profile.period != 0 {
                    v0 = v0 &* b.profile.period
                    v1 = v1 &* b.profile.period
                }
                b.addSample(addresses.map { b.location($0) }, [v0, v1], blockSize: blockSize)
            }
            i = end + 1
        }
        try locations(data, from: i, &b)
        return b
    }

    /// The `0xADDR name (file:line)` lines from `start`: names for the addresses samples use.
    /// Addresses are dropped afterwards, so that equal frames merge.
    static func locations(_ data: [UInt8], from start: Int, _ b: inout LegacyBuilder) throws(ProfileError) {
        var byName: [String: Int] = [:]
        var lines = LegacyLines(data, from: start)
        while lines.scan() {
            let t = lines.trimmed
            if t.isEmpty { continue }
            let line = String(decoding: lines.bytes[t], as: UTF8.self)
            guard let m = locationLine.firstMatch(line), let hex = m[1], let rest = m[2] else { continue }
            guard let address = UInt64(hex, radix: 16) else {
                throw ProfileError("malformed Java profile: bad address in \(quoted(line))")
            }
            guard let l = b.existingLocation(address) else { continue }
            var name = rest
            var file = ""
            var number: Int64 = 0
            if let f = fileLine.firstMatch(rest) {
                name = f[1]!
                file = f[2]!
                if let n = Int64(f[3]!), n > 0 { number = n }
            } else if let f = path.firstMatch(rest) {
                name = f[1]!
                file = (f[2]! as NSString).lastPathComponent
                if file.isEmpty { file = "." }
            } else if rest.contains("generated stub/JIT") {
                name = "STUB"
            }
            let fi: Int
            if let existing = byName[name] {
                fi = existing
            } else {
                fi = b.functions.count
                b.functions.append(LegacyBuilder.Func(name: name, filename: file))
                byName[name] = fi
            }
            b.locations[Int(l)].function = fi
            b.locations[Int(l)].line = number
            b.locations[Int(l)].address = 0
        }
        b.remapMappings()
        for i in b.locations.indices { b.locations[i].address = 0 }
    }
}
