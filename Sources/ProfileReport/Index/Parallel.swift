import Foundation

/// The one policy for splitting work across the cores: every job that runs in parts asks here
/// how many parts to make.
public enum Parallel {
    /// The cores this process may use.
    public static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Into how many parts a job over `count` items is split: one below `threshold` items (the
    /// threads would cost more than they save) or on one core, else one per core, at most `limit`.
    public static func parts(_ count: Int, from threshold: Int, atMost limit: Int) -> Int {
        count >= threshold ? max(1, min(cores, limit)) : 1
    }
}
