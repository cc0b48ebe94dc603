import AsyncHTTPClient
import Hummingbird
import Logging

/// The HTTP client the service fetches with: no redirects (a redirect could lead to an origin that
/// is not allowed), a connect timeout, no retried connections; the Downloader adds the overall
/// deadline per download.
public func makeHTTPClient(_ configuration: ServiceConfiguration) -> HTTPClient {
    var clientConfiguration = HTTPClient.Configuration(
        redirectConfiguration: .disallow,
        timeout: .init(connect: .seconds(Int64(max(1, min(configuration.downloadTimeout, 10))))))
    clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
    // An origin that refuses the connection is answered at once (502 connection refused), not
    // retried with back-off until the download deadline.
    clientConfiguration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
}

/// The Hummingbird application serving `thumbnailer` on `host`:`port`.
public func buildApplication(
    _ thumbnailer: Thumbnailer, host: String = "127.0.0.1", port: Int = 8080, logger: Logger? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(thumbnailer),
        configuration: .init(address: .hostname(host, port: port), serverName: "image-service"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger ?? Logger(label: "image-service"))
}
