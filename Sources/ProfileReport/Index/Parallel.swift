import Foundation

/// The one policy for splitting work across the cores: every job that runs in parts asks here
/// how many parts to make, and runs them with `map`, the one place that carries data across
/// threads.
public enum Parallel {
    /// The cores this process may use.
    public static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// When set, the size from which every job is split, whatever its own threshold (tests set
    /// it to 1 and to `Int.max` to check that parts add up to the whole).
    @TaskLocal public static var threshold: Int?

    /// Into how many parts a job over `count` items is split: one below `threshold` items (the
    /// threads would cost more than they save) or on one core, else one per core, at most `limit`.
    public static func parts(_ count: Int, from threshold: Int, atMost limit: Int) -> Int {
        count >= (Self.threshold ?? threshold) ? max(1, min(cores, limit)) : 1
    }

    /// `body(part)` for each part in `0..<parts`, run side by side on the cores, the results
    /// in part order. `body` may read what it captures and write only what belongs to its part
    /// (its result, or its own slice of a buffer): that is what makes handing it to other
    /// threads sound, and what its callers promise.
    public static func map<T>(_ parts: Int, _ body: (Int) -> T) -> [T] {
        if parts <= 1 { return parts == 1 ? [body(0)] : [] }
        var results = [T?](repeating: nil, count: parts)
        results.withUnsafeMutableBufferPointer { out in
            withoutActuallyEscaping(body) { body in
                let shared = CrossThread((body, out))
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let (body, out) = shared.value
                    out[part] = body(part)
                }
            }
        }
        return results.map { $0! }
    }

    /// The closure and the result slots of one `map`, handed to its threads.
    private struct CrossThread<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// The ranges of `0..<count` that `parts` parts cover, in order and of near-equal sizes.
    public static func ranges(_ count: Int, parts: Int) -> [Range<Int>] {
        (0..<parts).map { ($0 * count / parts)..<(($0 + 1) * count / parts) }
    }
}
