/// gperftools' binary CPU profiles (and their Java flavour): a header of five words
/// (0, 3, 0 or 1 for Java, the period in microseconds, 0), then `COUNT DEPTH PC…` records up to a
/// `0 1 0` record, then the memory map as text. Words are 32 or 64 bits, either byte order.
enum LegacyCPU {
    struct Words {
        let size: Int
        let bigEndian: Bool
        func read(_ b: [UInt8], _ i: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<size {
                let byte = UInt64(b[i + (bigEndian ? k : size - 1 - k)])
                v = v << 8 | byte
            }
            return v
        }
    }

    static func parse(_ data: [UInt8]) throws(ProfileError) -> LegacyBuilder? {
        for words in [Words(size: 4, bigEndian: false), Words(size: 4, bigEndian: true), Words(size: 8, bigEndian: false), Words(size: 8, bigEndian: true)] {
            guard data.count >= 5 * words.size else { continue }
            let h = (0..<5).map { words.read(data, $0 * words.size) }
            guard h[0] == 0, h[1] == 3, h[3] > 0, h[4] == 0, h[2] <= 1, h[3] <= UInt64(Int64.max / 1000) else { continue }
            let java = h[2] == 1
            let period = Int64(h[3]) * 1000
            let cpu = ValueType(type: "cpu", unit: "nanoseconds")
            var b = LegacyBuilder(
                sampleTypes: [ValueType(type: "samples", unit: "count"), cpu], periodType: cpu, period: period)
            guard let rest = samples(data, from: 5 * words.size, words, adjust: !java, &b) else { return nil }
            if java {
                try LegacyJava.locations(data, from: rest, &b)
                return b
            }
            removeSignalFrames(&b)
            var lines = LegacyLines(data, from: rest)
            try b.addMemoryMap(&lines)
            removeDuplicateLeaf(&b)
            return b
        }
        return nil
    }

    /// The sample records from `start`; returns where the text after them begins, or nil when the
    /// records do not fit the data (then this is not a CPU profile).
    static func samples(_ data: [UInt8], from start: Int, _ w: Words, adjust: Bool, _ b: inout LegacyBuilder) -> Int? {
        var i = start
        let n = data.count
        while i < n {
            guard i + 2 * w.size <= n else { return nil }
            let count = w.read(data, i)
            let depth = w.read(data, i + w.size)
            i += 2 * w.size
            guard depth <= UInt64((n - i) / 4) else { return nil }
            var addresses: [UInt64] = []
            addresses.reserveCapacity(Int(depth))
            for _ in 0..<Int(depth) {
                if i + w.size <= n {
                    addresses.append(w.read(data, i))
                    i += w.size
                } else {
                    addresses.append(0)
                    i = n
                }
            }
            if count == 0 && depth == 1 && addresses[0] == 0 { break }
            var stack: [Int32] = []
            stack.reserveCapacity(addresses.count)
            for (k, a) in addresses.enumerated() { stack.append(b.location(adjust && k > 0 ? a &- 1 : a)) }
            let c = Int64(bitPattern: count)
            b.addSample(stack, [c, c &* b.profile.period])
        }
        return i
    }

    /// When nearly every sample has the same second frame, that frame is the signal handler's:
    /// it is removed, up to twice (go's heuristic, one different sample allowed per 32).
    static func removeSignalFrames(_ b: inout LegacyBuilder) {
        let margin = b.stacks.count / 32
        for _ in 0..<2 {
            var counts: [Int32: Int] = [:]
            for s in b.stacks where s.count > 1 { counts[s[1], default: 0] += 1 }
            guard let (frame, _) = counts.first(where: { $0.value >= b.stacks.count - margin }) else { continue }
            let address = b.locations[Int(frame)].address
            for i in b.stacks.indices where b.stacks[i].count > 1 && b.locations[Int(b.stacks[i][1])].address == address {
                b.stacks[i].remove(at: 1)
            }
        }
    }

    /// The profiler may record the leaf twice, from the signal context and from unwinding (the
    /// second adjusted by -1): the copy goes.
    static func removeDuplicateLeaf(_ b: inout LegacyBuilder) {
        for i in b.stacks.indices where b.stacks[i].count > 1 {
            let s = b.stacks[i]
            if b.locations[Int(s[0])].address == b.locations[Int(s[1])].address &+ 1 { b.stacks[i].remove(at: 1) }
        }
    }
}
