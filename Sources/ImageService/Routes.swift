import Foundation
import HeapProfiler
import Hummingbird
import HummingbirdCore
import NIOCore

/// The service's routes.
public func buildRouter(_ thumbnailer: Thumbnailer) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.get("healthz") { _, _ in "ok\n" }

    router.get("thumbnail") { request, _ throws(ServiceError) -> Response in
        let q = try ThumbnailQuery(request.uri)
        let t = try await thumbnailer.thumbnail(url: q.url, width: q.width, quality: q.quality)
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: t.jpeg)))
    }

    router.post("batch") { request, context -> BatchSummary in
        let body = try await request.body.collect(upTo: maxBatchBodyBytes)
        return try await thumbnailer.batch(BatchRequest(json: body))
    }

    addProfileRoutes(to: router, token: thumbnailer.configuration.profileToken)
    return router
}

extension BatchSummary: ResponseEncodable {}

/// The largest `POST /batch` body read.
let maxBatchBodyBytes = 1 << 20

/// The parameters of `GET /thumbnail?url=URL&width=W&quality=Q`.
public struct ThumbnailQuery: Sendable, Equatable {
    public var url: String
    public var width: Int
    public var quality: Int

    /// Reads them from a request URI; a missing or malformed one is a 400 that names it.
    public init(_ uri: URI) throws(ServiceError) {
        let query = uri.queryParameters
        guard let url = query.get("url") else {
            throw .badParameter("url is missing: GET /thumbnail?url=URL&width=W&quality=Q")
        }
        self.url = url
        width = try integer(query.get("width"), name: "width", default: nil)
        quality = try integer(query.get("quality"), name: "quality", default: 85)
    }
}

extension BatchRequest {
    /// Decodes a `POST /batch` body; what is wrong is said in the request's terms (which field,
    /// what was expected), not the decoder's.
    public init(json body: ByteBuffer) throws(ServiceError) {
        let usage = "the body must be JSON {\"urls\": [URL, ...], \"width\": W, \"quality\": Q}"
        do {
            self = try JSONDecoder().decode(BatchRequest.self, from: Data(body.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw .badParameter("\(usage): \(key.stringValue) is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw .badParameter("\(usage): \(field.isEmpty ? "the body" : field) has the wrong type")
        } catch {
            throw .badParameter("\(usage): it is not valid JSON")
        }
    }
}

/// Reads an integer query parameter; a missing one takes `default` or is an error.
func integer(_ text: String?, name: String, default value: Int?) throws(ServiceError) -> Int {
    guard let text, !text.isEmpty else {
        guard let value else { throw .badParameter("\(name) is missing") }
        return value
    }
    guard let n = Int(text) else {
        throw .badParameter("\(name) must be an integer, not \(JSONText.quote(String(text.prefix(40))))")
    }
    return n
}
