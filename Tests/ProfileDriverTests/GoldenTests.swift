import Foundation
import ProfileDriver
import Testing

/// Every command-line golden recorded from go tool pprof must come out byte for byte the same.
@Suite struct GoldenTests {
    static let cases = GoldenCase.load()

    @Test func manifestIsRich() {
        #expect(Self.cases.count >= 65)
    }

    @Test(arguments: cases)
    func matchesGoToolPprof(_ golden: GoldenCase) throws {
        // Paths in the goldens are relative to the repo root, as recorded.
        let expected = try golden.expected()
        let result = runPprof(golden.args)
        #expect(result.status == 0, "exit status \(result.status): \(result.err)")
        if result.out != expected {
            let ours = String(decoding: result.out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let theirs = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(ours, theirs).enumerated().first { $0.element.0 != $0.element.1 }
            let where_ = first.map { "line \($0.offset + 1):\n  ours: \($0.element.0)\n  go:   \($0.element.1)" }
                ?? "lengths differ: \(ours.count) vs \(theirs.count) lines"
            Issue.record("\(golden.name) differs from go tool pprof at \(where_)")
        }
    }
}
