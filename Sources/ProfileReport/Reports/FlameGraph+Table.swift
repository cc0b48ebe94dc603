/// An open-addressing table from 64-bit keys to non-negative Int32 values, one slot per entry so
/// that a probe touches one cache line: flame frames by (parent frame, name), graph edges by
/// (source, destination).
struct FrameTable {
    private struct Slot {
        var key: UInt64
        var value: Int32
    }
    private var slots: [Slot]
    private var mask: Int
    private var used = 0

    init(capacity: Int) {
        var n = 16
        while n < capacity { n <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, value: -1), count: n)
        mask = n - 1
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }

    /// The child frame for `key`, or -1.
    func find(_ key: UInt64) -> Int32 {
        slots.withUnsafeBufferPointer { s in
            var i = slot(key)
            while true {
                let e = s[i]
                if e.value < 0 || e.key == key { return e.value }
                i = (i + 1) & mask
            }
        }
    }

    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (used + 1) * 2 > slots.count { grow() }
        var i = slot(key)
        while slots[i].value >= 0 { i = (i + 1) & mask }
        slots[i] = Slot(key: key, value: value)
        used += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, value: -1), count: old.count * 2)
        mask = slots.count - 1
        used = 0
        for e in old where e.value >= 0 { insert(e.key, e.value) }
    }
}
