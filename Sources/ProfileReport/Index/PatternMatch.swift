import Foundation
import ProfileFormat

/// `re.matches` over many strings, split across the cores (simple patterns are matched
/// without the regexp engine by GoRegex itself).
func matchAll(_ re: GoRegex, _ strings: [String]) -> [Bool] {
    parallelMatch(re, strings)
}

/// `re.matches` over every node's printed name: simple patterns on the names' bytes (no
/// String is made for a name), the rest by the regexp.
func matchNames(_ re: GoRegex, _ engine: NodeSpace) -> [Bool] {
    guard let simple = re.simple else { return parallelMatch(re, (0..<engine.nodeCount).map { engine.name($0) }) }
    let names = engine.nameBytes
    var out = [Bool](repeating: false, count: engine.nodeCount)
    var rest: [Int] = []
    names.bytes.withUnsafeBufferPointer { bytes in
        for n in 0..<engine.nodeCount {
            let name = UnsafeBufferPointer(rebasing: bytes[names.start[n]..<names.start[n + 1]])
            if let m = simple.matches(utf8: name) { out[n] = m } else { rest.append(n) }
        }
    }
    if !rest.isEmpty {
        let matched = parallelMatch(re, rest.map { engine.name($0) })
        for (k, n) in rest.enumerated() { out[n] = matched[k] }
    }
    return out
}

/// `re.matches` over many strings, split across the cores.
func parallelMatch(_ re: GoRegex, _ strings: [String]) -> [Bool] {
    final class Results: @unchecked Sendable {
        var flags: [Bool]
        init(_ n: Int) { flags = [Bool](repeating: false, count: n) }
    }
    let results = Results(strings.count)
    let chunks = max(1, min(Parallel.cores * 2, strings.count / 256))
    let size = (strings.count + chunks - 1) / max(chunks, 1)
    results.flags.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let out = out
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * size, hi = min(strings.count, lo + size)
            if lo >= hi { return }
            for i in lo..<hi { out[i] = re.matches(strings[i]) }
        }
    }
    return results.flags
}
