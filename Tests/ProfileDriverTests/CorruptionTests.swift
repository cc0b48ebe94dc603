import Foundation
import ProfileFormat
import ProfileReport
import ProfileDriver
import Testing

/// Corrupted profiles either load and report, or fail with one line; they never crash or hang.
@Suite struct CorruptionTests {
    /// A small deterministic generator (SplitMix64), so failures can be replayed.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    @Test(arguments: ["heap-rate1", "cpu", "goroutine"])
    func mutatedBytesNeverCrash(_ name: String) throws {
        let gz = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("Samples/\(name).pb.gz")))
        let raw = try Gzip.decompress(gz)
        var rng = Rng(state: UInt64(name.utf8.count) &* 7919)
        var loaded = 0, refused = 0, reports = 0
        for _ in 0..<300 {
            var bytes = raw
            for _ in 0..<(1 + rng.below(4)) {
                switch rng.below(3) {
                case 0: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.removeSubrange(rng.below(bytes.count)...)
                default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count))
                }
                if bytes.isEmpty { bytes = [0] }
            }
            do {
                let p = try Profile.merge([Profile.parse(bytes)])
                loaded += 1
                for command in ["top", "traces", "tags", "raw", "tree", "dot"] {
                    let format: ReportFormat =
                        switch command {
                        case "top": .text
                        case "traces": .traces
                        case "tags": .tags
                        case "raw": .raw
                        case "tree": .tree
                        default: .dot
                        }
                    do {
                        let r = try ReportPipeline.makeReport(
                            p, command: command, format: format, config: ReportConfig(), warn: { _ in })
                        _ = try r.generate()
                        reports += 1
                    } catch {
                        #expect(Self.isOneLine(error.description), "\(command): \(error.description)")
                    }
                }
            } catch {
                refused += 1
                #expect(Self.isOneLine(error.description), "refusal: \(error.description)")
            }
        }
        // The mutations must reach both ways out: some profiles still load and report (the report
        // code meets damaged data), others are refused. A reader that accepted everything, or
        // refused everything, would leave one of these at zero.
        #expect(loaded > 0, "no mutated \(name) profile loaded: the report code was never exercised")
        #expect(refused > 0, "every mutated \(name) profile loaded: damage went unnoticed")
        #expect(reports > 0, "no report was made from a mutated \(name) profile")
    }

    /// A refusal is one line of text naming the problem.
    static func isOneLine(_ message: String) -> Bool {
        !message.trimmingCharacters(in: .whitespaces).isEmpty && !message.contains("\n")
    }
}
