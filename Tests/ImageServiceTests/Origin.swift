import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A small origin server for the tests, live on a loopback port: the sample JPEGs and a few
/// misbehaving routes.
enum Origin {
    static let imagesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/images")

    static func image(_ name: String) throws -> Data {
        try Data(contentsOf: imagesFolder.appendingPathComponent(name))
    }

    static func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("images/:name") { _, context -> Response in
            let name = try context.parameters.require("name")
            guard !name.contains("/"), let data = try? image(name) else { return Response(status: .notFound) }
            return Response(
                status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("text") { _, _ in "this is not a picture\n" }
        router.get("slow") { _, _ -> Response in
            try await Task.sleep(nanoseconds: 10_000_000_000)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try image("dunes-640x480.jpg"))))
        }
        return router
    }

    /// Runs `body` with the origin live; passes its base URL, `http://127.0.0.1:PORT`.
    static func withOrigin<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}
