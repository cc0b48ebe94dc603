extension Profile {
    /// Checks the invariants that decoding alone does not: sample types against sample values,
    /// and every cross reference in range. Throws a one-line description of the first problem.
    public func validate() throws(ProfileError) {
        let n = sampleTypes.count
        try Self.checkDecoded(typeCount: n, sampleCount: samples.count, badSample: nil)
        for (i, s) in samples.enumerated() {
            if s.values.count != n {
                try Self.checkDecoded(typeCount: n, sampleCount: samples.count, badSample: (i, s.values.count))
            }
            for l in s.locations where l < 0 || Int(l) >= locations.count {
                throw ProfileError("malformed profile: sample \(i) refers to a location that does not exist")
            }
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
