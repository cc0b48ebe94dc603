// An allocation-heavy Swift workload for Benchmarks/service/alloc-overhead.sh: arrays, strings and
// class instances of mixed sizes, most freed soon, some kept for a while, through a few call levels.
#if PROFILED
import HeapProfiler
#endif

final class Node {
    var payload: [UInt8]
    var next: Node?
    init(_ size: Int, next: Node?) {
        payload = [UInt8](repeating: 1, count: size)
        self.next = next
    }
}

@inline(never) func level3(_ i: Int) -> Int {
    let s = String(repeating: "x", count: 16 + i % 200)
    return s.utf8.count + [Int](repeating: i, count: i % 64).count
}

@inline(never) func level2(_ i: Int, _ keep: inout [Node?]) -> Int {
    keep[i % keep.count] = Node(32 + (i * 7919) % 4000, next: keep[(i + 1) % keep.count])
    return level3(i)
}

@inline(never) func level1(iterations: Int) -> Int {
    var keep = [Node?](repeating: nil, count: 512)
    var sum = 0
    for i in 0..<iterations { sum &+= level2(i, &keep) }
    return sum
}

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 2_000_000 : 2_000_000
#if PROFILED
let rate = arguments.count > 2 ? Int(arguments[2]) ?? HeapProfiler.defaultRate : HeapProfiler.defaultRate
HeapProfiler.start(rate: rate)
#endif
let result = level1(iterations: iterations)
#if PROFILED
HeapProfiler.stop()
print("samples \(HeapProfiler.stats.samples)")
#endif
print("result \(result)")
