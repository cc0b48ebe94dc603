import CHeapSampler
import Glibc
import ProfileFormat

/// What a server sends for a request to the profile endpoints: any HTTP server can copy it into
/// its own response type (the Hummingbird route in HeapProfilerHummingbird does; docs/heap-profiler.md
/// shows a Vapor handler).
public struct ProfileResponse: Sendable {
    /// The HTTP status code: 200, 400 (a bad parameter), 401 (no token), 404 (no such profile).
    public var status: Int
    public var contentType: String
    /// `attachment; filename="heap"` for profile downloads, as Go sends it.
    public var contentDisposition: String?
    public var body: [UInt8]

    /// A plain-text answer; errors are one line, as Go's net/http/pprof writes them.
    static func text(_ status: Int, _ text: String) -> ProfileResponse {
        ProfileResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}

extension HeapProfiler {
    /// The longest `seconds=N` a delta profile may wait: a request cannot hold a connection longer.
    public static let maxDeltaSeconds = 3600

    /// The token check, the one policy every front end applies: with no token configured every
    /// request may read profiles; otherwise it must send `Authorization: Bearer TOKEN` or
    /// `?token=TOKEN`, compared in constant time. An empty configured token lets nobody in.
    public static func isAuthorized(authorization: String?, queryToken: String?, token: String?) -> Bool {
        guard let token else { return true }
        var offered: String?
        if let authorization, authorization.hasPrefix("Bearer ") {
            offered = String(authorization.dropFirst("Bearer ".count))
        } else {
            offered = queryToken
        }
        guard let offered, !token.isEmpty else { return false }
        return constantTimeEqual(offered, token)
    }

    /// The message sent with a 401.
    public static let unauthorizedMessage = "profiles need the token: send Authorization: Bearer TOKEN or add ?token=TOKEN"

    /// Answers `GET /debug/pprof/NAME?QUERY` as Go's net/http/pprof does for its heap profiles.
    /// `name` is "" (the index page), "heap" or "allocs"; `query` holds the decoded query parameters:
    /// - `debug=1`: Go's legacy text form instead of gzip protobuf;
    /// - `seconds=N`: waits N seconds and answers with the difference between the profiles taken
    ///   before and after (`heap-delta`), as Go does;
    /// - `peak=1` (beyond Go): the in-use profile at the highest sampled in-use bytes since start or
    ///   since `resetPeak()`; `peak=reset` answers it and starts a new peak;
    /// - `series=1` (beyond Go, `heap` only): the in-use total over time as JSON (`seriesJSON`).
    /// The caller checks the token first (`isAuthorized`).
    public static func respond(to name: String, query: [String: String]) async -> ProfileResponse {
        if name.isEmpty { return .text(200, indexPage()) }
        guard let kind = Kind(rawValue: name) else { return .text(404, "Unknown profile\n") }
        let debug = query["debug"].flatMap { Int($0) } ?? 0
        let peak = query["peak"].map { $0 == "1" || $0 == "reset" } ?? false
        if let series = query["series"], series != "0" {
            guard series == "1" else { return .text(400, "invalid value for \"series\" - must be 0 or 1\n") }
            guard kind == .heap else { return .text(400, "series is the in-use series: ask /debug/pprof/heap?series=1\n") }
            for other in ["seconds", "debug", "peak"] where query[other] != nil {
                return .text(400, "series and \(other) params are incompatible\n")
            }
            return ProfileResponse(status: 200, contentType: "application/json", body: seriesJSON())
        }
        if let secondsText = query["seconds"] {
            guard let seconds = Int(secondsText), seconds > 0 else {
                return .text(400, "invalid value for \"seconds\" - must be a positive integer\n")
            }
            guard seconds <= maxDeltaSeconds else {
                return .text(400, "invalid value for \"seconds\" - at most \(maxDeltaSeconds)\n")
            }
            if debug != 0 { return .text(400, "seconds and debug params are incompatible\n") }
            if peak { return .text(400, "seconds and peak params are incompatible\n") }
            guard let delta = await deltaProfile(kind, seconds: seconds) else {
                return .text(500, "the request ended before the delta profile was taken\n")
            }
            return ProfileResponse(
                status: 200, contentType: "application/octet-stream",
                contentDisposition: "attachment; filename=\"\(kind.rawValue)-delta\"", body: delta.serialized())
        }
        defer { if query["peak"] == "reset" { resetPeak() } }
        if debug != 0 {
            return .text(200, legacyText(peak: peak))
        }
        return ProfileResponse(
            status: 200, contentType: "application/octet-stream",
            contentDisposition: "attachment; filename=\"\(kind.rawValue)\"", body: serializedSnapshot(kind, peak: peak))
    }

    /// What changed over `seconds`: the snapshot then minus the snapshot now, as Go's
    /// serveDeltaProfile computes it (time of the second, duration between them). Nil when the
    /// task is cancelled while waiting.
    public static func deltaProfile(_ kind: Kind, seconds: Int) async -> Profile? {
        var before = snapshot(kind)
        do {
            try await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000)
        } catch {
            return nil
        }
        let after = snapshot(kind)
        before.scale(by: -1)
        guard var delta = try? Profile.merge([before, after]) else { return nil }
        delta.timeNanos = after.timeNanos
        delta.durationNanos = after.timeNanos - before.timeNanos
        delta.defaultSampleType = after.defaultSampleType
        return delta
    }

    static func indexPage() -> String {
        """
        /debug/pprof/

        heap    in-use and allocated memory, sampled every \(lastRate) bytes on average (inuse_space)
        allocs  the same samples, alloc_space by default

        Parameters: debug=1 (Go's text form), seconds=N (the change over N seconds),
        peak=1 (the in-use profile at the highest sampled in-use bytes; peak=reset starts a new peak),
        series=1 (heap only: the in-use total over time, as JSON),
        token=TOKEN (when the server requires one; or Authorization: Bearer TOKEN).

        """
    }

    /// The rate profiles are reported at: the current one, or the last before sampling stopped.
    static var lastRate: Int { Int(hs_get_last_rate()) }
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
