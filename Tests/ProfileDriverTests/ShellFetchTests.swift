import Foundation
import ProfileFormat
import ProfileDriver
import Testing

/// A loopback HTTP server for the fetch tests: one thread, one connection at a time.
final class LoopbackServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var stopped = false
    private var targets: [String] = []
    let routes: [String: (status: Int, headers: [String], body: [UInt8])]

    /// Paths asked for so far, with their queries.
    var requested: [String] {
        lock.lock()
        defer { lock.unlock() }
        return targets
    }

    init(routes: [String: (status: Int, headers: [String], body: [UInt8])]) throws {
        self.routes = routes
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(sock, 16) == 0 else { throw ProfileError("cannot listen on loopback") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) }
        }
        port = UInt16(bigEndian: addr.sin_port)
        fd = sock
        Thread.detachNewThread { [self] in serve() }
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func serve() {
        while !isStopped {
            let c = accept(fd, nil, nil)
            if c < 0 { continue }
            var request: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 4096)
            while !request.contains(13) || !String(decoding: request, as: UTF8.self).contains("\r\n\r\n") {
                let n = recv(c, &buf, buf.count, 0)
                if n <= 0 { break }
                request += buf[0..<n]
            }
            let line = String(decoding: request, as: UTF8.self).split(separator: "\r\n").first ?? ""
            let target = line.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
            lock.lock()
            targets.append(target)
            lock.unlock()
            let path = String(target.split(separator: "?").first ?? "")
            if path == "/hang" {
                // Never answer; the client must give up by itself.
                Thread.sleep(forTimeInterval: 3)
                close(c)
                continue
            }
            let route = routes[path] ?? (404, ["Content-Type: text/plain"], Array("no such page\n".utf8))
            var head = "HTTP/1.1 \(route.status) \(route.status == 200 ? "OK" : "Status")\r\n"
            var body = route.body
            if route.headers.contains("Transfer-Encoding: chunked") {
                var chunked: [UInt8] = []
                var i = 0
                while i < body.count {
                    let piece = body[i..<min(body.count, i + 1000)]
                    chunked += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + [13, 10]
                    i += 1000
                }
                body = chunked + Array("0\r\n\r\n".utf8)
            } else {
                head += "Content-Length: \(body.count)\r\n"
            }
            for h in route.headers { head += h + "\r\n" }
            head += "Connection: close\r\n\r\n"
            let all = Array(head.utf8) + body
            var off = 0
            while off < all.count {
                let n = all.withUnsafeBytes { send(c, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                off += n
            }
            close(c)
        }
    }
}

/// Runs the command line in-process with `loader`, capturing everything.
func runCommandLine(_ args: [String], loader: ProfileLoader) -> (out: [UInt8], err: [String], status: Int32) {
    Environment.prepare()
    final class Capture: @unchecked Sendable {
        var out: [UInt8] = []
        var err: [String] = []
    }
    let c = Capture()
    let sink = OutputSink(out: { c.out += $0 }, err: { c.err.append($0) })
    let status = PprofCommand.run(args, sink: sink, loader: loader)
    return (c.out, c.err, status)
}

@Suite(.serialized) struct ShellFetchTests {
    static let heap = (try? [UInt8](Data(contentsOf: repoRoot.appendingPathComponent("Samples/heap-leak.pb.gz")))) ?? []

    static func server() throws -> LoopbackServer {
        try LoopbackServer(routes: [
            "/debug/pprof/heap": (200, ["Content-Type: application/octet-stream"], heap),
            "/chunked": (200, ["Transfer-Encoding: chunked"], heap),
            "/moved": (302, ["Location: /debug/pprof/heap"], []),
            "/gone": (404, ["Content-Type: text/plain; charset=utf-8", "X-Go-Pprof: 1"], Array("Unknown profile\n".utf8)),
            "/broken": (500, ["Content-Type: text/html"], Array("<html>oops</html>".utf8)),
        ])
    }

    /// A loader whose copies of fetched profiles are counted instead of written.
    final class Saved: @unchecked Sendable {
        var profiles: [Profile] = []
    }

    static func loader(_ saved: Saved) -> ProfileLoader {
        var l = ProfileLoader()
        l.saveRemote = { p, _ in saved.profiles.append(p) }
        return l
    }

    @Test func fetchesLikeAFile() throws {
        let s = try Self.server()
        defer { s.stop() }
        let saved = Saved()
        let fromURL = runCommandLine(["-top", s.url("/debug/pprof/heap")], loader: Self.loader(saved))
        let fromFile = runCommandLine(["-top", "Samples/heap-leak.pb.gz"], loader: ProfileLoader())
        #expect(fromURL.status == 0)
        #expect(fromURL.out == fromFile.out)
        #expect(fromURL.err.first == "Fetching profile over HTTP from \(s.url("/debug/pprof/heap"))")
        #expect(saved.profiles.count == 1)
    }

    @Test func chunkedAndRedirected() throws {
        let s = try Self.server()
        defer { s.stop() }
        let saved = Saved()
        let expected = runCommandLine(["-top", "Samples/heap-leak.pb.gz"], loader: ProfileLoader()).out
        for path in ["/chunked", "/moved"] {
            let r = runCommandLine(["-top", s.url(path)], loader: Self.loader(saved))
            #expect(r.status == 0, "\(path): \(r.err)")
            #expect(r.out == expected, "\(path)")
        }
        #expect(s.requested.contains("/debug/pprof/heap"))
    }

    @Test func secondsGoIntoTheURL() throws {
        let s = try Self.server()
        defer { s.stop() }
        let r = runCommandLine(["-top", "-seconds", "2", s.url("/debug/pprof/heap")], loader: Self.loader(Saved()))
        #expect(r.status == 0)
        #expect(s.requested == ["/debug/pprof/heap?seconds=2"])
        #expect(r.err.contains("Please wait... (2s)"))
        #expect(Fetch.plan("localhost:6060/debug/pprof/profile?seconds=30", seconds: -1, timeout: -1)?.wait == 45)
        #expect(Fetch.plan("localhost:6060/debug/pprof/heap", seconds: -1, timeout: -1)?.wait == 60)
        #expect(Fetch.plan("localhost:6060/debug/pprof/heap", seconds: -1, timeout: 7)?.wait == 7)
        #expect(Fetch.durationText(90) == "1m30s")
    }

    @Test func failuresAreOneLine() throws {
        let s = try Self.server()
        defer { s.stop() }
        // A port nobody listens on: bind one, then close it.
        let closed = try LoopbackServer(routes: [:])
        let deadPort = closed.port
        closed.stop()
        let cases: [(String, String)] = [
            (s.url("/gone"), "server response: 404 Not Found - Unknown profile"),
            (s.url("/broken"), "server response: 500 Internal Server Error"),
            ("http://127.0.0.1:\(deadPort)/debug/pprof/heap", "http fetch: connection refused"),
            ("http://:80/x", "not a URL pprof can fetch"),
            ("gopher://127.0.0.1/x", "not a URL pprof can fetch"),
        ]
        for (source, message) in cases {
            let r = runCommandLine(["-top", source], loader: Self.loader(Saved()))
            #expect(r.status == 1, "\(source)")
            let errors = r.err.filter { !$0.hasPrefix("Fetching profile") }
            #expect(errors.count == 1, "\(source): \(r.err)")
            #expect(errors.first?.hasPrefix("pprof: ") == true)
            #expect(errors.first?.contains(message) == true, "\(source): \(errors)")
            #expect(r.out.isEmpty)
        }
    }

    @Test func givesUpInTime() throws {
        let s = try Self.server()
        defer { s.stop() }
        let start = Date()
        #expect(throws: ProfileError.self) {
            _ = try Fetch.get(URL(string: s.url("/hang"))!, timeout: 0.5, progress: false)
        }
        #expect(Date().timeIntervalSince(start) < 2.5)
        do {
            _ = try Fetch.get(URL(string: s.url("/hang"))!, timeout: 0.3, progress: false)
        } catch {
            #expect(error.message.contains("no answer in time"))
        }
    }

    @Test func savesACopyNamedAsGoDoes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-save-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Profile.parse(Self.heap)
        let first = try Fetch.saveCopy(p, environment: ["PPROF_TMPDIR": dir.path])
        let second = try Fetch.saveCopy(p, environment: ["PPROF_TMPDIR": dir.path])
        #expect(first == dir.path + "/pprof.imgseed.alloc_objects.alloc_space.inuse_objects.inuse_space.001.pb.gz")
        #expect(second.hasSuffix(".002.pb.gz"))
        #expect(try Profile.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: first)))).samples.count == p.samples.count)
        #expect(Fetch.saveDirectory(environment: ["HOME": dir.path]) == dir.path + "/pprof")
    }

    @Test func shellLoadsURLs() throws {
        let s = try Self.server()
        defer { s.stop() }
        let run = runShell(
            ["Samples/cpu.pb.gz"], ["load \(s.url("/debug/pprof/heap"))", "top 2"], loader: Self.loader(Saved()))
        #expect(run.status == 0, "\(run.ui.errors)")
        #expect(run.text.contains("bytes.growSlice"))
        #expect(run.ui.messages.contains("Type: inuse_space"))
    }
}
