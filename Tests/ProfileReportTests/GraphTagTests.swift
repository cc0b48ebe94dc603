import Foundation
import ProfileFormat
@testable import ProfileReport
import Testing

/// Tags summed in parts must equal the one-part sums, first-seen values included.
@Suite struct GraphTagTests {
    static func describe(_ g: Graph) -> [String] {
        g.nodes.map { n in
            var parts = n.labelTags.values.map { "L \($0.name) \($0.flat)/\($0.flatDiv)/\($0.cum)/\($0.cumDiv)" }
            for (labels, tags) in n.numericTags {
                parts += tags.values.map {
                    "N \(labels) \($0.name) \($0.unit) \($0.value) \($0.flat)/\($0.flatDiv)/\($0.cum)/\($0.cumDiv)"
                }
            }
            return n.printableName + " " + parts.sorted().joined(separator: "; ")
        }.sorted()
    }

    @Test(arguments: ["heap-leak", "cpu", "allocs-leak"])
    func partsEqualOne(_ name: String) throws {
        let data = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("Samples/\(name).pb.gz")))
        let p = try Profile.merge([Profile.parse(data)])
        let space = ProfileIndex(profile: p).nodeSpace(NodeSpace.Key(ReportConfig()))
        for mean in [false, true] {
            var o = GraphOptions(sampleIndex: p.sampleTypes.count - 1, meanDivisorIndex: mean ? 0 : nil)
            o.collectTags = true
            // A coarse format makes different values share a name, so first-seen values matter.
            let format: (Int64, String) -> String = { v, unit in Measurement.scaledLabel(v, from: unit, to: "mb") }
            o.formatTag = format
            o.sampleTags = SampleTagIndex(p.samples, format: format)
            let a = Parallel.$threshold.withValue(Int.max) { Self.describe(space.graph(o, nodesOnly: false, keep: nil)) }
            let b = Parallel.$threshold.withValue(1) { Self.describe(space.graph(o, nodesOnly: false, keep: nil)) }
            #expect(a == b)
            #expect(a.contains { $0.contains("; ") || $0.contains(" L ") || $0.contains(" N ") })
        }
    }
}

/// `tree`/`peek` render big graphs a piece at a time; joined, the pieces must equal one pass.
@Suite struct TreeRenderTests {
    @Test func halvesEqualOnePass() throws {
        let data = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("Samples/cpu.pb.gz")))
        let p = try Profile.merge([Profile.parse(data)])
        let rpt = try ReportPipeline.makeReport(
            p, command: "peek", format: .tree, argument: ".", config: ReportConfig(), warn: { _ in })
        let (g, _, _, _) = rpt.newTrimmedGraph()
        rpt.selectOutputUnit(g)
        let r = TreeRenderer(g, g.nodes, rpt)
        let halves = r.split(minimumLines: 0)
        #expect(halves.count > 2 || ProcessInfo.processInfo.activeProcessorCount == 1)
        #expect(halves.first?.lowerBound == 0 && halves.last?.upperBound == g.nodes.count)
        #expect(zip(halves, halves.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty })
        func rendered(_ range: Range<Int>) -> String {
            var out = ReportBytes()
            r.render(range, into: &out)
            return out.string
        }
        let joined = halves.map(rendered).joined()
        #expect(joined == rendered(0..<g.nodes.count))
        #expect(joined.contains("runtime.mallocgc"))
    }
}
