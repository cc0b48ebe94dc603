import Foundation
import ProfileFormat

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The one HTTP client for profiles (command line, shell and web UI): Foundation's URLSession,
/// for http and https alike, with what a client of untrusted servers needs on top:
/// - one deadline for the whole transfer (connection, head and every byte of the body);
/// - a cap on the body, the same as the cap on a profile's inflated size;
/// - at most `maxRedirects` redirects, and the bearer token only ever sent to the origin it was
///   given for (same scheme, host and port; Go drops it across hosts too, CVE-2023-45289).
///
/// URLSession rather than AsyncHTTPClient: it is already linked into pprof, and AsyncHTTPClient
/// would add SwiftNIO and BoringSSL to a command-line tool that makes one request per run.
struct ProfileHTTPClient {
    /// A response: status, headers (lower-case names) and body.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    static let maxRedirects = 10

    /// Seconds for the whole transfer.
    let timeout: Double
    /// The most body bytes accepted.
    let limit: Int
    /// Shows the wait on a terminal.
    var progress: ProgressLine?

    /// GETs `url` (POSTs `post` to it when given), sending `token` as `Authorization: Bearer`
    /// to `url`'s own origin only.
    func get(_ url: URL, token: String?, post: [UInt8]? = nil) throws(ProfileError) -> Response {
        let transfer = Transfer(origin: url, token: token, limit: limit)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        request.setValue("pprof-swift", forHTTPHeaderField: "User-Agent")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let post {
            request.httpMethod = "POST"
            request.httpBody = Data(post)
            request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        let task = session.dataTask(with: request)
        task.resume()
        let deadline = DispatchTime.now() + timeout
        while transfer.done.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
            if DispatchTime.now() >= deadline {
                task.cancel()
                throw ProfileError(
                    transfer.received == 0
                        ? "no answer in time (-timeout sets how long to wait)"
                        : "the answer did not finish in time (-timeout sets how long to wait)")
            }
            progress?.update(received: transfer.received)
        }
        return try transfer.result()
    }
}

/// One transfer's state, filled in by URLSession's delegate callbacks on its own queue.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let origin: URL
    let token: String?
    let limit: Int
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var body = Data()
    private var response: HTTPURLResponse?
    private var failure: String?
    private var error: (any Error)?
    private var redirects = 0

    init(origin: URL, token: String?, limit: Int) {
        self.origin = origin
        self.token = token
        self.limit = limit
    }

    /// Body bytes received so far.
    var received: Int {
        lock.lock()
        defer { lock.unlock() }
        return body.count
    }

    /// The same origin: scheme, host and port (default ports filled in).
    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ u: URL) -> Int { u.port ?? (u.scheme?.lowercased() == "https" ? 443 : 80) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && port(a) == port(b)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        lock.lock()
        self.response = response as? HTTPURLResponse
        let tooLarge = response.expectedContentLength > Int64(limit)
        if tooLarge { failure = tooLargeMessage }
        lock.unlock()
        completionHandler(tooLarge ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        let tooLarge = body.count + data.count > limit
        if tooLarge {
            failure = tooLargeMessage
        } else {
            body.append(data)
        }
        lock.unlock()
        if tooLarge { dataTask.cancel() }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        lock.lock()
        redirects += 1
        let tooMany = redirects > ProfileHTTPClient.maxRedirects
        if tooMany { failure = "stopped after \(ProfileHTTPClient.maxRedirects) redirects" }
        lock.unlock()
        if tooMany {
            // Not followed: the redirect becomes the answer. (Cancelling the task here instead
            // trips an assertion in swift-corelibs-foundation, which waits for this handler.)
            completionHandler(nil)
            return
        }
        var next = request
        // The token goes only where it was given: never to another host, port or scheme.
        if let token, let url = next.url, Self.sameOrigin(url, origin) {
            next.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        } else {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock()
        self.error = error
        lock.unlock()
        done.signal()
    }

    private var tooLargeMessage: String {
        "the answer is larger than \(limit) bytes, the limit on a profile; set PPROF_MAX_INFLATED_BYTES to raise it"
    }

    /// The response, or the one line that says why there is none.
    func result() throws(ProfileError) -> ProfileHTTPClient.Response {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw ProfileError(failure) }
        if let error { throw ProfileError(Fetch.describe(error)) }
        guard let response else { throw ProfileError("the answer is not HTTP") }
        var fields: [String: String] = [:]
        for (k, v) in response.allHeaderFields {
            if let k = k as? String, let v = v as? String { fields[k.lowercased()] = v }
        }
        return ProfileHTTPClient.Response(status: response.statusCode, headers: fields, body: [UInt8](body))
    }
}
