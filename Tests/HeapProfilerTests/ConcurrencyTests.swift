import Glibc
import ProfileFormat
import Testing

@testable import HeapProfiler

extension HeapProfilerTests {
    @Test("threads that sample at once, then exit, lose no count")
    func threadsSampleAndExit() {
        HeapProfiler.start(rate: 1)
        let threads = 8, perThread = 2000
        var ids: [pthread_t] = []
        for _ in 0..<threads {
            var id = pthread_t()
            let status = pthread_create(&id, nil, { _ in
                Sites.churn(count: 2000, size: 333)
                return nil
            }, nil)
            #expect(status == 0)
            ids.append(id)
        }
        for id in ids { pthread_join(id, nil) }
        HeapProfiler.stop()
        let profile = HeapProfiler.snapshot()
        let samples = profile.samples(through: "Sites.churn", bytes: 333)
        #expect(profile.total("alloc_objects", samples) == Int64(threads * perThread))
        #expect(profile.total("inuse_objects", samples) == 0)
    }

    @Test("an allocation in async code is attributed to its async callers, through the task's contexts")
    func asyncCallers() async {
        HeapProfiler.start(rate: 1)
        let blocks = await AsyncSites.outer(count: 5)
        HeapProfiler.stop()
        defer { blocks.forEach { free($0) } }
        let profile = HeapProfiler.snapshot()
        let samples = profile.samples(through: "allocateExactly", bytes: 2222)
        #expect(profile.total("alloc_objects", samples) == 5)
        let stack = samples.first.map { s in s.locations.flatMap { profile.locations[Int($0)].lines.map { profile.functions[Int($0.function)].name } } } ?? []
        let inner = stack.firstIndex { $0.contains("AsyncSites.inner") }
        let outer = stack.firstIndex { $0.contains("AsyncSites.outer") }
        #expect(inner != nil && outer != nil, "\(stack)")
        if let inner, let outer { #expect(inner < outer, "\(stack)") }
    }

    @Test("fork while other threads sample: the child samples its own allocations")
    func forkWhileSampling() {
        HeapProfiler.start(rate: 1)
        defer { HeapProfiler.stop() }
        let stop = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        stop.initialize(to: 0)
        var workers: [pthread_t] = []
        for _ in 0..<2 {
            var id = pthread_t()
            pthread_create(&id, nil, { arg in
                let flag = arg!.assumingMemoryBound(to: Int.self)
                while atomicLoad(flag) == 0 { Sites.churn(count: 100, size: 48) }
                return nil
            }, stop)
            workers.append(id)
        }
        for _ in 0..<20 {
            let pid = fork()
            if pid == 0 {
                alarm(10)  // a deadlocked child dies of SIGALRM instead of hanging the test
                // At rate 1 each of the child's own 1000 mallocs is a sample: the count inherited
                // from the parent must grow by at least that much.
                let before = HeapProfiler.stats.samples
                Sites.churn(count: 1000, size: 64)
                _exit(HeapProfiler.stats.samples - before >= 1000 ? 0 : 3)
            }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            #expect(status == 0, "child status \(status)")
        }
        atomicStore(stop, 1)
        for id in workers { pthread_join(id, nil) }
        stop.deallocate()
    }
}

/// A load the optimizer cannot hoist out of the loop (the flag is written by another thread).
@inline(never)
func atomicLoad(_ p: UnsafeMutablePointer<Int>) -> Int {
    withUnsafeMutablePointer(to: &p.pointee) { UnsafeMutableRawPointer($0).load(as: Int.self) }
}

@inline(never)
func atomicStore(_ p: UnsafeMutablePointer<Int>, _ value: Int) {
    p.pointee = value
}
