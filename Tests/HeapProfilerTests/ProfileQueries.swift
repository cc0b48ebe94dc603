import ProfileFormat

/// Lookups the tests make in profiles.
extension Profile {
    /// The samples whose stack has a frame in a function whose name contains `function`, with the
    /// given `bytes` label when one is given.
    func samples(through function: String, bytes: Int64? = nil) -> [Sample] {
        samples.filter { s in
            (bytes == nil || s.numLabels.contains { $0.key == "bytes" && $0.value == bytes! })
                && s.locations.contains { locationIsIn(Int($0), function) }
        }
    }

    /// The sum of one sample type over `samples`.
    func total(_ type: String, _ samples: [Sample]) -> Int64 {
        guard let i = sampleTypes.firstIndex(where: { $0.type == type }) else { return 0 }
        return samples.reduce(0) { $0 + $1.values[i] }
    }

    func locationIsIn(_ index: Int, _ function: String) -> Bool {
        locations[index].lines.contains { functions[Int($0.function)].name.contains(function) }
    }

    /// The leaf location of a sample.
    func leafLines(_ s: Sample) -> [(function: Function, line: Int64)] {
        locations[Int(s.locations[0])].lines.map { (functions[Int($0.function)], $0.line) }
    }
}
