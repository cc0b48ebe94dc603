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
    let ranges = Parallel.ranges(
        strings.count, parts: Parallel.parts(strings.count, from: 512, atMost: Parallel.cores))
    return Parallel.map(ranges.count) { part in ranges[part].map { re.matches(strings[$0]) } }.flatMap { $0 }
}
