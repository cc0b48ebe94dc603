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

    /// A blocking GET (a POST of `post` when given) that returns the body of a 200 answer. Every failure is one line:
    /// an unknown or unreachable host, a bad status (with the server's message, as Go's pprof
    /// handlers send one in plain text and the image service in JSON, bounded and stripped of
    /// control characters), no answer in time, an answer over `limit` bytes. A `token=` in the
    /// URL is sent as `Authorization: Bearer` to that origin only, and never printed. With
    /// `progress`, the wait is shown on standard error and the line is cleared afterwards.
    public static func get(
        _ url: URL, timeout: Double, progress: Bool, limit: Int = ProfileLoader.configuredMaxBytes(), post: [UInt8]? = nil
    ) throws(ProfileError) -> [UInt8] {
        let line = progress ? ProgressLine(host: url.host ?? "the server", timeout: timeout) : nil
        defer { line?.clear() }
        let token = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?
            .first(where: { $0.name == "token" })?.value.flatMap { $0.isEmpty ? nil : $0 }
        let response: ProfileHTTPClient.Response
        do {
            response = try ProfileHTTPClient(timeout: timeout, limit: limit, progress: line).get(url, token: token, post: post)
        } catch {
            // go tool pprof's words for a request that got no answer.
            throw ProfileError(hide(token, in: "http fetch: " + error.message))
        }
        if response.status != 200 {
            let reason = HTTPURLResponse.localizedString(forStatusCode: response.status).capitalized
            var message = "server response: \(response.status) \(reason)"
            if let text = serverMessage(response) { message += " - " + text }
            throw ProfileError(hide(token, in: message))
        }
        return response.body
    }

    /// The short message a server put in an error answer: the first line of a plain-text body,
    /// or `error.message` (or `message`) of a JSON one; at most 200 characters, without
    /// control characters (so a server cannot move the cursor or recolour the terminal).
    static func serverMessage(_ response: ProfileHTTPClient.Response) -> String? {
        let type = (response.headers["content-type"] ?? "").lowercased()
        let body = response.body.prefix(64 << 10)
        var text: String?
        if type.contains("text/plain") {
            text = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline)
                .first { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
        } else if type.contains("json"), let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            if let error = json["error"] as? [String: Any], let m = error["message"] as? String {
                text = m
            } else if let m = (json["message"] as? String) ?? (json["error"] as? String) {
                text = m
            }
        }
        guard let text else { return nil }
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format ? " " : $0
        })).trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty else { return nil }
        return clean.count > 200 ? String(clean.prefix(200)) + "…" : clean
    }

    /// `text` with every occurrence of `token` replaced by "xxxxx".
    static func hide(_ token: String?, in text: String) -> String {
        guard let token, !token.isEmpty else { return text }
        return text.replacingOccurrences(of: token, with: "xxxxx")
    }

    /// A URL or source as it may be printed: `token=` values and a password replaced by
    /// "xxxxx", as Go's url.Redacted does for passwords.
    public static func redact(_ text: String) -> String {
        var out = text
        for (pattern, template) in [("([?&]token=)[^&#\\s]+", "$1xxxxx"), ("(://[^/@:\\s]*:)[^/@\\s]+@", "$1xxxxx@")] {
            guard let re = try? NSRegularExpression(pattern: pattern) else { continue }
            out = re.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: template)
        }
        return out
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
        return ns.localizedDescription.split(whereSeparator: \.isNewline).joined(separator: " ")
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
