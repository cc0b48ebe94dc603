import Foundation
import ProfileFormat
import ProfileReport

/// The label lines `traces` prints above each sample's stack (Report.printTraces's layout),
/// made once per distinct set of labels.
struct TraceLabels {
    /// Sample `s`'s lines are `bytes[start[b]..<start[b + 1]]` for `b = block[s]`.
    let block: [Int32]
    let start: [Int]
    let bytes: [UInt8]

    init(_ samples: [Sample], numLabelUnits: [String: String]) {
        // Label sets are told apart by a cheap hash of their strings and numbers, then compared
        // with the first sample that had the set; units are looked up once per unit.
        var table = FastIndexTable(capacity: 1024)
        var firstSample: [Int] = []
        var start = [0, 0]
        var bytes: [UInt8] = []
        var block = [Int32](repeating: 0, count: samples.count)
        var scalers: [String: ProfileReport.Measurement.Scaler] = [:]
        func label(_ value: Int64, _ unit: String) -> String {
            if let s = scalers[unit] { return s.label(value) }
            let s = ProfileReport.Measurement.Scaler(from: unit, to: "auto")
            scalers[unit] = s
            return s.label(value)
        }
        samples.withUnsafeBufferPointer { samples in
            for i in samples.indices where !samples[i].labels.isEmpty || !samples[i].numLabels.isEmpty {
                var h = UInt64(samples[i].labels.count)
                for l in samples[i].labels { h = mixHash(h, stringHash(l.key) ^ stringHash(l.value) &* 31) }
                for nl in samples[i].numLabels {
                    h = mixHash(h, stringHash(nl.key) ^ UInt64(bitPattern: nl.value) ^ stringHash(nl.unit) &* 7)
                }
                if let set = table.find(h, { set in
                    let first = samples[firstSample[set]]
                    return first.labels == samples[i].labels && first.numLabels == samples[i].numLabels
                }) {
                    block[i] = Int32(set + 1)
                    continue
                }
                table.insert(h, firstSample.count)
                firstSample.append(i)
                block[i] = Int32(firstSample.count)
                bytes += Report.traceLabelLines(samples[i], numLabelUnits: numLabelUnits, label: label).utf8
                start.append(bytes.count)
            }
        }
        self.block = block
        self.start = start
        self.bytes = bytes
    }
}

extension TopEngine {
    /// `traces` as Report.printTraces prints it for the profile filtered by `keep` and
    /// aggregated to the engine's granularity: every sample with a stack, its labels, its
    /// value, its frames from the leaf. Each node's line, each label set's lines and each
    /// value's text are encoded once; the output's size is summed first, then both halves
    /// of the samples are copied into it at once.
    func traces(_ rpt: Report, keep: [Bool]?) -> [UInt8] {
        let labels = samples.traceLabels
        let separator = Array("-----------+-------------------------------------------------------\n".utf8)
        let header = Array((rpt.profileLabels().joined(separator: "\n") + "\n").utf8)
        let column = values[rpt.options.sampleIndex]
        let divisors = rpt.options.meanDivisorIndex.map { values[$0] }
        let n = samples.count

        // "   name" of each node printed, and each sample's value text, padded to 10.
        var nodeStart = [Int](repeating: -1, count: nodeCount), nodeEnd = nodeStart
        var nodeBytes: [UInt8] = []
        var valueIDs: [Int64: Int32] = [:]
        var valueStart = [0]
        var valueBytes: [UInt8] = []
        var sampleValue = [Int32](repeating: -1, count: n)
        var size = [Int](repeating: 0, count: n + 1)
        let inlineSuffix = Array(" (inline)".utf8)
        for si in 0..<n {
            if let keep, !keep[si] { continue }
            let lo = Int(sampleStart[si]), hi = Int(sampleStart[si + 1])
            if lo == hi { continue }
            var v = column[si]
            if let divisors {
                let d = divisors[si]
                if d != 0 { v /= d }
            }
            let vid: Int32
            if let known = valueIDs[v] {
                vid = known
            } else {
                vid = Int32(valueStart.count - 1)
                valueIDs[v] = vid
                valueBytes += GoFormat.pad(rpt.formatValue(v), 10).utf8
                valueStart.append(valueBytes.count)
            }
            sampleValue[si] = vid
            let b = Int(labels.block[si])
            var bytes = separator.count + labels.start[b + 1] - labels.start[b]
            bytes += valueStart[Int(vid) + 1] - valueStart[Int(vid)] + (hi - lo - 1) * 10
            for f in lo..<hi {
                let node = Int(frameNode[f])
                if nodeStart[node] < 0 {
                    nodeStart[node] = nodeBytes.count
                    nodeBytes += ("   " + name(node)).utf8
                    nodeEnd[node] = nodeBytes.count
                }
                bytes += nodeEnd[node] - nodeStart[node] + (frameInline[f] ? inlineSuffix.count : 0) + 1
            }
            size[si + 1] = bytes
        }
        // Where each sample's text starts.
        var offset = header.count
        for si in 0..<n {
            let bytes = size[si + 1]
            size[si] = offset
            offset += bytes
        }
        size[n] = offset
        let total = offset + separator.count

        let parts = n >= 20_000 && ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
        let input = UnsafeSendableBox(
            (self, labels, nodeStart, nodeEnd, nodeBytes, valueStart, valueBytes, sampleValue, size, separator))
        let out = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            let base = buffer.baseAddress!
            adviseHugePages(base, total)
            func copy(_ bytes: [UInt8], _ range: Range<Int>, to at: Int) -> Int {
                bytes.withUnsafeBufferPointer { b in
                    (base + at).update(from: b.baseAddress! + range.lowerBound, count: range.count)
                }
                return at + range.count
            }
            _ = copy(header, 0..<header.count, to: 0)
            _ = copy(separator, 0..<separator.count, to: total - separator.count)
            nonisolated(unsafe) let target = base
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let (engine, labels, nodeStart, nodeEnd, nodeBytes, valueStart, valueBytes, sampleValue, offsets, separator) =
                    input.value
                Self.writeTraces(
                    (part * n / parts)..<((part + 1) * n / parts), engine, labels, nodeStart, nodeEnd, nodeBytes,
                    valueStart, valueBytes, sampleValue, offsets, separator, into: target)
            }
            count = total
        }
        return out
    }

    /// Writes the text of the samples in `range` at their offsets.
    private static func writeTraces(
        _ range: Range<Int>, _ engine: TopEngine, _ labels: TraceLabels, _ nodeStart: [Int], _ nodeEnd: [Int],
        _ nodeBytes: [UInt8], _ valueStart: [Int], _ valueBytes: [UInt8], _ sampleValue: [Int32], _ offsets: [Int],
        _ separator: [UInt8], into base: UnsafeMutablePointer<UInt8>
    ) {
        let inlineSuffix = Array(" (inline)".utf8)
        let start = engine.sampleStart, frames = engine.frameNode, inlines = engine.frameInline
        nodeBytes.withUnsafeBufferPointer { nodeBytes in
        valueBytes.withUnsafeBufferPointer { valueBytes in
        labels.bytes.withUnsafeBufferPointer { labelBytes in
        separator.withUnsafeBufferPointer { separator in
        inlineSuffix.withUnsafeBufferPointer { inlineSuffix in
            func put(_ from: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ at: inout Int) {
                if hi > lo { (base + at).update(from: from.baseAddress! + lo, count: hi - lo) }
                at += hi - lo
            }
            for si in range {
                let vid = Int(sampleValue[si])
                if vid < 0 { continue }
                var at = offsets[si]
                put(separator, 0, separator.count, &at)
                let b = Int(labels.block[si])
                put(labelBytes, labels.start[b], labels.start[b + 1], &at)
                put(valueBytes, valueStart[vid], valueStart[vid + 1], &at)
                let lo = Int(start[si])
                var f = Int(start[si + 1]) - 1
                while f >= lo {
                    let node = Int(frames[f])
                    put(nodeBytes, nodeStart[node], nodeEnd[node], &at)
                    if inlines[f] { put(inlineSuffix, 0, inlineSuffix.count, &at) }
                    base[at] = 0x0A
                    at += 1
                    if f > lo {
                        (base + at).update(repeating: 0x20, count: 10)
                        at += 10
                    }
                    f -= 1
                }
            }
        }}}}}
    }
}

/// Asks the kernel to back the whole pages of a large new buffer with huge pages, where it
/// allows that: hundreds of megabytes of output then take a few hundred page faults instead of
/// tens of thousands.
func adviseHugePages(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) {
    let huge = 2 << 20
    guard count >= 4 * huge else { return }
    let start = (UInt(bitPattern: base) + UInt(huge - 1)) & ~UInt(huge - 1)
    let end = (UInt(bitPattern: base) + UInt(count)) & ~UInt(huge - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, Int(end - start), MADV_HUGEPAGE)
}
