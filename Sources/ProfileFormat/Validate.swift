extension Profile {
    /// Checks the invariants that decoding alone does not: sample types against sample values,
    /// and every cross reference in range. Throws a one-line description of the first problem.
    public func validate() throws(ProfileError) {
        let n = sampleTypes.count
        if n == 0 && !samples.isEmpty {
            throw ProfileError("malformed profile: it has samples but no sample types")
        }
        // Through a pointer: iterating the array would copy each sample (four retains, four releases).
        let locationCount = locations.count
        let bad: (index: Int, valueCount: Int?)? = samples.withUnsafeBufferPointer { all in
            for i in all.indices {
                let valueCount = all[i].values.count
                if valueCount != n { return (i, valueCount) }
                for l in all[i].locations where l < 0 || Int(l) >= locationCount { return (i, nil) }
            }
            return nil
        }
        if let (i, valueCount) = bad {
            if let valueCount {
                throw ProfileError("malformed profile: sample \(i) has \(valueCount) values for \(n) sample types")
            }
            throw ProfileError("malformed profile: sample \(i) refers to a location that does not exist")
        }
        for l in locations {
            if l.mapping >= Int32(mappings.count) {
                throw ProfileError("malformed profile: location \(l.id) refers to a mapping that does not exist")
            }
            for ln in l.lines where ln.function < 0 || Int(ln.function) >= functions.count {
                throw ProfileError("malformed profile: location \(l.id) has a line with no function")
            }
        }
    }
}
