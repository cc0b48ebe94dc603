import AsyncHTTPClient
import Foundation
import NIOCore
import ProfileFormat
import Testing

/// The profiling workflow end to end: the built `image-service` with its sampler on, a bounded
/// load over loopback, and the heap profile fetched from its own route. The seed's leak must show
/// up where it is (in-use bytes on the growing read path, about twice each body, kept), and the
/// fixed mode's originals must stay within the cache's bound.
///
/// The service runs as its own process: the sampler is process-wide, and the heap profiler's
/// tests in this test process start and stop it with rates of their own.
@Suite("The service's heap profile, end to end", .serialized)
struct ServiceHeapProfileTests {
    /// forest-1280x960.jpg: its body, and the buffer the seed's reader ends with (doubled from 4 KiB).
    static let bodyBytes: Int64 = 133_079
    static let grownBytes: Int64 = 262_144
    /// Distinct originals fetched: in fixed mode, more than the cache below can hold.
    static let requests = 8
    static let cacheBytes: Int64 = 300_000

    @Test(
        "leak mode: the in-use bytes are on the growing read path, one doubled buffer per original",
        .enabled(if: RunningService.binary != nil, RunningService.missing))
    func leakModeShowsTheLeak() async throws {
        let profile = try await Self.profileAfterLoad(leak: true)
        let growing = profile.inuseSpace(through: "readBodyGrowing")
        let kept = Int64(Self.requests) * Self.grownBytes
        // Buffers this size are sampled with certainty at a 4 KiB rate and unsample to themselves.
        #expect(growing >= kept * 95 / 100 && growing <= kept * 105 / 100, "in use on readBodyGrowing: \(growing), expected about \(kept)")
        #expect(profile.inuseSpace(through: "readBodyExact") == 0)
        // It is the first thing `top` shows: no other function holds as much.
        let top = profile.inuseSpaceByLeafFunction().max { $0.value < $1.value }
        #expect(top?.key.contains("readBodyGrowing") == true, "top of inuse_space: \(String(describing: top))")
        // Its stacks go on to the request's handler: the body is read in the handler's task, not
        // in a child task whose async stack would end at the task's start.
        let toHandler = profile.value(
            "inuse_space", along: ["readBodyGrowing", "ImageService.Downloader.download(", "ImageService.Thumbnailer.thumbnail(",
                                   "in ImageService.buildRouter("])
        #expect(toHandler >= growing * 95 / 100, "in use on readBodyGrowing under the /thumbnail handler: \(toHandler) of \(growing)")
    }

    @Test(
        "fixed mode: exact buffers, and the in-use bytes stay within the cache's bound",
        .enabled(if: RunningService.binary != nil, RunningService.missing))
    func fixedModeStaysBounded() async throws {
        let profile = try await Self.profileAfterLoad(leak: false)
        // The exact path ran and was sampled: every original was read through it...
        let allocated = profile.value("alloc_space", through: "readBodyExact")
        #expect(allocated >= Int64(Self.requests) * Self.bodyBytes * 9 / 10, "allocated on readBodyExact: \(allocated)")
        // ...and only what the cache may keep is still in use.
        let inUse = profile.inuseSpace(through: "readBodyExact")
        #expect(inUse <= Self.cacheBytes + Self.bodyBytes, "in use on readBodyExact: \(inUse), bound \(Self.cacheBytes)")
        #expect(profile.inuseSpace(through: "readBodyGrowing") == 0)
    }

    /// Starts the service, fetches `requests` distinct originals two at a time, and returns its
    /// /debug/pprof/heap.
    static func profileAfterLoad(leak: Bool) async throws -> Profile {
        var arguments = ["--heap-profile-rate", "4096", "--cache-bytes", "\(cacheBytes)"]
        if leak { arguments.append("--reproduce-seed-leak") }
        let service = try RunningService(arguments: arguments)
        defer { service.stop() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let profile = try await Origin.withOrigin { origin in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for pair in stride(from: 0, to: requests, by: 2) {
                        for i in pair..<min(pair + 2, requests) {
                            group.addTask {
                                let uri = "/thumbnail?url=\(origin)/images/forest-1280x960.jpg?copy=\(i)&width=32"
                                let (status, body) = try await get(client, service.base + uri)
                                #expect(status == 200, "\(uri): \(String(decoding: body, as: UTF8.self))")
                            }
                        }
                        try await group.waitForAll()
                    }
                }
                let (status, body) = try await get(client, service.base + "/debug/pprof/heap")
                #expect(status == 200)
                return try Profile.parse(body)
            }
            try await client.shutdown()
            return profile
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func get(_ client: HTTPClient, _ url: String) async throws -> (UInt, [UInt8]) {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (response.status.code, Array(body.readableBytesView))
    }
}

extension Profile {
    /// The sum of `type` over the samples with a frame in a function whose name contains `function`.
    func value(_ type: String, through function: String) -> Int64 {
        guard let t = sampleTypes.firstIndex(where: { $0.type == type }) else { return 0 }
        return samples.reduce(0) { sum, s in
            let hit = s.locations.contains { l in
                locations[Int(l)].lines.contains { functions[Int($0.function)].name.contains(function) }
            }
            return hit ? sum + s.values[t] : sum
        }
    }

    func inuseSpace(through function: String) -> Int64 { value("inuse_space", through: function) }

    /// The sum of `type` over the samples whose stack passes, from the leaf towards the root,
    /// through frames whose function names contain each of `path` in that order.
    func value(_ type: String, along path: [String]) -> Int64 {
        guard let t = sampleTypes.firstIndex(where: { $0.type == type }) else { return 0 }
        return samples.reduce(0) { sum, s in
            let names = s.locations.flatMap { l in locations[Int(l)].lines.map { functions[Int($0.function)].name } }
            var next = path.startIndex
            for name in names where next < path.endIndex && name.contains(path[next]) { next += 1 }
            return next == path.endIndex ? sum + s.values[t] : sum
        }
    }

    /// inuse_space by the function of each sample's leaf frame (its flat value, as `top` sums it).
    func inuseSpaceByLeafFunction() -> [String: Int64] {
        guard let t = sampleTypes.firstIndex(where: { $0.type == "inuse_space" }) else { return [:] }
        var sums: [String: Int64] = [:]
        for s in samples {
            guard let leaf = s.locations.first, let line = locations[Int(leaf)].lines.first else { continue }
            sums[functions[Int(line.function)].name, default: 0] += s.values[t]
        }
        return sums
    }
}
