import Foundation

/// The rank of each of a list of names in byte order (Go's string order): equal names share a
/// rank. Sorts then compare integers instead of strings.
public struct NameRanks: Sendable {
    /// The names' UTF-8 bytes, `bytes[start[i]..<start[i+1]]` for name `i`.
    public let bytes: [UInt8]
    public let start: [Int]
    public let rank: [Int32]

    public init<S: Sequence<String>>(_ names: S) {
        let (bytes, start) = Self.concatenated(names)
        self.init(bytes: bytes, start: start)
    }

    /// Ranks names given as UTF-8 bytes one after another, name `i` being
    /// `bytes[start[i]..<start[i+1]]`.
    public init(bytes: [UInt8], start: [Int]) {
        let count = start.count - 1
        var rank = [Int32](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { b in
            let order = Self.sortedIndices(b, start)
            for (i, x) in order.enumerated() {
                let previous = i > 0 ? Int(order[i - 1]) : -1
                let x = Int(x)
                let same = previous >= 0 && Self.compare(b, start[previous], start[previous + 1], start[x], start[x + 1]) == 0
                rank[x] = same ? rank[previous] : Int32(i)
            }
        }
        self.bytes = bytes
        self.start = start
        self.rank = rank
    }

    /// The names' UTF-8 bytes one after another, and where each starts (and the last ends).
    public static func concatenated<S: Sequence<String>>(_ names: S) -> (bytes: [UInt8], start: [Int]) {
        var bytes: [UInt8] = []
        var start = [0]
        start.reserveCapacity(names.underestimatedCount + 1)
        for name in names {
            bytes.append(contentsOf: name.utf8)
            start.append(bytes.count)
        }
        return (bytes, start)
    }

    /// memcmp order of two byte ranges, the shorter first on a common prefix.
    static func compare(_ b: UnsafeBufferPointer<UInt8>, _ s1: Int, _ e1: Int, _ s2: Int, _ e2: Int) -> Int {
        let n1 = e1 - s1, n2 = e2 - s2
        let common = min(n1, n2)
        if common > 0, let base = b.baseAddress {
            let c = memcmp(base + s1, base + s2, common)
            if c != 0 { return Int(c) }
        }
        return n1 - n2
    }

    /// The names' indices in byte order. Names are sorted eight bytes at a time: by the
    /// big-endian word at one depth (and how many of its bytes the name has), then each run of
    /// names that agree on a whole word by the next word. Names that share long prefixes (Go
    /// package paths) thus cost a few integer sorts instead of many memcmp calls.
    static func sortedIndices(_ b: UnsafeBufferPointer<UInt8>, _ start: [Int]) -> [Int32] {
        let count = start.count - 1
        var order = (0..<count).map { Int32($0) }
        var keys = [WordKey](repeating: WordKey(word: 0, length: 0, index: 0), count: count)
        start.withUnsafeBufferPointer { start in
            order.withUnsafeMutableBufferPointer { order in
                keys.withUnsafeMutableBufferPointer { keys in
                    var pending: [(lo: Int, hi: Int, depth: Int)] = [(0, count, 0)]
                    while let (lo, hi, depth) = pending.popLast() {
                        for i in lo..<hi {
                            let x = Int(order[i])
                            keys[i] = WordKey(b, from: start[x] + depth, to: start[x + 1], index: order[i])
                        }
                        keys[lo..<hi].sort()
                        var i = lo
                        while i < hi {
                            order[i] = keys[i].index
                            var j = i + 1
                            while j < hi && keys[j].word == keys[i].word && keys[j].length == keys[i].length {
                                order[j] = keys[j].index
                                j += 1
                            }
                            // Names that agree on a whole word may differ further on.
                            if j - i > 1 && keys[i].length == 8 { pending.append((i, j, depth + 8)) }
                            i = j
                        }
                    }
                }
            }
        }
        return order
    }

    /// Up to eight bytes of a name from some depth on, as a big-endian word (zeros past its
    /// end), with how many of them the name has: ordering by both orders the names by those
    /// bytes, the shorter first on a common prefix.
    struct WordKey: Comparable {
        var word: UInt64
        var length: UInt8
        var index: Int32

        init(word: UInt64, length: UInt8, index: Int32) {
            self.word = word
            self.length = length
            self.index = index
        }

        @inline(__always)
        init(_ b: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, index: Int32) {
            let n = min(8, max(0, end - from))
            var w: UInt64 = 0
            if n == 8 {
                w = UInt64(bigEndian: UnsafeRawPointer(b.baseAddress! + from).loadUnaligned(as: UInt64.self))
            } else {
                for k in 0..<n { w |= UInt64(b[from + k]) << (56 - 8 * UInt64(k)) }
            }
            self.init(word: w, length: UInt8(n), index: index)
        }

        static func < (l: WordKey, r: WordKey) -> Bool {
            l.word != r.word ? l.word < r.word : l.length < r.length
        }

        static func == (l: WordKey, r: WordKey) -> Bool { l.word == r.word && l.length == r.length }
    }
}
