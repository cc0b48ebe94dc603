// An allocation-heavy Swift workload for Benchmarks/service/alloc-overhead.sh: arrays, strings and
// class instances of mixed sizes through a few call levels. Most objects are freed at once; a ring
// of 512 nodes keeps each node for 512 iterations, so the heap in use stays about 1 MiB however
// many iterations run: the workload measures allocation, not retention (an earlier version let
// each node keep the one it replaced, so every node stayed alive and RSS grew without bound).
#if PROFILED
import HeapProfiler
#endif

final class Node {
    var payload: [UInt8]
    init(_ size: Int) {
        payload = [UInt8](repeating: 1, count: size)
    }
}

@inline(never) func level3(_ i: Int) -> Int {
    let s = String(repeating: "x", count: 16 + i % 200)
    return s.utf8.count + [Int](repeating: i, count: i % 64).count
}

@inline(never) func level2(_ i: Int, _ keep: inout [Node?]) -> Int {
    keep[i % keep.count] = Node(32 + (i * 7919) % 4000)
    return level3(i) + (keep[(i + 1) % keep.count]?.payload.count ?? 0)
}

@inline(never) func level1(iterations: Int) -> Int {
    var keep = [Node?](repeating: nil, count: 512)
    var sum = 0
    for i in 0..<iterations { sum &+= level2(i, &keep) }
    return sum
}

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
#if PROFILED
let rate = arguments.count > 2 ? Int(arguments[2]) ?? HeapProfiler.defaultRate : HeapProfiler.defaultRate
HeapProfiler.start(rate: rate)
#endif
// The loop alone is timed: HeapProfiler.start reads the executable's symbol table once (for the
// async-frame walk), a start-up cost that whole-process wall time would count against every run.
let clock = ContinuousClock()
let started = clock.now
let result = level1(iterations: iterations)
let loop = clock.now - started
#if PROFILED
HeapProfiler.stop()
print("samples \(HeapProfiler.stats.samples)")
#endif
print("loop_seconds \(Double(loop.components.seconds) + Double(loop.components.attoseconds) / 1e18)")
print("result \(result)")
