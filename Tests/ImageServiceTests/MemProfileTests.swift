import Glibc
import HeapProfiler
import ProfileFormat
import Testing

@testable import ImageService

@Suite("--memprofile")
struct MemProfileTests {
    @Test("the writer leaves a whole heap profile at the path and no temporary file")
    func writesAtomically() throws {
        let path = "/tmp/image-service-memprofile-\(getpid()).pb.gz"
        let writer = MemProfileWriter(path: path, interval: nil, logger: .init(label: "test"))
        defer { for p in [path, writer.peakPath, writer.seriesPath] { unlink(p) } }
        writer.write()
        writer.write()  // a second write replaces the first
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while fd >= 0 {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        close(fd)
        let profile = try Profile.parse(bytes)
        #expect(profile.sampleTypes.map(\.type) == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"])
        #expect(access(path + ".tmp.\(getpid())", F_OK) != 0)
    }

    @Test("a profile cannot be written where there is no folder, and the error says where")
    func reportsFailures() {
        #expect(throws: HeapProfilerError.self) {
            try HeapProfiler.writeProfile(to: "/nonexistent-folder/heap.pb.gz")
        }
        do {
            try HeapProfiler.writeProfile(to: "/nonexistent-folder/heap.pb.gz")
        } catch {
            #expect(error.description.contains("/nonexistent-folder/heap.pb.gz"))
        }
    }
}
