import Glibc
import HeapProfiler
import ProfileFormat
import Testing

@testable import ImageService

@Suite("--memprofile's peak profile")
struct MemProfilePeakTests {
    @Test("--memprofile FILE.pb.gz also writes the peak in-use profile to FILE.peak.pb.gz")
    func writesPeakBeside() throws {
        let path = "/tmp/image-service-memprofile-peak-\(getpid()).pb.gz"
        let writer = MemProfileWriter(path: path, interval: nil, logger: .init(label: "test"))
        #expect(writer.peakPath == "/tmp/image-service-memprofile-peak-\(getpid()).peak.pb.gz")
        #expect(MemProfileWriter(path: "heap", interval: nil, logger: .init(label: "test")).peakPath == "heap.peak")
        defer {
            unlink(path)
            unlink(writer.peakPath)
            unlink(writer.seriesPath)
        }
        writer.write()
        let fd = open(writer.peakPath, O_RDONLY)
        try #require(fd >= 0, "no peak profile at \(writer.peakPath)")
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        close(fd)
        let profile = try Profile.parse(bytes)
        #expect(profile.comments.contains { $0.hasPrefix("peak of sampled in-use bytes") })
    }
}
