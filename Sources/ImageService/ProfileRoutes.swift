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
