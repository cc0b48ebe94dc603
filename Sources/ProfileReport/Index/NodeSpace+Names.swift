import Foundation
import ProfileFormat

extension NodeSpace {
    /// Appends node `n`'s printed name (NodeInfo.printableName) as UTF-8.
    func appendName(_ n: Int, to out: inout [UInt8]) {
        let s = stringBytes
        s.bytes.withUnsafeBufferPointer { bytes in
            s.start.withUnsafeBufferPointer { start in
                appendName(keys[n], bytes, start, to: &out)
            }
        }
    }

    /// Appends the printed name of the node with key `k`, built from the strings' bytes
    /// (`bytes`, `start`: NodeSpace.stringBytes) rather than through NodeInfo: reports that name every
    /// node of a line-level graph name tens of thousands.
    @inline(__always)
    private func appendName(
        _ k: NodeKey, _ bytes: UnsafeBufferPointer<UInt8>, _ start: UnsafeBufferPointer<Int>, to out: inout [UInt8]
    ) {
        func put(_ id: Int32) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start[Int(id)]..<start[Int(id) + 1]]))
        }
        func isEmpty(_ id: Int32) -> Bool { start[Int(id)] == start[Int(id) + 1] }
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
        let s = stringBytes
        var out: [UInt8] = []
        // Room for the names of a line-level graph, whose nodes each name a function and a file.
        out.reserveCapacity(keys.reduce(32) { size, k in
            size + s.start[Int(k.name) + 1] - s.start[Int(k.name)] + s.start[Int(k.file) + 1] - s.start[Int(k.file)] + 24
        })
        var ends = [0]
        ends.reserveCapacity(nodeCount + 1)
        s.bytes.withUnsafeBufferPointer { bytes in
            s.start.withUnsafeBufferPointer { start in
                keys.withUnsafeBufferPointer { keys in
                    for k in keys {
                        appendName(k, bytes, start, to: &out)
                        ends.append(out.count)
                    }
                }
            }
        }
        out += repeatElement(0, count: 32)
        return (out, ends)
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
