import CProfileProto

/// An open-addressing table from a 64-bit hash to indices, for deduplicating large arrays of
/// keys without hashing them through `Hasher` (samples are hashed once, by a cheap mixer).
///
/// Each slot is one word: the hash's high 32 bits beside the index plus one (0: empty), so a
/// probe reads one cache line. Those bits also pick the slot (the best mixed bits of `mixHash`),
/// so the table grows from what it holds; keys whose bits are equal are told apart by the
/// caller's `equals`.
public struct FastIndexTable: Sendable {
    @usableFromInline var slots: [UInt64]
    @usableFromInline var mask: Int
    public private(set) var count = 0

    public init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inlinable @inline(__always)
    static func tag(_ hash: UInt64) -> UInt64 { hash & 0xFFFF_FFFF_0000_0000 }

    /// The slot where entries with this tag start.
    @inlinable @inline(__always)
    func home(_ tag: UInt64) -> Int { Int(truncatingIfNeeded: tag >> 32) & mask }

    /// Returns the index stored under `hash` for which `equals` holds, if any.
    @inlinable
    public func find(_ hash: UInt64, _ equals: (Int) -> Bool) -> Int? {
        let tag = Self.tag(hash)
        return slots.withUnsafeBufferPointer { slots in
            var i = home(tag)
            while true {
                let s = slots[i]
                if s == 0 { return nil }
                if s & 0xFFFF_FFFF_0000_0000 == tag {
                    let index = Int(s & 0xFFFF_FFFF) - 1
                    if equals(index) { return index }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Starts loading the slot where a lookup of `hash` begins, for a lookup a little later.
    func prefetch(_ hash: UInt64) {
        let i = home(Self.tag(hash))
        slots.withUnsafeBufferPointer { pprof_prefetch($0.baseAddress! + i) }
    }

    /// Stores `index` under `hash` (the caller has checked it is not there yet).
    public mutating func insert(_ hash: UInt64, _ index: Int) {
        precondition(index >= 0 && index < Int(UInt32.max), "a table index fits in 32 bits")
        if (count + 1) * 2 > slots.count { grow() }
        place(Self.tag(hash) | UInt64(index + 1))
        count += 1
    }

    private mutating func place(_ entry: UInt64) {
        let mask = self.mask
        var i = home(entry & 0xFFFF_FFFF_0000_0000)
        slots.withUnsafeMutableBufferPointer { slots in
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = entry
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for entry in old where entry != 0 { place(entry) }
    }
}

/// A fast 64-bit mixer for building hashes of integer sequences.
@inlinable
public func mixHash(_ h: UInt64, _ v: UInt64) -> UInt64 {
    var x = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
    x ^= x >> 29
    return x &* 0xBF58_476D_1CE4_E5B9
}

/// A hash of a string's UTF-8 bytes (FNV-1a), for keys that include labels.
@inlinable
public func stringHash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    // Through the contiguous bytes when there are (native strings), not the UTF-8 view's iterator.
    if let fast = s.utf8.withContiguousStorageIfAvailable({ bytes in
        var h = h
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }) {
        return fast
    }
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}
