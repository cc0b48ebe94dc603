import Foundation
import ProfileFormat
@testable import ProfileReport
import Testing

/// Every job split by Parallel gives what it gives in one part.
@Suite struct ParallelPolicyTests {
    @Test func mapKeepsPartOrder() {
        #expect(Parallel.map(0) { $0 }.isEmpty)
        #expect(Parallel.map(1) { $0 * 10 } == [0])
        #expect(Parallel.map(7) { $0 * 10 } == [0, 10, 20, 30, 40, 50, 60])
        let ranges = Parallel.ranges(10, parts: 3)
        #expect(ranges == [0..<3, 3..<6, 6..<10])
    }

    @Test func thresholdDecidesParts() {
        #expect(Parallel.parts(10, from: 100, atMost: 4) == 1)
        Parallel.$threshold.withValue(1) {
            #expect(Parallel.parts(10, from: 100, atMost: 4) == min(Parallel.cores, 4))
        }
        Parallel.$threshold.withValue(Int.max) {
            #expect(Parallel.parts(1_000_000, from: 100, atMost: 4) == 1)
        }
    }

    /// The frame layout, the node sums and name matching, laid out and summed in parts.
    @Test(arguments: ["heap-leak", "cpu"])
    func indexInPartsEqualsOnePart(_ name: String) throws {
        let data = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("Samples/\(name).pb.gz")))
        let p = try Profile.merge([Profile.parse(data)])
        func made() -> [String] {
            let space = ProfileIndex(profile: p).nodeSpace(NodeSpace.Key(ReportConfig()))
            let s = space.sums(index: p.sampleTypes.count - 1, meanIndex: nil, keep: nil)
            let names = (0..<space.nodeCount).map { space.name($0) }
            let matched = parallelMatch(try! GoRegex("runtime\\..*alloc|main"), names)
            return [
                "\(space.sampleStart)", "\(space.frameNode)", "\(space.frameInline)",
                "\(s.flat) \(s.flatDiv) \(s.cum) \(s.cumDiv)", "\(matched)",
            ]
        }
        let one = Parallel.$threshold.withValue(Int.max) { made() }
        let parts = Parallel.$threshold.withValue(1) { made() }
        #expect(one == parts)
        #expect(one[4].contains("true"))
    }
}
