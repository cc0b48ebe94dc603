import Foundation
import ProfileFormat
import ProfileReport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Fetching profiles over HTTP as go tool pprof does: `seconds=` for timed profiles, a timeout
/// of 60 s (or 1.5 × the profiling time), a line that shows the wait on a terminal, and a
/// copy of what was fetched kept in `$PPROF_TMPDIR` or `~/pprof`.
public enum Fetch {
    /// The URL to fetch for a source and how long to wait for it, as pprof's adjustURL
    /// decides: `-seconds` replaces the URL's `seconds=`; without `-timeout` the wait is
    /// 60 s, or 1.5 × the profiling time when there is one. Nil when `source` is no URL.
    public static func plan(_ source: String, seconds: Int, timeout: Int) -> (url: URL, profiling: Int, wait: Double)? {
        guard source.contains("://") || source.range(of: #"^[A-Za-z0-9.\-]+:[0-9]+(/|$)"#, options: .regularExpression) != nil
        else { return nil }
        let text = source.contains("://") ? source : "http://" + source
        guard var comps = URLComponents(string: text), let host = comps.host, !host.isEmpty,
            comps.scheme == "http" || comps.scheme == "https"
        else { return nil }
        var profiling = 0
        var items = comps.queryItems ?? []
        if seconds > 0 {
            items.removeAll { $0.name == "seconds" }
            items.append(URLQueryItem(name: "seconds", value: String(seconds)))
            comps.queryItems = items
            profiling = seconds
        } else if let s = items.first(where: { $0.name == "seconds" })?.value, let n = Int32(s) {
            profiling = Int(n)
        }
        guard let url = comps.url else { return nil }
        var wait = Double(timeout)
        if timeout <= 0 { wait = profiling > 0 ? Double(profiling) * 1.5 : 60 }
        return (url, profiling, wait)
    }

    /// Go's time.Duration text for whole seconds: "30s", "1m30s", "1h0m0s".
    public static func durationText(_ seconds: Int) -> String {
        let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
        if h > 0 { return "\(h)h\(m)m\(s)s" }
        if m > 0 { return "\(m)m\(s)s" }
        return "\(s)s"
    }

    /// A blocking GET that returns the body of a 200 answer. Every failure is one line:
    /// an unknown or unreachable host, a bad status (with the server's short plain-text
    /// message, as Go's pprof handlers send one), no answer in time. With `progress`, the wait
    /// is shown on standard error and the line is cleared afterwards.
    public static func get(_ url: URL, timeout: Double, progress: Bool) throws(ProfileError) -> [UInt8] {
        let line = progress ? ProgressLine(host: url.host ?? "the server", timeout: timeout) : nil
        defer { line?.clear() }
        var headers: [String: String] = [:]
        if let comps = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let token = comps.queryItems?.first(where: { $0.name == "token" })?.value
        {
            headers["Authorization"] = "Bearer \(token)"
        }
        let response: HTTPClient.Response
        do {
            if url.scheme == "http" {
                var client = HTTPClient(deadline: .now() + timeout)
                if let line { client.waiting = { line.update(received: $0) } }
                response = try client.get(url, headers: headers)
            } else {
                response = try sessionGet(url, timeout: timeout, headers: headers, line: line)
            }
        } catch {
            // go tool pprof's words for a request that got no answer.
            throw ProfileError("http fetch: " + error.message)
        }
        if response.status != 200 {
            let reason = HTTPURLResponse.localizedString(forStatusCode: response.status).capitalized
            var message = "server response: \(response.status) \(reason)"
            if (response.headers["content-type"] ?? "").contains("text/plain"), response.body.count < 500 {
                let text = String(decoding: response.body, as: UTF8.self)
                if let first = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first {
                    message += " - " + first
                }
            }
            throw ProfileError(message)
        }
        return response.body
    }

    /// HTTPS through Foundation's URLSession (plain http uses HTTPClient).
    static func sessionGet(_ url: URL, timeout: Double, headers: [String: String], line: ProgressLine?)
        throws(ProfileError) -> HTTPClient.Response
    {
        final class Box: @unchecked Sendable {
            var data: Data?
            var response: URLResponse?
            var error: Error?
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: config)
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        session.dataTask(with: request) { data, response, error in
            box.data = data
            box.response = response
            box.error = error
            done.signal()
        }.resume()
        let deadline = DispatchTime.now() + timeout + 1
        while done.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
            if DispatchTime.now() >= deadline {
                session.invalidateAndCancel()
                throw ProfileError("no answer in time (-timeout sets how long to wait)")
            }
            line?.update(received: 0)
        }
        session.finishTasksAndInvalidate()
        if let error = box.error { throw ProfileError(describe(error)) }
        guard let http = box.response as? HTTPURLResponse else { throw ProfileError("the answer is not HTTP") }
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields {
            if let k = k as? String, let v = v as? String { fields[k.lowercased()] = v }
        }
        return HTTPClient.Response(status: http.statusCode, headers: fields, body: [UInt8](box.data ?? Data()))
    }

    /// A network error in words, with the reason when Foundation knows it.
    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSURLErrorDomain {
            switch ns.code {
            case NSURLErrorCannotConnectToHost: return "connection refused (is the server running, and on that port?)"
            case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return "no such host"
            case NSURLErrorTimedOut: return "no answer in time (-timeout sets how long to wait)"
            case NSURLErrorNetworkConnectionLost: return "the connection was closed before the answer was complete"
            case NSURLErrorUnsupportedURL, NSURLErrorBadURL: return "not a URL that can be fetched"
            case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted:
                return "TLS failed: \(ns.localizedDescription)"
            default: break
            }
        }
        return ns.localizedDescription
    }

    /// Where copies of fetched profiles go: $PPROF_TMPDIR, else ~/pprof, else the temporary
    /// directory; the first that exists or can be made.
    public static func saveDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var dirs: [String] = []
        if let d = environment["PPROF_TMPDIR"], !d.isEmpty { dirs.append(d) }
        if let home = environment["HOME"], !home.isEmpty { dirs.append((home as NSString).appendingPathComponent("pprof")) }
        dirs.append(NSTemporaryDirectory())
        for d in dirs {
            if (try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)) != nil { return d }
        }
        return nil
    }

    /// Saves `p` as `pprof.BINARY.TYPE1.TYPE2….NNN.pb.gz` in the save directory, as go tool
    /// pprof names its copies; returns the path.
    public static func saveCopy(_ p: Profile, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ProfileError) -> String
    {
        guard let dir = saveDirectory(environment: environment) else {
            throw ProfileError("no directory to save it in (set PPROF_TMPDIR)")
        }
        var prefix = "pprof."
        if let m = p.mappings.first, !m.file.isEmpty { prefix += (m.file as NSString).lastPathComponent + "." }
        for st in p.sampleTypes { prefix += st.type + "." }
        let bytes = p.serialized(compress: true)
        for i in 1..<10000 {
            let path = (dir as NSString).appendingPathComponent(prefix + String(format: "%03d", i) + ".pb.gz")
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd < 0 {
                if errno == EEXIST { continue }
                throw ProfileError("\(path): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            var off = 0
            while off < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    throw ProfileError("\(path): \(String(cString: strerror(errno)))")
                }
                off += n
            }
            return path
        }
        throw ProfileError("could not create a file of the form \(prefix)001.pb.gz in \(dir)")
    }

    /// Whether to show the wait: standard error is a terminal.
    static var progressWanted: Bool { isatty(2) == 1 }

    static func writeStderr(_ s: String) {
        _ = s.withCString { write(2, $0, strlen($0)) }
    }
}

/// The line on a terminal that shows a fetch is still waiting: a spinner, the time so far,
/// the bytes received, and when pprof will give up. Cleared when the fetch ends.
final class ProgressLine {
    let host: String
    let timeout: Double
    let started = DispatchTime.now()
    private var tick = 0
    private var shown = false

    init(host: String, timeout: Double) {
        self.host = host
        self.timeout = timeout
    }

    func update(received: Int) {
        let elapsed = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000_000)
        let spinner = ["|", "/", "-", "\\"][tick % 4]
        tick += 1
        var text = "\r\u{1b}[K\(spinner) "
        if received > 0 {
            text += "receiving from \(host): \(Measurement.label(Int64(received), unit: "bytes"))"
        } else {
            text += "waiting for \(host)"
        }
        text += ", \(Fetch.durationText(elapsed)) (gives up after \(Fetch.durationText(Int(timeout.rounded()))))"
        Fetch.writeStderr(text)
        shown = true
    }

    func clear() {
        if shown { Fetch.writeStderr("\r\u{1b}[K") }
    }
}

extension ProfileLoader {
    /// Keeps a copy of a profile that came over the network and says where, as go tool pprof
    /// does ("Saved profile in …"); `saveRemote`, when set, does it instead.
    func keepFetchedCopy(_ p: Profile) {
        if let saveRemote {
            saveRemote(p, "")
            return
        }
        do {
            note("Saved profile in \(try Fetch.saveCopy(p))")
        } catch {
            note("Could not save profile: \(error.message)")
        }
    }
}
