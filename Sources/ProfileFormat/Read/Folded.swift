/// Folded stacks, as flamegraph.pl's stackcollapse scripts, inferno and `pprof -folded` write
/// them: one stack per line, frames from the root to the leaf joined by `;`, a space, and a
/// whole number (`main;fetch;read 120`). Read as a profile with one sample type, samples/count,
/// so that other tools' output can be reported, diffed and drawn.
public enum FoldedStacks {
    /// Bytes that are not folded stacks (a protobuf, a legacy text profile) give nil; text whose
    /// first line is a folded stack must be folded stacks throughout, or an error names the line.
    public static func parse(_ raw: [UInt8]) throws(ProfileError) -> Profile? {
        var lines = LineReader(raw)
        // Detection by content: the first line that is not blank must be a stack.
        var first: (Int, ArraySlice<UInt8>)?
        while let (n, line) = lines.next() {
            if isBlank(line) { continue }
            first = (n, line)
            break
        }
        guard let (firstNumber, firstLine) = first, looksLikeHeaderless(firstLine),
            let firstStack = split(firstLine)
        else { return nil }
        var builder = Builder()
        try builder.check(firstStack.value, line: firstNumber)
        builder.add(firstStack.frames, firstStack.value, line: firstNumber)
        while let (n, line) = lines.next() {
            if isBlank(line) { continue }
            guard let stack = split(line) else {
                throw ProfileError(
                    "folded stacks: line \(n) is not \"frame;frame;... count\" (a stack, a space and a whole number)")
            }
            try builder.check(stack.value, line: n)
            builder.add(stack.frames, stack.value, line: n)
        }
        return builder.profile()
    }

    /// Text profiles that happen to end their first line in a number (`goroutine profile: total 5`,
    /// `heap profile: …`) are other formats.
    static func looksLikeHeaderless(_ line: ArraySlice<UInt8>) -> Bool {
        guard let text = utf8(line) else { return false }
        if text.contains(" profile: ") || text.hasPrefix("--- ") || text.hasPrefix("%") { return false }
        return !text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" }
    }

    /// The text of valid UTF-8, nil for anything else (binary data).
    static func utf8(_ bytes: ArraySlice<UInt8>) -> String? {
        let s = String(decoding: bytes, as: UTF8.self)
        return s.utf8.elementsEqual(bytes) ? s : nil
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// `a;b;c 12` split into its frames and value; nil when the line is not of that form.
    static func split(_ line: ArraySlice<UInt8>) -> (frames: [String], value: Int64)? {
        var end = line.endIndex
        while end > line.startIndex, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        var digitsStart = end
        while digitsStart > line.startIndex, (0x30...0x39).contains(line[digitsStart - 1]) { digitsStart -= 1 }
        guard digitsStart < end, digitsStart > line.startIndex,
            line[digitsStart - 1] == 0x20 || line[digitsStart - 1] == 0x09,
            let value = Int64(String(decoding: line[digitsStart..<end], as: UTF8.self))
        else { return nil }
        var stackEnd = digitsStart - 1
        while stackEnd > line.startIndex, line[stackEnd - 1] == 0x20 || line[stackEnd - 1] == 0x09 { stackEnd -= 1 }
        guard stackEnd > line.startIndex, let text = utf8(line[line.startIndex..<stackEnd])
        else { return nil }
        let frames = text.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.isEmpty ? "[unknown]" : String($0)
        }
        return (frames, value)
    }

    /// Lines of the input with their numbers from 1, without the line break (`\n` or `\r\n`).
    struct LineReader {
        let bytes: [UInt8]
        var pos = 0
        var number = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func next() -> (Int, ArraySlice<UInt8>)? {
            guard pos < bytes.count else { return nil }
            let start = pos
            while pos < bytes.count && bytes[pos] != 0x0A { pos += 1 }
            var end = pos
            if pos < bytes.count { pos += 1 }
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            number += 1
            return (number, bytes[start..<end])
        }
    }

    /// Functions and locations by frame name, and samples by stack, summed.
    struct Builder {
        var p = Profile()
        var locationByName: [String: Int32] = [:]
        var sampleByStack: [[Int32]: Int] = [:]
        var total: Int64 = 0

        /// The sum of all values must fit in 64 bits (a report adds them up).
        mutating func check(_ value: Int64, line: Int) throws(ProfileError) {
            let (sum, overflow) = total.addingReportingOverflow(value)
            if overflow { throw ProfileError("folded stacks: line \(line): the counts add up to more than 2^63") }
            total = sum
        }

        mutating func add(_ frames: [String], _ value: Int64, line: Int) {
            var stack: [Int32] = []
            stack.reserveCapacity(frames.count)
            for name in frames.reversed() {
                if let l = locationByName[name] {
                    stack.append(l)
                    continue
                }
                let f = Int32(p.functions.count)
                p.functions.append(Function(id: UInt64(f) + 1, name: name, systemName: name))
                let l = Int32(p.locations.count)
                p.locations.append(Location(id: UInt64(l) + 1, lines: [Line(function: f, line: 0)]))
                locationByName[name] = l
                stack.append(l)
            }
            if let i = sampleByStack[stack] {
                p.samples[i].values[0] &+= value
            } else {
                sampleByStack[stack] = p.samples.count
                p.samples.append(Sample(locations: stack, values: [value]))
            }
        }

        func profile() -> Profile {
            var out = p
            out.sampleTypes = [ValueType(type: "samples", unit: "count")]
            out.periodType = ValueType(type: "samples", unit: "count")
            out.period = 1
            out.samples.removeAll { $0.values[0] == 0 }
            return out
        }
    }
}
