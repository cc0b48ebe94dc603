import Foundation
import ProfileReport
import Hummingbird
import Logging
import NIOCore

/// `pprof -http=[host]:port`: the web UI served by Hummingbird on a loaded session.
public enum WebServer {
    /// Where to listen: the host (loopback when empty) and the port (0 picks a free one).
    struct Address: Equatable {
        var host: String
        var port: Int

        /// Splits `host:port` as Go's net.SplitHostPort does (`[::1]:8080` for IPv6).
        init(_ text: String) throws(FlagError) {
            var host: Substring
            var port: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                    throw FlagError("could not split http address \(text): expected [host]:port")
                }
                host = text[text.index(after: text.startIndex)..<close]
                port = text[text.index(close, offsetBy: 2)...]
            } else {
                guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                    throw FlagError("could not split http address \(text): expected host:port, such as :8080 or localhost:0")
                }
                host = text[..<colon]
                port = text[text.index(after: colon)...]
            }
            self.host = host.isEmpty ? "127.0.0.1" : String(host)
            if port.isEmpty {
                self.port = 0
            } else {
                guard let p = Int(port), (0...65535).contains(p) else {
                    throw FlagError("invalid http port \"\(port)\": expected a number from 0 to 65535")
                }
                self.port = p
            }
        }
    }

    /// The Hummingbird application serving `ui` on `host`:`port`.
    static func application(
        _ ui: WebUI, host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: HostCheck(listening: host))
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let query = WebParams.decode(request.uri.query ?? "")
            return response(ui.answer(path: request.uri.path, query: query, method: request.method.rawValue))
        }
        for path in ["/", "ui", "ui/**"] {
            router.get(RouterPath(path), use: handler)
            router.post(RouterPath(path), use: handler)
        }
        var logger = Logger(label: "pprof-web")
        logger.logLevel = .warning
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "pprof"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    static func response(_ a: WebAnswer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = a.contentType
        headers[.cacheControl] = "no-store"
        // Pages only use their own scripts and styles (and the inline ones the reports embed).
        headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
        headers[.xContentTypeOptions] = "nosniff"
        for (name, value) in a.headers {
            switch name {
            case "Location": headers[.location] = value
            case "Allow": headers[.allow] = value
            case "Content-Disposition": headers[.contentDisposition] = value
            case "Cache-Control": headers[.cacheControl] = value
            default: break
            }
        }
        return Response(
            status: HTTPResponse.Status(code: a.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: a.body)))
    }

    /// Serves the session until interrupted; prints the URL and opens a browser (at `path` under
    /// it) unless told not to.
    /// `compare` loads two of the command line's sources as `-diff_base` would, for the pages'
    /// Compare menu (nil: without the command line's symbolization).
    public static func run(
        _ session: Session, address text: String, openBrowser: Bool, opening path: String = "", sink: OutputSink,
        compare: ((_ base: String, _ new: String, _ warn: (String) -> Void) throws(ReportError) -> Session)? = nil
    ) -> Int32 {
        let address: Address
        do {
            address = try Address(text)
        } catch {
            sink.err("pprof: \(error.message)")
            return 1
        }
        let ui = WebUI(session: session, compareLoader: compare)
        ui.warmsComparisons = true
        ui.prepare()
        Thread.detachNewThread { ui.warm() }
        let urlHost = address.host.contains(":") ? "[\(address.host)]" : address.host
        let messages = SinkBox(sink)
        let app = application(ui, host: address.host, port: address.port) { port in
            let url = "http://\(urlHost):\(port)/"
            messages.sink.err("Serving web UI on \(url)")
            if openBrowser { WebServer.openBrowser(url + path, sink: messages.sink) }
        }
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task.detached {
            do {
                try await app.runService()
            } catch {
                failure.message = "\(error)"
            }
            done.signal()
        }
        done.wait()
        if let message = failure.message {
            sink.err("pprof: could not serve the web UI on \(text): \(message)")
            return 1
        }
        return 0
    }

    final class FailureBox: @unchecked Sendable {
        var message: String?
    }

    /// The sink, handed to the server's start-up callback (it is only used there, once).
    final class SinkBox: @unchecked Sendable {
        let sink: OutputSink
        init(_ sink: OutputSink) { self.sink = sink }
    }

    /// Opens `url` with $BROWSER, else xdg-open (open on macOS); says so when none starts.
    static func openBrowser(_ url: String, sink: OutputSink) {
        var candidates: [String] = []
        if let b = ProcessInfo.processInfo.environment["BROWSER"], !b.isEmpty { candidates.append(b) }
        #if os(macOS)
            candidates.append("/usr/bin/open")
        #else
            candidates.append("xdg-open")
        #endif
        for candidate in candidates {
            let words = candidate.split(separator: " ").map(String.init)
            guard let program = words.first, let path = findExecutable(program) else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = Array(words.dropFirst()) + [url]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            if (try? process.run()) != nil { return }
        }
        sink.err("Could not open a browser (set $BROWSER); open \(url) yourself")
    }
}

/// Refuses requests whose Host is neither a loopback name, an IP address, nor the address the
/// server listens on, so that a web page elsewhere cannot reach the profile through DNS rebinding.
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    let listening: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard Self.allowed(request.head.authority, listening: listening) else {
            return WebServer.response(
                WebAnswer(status: 403, contentType: "text/plain; charset=utf-8",
                    body: Array("pprof: this web UI answers only requests addressed to localhost or its own address\n".utf8)))
        }
        return try await next(request, context)
    }

    static func allowed(_ authority: String?, listening: String) -> Bool {
        guard let authority, !authority.isEmpty else { return false }
        var host = Substring(authority.lowercased())
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        let h = String(host)
        if h == "localhost" || h.hasSuffix(".localhost") || h == listening.lowercased() { return true }
        // An address literal names no domain whose DNS could be rebound.
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, h, &v4) == 1 || inet_pton(AF_INET6, h, &v6) == 1
    }
}
