import Foundation
import HeapProfiler
import Hummingbird
import HummingbirdTesting
import ImageService
import ProfileFormat
import Testing

/// Go's parameters on the service's profile routes: seconds=N (a delta), debug=1 (text), peak=1.
@Suite("Image service profile parameters")
struct ProfileRouteTests {
    /// Allocates `count` blocks of `size` bytes with malloc and keeps them.
    @inline(never)
    static func allocate(count: Int, size: Int) -> [UnsafeMutableRawPointer] {
        (0..<count).map { _ in malloc(size)! }
    }

    static func errorMessage(_ response: TestResponse) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any],
            let error = json["error"] as? [String: Any]
        else { return nil }
        return error["message"] as? String
    }

    @Test("seconds=N answers the change over N seconds, as Go's heap-delta")
    func delta() async throws {
        // Objects of 1 MiB at a 64 KiB rate are sampled with probability 1 - e^-16: exact counts,
        // while the rest of the process (other tests run alongside) samples cheaply.
        let previousRate = HeapProfiler.rate
        HeapProfiler.start(rate: 64 * 1024)
        defer { HeapProfiler.rate = previousRate }
        let before = Self.allocate(count: 5, size: 1_048_593)  // allocated before the request: not in the delta
        defer { for p in before { free(p) } }
        try await withService { client, _ in
            async let answer = client.execute(uri: "/debug/pprof/allocs?seconds=4", method: .get)
            // Well inside the window, even on a loaded machine where the first snapshot is slow.
            try await Task.sleep(nanoseconds: 2_000_000_000)
            // The sampler is process-wide and HeapProfilerTests (same test process) stop it between
            // their tests: set the rate again right before the allocations that must be seen.
            HeapProfiler.rate = 64 * 1024
            let during = Self.allocate(count: 10, size: 1_048_579)
            defer { for p in during { free(p) } }
            let response = try await answer
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"allocs-delta\"")
            let profile = try Profile.parse(response.bytes)
            func objects(_ bytes: Int64) -> Int64 {
                let i = profile.sampleTypes.firstIndex { $0.type == "alloc_objects" }!
                return profile.samples.filter { $0.numLabels.contains { $0.key == "bytes" && $0.value == bytes } }
                    .reduce(0) { $0 + $1.values[i] }
            }
            #expect(objects(1_048_579) == 10)
            #expect(objects(1_048_593) == 0)
            #expect(profile.durationNanos >= 3_900_000_000, "\(profile.durationNanos)")
            #expect(profile.defaultSampleType == "alloc_space")
        }
    }

    @Test("bad seconds, and seconds with debug or peak, are one-line 400s")
    func badParameters() async throws {
        try await withService { client, _ in
            for (query, message) in [
                ("seconds=0", "invalid value for \"seconds\" - must be a positive integer"),
                ("seconds=abc", "invalid value for \"seconds\" - must be a positive integer"),
                ("seconds=100000", "invalid value for \"seconds\" - at most 3600"),
                ("seconds=1&debug=1", "seconds and debug params are incompatible"),
                ("seconds=1&peak=1", "seconds and peak params are incompatible"),
            ] {
                try await client.execute(uri: "/debug/pprof/heap?\(query)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(RouteTests.errorCode(response) == "bad_parameter", "\(query)")
                    #expect(Self.errorMessage(response) == message, "\(query): \(response.text)")
                }
            }
        }
    }

    @Test("debug=1 answers Go's text form, not gzip; the index lists the parameters; peak=1 is a profile; series=1 is JSON")
    func textIndexAndPeak() async throws {
        try await withService { client, _ in
            try await client.execute(uri: "/debug/pprof/heap?debug=1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(response.text.hasPrefix("heap profile: "), "\(response.text.prefix(200))")
            }
            try await client.execute(uri: "/debug/pprof/", method: .get) { response in
                #expect(response.text.contains("seconds=N") && response.text.contains("debug=1") && response.text.contains("peak=1"))
                #expect(response.text.contains("series=1"))
            }
            try await client.execute(uri: "/debug/pprof/heap?series=1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let json = try JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any]
                #expect(json?["kind"] as? String == "heap-inuse-series")
                #expect((json?["points"] as? [Any])?.isEmpty == false)
            }
            try await client.execute(uri: "/debug/pprof/heap?series=1&peak=1", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(Self.errorMessage(response) == "series and peak params are incompatible")
            }
            try await client.execute(uri: "/debug/pprof/heap?peak=1", method: .get) { response in
                #expect(response.status == .ok)
                let profile = try Profile.parse(response.bytes)
                #expect(profile.comments.contains { $0.hasPrefix("peak of sampled in-use bytes") })
            }
        }
    }
}
