import Foundation
import HeapProfiler
import Hummingbird
import HummingbirdTesting
import ImageService
import ProfileFormat
import Testing

@Suite("Image service routes")
struct RouteTests {
    static func decodeJPEG(_ bytes: [UInt8]) throws -> RGBImage {
        try bytes.withUnsafeBytes { raw throws(ServiceError) in try JPEGCodec.decode(raw) }
    }

    static func errorCode(_ response: TestResponse) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any],
            let error = json["error"] as? [String: Any]
        else { return nil }
        return error["code"] as? String
    }

    @Test("GET /thumbnail answers a JPEG of the width asked for")
    func thumbnail() async throws {
        try await Origin.withOrigin { origin in
            try await withService { client, _ in
                let uri = "/thumbnail?url=\(origin)/images/harbor-1024x768.jpg&width=120&quality=80"
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "image/jpeg")
                    let image = try Self.decodeJPEG(response.bytes)
                    #expect(image.width == 120 && image.height == 90)
                }
            }
        }
    }

    @Test("bad input gets a clear JSON error with the right status, and the service keeps serving")
    func badInput() async throws {
        var configuration = ServiceConfiguration()
        configuration.maxPixels = 500_000
        configuration.maxBodyBytes = 100_000
        let limited = configuration
        try await Origin.withOrigin { origin in
            try await withService(limited) { client, _ in
                let cases: [(String, HTTPResponse.Status, String)] = [
                    ("/thumbnail?width=100", .badRequest, "bad_parameter"),
                    ("/thumbnail?url=\(origin)/images/dunes-640x480.jpg", .badRequest, "bad_parameter"),
                    ("/thumbnail?url=\(origin)/images/dunes-640x480.jpg&width=abc", .badRequest, "bad_parameter"),
                    ("/thumbnail?url=\(origin)/images/dunes-640x480.jpg&width=0", .badRequest, "bad_parameter"),
                    ("/thumbnail?url=\(origin)/images/dunes-640x480.jpg&width=100&quality=101", .badRequest, "bad_parameter"),
                    ("/thumbnail?url=ftp://127.0.0.1/x.jpg&width=100", .badRequest, "bad_parameter"),
                    ("/thumbnail?url=http://images.example.com/x.jpg&width=100", .forbidden, "origin_not_allowed"),
                    ("/thumbnail?url=http://127.0.0.1:1/x.jpg&width=100", .badGateway, "origin_unreachable"),
                    ("/thumbnail?url=\(origin)/images/missing.jpg&width=100", .badGateway, "origin_status"),
                    ("/thumbnail?url=\(origin)/text&width=100", .unsupportedMediaType, "not_jpeg"),
                    ("/thumbnail?url=\(origin)/images/forest-1280x960.jpg&width=100", .contentTooLarge, "body_too_large"),
                    ("/thumbnail?url=\(origin)/images/harbor-1024x768.jpg&width=100", .unprocessableContent, "image_too_large"),
                ]
                for (uri, status, code) in cases {
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == status, "\(uri): \(response.text)")
                        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(uri)")
                        #expect(Self.errorCode(response) == code, "\(uri): \(response.text)")
                    }
                }
                // Still serving.
                try await client.execute(uri: "/thumbnail?url=\(origin)/images/dunes-640x480.jpg&width=64", method: .get) {
                    #expect($0.status == .ok)
                }
            }
        }
    }

    @Test("an origin slower than the download timeout gets 504, and the service keeps serving")
    func slowOrigin() async throws {
        // The timeout sits well between a normal download (even in a debug build on a loaded
        // machine, which can take over a second) and the slow origin's 10 s.
        var configuration = ServiceConfiguration()
        configuration.downloadTimeout = 4
        let short = configuration
        try await Origin.withOrigin { origin in
            try await withService(short) { client, _ in
                try await client.execute(uri: "/thumbnail?url=\(origin)/slow&width=100", method: .get) { response in
                    #expect(response.status == .gatewayTimeout, "\(response.text)")
                    #expect(Self.errorCode(response) == "origin_timeout")
                }
                try await client.execute(uri: "/thumbnail?url=\(origin)/images/dunes-640x480.jpg&width=64", method: .get) {
                    #expect($0.status == .ok)
                }
            }
        }
    }

    @Test("POST /batch recompresses concurrently and reports each URL's error")
    func batch() async throws {
        try await Origin.withOrigin { origin in
            try await withService { client, _ in
                let request = BatchRequest(
                    urls: [
                        "\(origin)/images/dunes-640x480.jpg", "\(origin)/images/harbor-1024x768.jpg",
                        "\(origin)/images/missing.jpg", "http://images.example.com/a.jpg",
                    ], width: 64, quality: 70)
                let body = ByteBuffer(bytes: try JSONEncoder().encode(request))
                try await client.execute(uri: "/batch", method: .post, headers: [.contentType: "application/json"], body: body) {
                    response in
                    #expect(response.status == .ok)
                    let summary = try JSONDecoder().decode(BatchSummary.self, from: Data(response.bytes))
                    #expect(summary.succeeded == 2 && summary.failed == 2)
                    #expect(summary.results.map(\.url) == request.urls)
                    #expect(summary.results[0].width == 64 && summary.results[0].originalBytes == 33479)
                    #expect(summary.results[2].error?.code == "origin_status")
                    #expect(summary.results[3].error?.status == 403)
                    #expect(summary.totalThumbnailBytes > 0)
                }
                for bad in ["{\"urls\": [], \"width\": 10}", "not json", "{\"urls\": [\"\(origin)/images/dunes-640x480.jpg\"], \"width\": -1}"] {
                    try await client.execute(uri: "/batch", method: .post, body: ByteBuffer(string: bad)) { response in
                        #expect(response.status == .badRequest, "\(bad)")
                        #expect(Self.errorCode(response) == "bad_parameter")
                    }
                }
            }
        }
    }

    @Test("/debug/pprof/heap and /allocs serve gzip pprof heap profiles")
    func profiles() async throws {
        try await withService { client, _ in
            for (path, defaultType) in [("heap", ""), ("allocs", "alloc_space")] {
                try await client.execute(uri: "/debug/pprof/\(path)", method: .get) { response in
                    #expect(response.status == .ok)
                    let profile = try Profile.parse(response.bytes)
                    #expect(profile.sampleTypes.map(\.type) == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"])
                    #expect(profile.periodType.type == "space")
                    #expect(profile.defaultSampleType == defaultType)
                }
            }
        }
    }

    @Test("with a token, the profiles answer 401 unless it is sent as a bearer token or ?token=")
    func profileToken() async throws {
        var configuration = ServiceConfiguration()
        configuration.profileToken = "s3cret"
        try await withService(configuration) { client, _ in
            for uri in ["/debug/pprof/heap", "/debug/pprof/allocs", "/debug/pprof/heap?token=wrong", "/debug/pprof/"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(Self.errorCode(response) == "unauthorized")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                }
            }
            try await client.execute(uri: "/debug/pprof/heap", method: .get, headers: [.authorization: "Bearer wrong"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/debug/pprof/heap", method: .get, headers: [.authorization: "Bearer s3cret"]) {
                #expect($0.status == .ok)
                #expect(Gzip.isGzip($0.bytes))
            }
            try await client.execute(uri: "/debug/pprof/allocs?token=s3cret", method: .get) { #expect($0.status == .ok) }
            // The token guards the profiles only.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("leak mode keeps every original in a doubled buffer; fixed mode keeps exact buffers, bounded")
    func leakAndFixedModes() async throws {
        try await Origin.withOrigin { origin in
            for leak in [true, false] {
                var configuration = ServiceConfiguration()
                configuration.reproduceSeedLeak = leak
                configuration.cacheBytes = 300_000
                try await withService(configuration) { client, thumbnailer in
                    for i in 0..<6 {
                        let uri = "/thumbnail?url=\(origin)/images/forest-1280x960.jpg?copy=\(i)&width=32"
                        try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok) }
                    }
                    let usage = thumbnailer.cacheUsage
                    if leak {
                        // 133,079-byte bodies in buffers doubled from 4 KiB: 256 KiB each, all kept.
                        #expect(usage.entries == 6 && usage.bytes == 6 * 262_144)
                    } else {
                        #expect(usage.entries == 2 && usage.bytes == 2 * 133_079)
                    }
                }
            }
        }
    }

    @Test("live on a loopback port: a thumbnail over a real socket")
    func live() async throws {
        try await Origin.withOrigin { origin in
            try await withService(setup: .live) { client, _ in
                #expect(client.port != nil)
                try await client.execute(uri: "/thumbnail?url=\(origin)/images/city-1920x1280.jpg&width=300", method: .get) {
                    response in
                    #expect(response.status == .ok)
                    let image = try Self.decodeJPEG(response.bytes)
                    #expect(image.width == 300 && image.height == 200)
                }
            }
        }
    }
}
