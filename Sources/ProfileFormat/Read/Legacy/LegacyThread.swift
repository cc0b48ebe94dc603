/// Thread dumps (`--- threadz N ---` then `--- Thread ID (name: NAME/N) stack: ---` sections).
enum LegacyThread {
    static let threadzStart = try! GoRegex(#"--- threadz \d+ ---"#)
    static let threadStart = try! GoRegex(#"--- Thread ([[:xdigit:]]+) \(name: (.*)/(\d+)\) stack: ---"#)

    static func parse(_ data: [UInt8]) throws(ProfileError) -> LegacyBuilder? {
        var lines = LegacyLines(data)
        while lines.scan() && lines.currentIsSpaceOrComment {}
        var line = lines.line
        let first = lines.text
        if threadzStart.firstMatch(first) != nil {
            while lines.scan() {
                line = lines.line
                if lines.isMemoryMapSentinel(line) || lines.hasPrefix(line, "-") { break }
            }
        } else if threadStart.firstMatch(first) == nil {
            return nil
        }
        let type = ValueType(type: "thread", unit: "count")
        var b = LegacyBuilder(sampleTypes: [type], periodType: type, period: 1)
        while !lines.isMemoryMapSentinel(line) {
            if lines.hasPrefix(line, "---- no stack trace for") { break }
            if threadStart.firstMatch(String(decoding: lines.bytes[line], as: UTF8.self)) == nil { return nil }
            var addresses: [UInt64] = []
            var same = false
            // The thread's stack: every hex address on its lines, up to the next `---` line; `line`
            // ends as the last line read, trimmed (empty when there was none).
            line = lines.bytes.count..<lines.bytes.count
            while lines.scan() {
                let t = lines.trimmed
                line = t
                if t.isEmpty { continue }
                if lines.hasPrefix(t, "---") { break }
                if lines.contains(t, "same as previous thread") {
                    same = true
                    continue
                }
                try LegacyNumbers.hexAddresses(lines.bytes, t, into: &addresses)
            }
            if same || addresses.isEmpty {
                // "same as previous thread" (or no stack): one more thread for the last sample.
                if !b.values.isEmpty { b.values[b.values.count - 1][0] += 1 }
                continue
            }
            var stack: [Int32] = []
            for (i, a) in addresses.enumerated() { stack.append(b.location(i > 0 ? a &- 1 : a)) }
            b.addSample(stack, [1])
        }
        try lines.readAdditionalSections(into: &b)
        LegacyCPU.removeDuplicateLeaf(&b)
        return b
    }
}
