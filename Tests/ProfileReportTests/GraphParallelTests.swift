import Foundation
import ProfileFormat
import ProfileReport
import Testing

/// Large graphs are summed on two threads; the result must equal the one-thread sum exactly.
@Suite struct GraphParallelTests {
    static func describe(_ g: Graph) -> [String] {
        g.nodes.map { n in
            let ins = n.inEdges.values.map { "\($0.src.printableName)>\($0.weight)/\($0.weightDiv)/\($0.residual)/\($0.inline)" }
                .sorted()
            return "\(n.printableName) \(n.flat) \(n.flatDiv) \(n.cum) \(n.cumDiv) [\(ins.joined(separator: " "))]"
        }.sorted()
    }

    @Test(arguments: ["heap-leak", "cpu", "allocs-leak", "block"])
    func twoThreadsEqualOne(_ name: String) throws {
        let data = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("Samples/\(name).pb.gz")))
        let p = try Profile.merge([Profile.parse(data)])
        for index in 0..<p.sampleTypes.count {
            var one = GraphOptions(sampleIndex: index)
            one.parallelThreshold = Int.max
            var two = GraphOptions(sampleIndex: index)
            two.parallelThreshold = 1
            // Also with a kept set, which leaves residual edges.
            let full = Graph.build(p, one)
            full.sortNodes(cum: false, visualMode: false)
            let kept = Set(full.nodes.prefix(8).map(\.info))
            #expect(Self.describe(Graph.build(p, one)) == Self.describe(Graph.build(p, two)))
            one.keptNodes = kept
            two.keptNodes = kept
            #expect(Self.describe(Graph.build(p, one)) == Self.describe(Graph.build(p, two)))
        }
    }
}
