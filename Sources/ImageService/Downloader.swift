import AsyncHTTPClient
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

/// Fetches image bodies from allowed origins: at most `maxConcurrentDownloads` at once across all
/// requests, each with a size limit and one deadline for everything (waiting for a slot, the
/// connection, the head and every byte of the body).
struct Downloader: Sendable {
    let client: HTTPClient
    let configuration: ServiceConfiguration
    let slots: DownloadSlots

    init(client: HTTPClient, configuration: ServiceConfiguration) {
        self.client = client
        self.configuration = configuration
        self.slots = DownloadSlots(limit: configuration.maxConcurrentDownloads)
    }

    /// What the network side of a download hands to the side that reads the body.
    enum Part: Sendable {
        /// The response head was accepted; its Content-Length.
        case head(contentLength: Int?)
        case body(ByteBuffer)
    }

    /// Downloads `url`, reading the body the seed's way or the fixed way. The network waits run in
    /// a child task under the deadline; the body is gathered here, in the caller's task, so the
    /// heap profile's stacks of the body buffers go on to the request's handler.
    func download(_ url: ImageURL) async throws(ServiceError) -> ImageBody {
        let seconds = configuration.downloadTimeout
        do {
            return try await Deadline.run(seconds: seconds) { parts in
                try await slots.withSlot { try await fetch(url, into: parts) }
            } consume: { parts in
                configuration.reproduceSeedLeak ? try await readGrowing(parts) : try await readExact(parts)
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw Self.describe(error, url: url, timeout: seconds)
        }
    }

    /// The network side: resolves, connects, checks the head, and yields the head and then every
    /// chunk of the body, up to the size limit.
    private func fetch(_ url: ImageURL, into parts: AsyncThrowingStream<Part, any Error>.Continuation) async throws {
        // Where the name points now (resolving blocks, so off the event loops).
        let host = url.host
        let addresses = try await NIOThreadPool.singleton.runIfActive { OriginAddress.resolve(host) }
        try url.checkResolved(addresses, allowed: configuration.allowedOrigins)
        let limit = configuration.maxBodyBytes
        var request = HTTPClientRequest(url: url.text)
        request.headers.add(name: "Accept", value: "image/jpeg")
        let response = try await client.execute(
            request, timeout: .nanoseconds(Int64(min(configuration.downloadTimeout, 86_400) * 1e9)))
        guard response.status == .ok else {
            // The status code only: the reason phrase is the origin's text.
            throw ServiceError(.badGateway, "origin_status", "the origin answered \(response.status.code) for \(url.text)")
        }
        let contentLength = try Self.contentLength(response.headers)
        if let contentLength, contentLength > limit {
            throw Self.tooLarge(contentLength, limit: limit)
        }
        parts.yield(.head(contentLength: contentLength))
        var total = 0
        for try await chunk in response.body {
            total += chunk.readableBytes
            if total > limit { throw Self.tooLarge(total, limit: limit) }
            parts.yield(.body(chunk))
        }
    }

    /// The Content-Length, when there is exactly one and it is a number of bytes.
    static func contentLength(_ headers: HTTPHeaders) throws(ServiceError) -> Int? {
        let values = headers["content-length"]
        guard let first = values.first else { return nil }
        guard values.allSatisfy({ $0 == first }), let n = Int(first), n >= 0 else {
            throw ServiceError(.badGateway, "origin_bad_length", "the origin sent an invalid Content-Length")
        }
        return n
    }

    /// The seed's way, for `--reproduce-seed-leak`.
    private func readGrowing(_ parts: AsyncThrowingStream<Part, any Error>) async throws -> ImageBody {
        var reader = GrowingBodyReader()
        do {
            for try await part in parts {
                if case .body(let chunk) = part { reader.readBodyGrowing(chunk) }
            }
            try Task.checkCancellation()  // the stream also ends when this task is cancelled
        } catch {
            reader.discard()
            throw error
        }
        return reader.finish()
    }

    /// The fixed way: one exact buffer.
    private func readExact(_ parts: AsyncThrowingStream<Part, any Error>) async throws -> ImageBody {
        var reader: ExactBodyReader?
        var contentLength: Int?
        var total = 0
        do {
            for try await part in parts {
                switch part {
                case .head(let length):
                    contentLength = length
                    reader = ExactBodyReader(contentLength: length)
                case .body(let chunk):
                    total += chunk.readableBytes
                    try reader?.readBodyExact(chunk)
                }
            }
            try Task.checkCancellation()  // the stream also ends when this task is cancelled
            guard reader != nil else { throw CancellationError() }  // the network side yields the head first
            return try reader!.finish()
        } catch {
            reader?.discard()
            // The connection ended before Content-Length bytes came (the HTTP parser says so
            // in its own words): say it in ours.
            if let contentLength, total < contentLength, !(error is ServiceError), !(error is CancellationError),
                !(error is Deadline.Exceeded)
            {
                throw ServiceError(
                    .badGateway, "origin_bad_length", "the origin closed after \(total) of \(contentLength) bytes")
            }
            throw error
        }
    }

    static func tooLarge(_ size: Int, limit: Int) -> ServiceError {
        ServiceError(
            .contentTooLarge, "body_too_large", "the image body has \(size) bytes or more; the limit is \(limit) bytes")
    }

    /// Turns a client error into what the caller should know, in fixed words: timed out,
    /// refused, reset, closed early, or failed. The client's own text stays out of the answer.
    static func describe(_ error: any Error, url: ImageURL, timeout: Double) -> ServiceError {
        if error is Deadline.Exceeded {
            return ServiceError(
                .gatewayTimeout, "origin_timeout", "\(url.host):\(url.port) did not send \(url.text) within \(timeout) seconds")
        }
        if let e = error as? HTTPClientError,
            e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout
        {
            return ServiceError(
                .gatewayTimeout, "origin_timeout", "\(url.host):\(url.port) did not send \(url.text) within \(timeout) seconds")
        }
        if error is CancellationError {
            return ServiceError(.gatewayTimeout, "origin_timeout", "the download of \(url.text) was cancelled")
        }
        if let e = error as? HTTPParserError {
            if e == .invalidContentLength || e == .unexpectedContentLength {
                return ServiceError(.badGateway, "origin_bad_length", "the origin sent an invalid Content-Length for \(url.text)")
            }
            return ServiceError(.badGateway, "origin_bad_response", "the origin's answer for \(url.text) is not valid HTTP")
        }
        return ServiceError(
            .badGateway, "origin_unreachable", "cannot fetch \(url.text) from \(url.host):\(url.port): \(reason(error))")
    }

    /// A short, fixed description of why a connection failed.
    static func reason(_ error: any Error) -> String {
        var code: Int32?
        if let io = error as? IOError {
            code = io.errnoCode
        } else if let e = error as? NIOConnectionError {
            code = e.connectionErrors.lazy.compactMap { ($0.error as? IOError)?.errnoCode }.first
        }
        if let code {
            switch code {
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET: return "connection reset by the origin"
            case EHOSTUNREACH, ENETUNREACH: return "no route to the origin"
            case ETIMEDOUT: return "the connection timed out"
            default: return "the connection failed"
            }
        }
        if let e = error as? HTTPClientError, e == .remoteConnectionClosed {
            return "the origin closed the connection before answering"
        }
        if String(reflecting: type(of: error)).contains("SSL") { return "the TLS handshake failed" }
        return "the connection failed"
    }
}
