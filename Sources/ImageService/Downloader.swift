import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Fetches image bodies from allowed origins, with a size limit and a deadline.
struct Downloader: Sendable {
    let client: HTTPClient
    let configuration: ServiceConfiguration

    /// Downloads `url`, reading the body the seed's way or the fixed way.
    func download(_ url: ImageURL) async throws(ServiceError) -> ImageBody {
        let limit = configuration.maxBodyBytes
        let timeout = TimeAmount.nanoseconds(Int64(configuration.downloadTimeout * 1e9))
        var request = HTTPClientRequest(url: url.text)
        request.headers.add(name: "Accept", value: "image/jpeg")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw Self.describe(error, url: url, timeout: configuration.downloadTimeout)
        }
        guard response.status == .ok else {
            throw ServiceError(
                .badGateway, "origin_status", "origin answered \(response.status.code) \(response.status.reasonPhrase) for \(url.text)")
        }
        let contentLength = response.headers.first(name: "content-length").flatMap { Int($0) }
        if let contentLength, contentLength > limit {
            throw Self.tooLarge(contentLength, limit: limit)
        }
        do {
            if configuration.reproduceSeedLeak {
                return try await readGrowing(response.body, limit: limit)
            }
            return try await readExact(response.body, contentLength: contentLength, limit: limit)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw Self.describe(error, url: url, timeout: configuration.downloadTimeout)
        }
    }

    private func readGrowing(_ body: HTTPClientResponse.Body, limit: Int) async throws -> ImageBody {
        var reader = GrowingBodyReader()
        var total = 0
        do {
            for try await chunk in body {
                total += chunk.readableBytes
                if total > limit { throw Self.tooLarge(total, limit: limit) }
                reader.readBodyGrowing(chunk)
            }
        } catch {
            reader.discard()
            throw error
        }
        return reader.finish()
    }

    private func readExact(_ body: HTTPClientResponse.Body, contentLength: Int?, limit: Int) async throws -> ImageBody {
        var reader = ExactBodyReader(contentLength: contentLength)
        var total = 0
        do {
            for try await chunk in body {
                total += chunk.readableBytes
                if total > limit { throw Self.tooLarge(total, limit: limit) }
                try reader.readBodyExact(chunk)
            }
            return try reader.finish()
        } catch {
            reader.discard()
            throw error
        }
    }

    static func tooLarge(_ size: Int, limit: Int) -> ServiceError {
        ServiceError(
            .contentTooLarge, "body_too_large", "the image body has \(size) bytes or more; the limit is \(limit) bytes")
    }

    /// Turns a client error into what the caller should know: timed out or unreachable.
    static func describe(_ error: any Error, url: ImageURL, timeout: Double) -> ServiceError {
        if let e = error as? HTTPClientError,
            e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout
        {
            return ServiceError(
                .gatewayTimeout, "origin_timeout", "\(url.host):\(url.port) did not send \(url.text) within \(timeout) seconds")
        }
        if error is CancellationError {
            return ServiceError(.gatewayTimeout, "origin_timeout", "the download of \(url.text) was cancelled")
        }
        return ServiceError(
            .badGateway, "origin_unreachable", "cannot fetch \(url.text) from \(url.host):\(url.port): \(error)")
    }
}
