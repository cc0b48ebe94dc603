import CProfileProto
import Foundation
import Testing
@testable import ProfileFormat

/// Locations and functions are read straight from their messages when they are in the usual
/// encoding, and by protobuf-c otherwise: both must read the same tables, and an encoding the
/// direct reader leaves alone must still be read (or refused) as protobuf-c does.
@Suite struct DirectTablesTests {
    /// The tables as protobuf-c unpacks them from the whole message.
    static func unpacked(_ raw: [UInt8]) -> DirectTables? {
        guard let arena = pprof_arena_new() else { return nil }
        defer { pprof_arena_free(arena) }
        let message = raw.withUnsafeBufferPointer { buf in
            perftools__profiles__profile__unpack(pprof_arena_allocator(arena), buf.count, buf.baseAddress)
        }
        return message.map { DirectTables($0.pointee) }
    }

    static func direct(_ raw: [UInt8]) -> DirectTables? {
        guard let fields = TopLevelFields(raw) else { return nil }
        return DirectTables(raw, fields)
    }

    @Test func theSampleProfilesReadAlike() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: MergeFastPathTests.samplesDir.path)
            .filter { $0.hasSuffix(".pb.gz") }
        #expect(!names.isEmpty)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: MergeFastPathTests.samplesDir.appendingPathComponent(name)))
            let raw = try Gzip.decompress(bytes)
            let direct = try #require(Self.direct(raw), "\(name)")
            #expect(direct == Self.unpacked(raw), "\(name)")
            #expect(direct.locations.count > 0 && direct.functions.count > 0, "\(name)")
        }
    }

    @Test(arguments: 0..<20)
    func generatedProfilesReadAlike(seed: Int) throws {
        var rng = SplitMix(seed: UInt64(seed) &+ 500)
        let raw = MergeFastPathTests.randomProfile(&rng).serialized(compress: false)
        #expect(Self.direct(raw) == Self.unpacked(raw))
    }

    // A location message: id 7, mapping 1, address 0x40, one line (function 3, line 9).
    static let line: [UInt8] = [0x08, 0x03, 0x10, 0x09]
    static func location(_ extra: [UInt8] = [], line: [UInt8] = line) -> [UInt8] {
        [0x08, 0x07, 0x10, 0x01, 0x18, 0x40, 0x22, UInt8(line.count)] + line + extra
    }
    static func profile(location: [UInt8]) -> [UInt8] {
        // string table "", a function 3 named "f" (string 1), the location.
        [0x32, 0x00, 0x32, 0x01, UInt8(ascii: "f"), 0x2a, 0x04, 0x08, 0x03, 0x10, 0x01, 0x22, UInt8(location.count)]
            + location
    }

    @Test func unknownAndRepeatedFieldsAreReadAsProtobufCReadsThem() throws {
        // An unknown varint field (9) and an unknown message field (10); the id given twice.
        for extra: [UInt8] in [[0x48, 0x05], [0x52, 0x02, 0x01, 0x02], [0x08, 0x08]] {
            let raw = Self.profile(location: Self.location(extra))
            let direct = try #require(Self.direct(raw))
            #expect(direct == Self.unpacked(raw))
        }
        let twice = try #require(Self.direct(Self.profile(location: Self.location([0x08, 0x08]))))
        #expect(twice.locations.map(\.id) == [8])
    }

    @Test func otherEncodingsAreLeftToProtobufC() throws {
        // The id as a length-delimited field, a fixed-width unknown field, a line whose
        // function id is a message: not read directly, and the profile reads or fails as before.
        let cases: [[UInt8]] = [
            Self.location([0x0a, 0x01, 0x07]),
            Self.location([0x49, 0, 0, 0, 0, 0, 0, 0, 0]),
            Self.location(line: [0x0a, 0x01, 0x03]),
        ]
        for location in cases {
            let raw = Self.profile(location: location)
            #expect(Self.direct(raw) == nil)
            var parsed = "", unpacked = ""
            do { _ = try Profile.parse(raw) } catch { parsed = error.description }
            if Self.unpacked(raw) == nil { unpacked = "refused" }
            #expect(parsed.isEmpty == unpacked.isEmpty, "\(location)")
        }
    }
}
