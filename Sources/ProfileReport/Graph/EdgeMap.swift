/// A node's edges keyed by the id of the node at the other end: a small map kept as two arrays
/// (most nodes have a handful of edges), with a hash index once it grows. Building graphs with
/// a hundred thousand edges spent much of its time inserting into dictionaries.
/// Iteration is in insertion order, except that a removal moves the last entry into the gap.
public struct EdgeMap: Sequence {
    private var keys: [Int] = []
    private var edges: [Edge] = []
    private var index: [Int: Int]?
    /// From this many entries on, lookups go through `index`.
    private static let indexFrom = 12

    public init() {}

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }
    /// The edges, in iteration order.
    public var values: [Edge] { edges }

    public mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        edges.reserveCapacity(n)
    }

    private func position(of key: Int) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    public subscript(key: Int) -> Edge? {
        get { position(of: key).map { edges[$0] } }
        set {
            if let p = position(of: key) {
                if let newValue {
                    edges[p] = newValue
                } else {
                    remove(at: p)
                }
                return
            }
            guard let newValue else { return }
            keys.append(key)
            edges.append(newValue)
            if index != nil {
                index![key] = keys.count - 1
            } else if keys.count >= Self.indexFrom {
                var made = [Int: Int](minimumCapacity: keys.count * 2)
                for (i, k) in keys.enumerated() { made[k] = i }
                index = made
            }
        }
    }

    private mutating func remove(at p: Int) {
        let last = keys.count - 1
        index?[keys[p]] = nil
        if p != last {
            keys[p] = keys[last]
            edges[p] = edges[last]
            index?[keys[p]] = p
        }
        keys.removeLast()
        edges.removeLast()
    }

    public func makeIterator() -> Zip2Sequence<[Int], [Edge]>.Iterator {
        zip(keys, edges).makeIterator()
    }
}
