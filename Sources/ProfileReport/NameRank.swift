import Foundation

/// The rank of each name in byte order (Go's string order): equal names get equal ranks, so
/// sorts can compare integers instead of strings.
public struct NameRanks: Sendable {
    /// The names' UTF-8 bytes, `bytes[start[i]..<start[i+1]]` for name `i`.
    public let bytes: [UInt8]
    public let start: [Int]
    public let rank: [Int32]

    public init<S: Sequence<String>>(_ names: S) {
        let (bytes, start) = Self.concatenated(names)
        let count = start.count - 1
        var rank = [Int32](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { b in
            let order = (0..<count).sorted { x, y in
                Self.compare(b, start[x], start[x + 1], start[y], start[y + 1]) < 0
            }
            for (i, x) in order.enumerated() {
                let previous = i > 0 ? order[i - 1] : -1
                let same = previous >= 0 && Self.compare(b, start[previous], start[previous + 1], start[x], start[x + 1]) == 0
                rank[x] = same ? rank[previous] : Int32(i)
            }
        }
        self.bytes = bytes
        self.start = start
        self.rank = rank
    }

    /// The names' UTF-8 bytes one after another, and where each starts (and the last ends).
    static func concatenated<S: Sequence<String>>(_ names: S) -> (bytes: [UInt8], start: [Int]) {
        var bytes: [UInt8] = []
        var start = [0]
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
}
