import Foundation
import ProfileFormat

/// A small HTTP/1.1 client over POSIX sockets for `http://` profile URLs: it waits in poll()
/// (so a 30-second CPU profile costs no CPU while it waits), knows exactly which step failed,
/// follows redirects, and reads Content-Length, chunked and read-to-close bodies.
struct HTTPClient {
    /// A response: status, headers (lower-case names) and body.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    let deadline: DispatchTime
    /// Called about every quarter second while waiting, with the bytes received so far.
    var waiting: ((Int) -> Void)?

    /// GETs `url`, following up to ten redirects.
    func get(_ url: URL, headers extra: [String: String] = [:]) throws(ProfileError) -> Response {
        var current = url
        for _ in 0..<10 {
            let r = try once(current, headers: extra)
            guard [301, 302, 303, 307, 308].contains(r.status), let location = r.headers["location"] else { return r }
            guard let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                throw ProfileError("redirected to \(location), which is not a URL")
            }
            guard next.scheme == "http" else {
                throw ProfileError("redirected to \(next.absoluteString), which this pprof fetches only over http")
            }
            current = next
        }
        throw ProfileError("stopped after 10 redirects")
    }

    private func remainingMilliseconds() -> Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        let end = deadline.uptimeNanoseconds
        return now >= end ? 0 : Int32(min((end - now) / 1_000_000, 250))
    }

    private func timedOut() -> Bool { DispatchTime.now() >= deadline }

    private func once(_ url: URL, headers extra: [String: String]) throws(ProfileError) -> Response {
        guard let host = url.host, !host.isEmpty else { throw ProfileError("no host in \(url.absoluteString)") }
        let port = url.port ?? 80
        let fd = try connect(host: host, port: port)
        defer { close(fd) }
        var target = url.path.isEmpty ? "/" : url.path
        if let comps = URLComponents(url: url, resolvingAgainstBaseURL: false) {
            target = comps.percentEncodedPath.isEmpty ? "/" : comps.percentEncodedPath
            if let q = comps.percentEncodedQuery { target += "?" + q }
        }
        var request = "GET \(target) HTTP/1.1\r\nHost: \(url.port == nil ? host : "\(host):\(port)")\r\n"
        request += "User-Agent: pprof-swift\r\nAccept: */*\r\nConnection: close\r\n"
        for (k, v) in extra { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        try send(fd, Array(request.utf8))
        return try receive(fd)
    }

    /// Resolves `host` and connects to the first address that answers.
    private func connect(host: String, port: Int) throws(ProfileError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        if rc != 0 || list == nil { throw ProfileError("no such host \(host)") }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = ECONNREFUSED
        var ai = list
        while let a = ai {
            ai = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if fd < 0 { continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Foundation.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
            if errno != EINPROGRESS {
                lastError = errno
                close(fd)
                continue
            }
            while true {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let n = poll(&p, 1, remainingMilliseconds())
                if n > 0 {
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                    if err == 0 { return fd }
                    lastError = err
                    break
                }
                if n < 0 && errno != EINTR {
                    lastError = errno
                    break
                }
                if timedOut() {
                    close(fd)
                    throw ProfileError("could not connect to \(host):\(port) in time (-timeout sets how long to wait)")
                }
                waiting?(0)
            }
            close(fd)
        }
        if lastError == ECONNREFUSED {
            throw ProfileError("connection refused by \(host):\(port) (is the server running, and on that port?)")
        }
        throw ProfileError("cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) throws(ProfileError) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                off += n
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EINTR) {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, remainingMilliseconds())
                if timedOut() { throw ProfileError("timed out sending the request (-timeout sets how long to wait)") }
                continue
            }
            throw ProfileError("sending the request: \(String(cString: strerror(errno)))")
        }
    }

    /// Reads the status line, headers and body.
    private func receive(_ fd: Int32) throws(ProfileError) -> Response {
        var data: [UInt8] = []
        var headerEnd: Int?
        var response = Response(status: 0, headers: [:], body: [])
        var bodyLength: Int?
        var chunked = false
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let end = headerEnd {
                let have = data.count - end
                if let len = bodyLength, have >= len { break }
                // The last chunk is "0" and an empty line (trailers are not used by pprof servers).
                if chunked && data.count - end >= 5 && Array(data.suffix(5)) == [48, 13, 10, 13, 10],
                    let body = Self.dechunk(data[end...])
                {
                    response.body = body
                    return response
                }
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, remainingMilliseconds())
            if ready == 0 || (ready < 0 && errno == EINTR) {
                if timedOut() {
                    throw ProfileError(
                        headerEnd == nil
                            ? "no answer in time (-timeout sets how long to wait)"
                            : "the answer did not finish in time (-timeout sets how long to wait)")
                }
                waiting?(data.count)
                continue
            }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw ProfileError("reading the answer: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                guard let end = headerEnd else {
                    throw ProfileError("the server closed the connection without answering")
                }
                if let len = bodyLength, data.count - end < len {
                    throw ProfileError("the connection closed after \(data.count - end) of \(len) bytes")
                }
                if chunked {
                    guard let body = Self.dechunk(data[end...]) else {
                        throw ProfileError("the connection closed in the middle of the answer")
                    }
                    response.body = body
                    return response
                }
                break
            }
            data.append(contentsOf: buf[0..<n])
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: data[...]) {
                headerEnd = end + 4
                let head = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                let status = head.first?.split(separator: " ", maxSplits: 2) ?? []
                guard status.count >= 2, status[0].hasPrefix("HTTP/"), let code = Int(status[1]) else {
                    throw ProfileError("the answer is not HTTP")
                }
                response.status = code
                for line in head.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = line[..<colon].lowercased()
                    response.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                chunked = response.headers["transfer-encoding"]?.lowercased().contains("chunked") ?? false
                if !chunked, let len = response.headers["content-length"].flatMap({ Int($0) }) { bodyLength = len }
            }
        }
        let end = headerEnd ?? data.count
        response.body = Array(data[end..<(bodyLength.map { end + $0 } ?? data.count)])
        return response
    }

    /// A chunked body decoded, or nil until its last chunk has arrived.
    static func dechunk(_ raw: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var i = raw.startIndex
        while true {
            guard let lineEnd = find([13, 10], in: raw[i...]) else { return nil }
            let sizeText = String(decoding: raw[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            let start = lineEnd + 2
            if size == 0 { return out }
            guard raw.endIndex >= start + size + 2 else { return nil }
            out.append(contentsOf: raw[start..<(start + size)])
            i = start + size + 2
        }
    }

    /// The index where `needle` first starts in `hay`.
    static func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        while i + needle.count <= hay.endIndex {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
