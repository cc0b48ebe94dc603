import Foundation
import Testing
@testable import ProfileFormat

/// Every malformed input is refused with a one-line error that names the defect; nothing crashes or hangs.
@Suite struct BadInputTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bad")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
    }

    /// File name and a phrase its error must contain.
    static let cases: [(String, String)] = [
        ("empty.pb.gz", "empty input file"),
        ("truncated-gzip.pb.gz", "unexpected end of gzip data"),
        ("random-bytes.bin", "not a valid pprof profile"),
        ("plain-text.txt", "the input is text"),
        ("endless-varint.pb", "never ends"),
        ("endless-varint.pb.gz", "never ends"),
        ("length-past-end.pb.gz", "claims 1000 bytes, but only 5 remain"),
        ("string-index-out-of-range.pb.gz", "refers to string 99"),
        ("string-table-0-not-empty.pb.gz", "string_table[0] must be the empty string"),
        ("sample-missing-location.pb.gz", "refers to location 999, which does not exist"),
        ("location-missing-function.pb.gz", "refers to function 999, which does not exist"),
        ("sample-value-count-mismatch.pb.gz", "has 3 values for 4 sample types"),
        ("wire-type-mismatch.pb.gz", "should be a message but is a varint"),
        ("invalid-wire-type.pb.gz", "invalid wire type 7"),
        ("gzip-of-garbage.pb.gz", "not a valid pprof profile"),
        ("samples-without-sample-types.pb.gz", "samples but no sample types"),
    ]

    @Test(arguments: cases.map(\.0))
    func refusedWithAClearError(_ name: String) throws {
        let data = try Self.bytes(name)
        let phrase = Self.cases.first { $0.0 == name }!.1
        do {
            _ = try Profile.parse(data)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.description.contains(phrase), "\(name): \(error.description)")
            #expect(!error.description.contains("\n"), "one line: \(error.description)")
        }
    }

    @Test func gzipBombsStopAtTheCapAndSaySo() throws {
        for name in ["gzip-bomb-zeros.pb.gz", "gzip-bomb-comments.pb.gz"] {
            let data = try Self.bytes(name)
            do {
                _ = try Profile.parse(data, maxInflatedSize: 64 << 20)
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.description.contains("more than 64 MiB"))
                #expect(error.description.contains("PPROF_MAX_INFLATED_BYTES"))
            }
        }
    }

    @Test func aMissingMappingIsToleratedAsGoDoes() throws {
        let p = try Profile.parse(Self.bytes("location-missing-mapping.pb.gz"))
        #expect(p.locations.contains { $0.mapping == -1 })
    }

    @Test func aValidProfileStillParses() throws {
        let p = try Profile.parse(Self.bytes("valid-small.pb.gz"))
        #expect(!p.samples.isEmpty)
    }

    @Test func everyTruncationOfAValidProfileFailsCleanly() throws {
        // Cut the raw protobuf at every length: each prefix either parses or gives one line of error.
        let valid = try Gzip.decompress(Self.bytes("valid-small.pb.gz"))
        for n in 0..<valid.count {
            do {
                _ = try Profile.parse(Array(valid.prefix(n)))
            } catch {
                #expect(!error.description.isEmpty && !error.description.contains("\n"))
            }
        }
    }

    @Test func unmergeableProfilesAreRefused() throws {
        let a = try Profile.parse(Self.bytes("unmergeable-a.pb.gz"))
        let b = try Profile.parse(Self.bytes("unmergeable-b.pb.gz"))
        #expect(throws: ProfileError.self) { try Profile.merge([a, b]) }
    }
}
