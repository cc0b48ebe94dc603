import Foundation

/// A loopback HTTP server that plays back a script per request, byte for byte, so tests can be
/// the origins that real clients must survive: bodies shorter than their Content-Length, bodies
/// that stall after a byte, redirect loops, garbage. It listens on 127.0.0.1 only; each
/// connection gets its own thread, and `stop()` ends every wait within about 50 ms.
public final class ScriptedServer: @unchecked Sendable {
    /// One step of an answer.
    public enum Step: Sendable {
        /// Write these bytes.
        case send([UInt8])
        /// Wait this many seconds (ended early by `stop()`).
        case pause(Double)
    }

    /// What a client asked: the request line's target and its headers (names lower-cased).
    public struct Request: Sendable {
        public var target: String
        public var headers: [String: String]
        /// The method, and the body a Content-Length announced (at most 1 MiB of it).
        public var method = "GET"
        public var body: [UInt8] = []
        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
    }

    public let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    private var seen: [Request] = []
    private var active = 0
    private var peak = 0
    private let script: @Sendable (Request) -> [Step]

    /// Requests received so far, in order.
    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }

    /// The most connections that were being answered at once.
    public var peakConnections: Int {
        lock.lock()
        defer { lock.unlock() }
        return peak
    }

    /// Listens on a free loopback port; `script` decides each answer.
    public init(_ script: @escaping @Sendable (Request) -> [Step]) throws {
        self.script = script
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(sock, 64) == 0 else {
            close(sock)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot listen on loopback"])
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = sock
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Stops listening and ends every pause early.
    public func stop() {
        lock.lock()
        let was = stopped
        stopped = true
        lock.unlock()
        if !was {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    deinit { stop() }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let c = accept(listener, nil, nil)
            if c < 0 {
                if isStopped { return }
                continue
            }
            Thread.detachNewThread { [self] in serve(c) }
        }
    }

    private func serve(_ c: Int32) {
        lock.lock()
        active += 1
        peak = max(peak, active)
        lock.unlock()
        defer {
            close(c)
            lock.lock()
            active -= 1
            lock.unlock()
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var raw: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while raw.count < 65536 {
            let n = recv(c, &buf, buf.count, 0)
            if n <= 0 { return }
            raw += buf[0..<n]
            // A TLS ClientHello (record type 22): this server speaks plain HTTP only, so it hangs up.
            if raw.first == 0x16 { return }
            if raw.count >= 4, raw.indices.dropFirst(3).contains(where: { raw[$0 - 3...$0].elementsEqual([13, 10, 13, 10]) }) {
                break
            }
        }
        let lines = String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n")
        let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var request = Request(target: target, headers: headers)
        request.method = lines.first?.split(separator: " ").first.map(String.init) ?? "GET"
        if let length = headers["content-length"].flatMap({ Int($0) }), length > 0, length <= 1 << 20,
            let end = raw.indices.dropFirst(3).first(where: { raw[$0 - 3...$0].elementsEqual([13, 10, 13, 10]) })
        {
            var body = Array(raw[(end + 1)...])
            while body.count < length {
                let n = recv(c, &buf, buf.count, 0)
                if n <= 0 { break }
                body += buf[0..<n]
            }
            request.body = Array(body.prefix(length))
        }
        lock.lock()
        seen.append(request)
        lock.unlock()
        for step in script(request) {
            switch step {
            case .send(let bytes):
                var off = 0
                while off < bytes.count {
                    let n = bytes.withUnsafeBytes { send(c, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 { return }
                    off += n
                }
            case .pause(let seconds):
                let end = Date().addingTimeInterval(seconds)
                while Date() < end && !isStopped { usleep(20_000) }
                if isStopped { return }
            }
        }
    }

    /// An HTTP/1.1 answer head with these header lines (`Connection: close` is added).
    public static func head(_ status: Int, _ headers: [String] = []) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status")\r\n"
        for h in headers { text += h + "\r\n" }
        return Array((text + "Connection: close\r\n\r\n").utf8)
    }

    /// A whole answer: head with Content-Length, then `body`.
    public static func answer(_ status: Int, _ headers: [String] = [], body: [UInt8]) -> [Step] {
        [.send(head(status, headers + ["Content-Length: \(body.count)"]) + body)]
    }
}
