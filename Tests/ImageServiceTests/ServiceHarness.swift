import AsyncHTTPClient
import Hummingbird
import HummingbirdTesting
import ImageService

/// Runs `body` against the service built from `configuration`, through Hummingbird's router test
/// framework (no socket), and shuts its HTTP client down afterwards.
func withService<T: Sendable>(
    _ configuration: ServiceConfiguration = ServiceConfiguration(), setup: TestingSetup = .router,
    _ body: @escaping @Sendable (any TestClientProtocol, Thumbnailer) async throws -> T
) async throws -> T {
    let client = makeHTTPClient(configuration)
    let thumbnailer = Thumbnailer(configuration: configuration, client: client)
    let app = buildApplication(thumbnailer, host: "127.0.0.1", port: 0)
    do {
        let result = try await app.test(setup) { try await body($0, thumbnailer) }
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var bytes: [UInt8] { Array(body.readableBytesView) }
}
