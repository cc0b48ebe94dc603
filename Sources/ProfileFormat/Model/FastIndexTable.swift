import CProfileProto

/// An open-addressing table from a 64-bit hash to indices, for deduplicating large arrays of
/// keys without hashing them through `Hasher` (samples are hashed once, by a cheap mixer).
public struct FastIndexTable: Sendable {
    @usableFromInline var slots: [Int32]
    @usableFromInline var hashes: [UInt64]
    @usableFromInline var mask: Int
    public private(set) var count = 0

    public init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        hashes = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Returns the index stored under `hash` for which `equals` holds, if any.
    @inlinable
    public func find(_ hash: UInt64, _ equals: (Int) -> Bool) -> Int? {
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s < 0 { return nil }
            if hashes[i] == hash && equals(Int(s)) { return Int(s) }
            i = (i + 1) & mask
        }
    }

    /// Starts loading the slot where a lookup of `hash` begins, for a lookup a little later.
    func prefetch(_ hash: UInt64) {
        let i = Int(truncatingIfNeeded: hash) & mask
        slots.withUnsafeBufferPointer { pprof_prefetch($0.baseAddress! + i) }
    }

    /// Stores `index` under `hash` (the caller has checked it is not there yet).
    public mutating func insert(_ hash: UInt64, _ index: Int) {
        if (count + 1) * 2 > slots.count { grow() }
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(index)
        hashes[i] = hash
        count += 1
    }

    private mutating func grow() {
        let oldSlots = slots, oldHashes = hashes
        slots = [Int32](repeating: -1, count: oldSlots.count * 2)
        hashes = [UInt64](repeating: 0, count: oldSlots.count * 2)
        mask = slots.count - 1
        count = 0
        for (i, s) in oldSlots.enumerated() where s >= 0 { insert(oldHashes[i], Int(s)) }
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
