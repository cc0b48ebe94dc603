import ProfileFormat

/// A flame graph: one frame per distinct call path, each under its caller, weighted by the
/// samples that pass through it. With a `-diff_base` profile, each frame also carries the base
/// profile's weight. Frames are stored as parallel arrays; frame 0 is the root (every sample).
public struct FlameGraph {
    /// Frame names; `nameOf[f]` indexes it (0 is the root's, "all").
    public private(set) var names: [String]
    public private(set) var nameOf: [Int32] = [0]
    /// The caller's frame (-1 for the root) and the depth (0 for the root).
    public private(set) var parent: [Int32] = [-1]
    public private(set) var depth: [Int32] = [0]
    /// Sum of the sample values through each path (the new profile's, with a diff base).
    public private(set) var value: [Int64] = [0]
    /// With `-mean`: the summed counts to divide `value` by.
    public private(set) var divisor: [Int64] = [0]
    /// With a diff base: the base profile's value through each path (positive again), and its counts.
    public private(set) var base: [Int64] = [0]
    public private(set) var baseDivisor: [Int64] = [0]
    /// The callees of each drawn frame, in name order (empty for frames not drawn).
    public private(set) var children: [[Int32]] = []
    /// Whether the profile was compared against a `-diff_base` profile.
    public let isDiff: Bool
    /// The deepest drawn frame's depth.
    public private(set) var maxDepth: Int32 = 0

    public var count: Int { parent.count }

    /// Each sample's frame names from the root down, and what it weighs.
    private var sequence: [Int32] = []
    private var sequenceStart: [Int] = []
    private var sampleValue: [Int64] = [], sampleDivisor: [Int64] = []
    private var sampleIsBase: [Bool] = []
    /// A frame first reached by a single sample does not get its callees made at once: they are
    /// that sample's rest of stack, `sequence[tailPosition...]` of sample `tailSample`, made one
    /// level at a time when another sample passes, or at the end if wide enough to be drawn.
    private var tailSample: [Int32] = [-1]
    private var tailPosition: [Int32] = [0]
    private var lookup = FrameTable(capacity: 1 << 14)

    /// Builds the flame graph of the node space's stacks over the samples `keep` lets through
    /// (all when nil), weighted by sample type `sampleIndex` (divided by `meanIndex`'s counts),
    /// keeping frames at least `minimumShare` of the root's width. Samples of a diff base
    /// (ProfileIndex.isDiffBase) are the base's.
    init(_ space: NodeSpace, keep: [Bool]?, sampleIndex: Int, meanIndex: Int?, minimumShare: Double) {
        let isBase = space.samples.isDiffBase
        isDiff = space.samples.anyDiffBase
        names = ["all"]
        names.reserveCapacity(space.nodeCount + 1)
        for n in 0..<space.nodeCount { names.append(space.name(n)) }
        // The samples as name sequences, root first: the space's frames, name 0 being the root's.
        let weights = space.values[sampleIndex]
        let divisors = meanIndex.map { space.values[$0] }
        let start = space.sampleStart
        sequenceStart = [0]
        sequence.reserveCapacity(space.frameNode.count)
        space.frameNode.withUnsafeBufferPointer { frames in
            for si in 0..<space.samples.count {
                if let keep, !keep[si] { continue }
                let w = weights[si]
                let dw = divisors?[si] ?? 0
                if w == 0 && dw == 0 { continue }
                for f in Int(start[si])..<Int(start[si + 1]) { sequence.append(frames[f] + 1) }
                sequenceStart.append(sequence.count)
                sampleValue.append(w)
                sampleDivisor.append(dw)
                sampleIsBase.append(isBase[si])
            }
        }

        for s in 0..<sampleValue.count { addSample(s) }

        // Frames narrower than the minimum are not drawn, nor anything above them. With a diff
        // base, a frame wide enough in either profile is drawn, so that the base's frames can
        // show what shrank or vanished.
        let minimum = max(1, Int64((Double(width(0)) * minimumShare).rounded(.up)))
        let baseMinimum = max(1, Int64((Double(baseWidth(0)) * minimumShare).rounded(.up)))
        func wide(_ new: Int64, _ base: Int64) -> Bool { new >= minimum || base >= baseMinimum }
        for f in 0..<count where tailSample[f] >= 0 && wide(width(f), baseWidth(f)) && wide(tailWidth(f), tailBaseWidth(f)) {
            var frame = f
            while tailSample[frame] >= 0 { frame = Int(makeTailChild(frame)) }
        }
        var drawn = [Bool](repeating: false, count: count)
        drawn[0] = true
        children = [[Int32]](repeating: [], count: count)
        for f in 1..<max(count, 1) where wide(width(f), baseWidth(f)) && drawn[Int(parent[f])] {
            drawn[f] = true
            children[Int(parent[f])].append(Int32(f))
            maxDepth = max(maxDepth, depth[f])
        }
        for f in children.indices where children[f].count > 1 {
            children[f].sort { names[Int(nameOf[Int($0)])] < names[Int(nameOf[Int($1)])] }
        }
        sequence = []
        lookup = FrameTable(capacity: 16)
    }

    /// Walks sample `s` down from the root, making frames as needed.
    private mutating func addSample(_ s: Int) {
        add(0, s)
        var current = 0
        var i = sequenceStart[s]
        let end = sequenceStart[s + 1]
        while i < end {
            if tailSample[current] >= 0 { makeTailChild(current) }
            let name = sequence[i]
            let key = UInt64(UInt32(truncatingIfNeeded: current)) << 32 | UInt64(UInt32(bitPattern: name))
            var child = Int(lookup.find(key))
            if child < 0 {
                child = Int(newFrame(name, under: current))
                add(child, s)
                if i + 1 < end {
                    tailSample[child] = Int32(s)
                    tailPosition[child] = Int32(i + 1 - sequenceStart[s])
                }
                return
            }
            add(child, s)
            current = child
            i += 1
        }
    }

    /// Makes the first frame of `f`'s pending tail and moves the tail onto it.
    @discardableResult
    private mutating func makeTailChild(_ f: Int) -> Int32 {
        let s = Int(tailSample[f]), p = Int(tailPosition[f])
        tailSample[f] = -1
        let child = newFrame(sequence[sequenceStart[s] + p], under: f)
        add(Int(child), s)
        if sequenceStart[s] + p + 1 < sequenceStart[s + 1] {
            tailSample[Int(child)] = Int32(s)
            tailPosition[Int(child)] = Int32(p + 1)
        }
        return child
    }

    private mutating func newFrame(_ name: Int32, under p: Int) -> Int32 {
        let f = Int32(count)
        nameOf.append(name)
        parent.append(Int32(p))
        depth.append(depth[p] + 1)
        value.append(0)
        divisor.append(0)
        base.append(0)
        baseDivisor.append(0)
        tailSample.append(-1)
        tailPosition.append(0)
        lookup.insert(UInt64(UInt32(p)) << 32 | UInt64(UInt32(bitPattern: name)), f)
        return f
    }

    @inline(__always)
    private mutating func add(_ f: Int, _ s: Int) {
        if sampleIsBase[s] {
            // Base samples were merged in negated.
            base[f] &-= sampleValue[s]
            baseDivisor[f] &-= sampleDivisor[s]
        } else {
            value[f] &+= sampleValue[s]
            divisor[f] &+= sampleDivisor[s]
        }
    }

    /// How wide the frames of `f`'s pending tail are: its one sample's value.
    private func tailWidth(_ f: Int) -> Int64 {
        let s = Int(tailSample[f])
        return sampleIsBase[s] ? 0 : max(0, sampleValue[s])
    }

    /// How wide the frames of `f`'s pending tail are when sized by the base.
    private func tailBaseWidth(_ f: Int) -> Int64 {
        let s = Int(tailSample[f])
        return sampleIsBase[s] ? max(0, -sampleValue[s]) : 0
    }

    /// The weight that sets a frame's width: its (new) value, never negative.
    @inline(__always)
    func width(_ f: Int) -> Int64 { max(0, value[f]) }

    /// The weight that sets a frame's width when sized by the diff base (0 without one).
    @inline(__always)
    func baseWidth(_ f: Int) -> Int64 { max(0, base[f]) }
}

extension Report {
    /// The flame graph of this report's samples (after filters and aggregation).
    public func flameGraph() -> FlameGraph {
        let (space, keep) = graphSpace(objNames: false)
        return FlameGraph(
            space, keep: keep, sampleIndex: options.sampleIndex, meanIndex: options.meanDivisorIndex,
            minimumShare: FlameSVG.minimumShare)
    }
}
