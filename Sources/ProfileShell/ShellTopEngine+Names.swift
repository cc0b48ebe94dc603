import Foundation
import ProfileFormat
import ProfileReport

/// The engine's strings (names, file names, binaries) as UTF-8 bytes one after another:
/// string `i` is `bytes[start[i]..<start[i+1]]`.
struct StringBytes {
    let bytes: [UInt8]
    let start: [Int]

    init(_ strings: [String]) {
        var bytes: [UInt8] = []
        var start = [0]
        start.reserveCapacity(strings.count + 1)
        for s in strings {
            bytes += s.utf8
            start.append(bytes.count)
        }
        self.bytes = bytes
        self.start = start
    }
}

extension TopEngine {
    /// Appends node `n`'s printed name (NodeInfo.printableName) as UTF-8, built from the
    /// strings' bytes rather than through NodeInfo: reports that name every node of a
    /// line-level graph name tens of thousands.
    func appendName(_ n: Int, to out: inout [UInt8]) {
        let k = keys[n]
        let s = stringBytes
        func put(_ id: Int32) {
            s.bytes.withUnsafeBufferPointer { b in
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[s.start[Int(id)]..<s.start[Int(id) + 1]]))
            }
        }
        func isEmpty(_ id: Int32) -> Bool { s.start[Int(id)] == s.start[Int(id) + 1] }
        var first = true
        func separate() {
            if !first { out.append(0x20) }
            first = false
        }
        if k.address != 0 {
            separate()
            out += GoFormat.hex16(k.address).utf8
        }
        if !isEmpty(k.name) {
            separate()
            put(k.name)
        }
        if k.line != 0 {
            separate()
            put(k.file)
            out.append(0x3A)
            appendDecimal(k.line, to: &out)
        } else if !isEmpty(k.file) {
            separate()
            put(k.file)
        } else if !isEmpty(k.name) {
        } else {
            // A node of a binary alone, or of nothing known: rare; NodeInfo says how.
            separate()
            let info = NodeInfo(objfile: strings[Int(k.objfile)])
            out += info.nameComponents.last!.utf8
        }
    }

    /// Every node's printed name, as UTF-8 one after another: node `n`'s is
    /// `bytes[start[n]..<start[n+1]]`. 32 zero bytes follow the last, so that copies may read
    /// whole 32-byte words past any name's end (`traces`).
    func allNameBytes() -> (bytes: [UInt8], start: [Int]) {
        // Many nodes are named in two halves on two threads, then joined.
        let parts = nodeCount >= 20_000 && ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
        _ = stringBytes
        let out = UnsafeSendableBox([(bytes: [UInt8], ends: [Int])](repeating: ([], []), count: parts))
        let engine = UnsafeSendableBox(self)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var bytes: [UInt8] = [], ends: [Int] = []
            let range = (part * engine.value.nodeCount / parts)..<((part + 1) * engine.value.nodeCount / parts)
            ends.reserveCapacity(range.count)
            for n in range {
                engine.value.appendName(n, to: &bytes)
                ends.append(bytes.count)
            }
            out.value[part] = (bytes, ends)
        }
        var bytes: [UInt8] = []
        var start = [0]
        start.reserveCapacity(nodeCount + 1)
        for part in out.value {
            let offset = bytes.count
            bytes += part.bytes
            start += part.ends.lazy.map { $0 + offset }
        }
        bytes += repeatElement(0, count: 32)
        return (bytes, start)
    }
}

/// Appends `v` in decimal, as Go's %d writes it.
func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
    if v < 0 { out.append(0x2D) }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var m = v.magnitude
    var count = 0
    withUnsafeMutableBytes(of: &digits) { d in
        repeat {
            d[count] = UInt8(truncatingIfNeeded: m % 10) + 0x30
            m /= 10
            count += 1
        } while m > 0
        for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
    }
}
