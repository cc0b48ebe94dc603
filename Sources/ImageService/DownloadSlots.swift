import Synchronization

/// The one limit on downloads in flight across all requests (single thumbnails and batches
/// alike): a counting semaphore whose waiters leave the queue when their task is cancelled, so a
/// request that times out while waiting holds nothing.
final class DownloadSlots: Sendable {
    private struct State {
        var free: Int
        var nextID: UInt64 = 0
        /// Waiters in arrival order.
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        /// Ids that have asked but not yet queued their continuation.
        var arriving: Set<UInt64> = []
        /// Ids cancelled before they could queue.
        var cancelledEarly: Set<UInt64> = []
    }

    private let state: Mutex<State>
    /// How many downloads may run at once.
    let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
        state = Mutex(State(free: max(1, limit)))
    }

    /// Runs `work` holding a slot, waiting for one first if all are taken.
    func withSlot<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await work()
    }

    /// Slots in use and requests waiting for one.
    var usage: (busy: Int, waiting: Int) {
        state.withLock { (limit - $0.free, $0.waiters.count) }
    }

    private func acquire() async throws {
        let id: UInt64? = state.withLock { s in
            if s.free > 0 {
                s.free -= 1
                return nil
            }
            s.nextID += 1
            s.arriving.insert(s.nextID)
            return s.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                enum Outcome { case queued, granted, cancelled }
                let outcome: Outcome = state.withLock { s in
                    s.arriving.remove(id)
                    if s.cancelledEarly.remove(id) != nil { return .cancelled }
                    if s.free > 0 {
                        s.free -= 1
                        return .granted
                    }
                    s.waiters.append((id, c))
                    return .queued
                }
                switch outcome {
                case .queued: break
                case .granted: c.resume()
                case .cancelled: c.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Void, any Error>? = state.withLock { s in
                if let i = s.waiters.firstIndex(where: { $0.id == id }) { return s.waiters.remove(at: i).continuation }
                if s.arriving.contains(id) { s.cancelledEarly.insert(id) }
                return nil
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, any Error>? = state.withLock { s in
            if s.waiters.isEmpty {
                s.free += 1
                return nil
            }
            return s.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}

/// Runs a job against a clock: the whole of it, not only its first step.
///
/// The job comes in two parts. `produce`, the waiting (for a download slot, the network), runs in
/// a child task and hands what it gets over through a stream; `consume`, the work on it (the bytes
/// gathered into a buffer), runs in the caller's task. When the time is up, the stream ends with
/// `Exceeded` and the child is cancelled. The caller's task is never cancelled (on a keep-alive
/// connection it goes on to the next request), and the work stays in it, so the heap profile's
/// stacks of what `consume` allocates reach the caller: a Swift async stack ends where its task
/// began (docs/heap-profiler.md, "Stacks").
enum Deadline {
    /// The work did not finish in time.
    struct Exceeded: Error {}

    /// `consume`'s result from the parts `produce` yields, or `Exceeded` after `seconds`. Errors
    /// `produce` throws end the stream, so `consume` sees them where it reads. The stream also
    /// ends, without an error, when the caller's task is cancelled: `consume` must check.
    static func run<Part: Sendable, T>(
        seconds: Double,
        produce: @escaping @Sendable (AsyncThrowingStream<Part, any Error>.Continuation) async throws -> Void,
        consume: (AsyncThrowingStream<Part, any Error>) async throws -> T
    ) async throws -> T {
        let (parts, continuation) = AsyncThrowingStream<Part, any Error>.makeStream()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await produce(continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            group.addTask {
                // When the job ends first this child is cancelled: the sleep throws, and what a
                // child of this group throws is never read.
                try await Task.sleep(nanoseconds: UInt64(min(max(seconds, 0), 86_400) * 1e9))
                continuation.finish(throwing: Exceeded())
            }
            defer { group.cancelAll() }
            return try await consume(parts)
        }
    }
}
