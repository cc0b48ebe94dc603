import Synchronization

/// Downloaded originals by URL, so a repeated URL is not fetched again.
///
/// Fixed mode keeps at most `budget` bytes and evicts the least recently used; leak mode (the
/// seed's bug, `--reproduce-seed-leak`) keeps everything for ever.
final class OriginalsCache: Sendable {
    private struct State {
        var entries: [String: (body: ImageBody, tick: UInt64)] = [:]
        var bytes = 0
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
    let budget: Int?

    /// `budget` nil: unbounded.
    init(budget: Int?) {
        self.budget = budget
    }

    func get(_ url: String) -> ImageBody? {
        state.withLock { s in
            guard let entry = s.entries[url] else { return nil }
            s.tick += 1
            s.entries[url] = (entry.body, s.tick)
            return entry.body
        }
    }

    func put(_ url: String, _ body: ImageBody) {
        // Evicted bodies are released after the lock is dropped: their deinit frees memory.
        let evicted: [ImageBody] = state.withLock { s in
            if let budget, body.capacity > budget { return [] }
            s.tick += 1
            if let old = s.entries.updateValue((body, s.tick), forKey: url) { s.bytes -= old.body.capacity }
            s.bytes += body.capacity
            guard let budget, s.bytes > budget else { return [] }
            var out: [ImageBody] = []
            let oldestFirst = s.entries.sorted { $0.value.tick < $1.value.tick }
            for (key, entry) in oldestFirst where s.bytes > budget && key != url {
                s.entries[key] = nil
                s.bytes -= entry.body.capacity
                out.append(entry.body)
            }
            return out
        }
        _ = evicted
    }

    /// Entries and bytes held.
    var usage: (entries: Int, bytes: Int) {
        state.withLock { ($0.entries.count, $0.bytes) }
    }
}
