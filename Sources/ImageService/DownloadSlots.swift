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

/// Runs work against a clock: the whole of it, not only its first step.
enum Deadline {
    /// The work did not finish in time.
    struct Exceeded: Error {}

    /// `work`'s result, or `Exceeded` after `seconds` (the work is cancelled then).
    static func run<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(min(max(seconds, 0), 86_400) * 1e9))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded() }
            return value
        }
    }
}
