import Foundation
import ProfileFormat
@testable import ProfileReport
import Testing

/// Large graphs are summed in parts on the cores; the parts must add up to the one-part sum
/// exactly, whichever way the node space sums them.
@Suite struct GraphParallelTests {
    static func describe(_ g: Graph) -> [String] {
        g.nodes.map { n in
            let ins = n.inEdges.values.map { "\($0.src.printableName)>\($0.weight)/\($0.weightDiv)/\($0.residual)/\($0.inline)" }
                .sorted()
            return "\(n.printableName) \(n.flat) \(n.flatDiv) \(n.cum) \(n.cumDiv) [\(ins.joined(separator: " "))]"
        }.sorted()
    }

    /// The graph of `o` summed in one part and in as many as the cores allow.
    static func bothWays(_ space: NodeSpace, _ o: GraphOptions) -> (one: [String], parts: [String]) {
        func graph() -> [String] {
            space.lastSums = nil
            return describe(space.graph(o, nodesOnly: false, keep: nil))
        }
        return (
            Parallel.$threshold.withValue(Int.max) { graph() }, Parallel.$threshold.withValue(1) { graph() }
        )
    }

    @Test(arguments: ["heap-leak", "cpu", "allocs-leak", "block"])
    func partsEqualOne(_ name: String) throws {
        let data = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("Samples/\(name).pb.gz")))
        let p = try Profile.merge([Profile.parse(data)])
        var cfg = ReportConfig()
        cfg.granularity = .lines
        let space = ProfileIndex(profile: p).nodeSpace(NodeSpace.Key(cfg))
        for index in 0..<p.sampleTypes.count {
            var o = GraphOptions(sampleIndex: index)
            let all = Self.bothWays(space, o)
            #expect(all.one == all.parts)
            #expect(all.one.contains { $0.contains(">") })
            // Also with a kept set, which leaves residual edges: in tables of kept pairs, and
            // hashed when there are too many kept nodes for tables.
            let full = space.graph(o, nodesOnly: false, keep: nil)
            full.sortNodes(cum: false, visualMode: false)
            o.keptNodes = Set(full.nodes.prefix(8).map(\.info))
            for limit in [KeptGraphSums.largest, 0] {
                space.keptTableLimit = limit
                let kept = Self.bothWays(space, o)
                #expect(kept.one == kept.parts)
                #expect(kept.one.count == min(8, full.nodes.count))
            }
            space.keptTableLimit = KeptGraphSums.largest
        }
    }
}
