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
    /// location line `frameLine[f]`, inlined into its location's next line when `frameInline[f]`.
    let sampleStart: [Int32]
    let frameLine: [Int32]
    let frameInline: [Bool]

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
        let sampleLoc = samples.locStart, locs = samples.locs
        var counts = [Int](repeating: 0, count: parts)
        counts.withUnsafeMutableBufferPointer { counts in
            nonisolated(unsafe) let counts = counts
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var count = 0
                for k in Int(sampleLoc[bounds[part]])..<Int(sampleLoc[bounds[part + 1]]) {
                    let l = Int(locs[k])
                    count += Int(locStart[l + 1] - locStart[l])
                }
                counts[part] = count
            }
        }
        var running = [0]
        for c in counts { running.append(running.last! + c) }
        let offsets = running
        let total = offsets[parts]
        var starts = [Int32](repeating: 0, count: n + 1)
        var lines = [Int32](repeating: 0, count: total)
        var inlines = [Bool](repeating: false, count: total)
        starts.withUnsafeMutableBufferPointer { starts in
            lines.withUnsafeMutableBufferPointer { lines in
                inlines.withUnsafeMutableBufferPointer { inlines in
                    nonisolated(unsafe) let (starts, lines, inlines) = (starts, lines, inlines)
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        Self.fill(
                            bounds[part]..<bounds[part + 1], from: offsets[part], sampleLoc, locs, locStart,
                            starts: starts, lines: lines, inlines: inlines)
                    }
                }
            }
        }
        sampleStart = starts
        frameLine = lines
        frameInline = inlines
    }

    /// Writes the frames of the samples in `range` from frame `at` on, and each sample's end.
    private static func fill(
        _ range: Range<Int>, from start: Int, _ sampleLoc: [Int32], _ locs: [Int32], _ locStart: [Int32],
        starts: UnsafeMutableBufferPointer<Int32>, lines: UnsafeMutableBufferPointer<Int32>,
        inlines: UnsafeMutableBufferPointer<Bool>
    ) {
        sampleLoc.withUnsafeBufferPointer { sampleLoc in
            locs.withUnsafeBufferPointer { locs in
                locStart.withUnsafeBufferPointer { locStart in
                    var at = start
                    for si in range {
                        for k in Int(sampleLoc[si])..<Int(sampleLoc[si + 1]) {
                            let l = Int(locs[k])
                            let first = Int(locStart[l])
                            for line in first..<Int(locStart[l + 1]) {
                                lines[at] = Int32(line)
                                inlines[at] = line != first
                                at += 1
                            }
                        }
                        starts[si + 1] = Int32(at)
                    }
                }
            }
        }
    }

    /// The node of every frame, given the node of every location line.
    func map(_ lineNode: [Int32]) -> [Int32] {
        let total = frameLine.count
        let parts = Parallel.parts(total, from: 1_000_000, atMost: 4)
        return [Int32](unsafeUninitializedCapacity: total) { nodes, count in
            nonisolated(unsafe) let nodes = nodes
            frameLine.withUnsafeBufferPointer { frameLine in
                lineNode.withUnsafeBufferPointer { lineNode in
                    nonisolated(unsafe) let (frameLine, lineNode) = (frameLine, lineNode)
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        for f in (part * total / parts)..<((part + 1) * total / parts) {
                            nodes[f] = lineNode[Int(frameLine[f])]
                        }
                    }
                }
            }
            count = total
        }
    }
}
