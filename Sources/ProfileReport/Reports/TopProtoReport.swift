import ProfileFormat

extension Report {
    /// `topproto`: the top entries as a profile of their own, one single-frame sample per node
    /// with the values `cum` and `flat` in the report's unit, as pprof's printTopProto makes it.
    public func topProtoBytes() -> [UInt8] {
        let (g, _, _, _) = newTrimmedGraph()
        selectOutputUnit(g)
        var out = Profile()
        out.sampleTypes = [
            ValueType(type: "cum", unit: options.outputUnit.description),
            ValueType(type: "flat", unit: options.outputUnit.description),
        ]
        out.timeNanos = profile.timeNanos
        out.durationNanos = profile.durationNanos
        out.periodType = profile.periodType
        out.period = profile.period
        struct FunctionKey: Hashable {
            var name, origName, file: String
            var startLine: Int
        }
        var functionIndex: [FunctionKey: Int32] = [:]
        for (i, n) in g.nodes.enumerated() {
            let info = n.info
            let key = FunctionKey(name: info.name, origName: info.origName, file: info.file, startLine: info.startLine)
            let fi: Int32
            if let existing = functionIndex[key] {
                fi = existing
            } else {
                fi = Int32(out.functions.count)
                functionIndex[key] = fi
                out.functions.append(
                    Function(
                        id: UInt64(out.functions.count + 1), name: info.name, systemName: info.origName,
                        filename: info.file, startLine: Int64(info.startLine)))
            }
            out.locations.append(
                Location(id: UInt64(i + 1), address: info.address, lines: [Line(function: fi, line: Int64(info.lineno))]))
            let flat = Measurement.scale(n.flatValue, from: options.sampleUnit, to: options.outputUnit).0
            let cum = Measurement.scale(n.cumValue, from: options.sampleUnit, to: options.outputUnit).0
            out.samples.append(Sample(locations: [Int32(i)], values: [goInt64(cum), goInt64(flat)]))
        }
        return out.serialized()
    }
}
