import Foundation
import ProfileFormat

/// How the samples' stacks expand into frames, whatever the granularity: each location
/// becomes its lines, the last (the caller) first, or only its last line when inlined frames
/// are not shown, or one frame when it has no lines. Every granularity with the same inline
/// setting lays out frames alike, so engines share this and differ only in the node of each
/// location line.
final class FrameLayout {
    /// Location `l`'s frames are the location lines `locStart[l]..<locStart[l+1]`.
    let locStart: [Int32]
    /// Sample `s`'s frames, root first, are `sampleStart[s]..<sampleStart[s+1]`; frame `f` is
    /// inlined into its location's next line when `frameInline[f]`. Which location line a frame
    /// is, is not kept (4 bytes a frame): `map` lays the frames out again from the samples.
    let sampleStart: [Int32]
    let frameInline: [Bool]
    /// The profile's samples (shared, not copied); their locations are leaf first.
    private let samples: [Sample]
    /// The samples of each part the frames are laid out in.
    private let bounds: [Int]

    init(_ samples: ProfileIndex, inlineFrames: Bool) {
        var expanded: [Int32] = [0]
        expanded.reserveCapacity(samples.profile.locations.count + 1)
        for loc in samples.profile.locations {
            let frames = loc.lines.isEmpty || !inlineFrames ? 1 : loc.lines.count
            expanded.append(expanded.last! + Int32(frames))
        }
        let locStart = expanded
        self.locStart = locStart

        // Large profiles are done in parts on all cores: each part counts its frames, then
        // fills its own slice.
        let n = samples.count
        let parts = Parallel.parts(n, from: 50_000, atMost: 4)
        let bounds = (0...parts).map { $0 * n / parts }
        let sampleList = samples.profile.samples
        self.samples = sampleList
        self.bounds = bounds
        let counts = Parallel.map(parts) { part in
            var count = 0
            for si in bounds[part]..<bounds[part + 1] {
                for l in sampleList[si].locations { count += Int(locStart[Int(l) + 1] - locStart[Int(l)]) }
            }
            return count
        }
        var running = [0]
        for c in counts { running.append(running.last! + c) }
        let offsets = running
        let total = offsets[parts]
        var starts = [Int32](repeating: 0, count: n + 1)
        var inlines = [Bool](repeating: false, count: total)
        // Each part writes its own samples' ends and its own frames.
        starts.withUnsafeMutableBufferPointer { starts in
            inlines.withUnsafeMutableBufferPointer { inlines in
                _ = Parallel.map(parts) { part in
                    Self.fill(
                        bounds[part]..<bounds[part + 1], from: offsets[part], sampleList, locStart,
                        starts: starts, inlines: inlines)
                }
            }
        }
        sampleStart = starts
        frameInline = inlines
    }

    /// Writes whether the frames of the samples in `range`, from frame `at` on, are inlined,
    /// and each sample's end.
    private static func fill(
        _ range: Range<Int>, from start: Int, _ samples: [Sample], _ locStart: [Int32],
        starts: UnsafeMutableBufferPointer<Int32>, inlines: UnsafeMutableBufferPointer<Bool>
    ) {
        samples.withUnsafeBufferPointer { samples in
            locStart.withUnsafeBufferPointer { locStart in
                var at = start
                for si in range {
                    samples[si].locations.withUnsafeBufferPointer { locs in
                        // Root first: the sample's last location first.
                        var k = locs.count - 1
                        while k >= 0 {
                            let l = Int(locs[k])
                            let first = Int(locStart[l]), end = Int(locStart[l + 1])
                            // Every frame of a location but its first (the caller's line) is inlined.
                            if end - first > 1 {
                                for f in (at + 1)..<(at + end - first) { inlines[f] = true }
                            }
                            at += end - first
                            k -= 1
                        }
                    }
                    starts[si + 1] = Int32(at)
                }
            }
        }
    }

    /// The node of every frame, given the node of every location line: the frames laid out
    /// again, in the same parts, each location's lines written as their nodes.
    func map(_ lineNode: [Int32]) -> [Int32] {
        let total = frameInline.count
        let parts = bounds.count - 1
        let bounds = self.bounds
        return [Int32](unsafeUninitializedCapacity: total) { nodes, count in
            let nodes = nodes
            samples.withUnsafeBufferPointer { samples in
                locStart.withUnsafeBufferPointer { locStart in
                    sampleStart.withUnsafeBufferPointer { sampleStart in
                        lineNode.withUnsafeBufferPointer { lineNode in
                            // Each part writes the frames of its own samples.
                            _ = Parallel.map(parts) { part in
                                var at = Int(sampleStart[bounds[part]])
                                for si in bounds[part]..<bounds[part + 1] {
                                    samples[si].locations.withUnsafeBufferPointer { locs in
                                        var k = locs.count - 1
                                        while k >= 0 {
                                            let l = Int(locs[k])
                                            for line in Int(locStart[l])..<Int(locStart[l + 1]) {
                                                nodes[at] = lineNode[line]
                                                at += 1
                                            }
                                            k -= 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            count = total
        }
    }
}
