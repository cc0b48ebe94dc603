/// Go's `debug=1` count profiles (goroutine, threadcreate): `NAME profile: total N`, then
/// `COUNT @ 0x… 0x…` per stack.
enum LegacyCount {
    static let start = try! GoRegex(#"\A(\S+) profile: total \d+\z"#)

    static func parse(_ data: [UInt8]) throws(ProfileError) -> LegacyBuilder? {
        var lines = LegacyLines(data)
        while lines.scan() && lines.currentIsSpaceOrComment {}
        let header = lines.text
        guard header.contains(" profile: total "), let m = start.firstMatch(header), let name = m[1] else { return nil }
        let type = ValueType(type: name, unit: "count")
        var b = LegacyBuilder(sampleTypes: [type], periodType: type, period: 1)
        var addresses: [UInt64] = []
        while lines.scan() {
            let r = lines.line
            if lines.isSpaceOrComment(r) { continue }
            if lines.hasPrefix(r, "---") { break }
            addresses.removeAll(keepingCapacity: true)
            guard let n = countLine(lines.bytes, r, &addresses) else {
                throw ProfileError("malformed \(name) profile: bad line \(quoted(lines.text))")
            }
            b.addSample(b.callStack(addresses), [n])
        }
        try lines.readAdditionalSections(into: &b)
        return b
    }

    /// `\A(\d+) @(( 0x[0-9a-f]+)+)\z` by hand: the count and the addresses.
    static func countLine(_ bytes: [UInt8], _ r: Range<Int>, _ out: inout [UInt64]) -> Int64? {
        bytes.withUnsafeBufferPointer { b -> Int64? in
            var i = r.lowerBound
            let end = r.upperBound
            guard var n = LegacyNumbers.decimal(b, &i, end, signed: false) else { return nil }
            if b[r.lowerBound] == 48 && i - r.lowerBound > 1 {
                // Go reads the count with base 0: a leading 0 means octal.
                guard let octal = LegacyNumbers.parseInt(String(decoding: UnsafeBufferPointer(rebasing: b[r.lowerBound..<i]), as: UTF8.self))
                else { return nil }
                n = octal
            }
            guard i + 1 < end, b[i] == 32, b[i + 1] == 64 else { return nil }
            i += 2
            while i < end {
                guard i + 3 < end, b[i] == 32, b[i + 1] == 48, b[i + 2] == 120 else { return nil }
                i += 3
                let (v, j, fits) = LegacyNumbers.hexNumber(b, from: i, to: end)
                if j == i || !fits { return nil }
                i = j
                out.append(v)
            }
            return out.isEmpty ? nil : n
        }
    }
}
