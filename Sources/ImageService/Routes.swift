import HeapProfiler
import Hummingbird
import NIOCore

/// The service's routes.
public func buildRouter(_ thumbnailer: Thumbnailer) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.get("healthz") { _, _ in "ok\n" }

    router.get("thumbnail") { request, _ throws(ServiceError) -> Response in
        let query = request.uri.queryParameters
        guard let url = query.get("url") else {
            throw .badParameter("url is missing: GET /thumbnail?url=URL&width=W&quality=Q")
        }
        let width = try integer(query.get("width"), name: "width", default: nil)
        let quality = try integer(query.get("quality"), name: "quality", default: 85)
        let t = try await thumbnailer.thumbnail(url: url, width: width, quality: quality)
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: t.jpeg)))
    }

    router.post("batch") { request, context -> BatchSummary in
        let batch: BatchRequest
        do {
            batch = try await request.decode(as: BatchRequest.self, context: context)
        } catch {
            throw ServiceError.badParameter(
                "the body must be JSON {\"urls\": [URL, ...], \"width\": W, \"quality\": Q}: \(error)")
        }
        return try await thumbnailer.batch(batch)
    }

    addProfileRoutes(to: router, token: thumbnailer.configuration.profileToken)
    return router
}

extension BatchSummary: ResponseEncodable {}

/// Reads an integer query parameter; a missing one takes `default` or is an error.
func integer(_ text: String?, name: String, default value: Int?) throws(ServiceError) -> Int {
    guard let text, !text.isEmpty else {
        guard let value else { throw .badParameter("\(name) is missing") }
        return value
    }
    guard let n = Int(text) else { throw .badParameter("\(name) must be an integer, not \(text)") }
    return n
}
