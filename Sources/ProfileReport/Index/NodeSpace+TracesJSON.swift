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

/// What each `traces` row prints as JSON, encoded once: each sample's value (or that it has
/// no row), each node's frame object, each distinct label set's fields.
private struct TracesJSON: SampleBlockWriter {
    let start: [Int32]
    let frames: [Int32]
    let inlines: [Bool]
    /// Sample `s`'s value in the base unit, when it has a row.
    let value: [Int64?]
    /// The first sample with a row: every other row starts with a comma.
    let firstRow: Int
    /// Node `n`'s name, escaped: `names[nameStart[n]..<nameStart[n + 1]]`.
    let names: [UInt8]
    let nameStart: [Int]
    /// The `"labels":{…},"num_labels":{…}` of label set `b` (TraceLabels.block):
    /// `labelBytes[labelStart[b]..<labelStart[b + 1]]`.
    let labelBytes: [UInt8]
    let labelStart: [Int]
    let labelBlock: [Int32]

    init(_ engine: NodeSpace, _ rpt: Report, keep: [Bool]?, convert: (Int64) -> Int64) {
        start = engine.sampleStart
        frames = engine.frameNode
        inlines = engine.frameInline
        let column = engine.values[rpt.options.sampleIndex]
        let divisors = rpt.options.meanDivisorIndex.map { engine.values[$0] }
        let n = engine.samples.count
        var value = [Int64?](repeating: nil, count: n)
        var firstRow = n
        for si in 0..<n {
            if let keep, !keep[si] { continue }
            if start[si] == start[si + 1] { continue }
            var v = column[si]
            if let divisors { v = meanValue(v, divisors[si]) }
            value[si] = convert(v)
            if firstRow == n { firstRow = si }
        }
        self.value = value
        self.firstRow = firstRow
        let plain = engine.nameBytes
        var names: [UInt8] = []
        var nameStart = [0]
        names.reserveCapacity(plain.bytes.count + plain.bytes.count / 8)
        plain.bytes.withUnsafeBufferPointer { b in
            for k in 0..<(plain.start.count - 1) {
                JSONReport.appendEscaped(UnsafeBufferPointer(rebasing: b[plain.start[k]..<plain.start[k + 1]]), to: &names)
                nameStart.append(names.count)
            }
        }
        self.names = names
        self.nameStart = nameStart
        // Label sets as `traces` tells them apart; each set's fields made from its first sample.
        let sets = engine.samples.traceLabels
        labelBlock = sets.block
        let setCount = sets.start.count - 1
        var made = [Bool](repeating: false, count: setCount)
        var parts = [[UInt8]](repeating: [], count: setCount)
        let samples = engine.profile.samples
        let units = rpt.options.numLabelUnits
        for si in 0..<n where value[si] != nil {
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
        self.labelBytes = labelBytes
        self.labelStart = labelStart
    }

    static let rowOpen = Array("{\"frames\":[".utf8), nextRowOpen = Array(",{\"frames\":[".utf8)
    static let frameOpen = Array("{\"inline\":false,\"name\":\"".utf8), inlineFrameOpen = Array("{\"inline\":true,\"name\":\"".utf8)
    static let frameClose = Array("\"}".utf8), nextFrame = Array("\"},".utf8)
    static let framesClose = Array("],".utf8), valueOpen = Array(",\"value\":".utf8), rowClose = Array("}".utf8)

    func write(_ range: Range<Int>, into out: ByteBuffer) {
        out.count = 0
        func put(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { out.append($0.baseAddress!, $0.count) } }
        names.withUnsafeBufferPointer { names in
        labelBytes.withUnsafeBufferPointer { labels in
            for si in range {
                guard let v = value[si] else { continue }
                put(si == firstRow ? Self.rowOpen : Self.nextRowOpen)
                let lo = Int(start[si])
                var f = Int(start[si + 1]) - 1
                while f >= lo {
                    let node = Int(frames[f])
                    put(inlines[f] ? Self.inlineFrameOpen : Self.frameOpen)
                    let a = nameStart[node], b = nameStart[node + 1]
                    if b > a { out.append(names.baseAddress! + a, b - a) }
                    put(f == lo ? Self.frameClose : Self.nextFrame)
                    f -= 1
                }
                put(Self.framesClose)
                let set = Int(labelBlock[si])
                out.append(labels.baseAddress! + labelStart[set], labelStart[set + 1] - labelStart[set])
                put(Self.valueOpen)
                put(Array(String(v).utf8))
                put(Self.rowClose)
            }
        }}
    }
}
