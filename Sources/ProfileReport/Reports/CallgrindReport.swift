import ProfileFormat

extension Report {
    /// `callgrind`: the call graph in the format KCachegrind reads, as pprof's printCallgrind
    /// writes it (name compression, relative addresses, no trimming).
    public func printCallgrind(_ w: inout String) {
        options.nodeFraction = 0
        options.edgeFraction = 0
        options.nodeCount = 0
        let (g, _, _, _) = newTrimmedGraph()
        selectOutputUnit(g)
        let nodeNames = disambiguatedNames(g)
        w += "positions: instr line\n"
        w += "events: \(options.sampleType)(\(options.outputUnit))\n"
        var objfiles = CallgrindNames(), files = CallgrindNames(), names = CallgrindNames()
        var prev: NodeInfo?
        for n in g.nodes {
            let info = n.info
            if prev == nil || info.objfile != prev!.objfile || info.file != prev!.file || info.name != prev!.name {
                w += "\n"
                w += "ob=" + objfiles.name(info.objfile) + "\n"
                w += "fl=" + files.name(info.file) + "\n"
                w += "fn=" + names.name(info.name) + "\n"
            }
            let flat = Measurement.scale(n.flatValue, from: options.sampleUnit, to: options.outputUnit).0
            w += "\(callgrindAddress(prev, info.address)) \(info.lineno) \(goInt64(flat))\n"
            for e in sortedEdges(n.outEdges) {
                let c = Measurement.scale(e.weight, from: options.sampleUnit, to: options.outputUnit).0
                let callee = e.dest
                w += "cfl=" + files.name(callee.info.file) + "\n"
                w += "cfn=" + names.name(nodeNames[callee.id] ?? callee.info.name) + "\n"
                w += "calls=0 \(callgrindAddress(prev, callee.info.address)) \(callee.info.lineno)\n"
                w += "* * \(goInt64(c))\n"
            }
            prev = info
        }
    }

    /// Callgrind merges functions with the same file and name; nodes of one name with different
    /// `function` nodes (contexts of a call tree) get a ` [i/n]` suffix.
    private func disambiguatedNames(_ g: Graph) -> [Int: String] {
        struct Key: Hashable {
            var file: String
            var name: String
        }
        var index: [Key: [Int: Int]] = [:]
        for n in g.nodes {
            let k = Key(file: n.info.file, name: n.info.name)
            let fid = n.function.id
            var p = index[k] ?? [:]
            if p[fid] == nil {
                p[fid] = p.count
                index[k] = p
            }
        }
        var out: [Int: String] = [:]
        for n in g.nodes {
            let k = Key(file: n.info.file, name: n.info.name)
            var name = n.info.name
            if let p = index[k], p.count > 1 { name += " [\(p[n.function.id]! + 1)/\(p.count)]" }
            out[n.id] = name
        }
        return out
    }

    /// An address relative to the previous one when that is shorter (`*` when equal).
    private func callgrindAddress(_ prev: NodeInfo?, _ current: UInt64) -> String {
        let absolute = GoFormat.hexPrefixed(current)
        guard let prev else { return absolute }
        if prev.address == current { return "*" }
        let diff = Int64(bitPattern: current &- prev.address)
        let relative = diff >= 0 ? "+\(diff)" : "\(diff)"
        return relative.utf8.count < absolute.utf8.count ? relative : absolute
    }
}

/// Callgrind's name compression: "(N) name" the first time, "(N)" after.
struct CallgrindNames {
    private var ids: [String: Int] = [:]

    mutating func name(_ s: String) -> String {
        if s.isEmpty { return "" }
        if let id = ids[s] { return "(\(id))" }
        let id = ids.count + 1
        ids[s] = id
        return "(\(id)) \(s)"
    }
}
