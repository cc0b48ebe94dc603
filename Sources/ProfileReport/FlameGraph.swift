import ProfileFormat

/// A flame graph: one frame per distinct call path, each under its caller, weighted by the
/// samples that pass through it. With a `-diff_base` profile, each frame also carries the base
/// profile's weight. Frames are stored as parallel arrays; frame 0 is the root (every sample).
public struct FlameGraph {
    /// Frame names; `nameOf[f]` indexes it (0 is the root's, "all").
    public private(set) var names: [String]
    public private(set) var nameOf: [Int32]
    /// The caller's frame (-1 for the root) and the depth (0 for the root).
    public private(set) var parent: [Int32]
    public private(set) var depth: [Int32]
    /// Sum of the sample values through each path (the new profile's, with a diff base).
    public private(set) var value: [Int64]
    /// With `-mean`: the summed counts to divide `value` by.
    public private(set) var divisor: [Int64]
    /// With a diff base: the base profile's value through each path (positive again), and its counts.
    public private(set) var base: [Int64]
    public private(set) var baseDivisor: [Int64]
    /// Whether the profile was compared against a `-diff_base` profile.
    public let isDiff: Bool
    /// The deepest frame's depth.
    public private(set) var maxDepth: Int32 = 0

    public var count: Int { parent.count }

    /// Builds the flame graph of `profile` at the granularity its locations already have.
    /// `isBase[i]` says whether sample `i` came from the diff base.
    init(_ profile: Profile, options o: GraphOptions, isBase: [Bool]) {
        isDiff = isBase.contains(true)
        var table = NodeTable(profile: profile, options: o)
        let locationNodes = table.createNodes()
        names = ["all"]
        names.reserveCapacity(table.nodes.count + 1)
        for n in table.nodes { names.append(n.printableName) }
        // Each location's frame names from caller to inlined callee, flattened.
        var locStart = [Int](repeating: 0, count: locationNodes.count + 1)
        var locNames: [Int32] = []
        locNames.reserveCapacity(locationNodes.count)
        for (i, nodes) in locationNodes.enumerated() {
            for n in nodes.reversed() {
                if let n { locNames.append(Int32(n.id + 1)) }
            }
            locStart[i + 1] = locNames.count
        }

        nameOf = [0]
        parent = [-1]
        depth = [0]
        value = [0]
        divisor = [0]
        base = [0]
        baseDivisor = [0]
        var children = FrameTable(capacity: 1 << 16)
        let index = o.sampleIndex
        for (si, s) in profile.samples.enumerated() {
            let w = s.values[index]
            let dw = o.meanDivisorIndex.map { s.values[$0] } ?? 0
            if w == 0 && dw == 0 { continue }
            let fromBase = isBase[si]
            var current: Int32 = 0
            add(0, w, dw, fromBase)
            var d: Int32 = 0
            var li = s.locations.count - 1
            while li >= 0 {
                let loc = Int(s.locations[li])
                li -= 1
                for k in locStart[loc]..<locStart[loc + 1] {
                    let name = locNames[k]
                    d += 1
                    let key = UInt64(UInt32(bitPattern: current)) << 32 | UInt64(UInt32(bitPattern: name))
                    var child = children.find(key)
                    if child < 0 {
                        child = Int32(parent.count)
                        nameOf.append(name)
                        parent.append(current)
                        depth.append(d)
                        value.append(0)
                        divisor.append(0)
                        base.append(0)
                        baseDivisor.append(0)
                        children.insert(key, child)
                        if d > maxDepth { maxDepth = d }
                    }
                    add(Int(child), w, dw, fromBase)
                    current = child
                }
            }
        }
    }

    @inline(__always)
    private mutating func add(_ f: Int, _ w: Int64, _ dw: Int64, _ fromBase: Bool) {
        if fromBase {
            // Base samples were merged in negated.
            base[f] &-= w
            baseDivisor[f] &-= dw
        } else {
            value[f] &+= w
            divisor[f] &+= dw
        }
    }

    /// The weight that sets a frame's width: its (new) value, never negative.
    @inline(__always)
    func width(_ f: Int) -> Int64 { max(0, value[f]) }

    /// The children of every frame at least `minimum` wide, in name order; frames narrower are
    /// left out with everything above them.
    func visibleChildren(minimum: Int64) -> [[Int32]] {
        var kids = [[Int32]](repeating: [], count: count)
        for f in 1..<max(count, 1) where width(f) >= minimum {
            kids[Int(parent[f])].append(Int32(f))
        }
        for f in kids.indices where kids[f].count > 1 {
            kids[f].sort { names[Int(nameOf[Int($0)])] < names[Int(nameOf[Int($1)])] }
        }
        return kids
    }
}

/// An open-addressing table from (parent frame, name) keys to child frames, one slot per entry
/// so that a probe touches one cache line.
private struct FrameTable {
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

extension Report {
    /// The flame graph of this report's profile (after filters and aggregation).
    public func flameGraph() -> FlameGraph {
        let isBase = profile.samples.map(\.isDiffBase)
        prepareForGraph()
        var o = GraphOptions(sampleIndex: options.sampleIndex, meanDivisorIndex: options.meanDivisorIndex)
        o.objNames = false
        return FlameGraph(profile, options: o, isBase: isBase)
    }
}
