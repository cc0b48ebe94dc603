import HeapProfiler
import HeapProfilerHummingbird
import Hummingbird

/// Go's net/http/pprof heap endpoints, from HeapProfilerHummingbird's ready route: `/debug/pprof/`
/// (an index), `/debug/pprof/heap` and `/debug/pprof/allocs` (gzip pprof profiles; `debug=1` for
/// Go's text form, `seconds=N` for the change over N seconds, `peak=1` for the peak in-use profile).
/// With a token, only requests that carry it (`Authorization: Bearer TOKEN` or `?token=TOKEN`) get
/// them; refusals keep the service's JSON error format.
func addProfileRoutes(to router: Router<BasicRequestContext>, token: String?) {
    router.addHeapProfilerRoutes(token: token) { status, message in
        status == 401 ? ServiceError(.unauthorized, "unauthorized", message) : ServiceError.badParameter(message)
    }
}
