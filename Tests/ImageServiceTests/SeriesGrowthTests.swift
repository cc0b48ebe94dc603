import Foundation
import Testing

/// The committed series of the image service (Samples/service/series, made by
/// Samples/service/series.sh with --memprofile-interval): `pprof -growth` names the leak without a
/// baseline, and calls nothing growing in the fixed service once its cache is full.
@Suite("pprof -growth on the service's snapshot series")
struct SeriesGrowthTests {
    static let series = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/service/series")

    /// Runs the built pprof (beside the test binary) with `-growth` over the numbered snapshots of
    /// `mode`, and returns the report's rows: [first, last, change, slope, steady, verdict, trend, name…].
    static func growthRows(_ mode: String) throws -> (rows: [[String]], text: String) {
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let pprof = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("pprof").path
        try #require(FileManager.default.isExecutableFile(atPath: pprof), "pprof is built beside the tests")
        let folder = series.appendingPathComponent(mode)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.range(of: #"^heap\.[0-9]{4,}\.pb\.gz$"#, options: .regularExpression) != nil }.sorted()
            .map { folder.appendingPathComponent($0).path }
        try #require(files.count >= 4, "\(mode): \(files.count) snapshots")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pprof)
        process.arguments = ["-growth"] + files.reversed()  // the profiles' times order them
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n")
        guard let header = lines.firstIndex(where: { $0.hasPrefix("     first") }) else { return ([], text) }
        return (lines[(header + 1)...].map { $0.split(separator: " ").map(String.init) }, text)
    }

    @Test("leak mode: the leaking read path is the first row and grows")
    func leakRanksFirst() throws {
        let (rows, text) = try Self.growthRows("leak")
        let first = try #require(rows.first, "\(text)")
        #expect(first.last == "ImageService.GrowingBodyReader.readBodyGrowing(_:)", "\(text)")
        #expect(first[5] == "grows", "\(text)")
    }

    @Test("fixed mode, cache full: no row grows")
    func fixedDoesNotGrow() throws {
        let (rows, text) = try Self.growthRows("fixed")
        #expect(!rows.isEmpty, "\(text)")
        #expect(rows.allSatisfy { $0.count > 5 && $0[5] != "grows" }, "\(text)")
        #expect(text.contains("; 0 grow"), "\(text)")
    }
}
