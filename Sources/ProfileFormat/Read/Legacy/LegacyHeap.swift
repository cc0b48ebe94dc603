import Foundation

/// gperftools' heap and growth profiles and Go's `debug=1` heap text:
/// `heap profile: IN: INBYTES [ ALLOC: ALLOCBYTES] @ heap_v2/RATE`, then one line per stack.
enum LegacyHeap {
    static let header = try! GoRegex(
        #"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)/?(\d*)"#)
    static let growthHeader = try! GoRegex(
        #"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ growthz?"#)
    static let fragmentationHeader = try! GoRegex(
        #"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ fragmentationz?"#)
    static let sampleLine = try! GoRegex(
        #"(-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*)"#)

    static func parse(_ data: [UInt8]) throws(ProfileError) -> LegacyBuilder? {
        var lines = LegacyLines(data)
        guard lines.scan() else { return nil }
        let first = lines.text
        guard first.contains("heap profile:") else { return nil }
        var period: Int64 = 0
        var scaled = false
        var hasAlloc = false
        if let h = header.firstMatch(first) {
            if let n = h[6], !n.isEmpty {
                guard let v = Int64(n) else { return nil }
                period = v
            }
            hasAlloc = (h[3] != h[1] && h[3] != "0") || (h[4] != h[2] && h[4] != "0")
            switch h[5] ?? "" {
            case "heapz_v2", "heap_v2": scaled = true
            case "heapprofile": period = 1
            case "heap":
                scaled = true
                period /= 2
            default: return nil
            }
        } else if growthHeader.firstMatch(first) != nil || fragmentationHeader.firstMatch(first) != nil {
            period = 1
        } else {
            return nil
        }
        let types =
            hasAlloc
            ? [
                ValueType(type: "alloc_objects", unit: "count"), ValueType(type: "alloc_space", unit: "bytes"),
                ValueType(type: "inuse_objects", unit: "count"), ValueType(type: "inuse_space", unit: "bytes"),
            ]
            : [ValueType(type: "objects", unit: "count"), ValueType(type: "space", unit: "bytes")]
        var b = LegacyBuilder(sampleTypes: types, periodType: ValueType(type: "space", unit: "bytes"), period: period)
        var addresses: [UInt64] = []
        while lines.scan() {
            let t = lines.trimmed
            if t.isEmpty || lines.bytes[t.lowerBound] == UInt8(ascii: "#") { continue }
            addresses.removeAll(keepingCapacity: true)
            // A line the fast path reads holds only digits, spaces and `:[]@x`: it is never a
            // memory map sentinel, so only other lines are checked for one.
            let fast = lines.bytes.withUnsafeBufferPointer { fastSample($0, t, &addresses) }
            if fast == nil && lines.isMemoryMapSentinel(t) { break }
            let (values, blockSize) = try sample(
                lines.bytes, t, fast, period: period, scaled: scaled, alloc: hasAlloc, &addresses)
            b.addSample(b.callStack(addresses), values, blockSize: blockSize)
        }
        try lines.readAdditionalSections(into: &b)
        return b
    }

    /// A sample line as `fastSample` reads it: its four numbers, and an address too large for 64
    /// bits if there is one (reported once the values have been checked).
    typealias FastSample = (fields: (Int64, Int64, Int64, Int64), overflow: Range<Int>?)

    /// One sample line: its values (alloc first when the profile has them), block size and stack.
    static func sample(
        _ bytes: [UInt8], _ r: Range<Int>, _ fast: FastSample?, period: Int64, scaled: Bool, alloc: Bool,
        _ addresses: inout [UInt64]
    ) throws(ProfileError) -> ([Int64], Int64) {
        var fields: (Int64, Int64, Int64, Int64)
        var overflow: Range<Int>? = nil
        if let f = fast {
            (fields, overflow) = f
        } else {
            addresses.removeAll(keepingCapacity: true)
            let line = String(decoding: bytes[r], as: UTF8.self)
            guard let m = sampleLine.firstMatch(line) else {
                throw ProfileError("malformed heap profile sample: \(quoted(line))")
            }
            guard let a = Int64(m[1]!), let b = Int64(m[2]!), let c = Int64(m[3]!), let d = Int64(m[4]!) else {
                throw ProfileError("malformed heap profile sample: \(quoted(line)): a value is out of range")
            }
            fields = (a, b, c, d)
            let stack = Array(m[5]!.utf8)
            try LegacyNumbers.hexAddresses(stack, 0..<stack.count, into: &addresses)
        }
        var values: [Int64] = []
        values.reserveCapacity(4)
        var blockSize: Int64 = 0
        func add(_ count: Int64, _ size: Int64, _ what: String) throws(ProfileError) {
            if count == 0 && size != 0 {
                throw ProfileError("malformed heap profile: \(what) count was 0 but \(what) bytes was \(size)")
            }
            var count = count
            var size = size
            if count != 0 {
                blockSize = size / count
                if scaled { (count, size) = scale(count, size, rate: period) }
            }
            values.append(count)
            values.append(size)
        }
        if alloc { try add(fields.2, fields.3, "allocation") }
        try add(fields.0, fields.1, "inuse")
        if let overflow { throw LegacyNumbers.hexOverflow(bytes, overflow) }
        return (values, blockSize)
    }

    /// A well-formed sample line read by hand, its addresses appended to `addresses`; nil (with
    /// `addresses` to be cleared) sends the line to the regular expression. The stack is the
    /// longest run of `[ x0-9a-f]` after `@`, and the line is well-formed when it runs to the end.
    static func fastSample(
        _ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ addresses: inout [UInt64]
    ) -> FastSample? {
        var i = r.lowerBound
        let end = r.upperBound
        guard let a = LegacyNumbers.decimal(b, &i, end, signed: true), i < end, b[i] == 58 else { return nil }
        i += 1
        LegacyNumbers.skipSpaces(b, &i, end)
        guard let c = LegacyNumbers.decimal(b, &i, end, signed: true) else { return nil }
        LegacyNumbers.skipSpaces(b, &i, end)
        guard i < end, b[i] == 91 else { return nil }
        i += 1
        LegacyNumbers.skipSpaces(b, &i, end)
        guard let d = LegacyNumbers.decimal(b, &i, end, signed: false), i < end, b[i] == 58 else { return nil }
        i += 1
        LegacyNumbers.skipSpaces(b, &i, end)
        guard let e = LegacyNumbers.decimal(b, &i, end, signed: false) else { return nil }
        LegacyNumbers.skipSpaces(b, &i, end)
        guard i + 2 < end, b[i] == 93, b[i + 1] == 32, b[i + 2] == 64 else { return nil }
        let run = LegacyNumbers.hexRun(b, from: i + 3, to: end, into: &addresses)
        var stop = run.stop
        if run.overflow != nil {
            // The rest of the run is still checked: a line that leaves it goes the general way.
            var dropped: [UInt64] = []
            var more = run
            while more.overflow != nil && stop < end {
                more = LegacyNumbers.hexRun(b, from: stop, to: end, into: &dropped)
                stop = more.stop
            }
        }
        if stop != end { return nil }
        return ((a, c, d, e), run.overflow)
    }

    /// Go's scaleHeapSample: undoes Poisson sampling at `rate` bytes.
    static func scale(_ count: Int64, _ size: Int64, rate: Int64) -> (Int64, Int64) {
        if count == 0 || size == 0 { return (0, 0) }
        if rate <= 1 { return (count, size) }
        let avg = Double(size) / Double(count)
        let s = 1 / (1 - exp(-avg / Double(rate)))
        return (Int64(Double(count) * s), Int64(Double(size) * s))
    }
}
