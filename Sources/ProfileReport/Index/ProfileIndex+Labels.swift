import Foundation
import ProfileFormat

/// Each sample's labels as numbers, made once per profile: `tags` sums values per number.
struct SampleLabels {
    /// Sample `s` carries labels `ids[start[s]..<start[s+1]]`, one per label it has; ids below
    /// `labels.count` are string labels, the others numeric labels (`numeric[id - labels.count]`).
    let start: [Int32]
    let ids: [Int32]
    let labels: [Label]
    let numeric: [(key: String, value: Int64)]

    init(_ samples: [Sample]) {
        struct NumericKey: Hashable {
            var key: String
            var value: Int64
        }
        var labelIDs: [Label: Int32] = [:], numericIDs: [NumericKey: Int32] = [:]
        var labels: [Label] = [], numeric: [NumericKey] = []
        var start = [Int32](repeating: 0, count: samples.count + 1)
        var ids: [Int32] = []
        // Numeric ids are numbered apart and offset once all string labels are known.
        var isNumeric: [Bool] = []
        /// The number of `key` in `list`, added when new.
        func intern<K: Hashable>(_ key: K, _ known: inout [K: Int32], _ list: inout [K]) -> Int32 {
            if let id = known[key] { return id }
            let id = Int32(list.count)
            known[key] = id
            list.append(key)
            return id
        }
        for (i, s) in samples.enumerated() {
            for l in s.labels {
                ids.append(intern(l, &labelIDs, &labels))
                isNumeric.append(false)
            }
            for nl in s.numLabels {
                ids.append(intern(NumericKey(key: nl.key, value: nl.value), &numericIDs, &numeric))
                isNumeric.append(true)
            }
            start[i + 1] = Int32(ids.count)
        }
        let offset = Int32(labels.count)
        for k in ids.indices where isNumeric[k] { ids[k] += offset }
        self.start = start
        self.ids = ids
        self.labels = labels
        self.numeric = numeric.map { ($0.key, $0.value) }
    }
}

extension ProfileIndex {
    /// The profile `tags` reads, reduced to one sample per label and per numeric label (key
    /// and value) found on the samples `keep` lets through, each with the sum of value `index`
    /// over the samples that carry it (once per time they carry it): `tags` adds those values
    /// per key and value, so it prints from this what it prints from all the samples.
    func labelTotals(index: Int, keep: [Bool]?) -> Profile {
        let l = labelIndex
        var sums = [Int64](repeating: 0, count: l.labels.count + l.numeric.count)
        var seen = [Bool](repeating: false, count: sums.count)
        let column = values[index]
        l.ids.withUnsafeBufferPointer { ids in
            for si in 0..<count {
                if let keep, !keep[si] { continue }
                let v = column[si]
                for k in Int(l.start[si])..<Int(l.start[si + 1]) {
                    let id = Int(ids[k])
                    sums[id] &+= v
                    seen[id] = true
                }
            }
        }
        var reduced = profile
        reduced.samples = []
        let width = profile.sampleTypes.count
        for id in sums.indices where seen[id] {
            var values = [Int64](repeating: 0, count: width)
            values[index] = sums[id]
            if id < l.labels.count {
                reduced.samples.append(Sample(locations: [], values: values, labels: [l.labels[id]]))
            } else {
                let nl = l.numeric[id - l.labels.count]
                reduced.samples.append(
                    Sample(locations: [], values: values, numLabels: [NumLabel(key: nl.key, value: nl.value)]))
            }
        }
        return reduced
    }
}
