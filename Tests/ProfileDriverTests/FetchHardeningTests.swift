import Foundation
import LoopbackOrigin
import ProfileFormat
import Testing

@testable import ProfileDriver

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// pprof's HTTP client against servers that misbehave (scripted byte for byte on loopback):
/// where the token goes and where it never goes, redirects, truncation, size caps, and the
/// messages that reach the terminal. Every failure must be one line and no token.
@Suite(.serialized) struct FetchHardeningTests {
    static let heap = (try? [UInt8](Data(contentsOf: repoRoot.appendingPathComponent("Samples/heap-leak.pb.gz")))) ?? []

    static func fetch(_ url: String, timeout: Double = 10, limit: Int = 64 << 20) throws(ProfileError) -> [UInt8] {
        try Fetch.get(URL(string: url)!, timeout: timeout, progress: false, limit: limit)
    }

    static func failure(_ url: String, timeout: Double = 10, limit: Int = 64 << 20) -> String? {
        do {
            _ = try fetch(url, timeout: timeout, limit: limit)
            return nil
        } catch {
            return error.message
        }
    }

    static func heapAnswer() -> [ScriptedServer.Step] {
        ScriptedServer.answer(200, ["Content-Type: application/octet-stream"], body: heap)
    }

    @Test("?token= is sent as a bearer token to its own origin, and never printed")
    func tokenBecomesBearer() throws {
        let s = try ScriptedServer { r in r.path == "/denied" ? ScriptedServer.answer(500, body: []) : Self.heapAnswer() }
        defer { s.stop() }
        #expect(try Self.fetch(s.url("/debug/pprof/heap?token=s3cret")) == Self.heap)
        #expect(s.requests.first?.headers["authorization"] == "Bearer s3cret")
        let saved = ShellFetchTests.Saved()
        let r = runCommandLine(["-top", s.url("/denied?token=s3cret")], loader: ShellFetchTests.loader(saved))
        #expect(r.status == 1)
        #expect(!r.err.joined().contains("s3cret"), "\(r.err)")
        #expect(r.err.first == "Fetching profile over HTTP from \(s.url("/denied?token=xxxxx"))")
    }

    @Test("a redirect keeps the token on its origin and drops it for any other host")
    func tokenStaysHome() throws {
        let other = try ScriptedServer { _ in Self.heapAnswer() }
        defer { other.stop() }
        let home = try ScriptedServer { r in
            switch r.path {
            case "/here": return [.send(ScriptedServer.head(302, ["Location: /heap", "Content-Length: 0"]))]
            case "/away":
                // Another host name for the same machine: a different origin to the client.
                return [.send(ScriptedServer.head(302, ["Location: http://localhost:\(other.port)/heap", "Content-Length: 0"]))]
            default: return Self.heapAnswer()
            }
        }
        defer { home.stop() }
        #expect(try Self.fetch(home.url("/here?token=t0k")) == Self.heap)
        #expect(home.requests.map { $0.headers["authorization"] } == ["Bearer t0k", "Bearer t0k"])
        #expect(try Self.fetch(home.url("/away?token=t0k")) == Self.heap)
        #expect(other.requests.count == 1)
        #expect(other.requests.first?.headers["authorization"] == nil, "\(other.requests)")
    }

    @Test("a redirect loop stops after ten redirects with one line")
    func redirectLoop() throws {
        let s = try ScriptedServer { _ in [.send(ScriptedServer.head(302, ["Location: /loop", "Content-Length: 0"]))] }
        defer { s.stop() }
        let message = Self.failure(s.url("/loop"))
        #expect(message == "http fetch: stopped after 10 redirects", "\(message ?? "")")
        #expect(s.requests.count <= 11)
    }

    @Test("https, and a redirect to https, to a server that does not speak TLS fail with one line")
    func httpsToPlainServer() throws {
        let plain = try ScriptedServer { _ in Self.heapAnswer() }
        defer { plain.stop() }
        let redirect = try ScriptedServer { _ in
            [.send(ScriptedServer.head(302, ["Location: https://127.0.0.1:\(plain.port)/heap", "Content-Length: 0"]))]
        }
        defer { redirect.stop() }
        for url in ["https://127.0.0.1:\(plain.port)/heap?token=s3cret", redirect.url("/to-https?token=s3cret")] {
            let message = Self.failure(url, timeout: 5)
            #expect(message?.hasPrefix("http fetch: ") == true, "\(url): \(message ?? "no error")")
            #expect(message?.contains("\n") == false)
            #expect(message?.contains("s3cret") == false)
        }
    }

    @Test("a body cut short of its Content-Length is an error, not a short profile")
    func truncatedBody() throws {
        let s = try ScriptedServer { _ in
            [.send(ScriptedServer.head(200, ["Content-Length: \(Self.heap.count)"]) + Self.heap.prefix(100))]
        }
        defer { s.stop() }
        let message = Self.failure(s.url("/heap"))
        #expect(message?.hasPrefix("http fetch: ") == true, "\(message ?? "no error")")
    }

    @Test("answers over the cap are refused, by Content-Length or while streaming")
    func sizeCap() throws {
        let big = [UInt8](repeating: 0, count: 300_000)
        let s = try ScriptedServer { r in
            r.path == "/declared"
                ? ScriptedServer.answer(200, body: big)
                : [.send(ScriptedServer.head(200, ["Transfer-Encoding: chunked"]) + Array("493E0\r\n".utf8) + big + Array("\r\n0\r\n\r\n".utf8))]
        }
        defer { s.stop() }
        for path in ["/declared", "/streamed"] {
            let message = Self.failure(s.url(path), limit: 100_000)
            #expect(message?.contains("larger than 100000 bytes") == true, "\(path): \(message ?? "no error")")
        }
        #expect(try Self.fetch(s.url("/declared"), limit: 300_000).count == 300_000)
        // A Content-Length of -1 is not a length: refused or read, never a trap.
        let negative = try ScriptedServer { _ in [.send(ScriptedServer.head(200, ["Content-Length: -1"]) + Self.heap)] }
        defer { negative.stop() }
        _ = Self.failure(negative.url("/heap"))
    }

    @Test("a 401 or 403 shows the server's message, bounded and without control characters")
    func refusalMessages() throws {
        let s = try ScriptedServer { r in
            switch r.path {
            case "/json":
                return ScriptedServer.answer(401, ["Content-Type: application/json; charset=utf-8"], body: Array(
                    #"{"error":{"code":"unauthorized","message":"profiles need the token: send Authorization: Bearer TOKEN or add ?token=TOKEN"}}"#.utf8))
            case "/text":
                return ScriptedServer.answer(403, ["Content-Type: text/plain"], body: Array("\u{1b}[2Jgo away\u{7}\nsecond line\n".utf8))
            default:
                return ScriptedServer.answer(403, ["Content-Type: text/plain"], body: [UInt8](repeating: 0x41, count: 5000))
            }
        }
        defer { s.stop() }
        #expect(Self.failure(s.url("/json"))
            == "server response: 401 Unauthorized - profiles need the token: send Authorization: Bearer TOKEN or add ?token=TOKEN")
        let text = Self.failure(s.url("/text")) ?? ""
        #expect(text.hasPrefix("server response: 403 Forbidden - ") && text.contains("go away"), "\(text)")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(text.debugDescription)")
        let long = Self.failure(s.url("/long")) ?? ""
        #expect(long.count < 260, "\(long.count)")
    }

    @Test("unknown hosts and refused connections are named (no lookup leaves the machine)")
    func networkErrorsInWords() {
        #expect(Fetch.describe(NSError(domain: NSURLErrorDomain, code: NSURLErrorCannotFindHost)) == "no such host")
        #expect(Fetch.describe(NSError(domain: NSURLErrorDomain, code: NSURLErrorCannotConnectToHost)).hasPrefix("connection refused"))
        #expect(Fetch.redact("http://u:pw@h/x?seconds=5&token=abc&z=1") == "http://u:xxxxx@h/x?seconds=5&token=xxxxx&z=1")
    }

    @Test("standard input, files and -list sources are read up to a cap, not to the end of /dev/zero")
    func readsAreCapped() throws {
        var loader = ProfileLoader(environment: ["PPROF_MAX_INFLATED_BYTES": "100000"])
        loader.saveRemote = { _, _ in }
        #expect(throws: ProfileError.self) { _ = try loader.load("/dev/zero") }
        // A socket pair stands in for a pipe, so the writer can be told not to raise SIGPIPE
        // when the reader stops early.
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let writer = fds[1]
        Thread.detachNewThread {
            let chunk = [UInt8](repeating: 0, count: 65536)
            for _ in 0..<4 { _ = chunk.withUnsafeBytes { send(writer, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
            close(writer)
        }
        #expect(throws: ProfileError.self) { _ = try readAll(fd: fds[0], name: "standard input", limit: 100_000) }
        close(fds[0])
        // A profile whose functions all live in /dev/zero: -list reads at most its cap of each.
        var p = try Profile.parse(Self.heap)
        for i in p.functions.indices { p.functions[i].filename = "/dev/zero" }
        let path = NSTemporaryDirectory() + "pprof-devzero-\(getpid()).pb.gz"
        defer { unlink(path) }
        try Data(p.serialized()).write(to: URL(fileURLWithPath: path))
        let r = runPprof(["-list", "main.fetch", path])
        #expect(r.err.contains("file too large") || String(decoding: r.out, as: UTF8.self).contains("file too large"), "\(r.err)")
    }
}

/// Inputs the fuzzers found (Fuzz/regressions), kept as tests.
@Suite struct FuzzRegressionTests {
    @Test("a directory where the binary may stand is not read as one (fuzz-flags: '.' then '-l')")
    func directoryIsNotABinary() throws {
        // Used to trap in FileHandle.readData(ofLength:) with EISDIR.
        _ = try? PprofCommand.parse([".", "\u{1}-l"])
        let r = runPprof(["-top", ".", "Samples/cpu.pb.gz"])
        #expect(r.status == 0 || r.err.split(separator: "\n").count == 1, "\(r.err)")
    }
}

@Suite struct ProfileCapTests {
    @Test("the cap defaults to 512 MiB and PPROF_MAX_INFLATED_BYTES changes it")
    func helpStatesTheCap() {
        #expect(Gzip.defaultMaxInflatedSize == 512 << 20)
        #expect(ProfileLoader.configuredMaxBytes(environment: [:]) == 512 << 20)
        #expect(ProfileLoader.configuredMaxBytes(environment: ["PPROF_MAX_INFLATED_BYTES": "1000"]) == 1000)
    }
}
