import Foundation
import ProfileFormat

/// The label lines `traces` prints above each sample's stack (Report.printTraces's layout),
/// made once per distinct set of labels.
struct TraceLabels {
    /// Sample `s`'s lines are `bytes[start[b]..<start[b + 1]]` for `b = block[s]`.
    let block: [Int32]
    let start: [Int]
    let bytes: [UInt8]

    /// Samples whose labels have the same numbers in `index` (string labels, and numeric labels
    /// by key and value, in the sample's order) print the same lines: a numeric label's unit
    /// comes from `numLabelUnits`, by key. So sets are told apart by those numbers alone, and
    /// each set's lines are formatted from the first sample that has it.
    init(_ samples: [Sample], index: SampleLabels, numLabelUnits: [String: String]) {
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
        index.start.withUnsafeBufferPointer { bounds in
            index.ids.withUnsafeBufferPointer { ids in
                for i in samples.indices {
                    let lo = Int(bounds[i]), hi = Int(bounds[i + 1])
                    if lo == hi { continue }
                    var h = UInt64(hi - lo)
                    for k in lo..<hi { h = mixHash(h, UInt64(UInt32(bitPattern: ids[k]))) }
                    if let set = table.find(h, { set in
                        let f = firstSample[set]
                        let flo = Int(bounds[f]), fhi = Int(bounds[f + 1])
                        return fhi - flo == hi - lo && (0..<(hi - lo)).allSatisfy { ids[flo + $0] == ids[lo + $0] }
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
        }
        self.block = block
        self.start = start
        self.bytes = bytes
    }
}

extension NodeSpace {
    /// `traces` as Report.printTraces prints it for the profile filtered by `keep` and
    /// aggregated to the engine's granularity: every sample with a stack, its labels, its
    /// value, its frames from the leaf. Each node's lines, each label set's and each value's
    /// text are encoded once. Blocks of samples are written into reused buffers, one per core
    /// at a time, and handed to `emit` in order: hundreds of megabytes of output are never
    /// held at once.
    func writeTraces<E: Error>(
        _ rpt: Report, keep: [Bool]?, blockSize: Int = 1024, emit: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        let text = TracesText(self, rpt, keep: keep)
        let header = Array((rpt.profileLabels().joined(separator: "\n") + "\n").utf8)
        try withBytes(header, emit)
        try writeInBlocks(text, blockSize: blockSize, emit: emit)
        try withBytes(text.separator, emit)
    }

    /// Has `writer` write the samples a block at a time into reused buffers, one per core at a
    /// time, and hands the blocks to `emit` in order (`traces` as text and as JSON).
    func writeInBlocks<E: Error>(
        _ writer: any SampleBlockWriter, blockSize: Int, emit: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        let n = samples.count
        let blocks = (n + blockSize - 1) / blockSize
        let parts = Parallel.parts(blocks, from: 2, atMost: 2)
        let buffers = (0..<parts).map { _ in ByteBuffer() }
        defer { for b in buffers { b.free() } }
        var block = 0
        while block < blocks {
            let count = min(parts, blocks - block)
            let first = block
            // Each part writes its own block into its own buffer.
            _ = Parallel.map(count) { i in
                let b = first + i
                writer.write(b * blockSize..<min(n, (b + 1) * blockSize), into: buffers[i])
            }
            for i in 0..<count { try emit(buffers[i].bytes) }
            block += count
        }
    }
}

/// Writes what a range of samples prints into a buffer (NodeSpace.writeInBlocks).
protocol SampleBlockWriter {
    func write(_ range: Range<Int>, into out: ByteBuffer)
}

/// What `traces` prints for each sample, encoded once: which samples print and their value
/// texts, the label lines, and the nodes' names.
private struct TracesText: SampleBlockWriter {
    let start: [Int32]
    let frames: [Int32]
    let inlines: [Bool]
    let labels: TraceLabels
    /// Sample `s` prints value text `v = value[s]` (`valueBytes[valueStart[v]..<valueStart[v+1]]`),
    /// or nothing when `v` is -1.
    let value: [Int32]
    let valueStart: [Int]
    let valueBytes: [UInt8]
    /// The nodes' printed names (NodeSpace.nameBytes).
    let names: (bytes: [UInt8], start: [Int])
    let separator = Array("-----------+-------------------------------------------------------\n".utf8)
    /// The three spaces before a frame's name.
    static let indent = SIMD32<UInt8>(repeating: 0x20)
    /// What follows a frame's name, by `2·inline + last`: " (inline)" when the frame is
    /// inlined, a newline, and the ten spaces that indent the next frame unless it is the
    /// sample's last; each padded to 32 bytes, with its length.
    static let tails: [(bytes: SIMD32<UInt8>, count: Int)] = [
        "\n          ", "\n", " (inline)\n          ", " (inline)\n",
    ].map { (tail: String) in
        var v = SIMD32<UInt8>(repeating: 0)
        for (i, b) in tail.utf8.enumerated() { v[i] = b }
        return (v, tail.utf8.count)
    }

    init(_ engine: NodeSpace, _ rpt: Report, keep: [Bool]?) {
        start = engine.sampleStart
        frames = engine.frameNode
        inlines = engine.frameInline
        labels = engine.samples.traceLabels
        let column = engine.values[rpt.options.sampleIndex]
        let divisors = rpt.options.meanDivisorIndex.map { engine.values[$0] }
        let n = engine.samples.count
        var value = [Int32](repeating: -1, count: n)
        var valueIDs: [Int64: Int32] = [:]
        var valueStart = [0]
        var valueBytes: [UInt8] = []
        let names = engine.nameBytes
        for si in 0..<n {
            if let keep, !keep[si] { continue }
            let lo = Int(start[si]), hi = Int(start[si + 1])
            if lo == hi { continue }
            var v = column[si]
            if let divisors {
                let d = divisors[si]
                v = meanValue(v, d)
            }
            if let known = valueIDs[v] {
                value[si] = known
            } else {
                let id = Int32(valueStart.count - 1)
                valueIDs[v] = id
                valueBytes += GoFormat.pad(rpt.formatValue(v), 10).utf8
                valueStart.append(valueBytes.count)
                value[si] = id
            }
        }
        // Room for copies that read up to 32 bytes past a text's end (ByteBuffer.append).
        valueBytes += repeatElement(0, count: 32)
        self.value = value
        self.valueStart = valueStart
        self.valueBytes = valueBytes
        self.names = names
    }

    /// Replaces the contents of `out` with the text of the samples in `range`.
    func write(_ range: Range<Int>, into out: ByteBuffer) {
        out.count = 0
        let tails = Self.tails
        names.bytes.withUnsafeBufferPointer { nameBytes in
        valueBytes.withUnsafeBufferPointer { valueBytes in
        labels.bytes.withUnsafeBufferPointer { labelBytes in
        separator.withUnsafeBufferPointer { separator in
        names.start.withUnsafeBufferPointer { nameStart in
            for si in range {
                let vid = Int(value[si])
                if vid < 0 { continue }
                out.append(separator.baseAddress!, separator.count)
                let b = Int(labels.block[si])
                out.append(labelBytes.baseAddress! + labels.start[b], labels.start[b + 1] - labels.start[b])
                out.appendShort(valueBytes.baseAddress! + valueStart[vid], valueStart[vid + 1] - valueStart[vid])
                let lo = Int(start[si])
                var f = Int(start[si + 1]) - 1
                while f >= lo {
                    let node = Int(frames[f])
                    out.append(Self.indent, 3)
                    out.appendShort(nameBytes.baseAddress! + nameStart[node], nameStart[node + 1] - nameStart[node])
                    let tail = tails[(inlines[f] ? 2 : 0) + (f == lo ? 1 : 0)]
                    out.append(tail.bytes, tail.count)
                    f -= 1
                }
            }
        }}}}}
    }
}

/// A growable byte buffer, reused from block to block. It keeps 32 bytes of room past its
/// count for appends that store whole 32-byte words.
final class ByteBuffer {
    var base: UnsafeMutablePointer<UInt8>
    var capacity = 1 << 20
    var count = 0

    init() { base = .allocate(capacity: capacity + 32) }

    func free() { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    func append(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        if count + n > capacity { grow(count + n) }
        (base + count).update(from: bytes, count: n)
        count += n
    }

    /// Appends `n` bytes of a text that is followed by at least 32 readable bytes, copying
    /// whole 32-byte words (names and values are short: a call to memmove costs more).
    @inline(__always)
    func appendShort(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        if count + n > capacity { grow(count + n) }
        let to = UnsafeMutableRawPointer(base + count), from = UnsafeRawPointer(bytes)
        var i = 0
        while i < n {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self), toByteOffset: i, as: SIMD32<UInt8>.self)
            i += 32
        }
        count += n
    }

    /// Appends the first `n` bytes of a 32-byte word.
    @inline(__always)
    func append(_ word: SIMD32<UInt8>, _ n: Int) {
        if count + n > capacity { grow(count + n) }
        UnsafeMutableRawPointer(base + count).storeBytes(of: word, as: SIMD32<UInt8>.self)
        count += n
    }

    private func grow(_ needed: Int) {
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 32)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
    }
}
