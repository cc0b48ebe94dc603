import Foundation
import Testing
@testable import ProfileFormat

/// The legacy formats go tool pprof reads: recognised by content, parsed as go parses them
/// (the byte-for-byte comparisons with go are the `legacy-` command-line goldens), and refused
/// with one line when a recognised format is malformed.
@Suite struct LegacyFormatTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/legacy")

    static func parse(_ name: String) throws -> Profile {
        try Profile.parse([UInt8](try Data(contentsOf: dir.appendingPathComponent(name))))
    }

    static func parse(text: String) throws(ProfileError) -> Profile {
        try Profile.parse(Array(text.utf8))
    }

    /// Each fixture and the sample types its format gives.
    static let kinds: [(String, [String])] = [
        ("cpu.prof", ["samples", "cpu"]),
        ("heapprofile.heap", ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]),
        ("heap_v2.heap", ["objects", "space"]),
        ("growth.heap", ["objects", "space"]),
        ("go-heap.txt", ["objects", "space"]),
        ("go-goroutine.txt", ["goroutine"]),
        ("go-mutex.txt", ["contentions", "delay"]),
        ("go-block.txt", ["contentions", "delay"]),
        ("threadcreate-stacks.txt", ["threadcreate"]),
        ("threadz.txt", ["thread"]),
        ("contentionz.txt", ["contentions", "delay"]),
        ("java-heapz.txt", ["inuse_objects", "inuse_space"]),
        ("java-contentionz.txt", ["contentions", "delay"]),
        ("java-cpu.prof", ["samples", "cpu"]),
        ("fragmentation.txt", ["objects", "space"]),
    ]

    @Test(arguments: kinds.map(\.0))
    func recognisedByContent(_ name: String) throws {
        let p = try Self.parse(name)
        let expected = Self.kinds.first { $0.0 == name }!.1
        #expect(p.sampleTypeNames == expected)
        #expect(!p.samples.isEmpty)
        // Java text profiles name every address, so nothing needs a mapping (the driver adds one).
        #expect(p.mappings.isEmpty == ["java-heapz.txt", "java-contentionz.txt"].contains(name))
        try p.validate()
    }

    @Test func heapV2ValuesAreUnsampled() throws {
        // One 75776-byte object at rate 65536: scale = 1/(1-exp(-75776/65536)).
        let p = try Self.parse(text: "heap profile: 1: 75776 [ 1: 75776] @ heap_v2/65536\n 1: 75776 [ 1: 75776] @ 0x401001 0x402001\n")
        let scale = 1 / (1 - exp(-75776.0 / 65536))
        #expect(p.samples[0].values == [Int64(scale), Int64(75776 * scale)])
        #expect(p.samples[0].numLabels == [NumLabel(key: "bytes", value: 75776)])
        // Return addresses become call addresses: one less.
        #expect(p.samples[0].locations.map { p.locations[Int($0)].address } == [0x401000, 0x402000])
        #expect(p.period == 65536)
        #expect(p.dropFrames.contains("tc_malloc"))
    }

    @Test func goDebugHeapRateIsHalved() throws {
        let p = try Self.parse(text: "heap profile: 1: 64 [1: 64] @ heap/1048576\n1: 64 [1: 64] @ 0x1001\n")
        #expect(p.period == 524288)
    }

    @Test func oddlySpacedLinesParseLikeRegularOnes() throws {
        // The hand-written fast path and the regular expression must agree.
        let regular = try Self.parse(text: "heap profile: 2: 20 [2: 20] @ heapprofile\n2: 20 [2: 20] @ 0xa1 0xb1\n")
        let odd = try Self.parse(text: "heap profile: 2: 20 [2: 20] @ heapprofile\n  2:20[2:20] @ 0xa1 0xb1 (trailing words)\n")
        #expect(regular.samples == odd.samples)
        #expect(regular.locations == odd.locations)
    }

    @Test func protobufIsNotMistakenForText() throws {
        // A real protobuf profile still goes to the protobuf decoder.
        let samples = Self.dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/heap-leak.pb.gz")
        let bytes = [UInt8](try Data(contentsOf: samples))
        let p = try Profile.parse(bytes)
        #expect(p.sampleTypeNames == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"])
        #expect(!LegacyProfile.mayBeLegacy(try Gzip.decompress(bytes, limit: 1 << 30)))
    }

    /// Malformed content in a recognised format: one line naming the defect.
    static let malformed: [(String, String)] = [
        ("heap profile: 1: 5 [1: 5] @ heapprofile\n0: 5 [0: 0] @ 0x1\n", "inuse count was 0 but inuse bytes was 5"),
        ("heap profile: 1: 5 [1: 5] @ heapprofile\n1: 5 [1: 5] @ 0x1ffffffffffffffffff\n", "failed to parse as hex 64-bit number"),
        ("heap profile: 1: 5 [1: 5] @ heapprofile\nthis is not a sample\n", "malformed heap profile sample"),
        ("goroutine profile: total 1\n1 @\n", "malformed goroutine profile"),
        ("--- heapz 1 ---\nformat = java\nresolution = bytes\n10 0 @ 0x1\n", "second value must be non-zero"),
        ("--- heapz 1 ---\nformat = java\n10 1 @ 0x1\n", "samples but no sample types"),
    ]

    @Test(arguments: malformed.indices)
    func malformedInputIsOneLine(_ i: Int) {
        let (text, phrase) = Self.malformed[i]
        #expect {
            _ = try Self.parse(text: text)
        } throws: { error in
            let message = "\(error)"
            return message.contains(phrase) && !message.contains("\n") && message.hasPrefix("parsing legacy profile")
        }
    }

    @Test func unrecognisedTextIsLeftToTheProtobufReader() {
        #expect(throws: ProfileError.self) { _ = try Self.parse(text: "hello, world\n") }
        #expect(throws: ProfileError.self) { _ = try Self.parse(text: "--- contentionz 1 ---\nbogus attribute = 1\n") }
    }

    @Test func truncatedCPUProfileIsNotACPUProfile() {
        // Header words, then a record that claims more frames than there are bytes.
        var words: [UInt64] = [0, 3, 0, 10000, 0, 1, 1000, 0x400000]  // var: bytes are taken in place
        let bytes = words.withUnsafeMutableBytes { Array($0) }
        #expect(throws: ProfileError.self) { _ = try Profile.parse(bytes) }
    }
}
