import HeapProfiler
import Hummingbird
import NIOCore

/// Go's net/http/pprof heap endpoints: `/debug/pprof/heap` and `/debug/pprof/allocs` serve gzip
/// pprof profiles (allocs defaults to alloc_space); with a token, only requests that carry it
/// (`Authorization: Bearer TOKEN` or `?token=TOKEN`) get them, others get 401.
func addProfileRoutes(to router: Router<BasicRequestContext>, token: String?) {
    let group = router.group("debug/pprof")
    group.get("") { request, _ throws(ServiceError) -> Response in
        try authorize(request, token: token)
        let index = """
            /debug/pprof/
            heap    in-use and allocated memory, sampled every \(HeapProfiler.rate) bytes on average (inuse_space)
            allocs  the same samples, alloc_space by default
            """
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: index + "\n")))
    }
    for kind in [HeapProfiler.Kind.heap, .allocs] {
        group.get(RouterPath(stringLiteral: kind.rawValue)) { request, _ throws(ServiceError) -> Response in
            try authorize(request, token: token)
            let bytes = HeapProfiler.serializedSnapshot(kind)
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            headers[.contentDisposition] = "attachment; filename=\"\(kind.rawValue)\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}

/// Throws 401 unless the request carries the token (when one is configured).
func authorize(_ request: Request, token: String?) throws(ServiceError) {
    guard let token else { return }
    var offered: String?
    if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
        offered = String(header.dropFirst("Bearer ".count))
    } else {
        offered = request.uri.queryParameters.get("token")
    }
    guard let offered, constantTimeEqual(offered, token) else {
        throw ServiceError(
            .unauthorized, "unauthorized",
            "profiles need the token: send Authorization: Bearer TOKEN or add ?token=TOKEN")
    }
}

/// Compares without stopping at the first difference, so timing does not reveal the token.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
    for i in 0..<max(x.count, y.count) {
        difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
    }
    return difference == 0 && x.count == y.count
}
