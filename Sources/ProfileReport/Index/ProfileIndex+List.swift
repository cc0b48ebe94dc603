import Foundation
import ProfileFormat

extension ProfileIndex {
    /// What identifies a node of the line graph `list` reads (line granularity, binary names
    /// kept): numbers for the name, file and binary, the function's first line, the line.
    struct ListKey: Hashable {
        var name: Int32
        var file: Int32
        var objfile: Int32
        var startLine: Int64
        var line: Int64
    }

    /// The graph `list` reads from Report.newGraph, for the functions whose name `symbol`
    /// matches: their nodes at line granularity with binary names (as Graph.build makes them
    /// with objNames over the profile aggregated to lines), in the order its node table makes
    /// them, with their values over the samples `keep` lets through. Nodes of other functions
    /// are left out: `list` prints only the matching ones.
    func listGraph(
        symbol: GoRegex, noInlines: Bool, trimPath: String, sourcePath: String, index: Int, meanIndex: Int?,
        keep: [Bool]?, dropNegative: Bool
    ) -> Graph {
        let p = profile
        let n = names
        // Which names match, each distinct function name once ("" stands for frames without one).
        let lines = lineIndex
        let candidates = lines.names
        let matched = matchAll(symbol, candidates.map { n.distinct[Int($0)] })

        // The lines of matching functions, in location and line order.
        var occurrences: [Int] = []
        for (k, id) in candidates.enumerated() where matched[k] {
            occurrences += Int(lines.start[Int(id)])..<Int(lines.start[Int(id) + 1])
        }
        occurrences.sort { lines.location[$0] != lines.location[$1] ? lines.location[$0] < lines.location[$1] : lines.line[$0] < lines.line[$1] }

        // The matching nodes in the order NodeTable.createNodes makes them: by location, by
        // line, each line's node followed by its function's (line 0) node.
        var table: [ListKey: Int32] = [:]
        var infos: [NodeInfo] = []
        var files: [String] = [""]
        var fileOf: [Int32: Int32] = [0: 0]
        func fileID(_ raw: Int32) -> Int32 {
            if let id = fileOf[raw] { return id }
            let trimmed = ProfileReport.trimPath(n.distinct[Int(raw)], trim: trimPath, search: sourcePath)
            let id = Int32(files.count)
            files.append(trimmed.isEmpty ? "" : cleanPath(trimmed))
            fileOf[raw] = id
            return id
        }
        func node(_ key: ListKey, function fi: Int) -> Int32 {
            if let id = table[key] { return id }
            let id = Int32(infos.count)
            table[key] = id
            var info = NodeInfo(lineno: Int(key.line), objfile: n.distinct[Int(key.objfile)])
            if fi >= 0 {
                info.name = p.functions[fi].name
                info.file = files[Int(key.file)]
                info.startLine = Int(key.startLine)
            }
            infos.append(info)
            return id
        }
        // Each matching location's nodes: `locationNodes[at...]` up to the next location's,
        // `at = slot[location]`; the leaf node is its first line's (last with noinlines).
        var slot = [Int32](repeating: -1, count: p.locations.count + 1)
        var slotStart: [Int32] = []
        var locationNodes: [Int32] = []
        var slotLeaf: [Int32] = []
        for o in occurrences {
            let li = Int(lines.location[o]), k = Int(lines.line[o])
            let loc = p.locations[li]
            let last = max(loc.lines.count - 1, 0)
            if noInlines && k != last { continue }
            if slot[li] < 0 {
                slot[li] = Int32(slotStart.count)
                slotStart.append(Int32(locationNodes.count))
                slotLeaf.append(-1)
            }
            let objfile = loc.mapping >= 0 ? n.mapping[Int(loc.mapping)] : 0
            var key = ListKey(name: 0, file: 0, objfile: objfile, startLine: 0, line: 0)
            var fi = -1
            if !loc.lines.isEmpty && loc.lines[k].function >= 0 {
                fi = Int(loc.lines[k].function)
                key.name = n.name[fi]
                key.file = fileID(n.file[fi])
                key.startLine = p.functions[fi].startLine
                key.line = loc.lines[k].line
            }
            let id = node(key, function: fi)
            if key.line != 0 {
                var function = key
                function.line = 0
                _ = node(function, function: fi)
            }
            locationNodes.append(id)
            if k == (noInlines ? last : 0) { slotLeaf[Int(slot[li])] = id }
        }
        slotStart.append(Int32(locationNodes.count))

        // Values: cum once per node per sample, flat at the leaf location's first line.
        var sums = GraphSums(nodeCount: infos.count)
        var stamp = [Int32](repeating: -1, count: infos.count)
        let column = values[index]
        let divisors = meanIndex.map { values[$0] }
        profile.samples.withUnsafeBufferPointer { samples in
            for si in 0..<count {
                if let keep, !keep[si] { continue }
                let w = column[si]
                let dw = divisors?[si] ?? 0
                if w == 0 && dw == 0 { continue }
                let locs = samples[si].locations
                if locs.isEmpty { continue }
                let mark = Int32(truncatingIfNeeded: si)
                for l in locs {
                    let at = Int(slot[Int(l)])
                    if at < 0 { continue }
                    for j in Int(slotStart[at])..<Int(slotStart[at + 1]) {
                        let id = Int(locationNodes[j])
                        if stamp[id] != mark {
                            stamp[id] = mark
                            sums.cum[id] &+= w
                            sums.cumDiv[id] &+= dw
                        }
                    }
                }
                // The leaf is the sample's first location.
                let leafSlot = Int(slot[Int(locs[0])])
                let leaf = leafSlot < 0 ? -1 : Int(slotLeaf[leafSlot])
                if leaf >= 0 {
                    sums.flat[leaf] &+= w
                    sums.flatDiv[leaf] &+= dw
                }
            }
        }
        return Graph.assemble(sums, info: { infos[$0] }, dropNegative: dropNegative)
    }
}

/// The lines of a profile's locations by function name: what `list` looks up.
struct LineIndex {
    /// The name numbers (ProfileIndex.names) that some line has, 0 for lines without a function
    /// and locations without lines.
    let names: [Int32]
    /// The lines of name `id`: `location[i]`, `line[i]` (index in the location's lines) for i in
    /// `start[id]..<start[id + 1]`, in location and line order.
    let start: [Int32]
    let location: [Int32]
    let line: [Int32]

    init(_ p: Profile, functionName: [Int32], nameCount: Int) {
        var count = [Int32](repeating: 0, count: nameCount + 1)
        func name(_ loc: Location, _ k: Int) -> Int {
            loc.lines.isEmpty || loc.lines[k].function < 0 ? 0 : Int(functionName[Int(loc.lines[k].function)])
        }
        for loc in p.locations {
            for k in 0..<max(loc.lines.count, 1) { count[name(loc, k) + 1] += 1 }
        }
        var names: [Int32] = []
        for id in 0..<nameCount where count[id + 1] > 0 { names.append(Int32(id)) }
        for id in 0..<nameCount { count[id + 1] += count[id] }
        var next = count
        var location = [Int32](repeating: 0, count: Int(count[nameCount]))
        var line = location
        for (li, loc) in p.locations.enumerated() {
            for k in 0..<max(loc.lines.count, 1) {
                let id = name(loc, k)
                let at = Int(next[id])
                next[id] += 1
                location[at] = Int32(li)
                line[at] = Int32(k)
            }
        }
        self.names = names
        start = count
        self.location = location
        self.line = line
    }
}
