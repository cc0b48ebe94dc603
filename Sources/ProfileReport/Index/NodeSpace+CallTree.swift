import ProfileFormat

/// Call trees (`-call_tree` for `dot` and `callgrind`) from the node space's frames: one node
/// per node in each calling context, as pprof's graph.New makes them with CallTree set.
extension NodeSpace {
    /// The call tree over the samples `keep` lets through (all when nil), skipping the frames
    /// of nodes `kept` does not keep (all when nil). Each context node's `function` is the
    /// node of its function in the same context, made (without values) if no frame is it.
    /// With `tagIndex`, nodes get the tags of the samples through them.
    func callTree(_ o: GraphOptions, keep: [Bool]?, kept: [Bool]?, tagIndex: SampleTagIndex?) -> Graph {
        let functionOf = self.functionOf
        var nodes: [Node] = []
        var infos = [NodeInfo?](repeating: nil, count: nodeCount + functionKeys.count)
        // Context nodes by (parent context node, node or function number); -1 for the roots.
        var children = FastIndexTable(capacity: 1 << 10)
        var childKey: [UInt64] = []
        func context(_ n: Int32, under parent: Int32) -> Node {
            let key = UInt64(UInt32(bitPattern: parent)) << 32 | UInt64(UInt32(bitPattern: n))
            let h = mixHash(0x3C07_7EE5, key)
            if let c = children.find(h, { childKey[$0] == key }) { return nodes[c] }
            children.insert(h, nodes.count)
            childKey.append(key)
            let info = infos[Int(n)] ?? functionInfo(Int(n))
            infos[Int(n)] = info
            let node = Node(id: nodes.count, info: info)
            nodes.append(node)
            let f = Int(n) < nodeCount ? functionOf[Int(n)] : n
            node.function = f == n ? node : context(f, under: parent)
            return node
        }
        var tags = TagSums()
        let column = values[o.sampleIndex]
        let divisors = o.meanDivisorIndex.map { values[$0] }
        for si in 0..<samples.count {
            if let keep, !keep[si] { continue }
            let w = column[si]
            let dw = divisors?[si] ?? 0
            if dw == 0 && w == 0 { continue }
            var parent: Node?
            for f in Int(sampleStart[si])..<Int(sampleStart[si + 1]) {
                let n = frameNode[f]
                if let kept, !kept[Int(n)] { continue }
                let node = context(n, under: Int32(parent?.id ?? -1))
                node.addSample(dw: dw, w: w, flat: false)
                if let tagIndex { tags.add(tagIndex, sample: si, node: node.id, dw: dw, w: w, flat: false) }
                parent?.addToEdge(node, dv: dw, v: w, residual: false, inline: frameInline[f])
                parent = node
            }
            if let parent {
                parent.addSample(dw: dw, w: w, flat: true)
                if let tagIndex { tags.add(tagIndex, sample: si, node: parent.id, dw: dw, w: w, flat: true) }
            }
        }
        tagIndex?.attach(tags, to: { nodes[$0] })
        return Graph.selectNodes(nodes, dropNegative: o.dropNegative)
    }
}
