import Foundation
import Hummingbird
import HummingbirdTesting
import LoopbackOrigin
import Testing

@testable import ImageService

/// Origins that misbehave on purpose (scripted byte for byte on a loopback port), and images
/// made to cost too much: the service answers each with one clear error, in bounded time and
/// memory, and keeps serving.
@Suite("Hostile origins and images")
struct HostileOriginTests {
    static func error(_ response: TestResponse) -> (code: String, message: String)? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any],
            let error = json["error"] as? [String: Any], let code = error["code"] as? String,
            let message = error["message"] as? String
        else { return nil }
        return (code, message)
    }

    static func jpeg(width: Int, height: Int, progressive: Bool = false) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: i &* 7) }
        return try JPEGCodec.encode(RGBImage(width: width, height: height, pixels: pixels), quality: 80, progressive: progressive)
    }

    /// Serves `body` as a JPEG on every path.
    static func imageOrigin(_ body: [UInt8]) throws -> ScriptedServer {
        try ScriptedServer { _ in ScriptedServer.answer(200, ["Content-Type: image/jpeg"], body: body) }
    }

    @Test("a tall, narrow image asked for at a large width is refused before the resizer allocates")
    func outputIsBounded() async throws {
        // 8×65,500 is 524,000 pixels, under the limit; at width 4,096 it would be 33.5 million
        // pixels high (137 billion pixels), which used to make the resizer allocate until it died.
        let origin = try Self.imageOrigin(try Self.jpeg(width: 8, height: 65_500))
        defer { origin.stop() }
        try await withService { client, _ in
            try await client.execute(uri: "/thumbnail?url=\(origin.url("/tall.jpg"))&width=4096", method: .get) { r in
                #expect(r.status == .unprocessableContent, "\(r.text)")
                #expect(Self.error(r)?.code == "thumbnail_too_large")
            }
            // The same image at a width whose output fits is still made.
            try await client.execute(uri: "/thumbnail?url=\(origin.url("/tall.jpg"))&width=4", method: .get) { r in
                #expect(r.status == .ok, "\(r.text)")
            }
        }
    }

    @Test("an origin that sends its head and one byte, then stalls, gets 504 within the download timeout")
    func stalledBody() async throws {
        let origin = try ScriptedServer { _ in
            [.send(ScriptedServer.head(200, ["Content-Length: 100000"]) + [0xFF]), .pause(60)]
        }
        defer { origin.stop() }
        var configuration = ServiceConfiguration()
        configuration.downloadTimeout = 1.5
        try await withService(configuration) { client, _ in
            // The answer's own time: the origin stalls for 60 s, the deadline is 1.5 s.
            let started = Date()
            try await client.execute(uri: "/thumbnail?url=\(origin.url("/stall.jpg"))&width=10", method: .get) { r in
                #expect(r.status == .gatewayTimeout, "\(r.text)")
                #expect(Self.error(r)?.code == "origin_timeout")
            }
            #expect(Date().timeIntervalSince(started) < 20)
        }
    }

    @Test("a body shorter than its Content-Length, or a bad Content-Length, is origin_bad_length")
    func badLength() async throws {
        let origin = try ScriptedServer { request in
            switch request.path {
            case "/short.jpg": return [.send(ScriptedServer.head(200, ["Content-Length: 5000"]) + [UInt8](repeating: 0xFF, count: 100))]
            case "/negative.jpg": return [.send(ScriptedServer.head(200, ["Content-Length: -1"]) + [0xFF, 0xD8])]
            default: return [.send(ScriptedServer.head(200, ["Content-Length: 2", "Content-Length: 3"]) + [0xFF, 0xD8, 0xFF])]
            }
        }
        defer { origin.stop() }
        try await withService { client, _ in
            for path in ["/short.jpg", "/negative.jpg", "/two.jpg"] {
                try await client.execute(uri: "/thumbnail?url=\(origin.url(path))&width=10", method: .get) { r in
                    #expect(r.status == .badGateway, "\(path): \(r.text)")
                    #expect(Self.error(r)?.code == "origin_bad_length", "\(path): \(r.text)")
                }
            }
        }
    }

    @Test("redirects are not followed: a 302 is origin_status, and only one request reaches the origin")
    func redirectsRefused() async throws {
        let origin = try ScriptedServer { _ in [.send(ScriptedServer.head(302, ["Location: /elsewhere.jpg", "Content-Length: 0"]))] }
        defer { origin.stop() }
        try await withService { client, _ in
            try await client.execute(uri: "/thumbnail?url=\(origin.url("/moved.jpg"))&width=10", method: .get) { r in
                #expect(r.status == .badGateway)
                #expect(Self.error(r)?.code == "origin_status")
                #expect(Self.error(r)?.message.contains("302") == true)
            }
        }
        #expect(origin.requests.map(\.path) == ["/moved.jpg"])
    }

    @Test("errors name the problem in fixed words: no origin reason phrase, no client error text")
    func errorsDoNotEchoInternals() async throws {
        let origin = try ScriptedServer { _ in
            [.send(Array("HTTP/1.1 404 <script>internal detail</script>\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))]
        }
        defer { origin.stop() }
        // A port nobody listens on.
        let closed = try ScriptedServer { _ in [] }
        let deadURL = closed.url("/x.jpg")
        closed.stop()
        try await withService { client, _ in
            try await client.execute(uri: "/thumbnail?url=\(origin.url("/x.jpg"))&width=10", method: .get) { r in
                #expect(Self.error(r)?.code == "origin_status")
                #expect(Self.error(r)?.message.contains("internal") == false, "\(r.text)")
            }
            try await client.execute(uri: "/thumbnail?url=\(deadURL)&width=10", method: .get) { r in
                let message = Self.error(r)?.message ?? ""
                #expect(Self.error(r)?.code == "origin_unreachable")
                #expect(message.hasSuffix(": connection refused"), "\(message)")
                #expect(!message.contains("errno") && !message.contains("reset"), "\(message)")
                #expect(message.filter { $0 == "(" }.count == message.filter { $0 == ")" }.count, "\(message)")
            }
            let body = ByteBuffer(string: "{\"urls\": [\"x\"], \"width\": \"wide\"}")
            try await client.execute(uri: "/batch", method: .post, body: body) { r in
                #expect(r.status == .badRequest)
                #expect(Self.error(r)?.message.hasSuffix("width has the wrong type") == true, "\(r.text)")
            }
        }
    }

    @Test("one limit bounds downloads in flight across all requests")
    func downloadLimit() async throws {
        let image = try Self.jpeg(width: 16, height: 16)
        let origin = try ScriptedServer { _ in
            [.pause(0.3)] + ScriptedServer.answer(200, ["Content-Type: image/jpeg"], body: image)
        }
        defer { origin.stop() }
        var configuration = ServiceConfiguration()
        configuration.maxConcurrentDownloads = 2
        configuration.downloadTimeout = 30
        try await withService(configuration) { client, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        try await client.execute(uri: "/thumbnail?url=\(origin.url("/\(i).jpg"))&width=8", method: .get) { r in
                            #expect(r.status == .ok, "\(r.text)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(origin.requests.count == 6)
        #expect(origin.peakConnections <= 2)
    }

    @Test("a name that resolves to loopback is refused unless the address itself is allowed")
    func resolvedAddresses() async throws {
        let origin = try Self.imageOrigin(try Self.jpeg(width: 16, height: 16))
        defer { origin.stop() }
        var byName = ServiceConfiguration()
        byName.allowedOrigins = [AllowedOrigin(host: "localhost")]
        try await withService(byName) { client, _ in
            try await client.execute(uri: "/thumbnail?url=http://localhost:\(origin.port)/a.jpg&width=8", method: .get) { r in
                #expect(r.status == .forbidden, "\(r.text)")
                #expect(Self.error(r)?.code == "origin_not_allowed")
                #expect(Self.error(r)?.message.contains("loopback") == true)
            }
        }
        var byAddress = ServiceConfiguration()
        byAddress.allowedOrigins = [AllowedOrigin(host: "127.0.0.1", port: origin.port)]
        try await withService(byAddress) { client, _ in
            try await client.execute(uri: "/thumbnail?url=http://127.0.0.1:\(origin.port)/a.jpg&width=8", method: .get) { r in
                #expect(r.status == .ok, "\(r.text)")
            }
        }
        #expect(OriginAddress.kind(ipv4: [169, 254, 169, 254]) == .metadata)
        #expect(OriginAddress.kind(ipv4: [169, 254, 1, 2]) == .linkLocal)
        #expect(OriginAddress.kind(ipv4: [0, 0, 0, 0]) == .unspecified)
        #expect(OriginAddress.kind(ipv4: [10, 0, 0, 1]) == .ordinary)
        #expect(OriginAddress.resolve("::ffff:127.0.0.1")?.first?.kind == .loopback)
        #expect(OriginAddress.resolve("fe80::1")?.first?.kind == .linkLocal)
        #expect(OriginAddress.resolve("fd00:ec2::254")?.first?.kind == .metadata)
        #expect(OriginAddress.resolve("::1")?.first?.kind == .loopback)
    }

    @Test("a progressive JPEG of more than 500 scans is refused instead of decoded scan after scan")
    func scanBomb() throws {
        let jpeg = try Self.jpeg(width: 16, height: 16, progressive: true)
        // Repeat the last scan (its SOS marker up to EOI) until there are 600 more.
        let sos = try #require(jpeg.indices.dropLast().last { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDA })
        let eoi = jpeg.count - 2
        #expect(jpeg[eoi] == 0xFF && jpeg[eoi + 1] == 0xD9)
        var bomb = Array(jpeg[..<eoi])
        for _ in 0..<600 { bomb += jpeg[sos..<eoi] }
        bomb += [0xFF, 0xD9]
        // The original decodes; the bomb does not.
        #expect(try RouteTests.decodeJPEG(jpeg).width == 16)
        do {
            _ = try RouteTests.decodeJPEG(bomb)
            Issue.record("a JPEG of 600 extra scans was decoded")
        } catch let error as ServiceError {
            #expect(error.code == "not_jpeg" && error.message.contains("scans"), "\(error.message)")
        }
    }
}
