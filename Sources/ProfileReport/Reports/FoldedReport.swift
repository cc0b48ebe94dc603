import ProfileFormat

extension Report {
    /// `-folded`: one line per distinct stack, `root;caller;…;leaf value`, as flamegraph.pl,
    /// inferno and speedscope read them. Frames are named at the report's granularity (inlined
    /// frames are frames of their own), values are the sample type's in its own unit (bytes,
    /// nanoseconds, counts); identical stacks are summed, stacks that sum to zero left out, and
    /// lines sorted by stack. A `;` in a name becomes `:` and line breaks become spaces, so that
    /// every line splits back into the same frames.
    public func printFolded() -> [UInt8] {
        let names = locationFrames()
        var sums: [String: Int64] = [:]
        var frames: [String] = []
        for s in profile.samples {
            var v = s.values[options.sampleIndex]
            if let mi = options.meanDivisorIndex {
                let d = s.values[mi]
                if d != 0 { v /= d }
            }
            if v == 0 { continue }
            frames.removeAll(keepingCapacity: true)
            for l in s.locations.reversed() {
                for f in names[Int(l)].reversed() { frames.append(Self.foldedName(f.name)) }
            }
            if frames.isEmpty { continue }
            sums[frames.joined(separator: ";"), default: 0] &+= v
        }
        var w = ReportBytes()
        for (stack, v) in sums.sorted(by: { $0.key < $1.key }) where v != 0 {
            w.append(stack)
            w.append(" \(v)\n")
        }
        return w.bytes
    }

    /// One frame of a location at the report's granularity.
    public struct Frame: Sendable {
        /// The printed name.
        public let name: String
        /// Inlined into the next frame toward the root.
        public let inline: Bool
    }

    /// For each location, its frames leaf first (inlined frames before their caller), named as
    /// the report names nodes; frames the filters hid are left out.
    public func locationFrames() -> [[Frame]] {
        locationFrames(trimsFiles: true)
    }

    /// locationFrames, with file names trimmed as graphs trim them or as the profile has them.
    func locationFrames(trimsFiles: Bool) -> [[Frame]] {
        let space = graphSpace(objNames: false, trimsFiles: trimsFiles).space
        let start = space.locationStart, nodes = space.locationNode
        return (0..<profile.locations.count).map { l in
            // The space lists a location's nodes caller first.
            let first = Int(start[l])
            return (first..<Int(start[l + 1])).reversed().map { f in
                Frame(name: space.name(Int(nodes[f])), inline: f != first)
            }
        }
    }

    static func foldedName(_ name: String) -> String {
        guard name.contains(where: { $0 == ";" || $0 == "\n" || $0 == "\r" }) else { return name }
        var s = ""
        for c in name {
            switch c {
            case ";": s.append(":")
            case "\n", "\r", "\r\n": s.append(" ")
            default: s.append(c)
            }
        }
        return s
    }
}
