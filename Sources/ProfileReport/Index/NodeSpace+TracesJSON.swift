import Foundation
import ProfileFormat

extension NodeSpace {
    /// `traces` as JSON (docs/json.md): the rows of the text report — every sample `keep` lets
    /// through that has a stack, in profile order — each with its value in the base unit, its
    /// labels and its frames from the leaf, inside the document `around`. Written a block at a
    /// time, like the text, from the same node space.
    func writeTracesJSON<E: Error>(
        _ rpt: Report, keep: [Bool]?, around: JSONReport.Around, blockSize: Int = 1024,
        emit: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        let rows = TracesJSON(self, rpt, keep: keep, convert: around.convert)
        try withBytes(around.prefix, emit)
        try writeInBlocks(rows, blockSize: blockSize, emit: emit)
        try withBytes(around.suffix, emit)
    }
}

/// What each `traces` row prints as JSON, encoded once: each node's frame objects, each distinct
/// value's closing text (or that a sample has no row), each distinct label set's fields. Like
/// the text (TracesText), a row is then a few copies of short texts.
private struct TracesJSON: SampleBlockWriter {
    let start: [Int32]
    let frames: [Int32]
    let inlines: [Bool]
    /// Sample `s` ends its row with text `v = value[s]`, `,"value":N}`
    /// (`valueBytes[valueStart[v]..<valueStart[v + 1]]`), or has no row when `v` is -1.
    let value: [Int32]
    let valueStart: [Int]
    let valueBytes: [UInt8]
    /// The first sample with a row: every other row starts with a comma.
    let firstRow: Int
    /// Node `n`'s frame object, `{"inline":false,"name":"…"}` (`k = 2n`) or with `true`
    /// (`k = 2n + 1`): `frameBytes[frameStart[k]..<frameStart[k + 1]]`, names escaped.
    let frameBytes: [UInt8]
    let frameStart: [Int]
    /// The `"labels":{…},"num_labels":{…}` of label set `b` (TraceLabels.block):
    /// `labelBytes[labelStart[b]..<labelStart[b + 1]]`.
    let labelBytes: [UInt8]
    let labelStart: [Int]
    let labelBlock: [Int32]
    /// The texts between a row's parts, padded to 32 bytes (ByteBuffer.append), with their lengths.
    static func word(_ text: String) -> (bytes: SIMD32<UInt8>, count: Int) {
        var v = SIMD32<UInt8>(repeating: 0)
        for (i, b) in text.utf8.enumerated() { v[i] = b }
        return (v, text.utf8.count)
    }
    static let rowOpen = word("{\"frames\":["), nextRowOpen = word(",{\"frames\":[")
    static let comma = word(","), framesClose = word("],")

    init(_ engine: NodeSpace, _ rpt: Report, keep: [Bool]?, convert: (Int64) -> Int64) {
        start = engine.sampleStart
        frames = engine.frameNode
        inlines = engine.frameInline
        let column = engine.values[rpt.options.sampleIndex]
        let divisors = rpt.options.meanDivisorIndex.map { engine.values[$0] }
        let n = engine.samples.count
        var value = [Int32](repeating: -1, count: n)
        var valueIDs: [Int64: Int32] = [:]
        var valueStart = [0]
        var valueBytes: [UInt8] = []
        var firstRow = n
        for si in 0..<n {
            if let keep, !keep[si] { continue }
            if start[si] == start[si + 1] { continue }
            var v = column[si]
            if let divisors { v = meanValue(v, divisors[si]) }
            if firstRow == n { firstRow = si }
            if let known = valueIDs[v] {
                value[si] = known
                continue
            }
            let id = Int32(valueStart.count - 1)
            valueIDs[v] = id
            valueBytes += ",\"value\":\(convert(v))}".utf8
            valueStart.append(valueBytes.count)
            value[si] = id
        }
        // Room for copies that read up to 32 bytes past a text's end (ByteBuffer.appendShort).
        valueBytes += repeatElement(0, count: 32)
        self.value = value
        self.valueStart = valueStart
        self.valueBytes = valueBytes
        self.firstRow = firstRow
        let plain = engine.nameBytes
        let nodes = plain.start.count - 1
        var frameBytes: [UInt8] = []
        var frameStart = [0]
        frameBytes.reserveCapacity(2 * (plain.bytes.count + nodes * 28) + 32)
        let open = [Array("{\"inline\":false,\"name\":\"".utf8), Array("{\"inline\":true,\"name\":\"".utf8)]
        plain.bytes.withUnsafeBufferPointer { b in
            for k in 0..<nodes {
                for o in open {
                    frameBytes += o
                    JSONReport.appendEscaped(UnsafeBufferPointer(rebasing: b[plain.start[k]..<plain.start[k + 1]]), to: &frameBytes)
                    frameBytes += [0x22, 0x7D]
                    frameStart.append(frameBytes.count)
                }
            }
        }
        frameBytes += repeatElement(0, count: 32)
        self.frameBytes = frameBytes
        self.frameStart = frameStart
        // Label sets as `traces` tells them apart; each set's fields made from its first sample.
        let sets = engine.samples.traceLabels
        labelBlock = sets.block
        let setCount = sets.start.count - 1
        var made = [Bool](repeating: false, count: setCount)
        var parts = [[UInt8]](repeating: [], count: setCount)
        let samples = engine.profile.samples
        let units = rpt.options.numLabelUnits
        for si in 0..<n where value[si] >= 0 {
            let b = Int(sets.block[si])
            if made[b] { continue }
            made[b] = true
            parts[b] = JSONReport.labelFields(samples[si], numLabelUnits: units)
        }
        var labelBytes: [UInt8] = []
        var labelStart = [0]
        for b in 0..<setCount {
            labelBytes += made[b] ? parts[b] : JSONReport.labelFields(Sample(locations: [], values: []), numLabelUnits: [:])
            labelStart.append(labelBytes.count)
        }
        labelBytes += repeatElement(0, count: 32)
        self.labelBytes = labelBytes
        self.labelStart = labelStart
    }

    func write(_ range: Range<Int>, into out: ByteBuffer) {
        out.count = 0
        let rowOpen = Self.rowOpen, nextRowOpen = Self.nextRowOpen, comma = Self.comma, framesClose = Self.framesClose
        frameBytes.withUnsafeBufferPointer { frameBytes in
        frameStart.withUnsafeBufferPointer { frameStart in
        labelBytes.withUnsafeBufferPointer { labels in
        labelStart.withUnsafeBufferPointer { labelStart in
        valueBytes.withUnsafeBufferPointer { valueBytes in
        valueStart.withUnsafeBufferPointer { valueStart in
        start.withUnsafeBufferPointer { start in
        frames.withUnsafeBufferPointer { frames in
        inlines.withUnsafeBufferPointer { inlines in
            for si in range {
                let vid = Int(value[si])
                if vid < 0 { continue }
                let open = si == firstRow ? rowOpen : nextRowOpen
                out.append(open.bytes, open.count)
                let lo = Int(start[si])
                var f = Int(start[si + 1]) - 1
                while f >= lo {
                    let k = 2 * Int(frames[f]) + (inlines[f] ? 1 : 0)
                    out.appendShort(frameBytes.baseAddress! + frameStart[k], frameStart[k + 1] - frameStart[k])
                    if f > lo { out.append(comma.bytes, 1) }
                    f -= 1
                }
                out.append(framesClose.bytes, 2)
                let set = Int(labelBlock[si])
                out.appendShort(labels.baseAddress! + labelStart[set], labelStart[set + 1] - labelStart[set])
                out.appendShort(valueBytes.baseAddress! + valueStart[vid], valueStart[vid + 1] - valueStart[vid])
            }
        }}}}}}}}}
    }
}
