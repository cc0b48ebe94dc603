import Foundation
import Glibc
import HeapProfiler
import ProfileFormat
import Testing

@testable import ImageService

@Suite("--memprofile-interval's numbered snapshots")
struct MemProfileSeriesTests {
    static func scratchFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "memprofile-series-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("each write is a new numbered snapshot; only the newest --memprofile-keep stay")
    func numberedAndBounded() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = MemProfileWriter(path: folder + "/heap.pb.gz", interval: 60, keep: 3, logger: .init(label: "test"))
        #expect(writer.numberedPath(7) == folder + "/heap.0007.pb.gz")
        #expect(writer.numberedPath(12345) == folder + "/heap.12345.pb.gz")
        for _ in 0..<5 { writer.write() }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(
            names == ["heap.0003.pb.gz", "heap.0004.pb.gz", "heap.0005.pb.gz", "heap.peak.pb.gz", "heap.series.json"])
        // Each is a whole heap profile, later ones later.
        let times = try (3...5).map { n in
            try Profile.parse(Array(FileManager.default.contents(atPath: writer.numberedPath(n))!)).timeNanos
        }
        #expect(times == times.sorted())
        let series = try #require(
            JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: writer.seriesPath)!) as? [String: Any])
        #expect(series["kind"] as? String == "heap-inuse-series")
    }

    @Test("numbering goes on after the highest number already there; other files are left alone")
    func numberingContinues() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["heap.0041.pb.gz", "heap.notes.pb.gz", "heap.12.pb.gz", "other.0099.pb.gz"] {
            #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data()))
        }
        let writer = MemProfileWriter(path: folder + "/heap.pb.gz", interval: 60, keep: 1, logger: .init(label: "test"))
        #expect(writer.numberedSnapshots().map(\.number) == [41])
        writer.write()
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(names.contains("heap.0042.pb.gz") && !names.contains("heap.0041.pb.gz"))
        #expect(names.isSuperset(of: ["heap.notes.pb.gz", "heap.12.pb.gz", "other.0099.pb.gz"]))
    }

    @Test("without an interval, --memprofile FILE is written as named, with the series beside it")
    func plainFileAndSeries() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = MemProfileWriter(path: folder + "/heap.pb.gz", interval: nil, logger: .init(label: "test"))
        writer.write()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["heap.pb.gz", "heap.peak.pb.gz", "heap.series.json"])
        #expect(MemProfileWriter(path: "heap", interval: nil, logger: .init(label: "test")).seriesPath == "heap.series.json")
    }
}
