import Foundation
import ProfileFormat

extension NodeSpace {
    /// Flat and cumulative sums per node for one sample type, over the kept samples.
    struct Sums {
        var flat: [Int64]
        var flatDiv: [Int64]
        var cum: [Int64]
        var cumDiv: [Int64]

        func flatValue(_ n: Int) -> Int64 { meanValue(flat[n], flatDiv[n]) }
        func cumValue(_ n: Int) -> Int64 { meanValue(cum[n], cumDiv[n]) }
    }

    /// Sums each node's values: flat at the leaf frame, cum once per sample it appears in.
    /// Large profiles are summed in parts on all cores.
    func sums(index: Int, meanIndex: Int?, keep: [Bool]?) -> Sums {
        let n = nodeCount
        let column = values[index]
        let divisors = meanIndex.map { values[$0] }
        let ranges = Parallel.ranges(column.count, parts: Parallel.parts(column.count, from: 50_000, atMost: 4))
        let start = sampleStart, frames = frameNode
        let parts = Parallel.map(ranges.count) { Self.sum(ranges[$0], column, divisors, keep, start, frames, nodes: n) }
        var total = parts[0]
        for s in parts.dropFirst() {
            for k in 0..<n {
                total.flat[k] &+= s.flat[k]
                total.flatDiv[k] &+= s.flatDiv[k]
                total.cum[k] &+= s.cum[k]
                total.cumDiv[k] &+= s.cumDiv[k]
            }
        }
        return total
    }

    /// The sums over the samples in `range`.
    private static func sum(
        _ range: Range<Int>, _ column: [Int64], _ divisors: [Int64]?, _ keep: [Bool]?, _ sampleStart: [Int32],
        _ frameNode: [Int32], nodes n: Int
    ) -> Sums {
        var s = Sums(
            flat: [Int64](repeating: 0, count: n), flatDiv: [Int64](repeating: 0, count: n),
            cum: [Int64](repeating: 0, count: n), cumDiv: [Int64](repeating: 0, count: n))
        var stamp = [Int32](repeating: -1, count: n)
        let hasDiv = divisors != nil
        let div = divisors ?? []
        column.withUnsafeBufferPointer { col in
            div.withUnsafeBufferPointer { div in
                sampleStart.withUnsafeBufferPointer { start in
                    frameNode.withUnsafeBufferPointer { frames in
                        stamp.withUnsafeMutableBufferPointer { stamp in
                            s.flat.withUnsafeMutableBufferPointer { flat in
                                s.flatDiv.withUnsafeMutableBufferPointer { flatDiv in
                                    s.cum.withUnsafeMutableBufferPointer { cum in
                                        s.cumDiv.withUnsafeMutableBufferPointer { cumDiv in
                                            for si in range {
                                                if let keep, !keep[si] { continue }
                                                let w = col[si]
                                                let dw = hasDiv ? div[si] : 0
                                                if w == 0 && dw == 0 { continue }
                                                let lo = Int(start[si]), hi = Int(start[si + 1])
                                                if lo == hi { continue }
                                                let mark = Int32(truncatingIfNeeded: si)
                                                for f in lo..<hi {
                                                    let node = Int(frames[f])
                                                    if stamp[node] != mark {
                                                        stamp[node] = mark
                                                        cum[node] &+= w
                                                        if hasDiv { cumDiv[node] &+= dw }
                                                    }
                                                }
                                                let leaf = Int(frames[hi - 1])
                                                flat[leaf] &+= w
                                                flatDiv[leaf] &+= dw
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return s
    }

    /// For each node of `shown`, whether its incoming edges (from the nearest ancestor in
    /// `parents`, all nodes when nil) that weigh at least `cutoff` are inlined calls, as the
    /// call graph that Report builds would have them.
    func inlineLabels(
        shown: [Int], parents: [Bool]?, cutoff: Int64, index: Int, meanIndex: Int?, keep: [Bool]?
    ) -> [Int: String] {
        // Only a node that some location inlines can be labelled: every edge into another is
        // a call. Edges into those are summed; most profiles have few or none.
        var candidate = [Bool](repeating: false, count: nodeCount)
        var anyCandidate = false
        for n in shown where inlined[n] {
            candidate[n] = true
            anyCandidate = true
        }
        if !anyCandidate { return [:] }
        var table = FastIndexTable(capacity: 1 << 10)
        var src: [Int32] = [], dst: [Int32] = [], weight: [Int64] = [], inline: [Bool] = [], lastSample: [Int] = []
        let column = values[index]
        let divisors = meanIndex.map { values[$0] }
        for si in column.indices {
            if let keep, !keep[si] { continue }
            let w = column[si]
            if w == 0 && (divisors?[si] ?? 0) == 0 { continue }
            var parent: Int32 = -1
            for f in Int(sampleStart[si])..<Int(sampleStart[si + 1]) {
                let node = frameNode[f]
                if let parents, !parents[Int(node)] { continue }
                if candidate[Int(node)] && parent >= 0 && parent != node {
                    let h = FrameGraphAccumulator.hash(parent, node)
                    if let e = table.find(h, { src[$0] == parent && dst[$0] == node }) {
                        if lastSample[e] != si {
                            weight[e] &+= w
                            inline[e] = inline[e] && frameInline[f]
                            lastSample[e] = si
                        }
                    } else {
                        table.insert(h, src.count)
                        src.append(parent)
                        dst.append(node)
                        weight.append(w)
                        inline.append(frameInline[f])
                        lastSample.append(si)
                    }
                }
                parent = node
            }
        }
        var inlineInto = [Bool](repeating: false, count: nodeCount), callInto = inlineInto
        for e in src.indices where goAbs(weight[e]) >= cutoff {
            if inline[e] { inlineInto[Int(dst[e])] = true } else { callInto[Int(dst[e])] = true }
        }
        var labels: [Int: String] = [:]
        for n in shown where inlineInto[n] {
            labels[n] = callInto[n] ? "(partial-inline)" : "(inline)"
        }
        return labels
    }
}
