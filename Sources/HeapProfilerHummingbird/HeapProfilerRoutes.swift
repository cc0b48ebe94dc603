import HeapProfiler
import Hummingbird
import NIOCore

extension RouterMethods {
    /// Mounts Go's heap profile endpoints under `path`: `GET path/` (an index), `path/heap` and
    /// `path/allocs`, with `debug=1`, `seconds=N`, `peak=1` and `series=1` (see `HeapProfiler.respond`).
    /// With a `token`, only requests that carry it get an answer; others get 401. Refusals (401,
    /// 400, 404) are thrown as the error `refusal` makes, by default an `HTTPError` with Go's
    /// one-line message, so a service can keep its own error format.
    ///
    ///     router.addHeapProfilerRoutes(token: environment.get("PROFILE_TOKEN"))
    @discardableResult
    public func addHeapProfilerRoutes(
        token: String? = nil, at path: RouterPath = "debug/pprof",
        refusal: @escaping @Sendable (_ status: Int, _ message: String) -> any Error = { status, message in
            HTTPError(HTTPResponse.Status(code: status), message: message)
        }
    ) -> Self {
        let group = self.group(path)
        for name in ["", "heap", "allocs"] {
            group.get(RouterPath(stringLiteral: name)) { request, _ -> Response in
                let query = request.uri.queryParameters
                guard
                    HeapProfiler.isAuthorized(
                        authorization: request.headers[.authorization], queryToken: query.get("token"), token: token)
                else {
                    throw refusal(401, HeapProfiler.unauthorizedMessage)
                }
                var parameters: [String: String] = [:]
                for key in ["debug", "seconds", "peak", "series"] { if let value = query.get(key) { parameters[key] = value } }
                let answer = await HeapProfiler.respond(to: name, query: parameters)
                guard answer.status == 200 else {
                    throw refusal(answer.status, String(decoding: answer.body, as: UTF8.self).trimmingTrailingNewline())
                }
                var headers = HTTPFields()
                headers[.contentType] = answer.contentType
                headers[.init("X-Content-Type-Options")!] = "nosniff"
                if let disposition = answer.contentDisposition { headers[.contentDisposition] = disposition }
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            }
        }
        return self
    }
}

extension String {
    fileprivate func trimmingTrailingNewline() -> String {
        hasSuffix("\n") ? String(dropLast()) : self
    }
}
