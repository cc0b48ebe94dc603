import Foundation
import LoopbackOrigin
import ProfileFormat
import Testing

@testable import ProfileDriver

/// `-symbolize=remote` and go's default for profiles fetched over HTTP: the addresses of
/// mappings without names are POSTed to the server's symbol handler.
@Suite struct RemoteSymbolizeTests {
    /// An address-only CPU-like profile: two frames in one mapping that names no functions.
    static func addressOnlyProfile() -> Profile {
        var p = Profile()
        p.sampleTypes = [ValueType(type: "samples", unit: "count")]
        p.mappings = [Mapping(id: 1, start: 0x1000, limit: 0x9000, file: "/opt/app/server")]
        p.locations = [
            Location(id: 1, mapping: 0, address: 0x1234), Location(id: 2, mapping: 0, address: 0x2345),
        ]
        p.samples = [Sample(locations: [0, 1], values: [7]), Sample(locations: [1], values: [3])]
        return p
    }

    /// A server with the profile at /debug/pprof/profile and a symbol handler answering `symbols`.
    static func server(symbols: String, status: Int = 200) throws -> ScriptedServer {
        let profile = addressOnlyProfile().serialized()
        return try ScriptedServer { request in
            if request.path == "/debug/pprof/symbol" {
                return ScriptedServer.answer(status, ["Content-Type: text/plain"], body: Array(symbols.utf8))
            }
            return ScriptedServer.answer(200, body: profile)
        }
    }

    @Test func namesComeFromTheSymbolHandler() throws {
        let server = try Self.server(symbols: "num_symbols: 2\n0x1234 _ZN4demo4spinEid\n0x2345 main\n")
        defer { server.stop() }
        let run = runPprof(["-top", server.url("/debug/pprof/profile?seconds=1&token=s3cret")])
        let out = String(decoding: run.out, as: UTF8.self)
        #expect(run.status == 0, "\(run.err)")
        #expect(out.contains("  demo::spin\n") && out.contains("  main\n"), "\(out)")
        let post = try #require(server.requests.first { $0.path == "/debug/pprof/symbol" })
        #expect(post.method == "POST")
        #expect(String(decoding: post.body, as: UTF8.self) == "0x1234+0x2345")
        // The token goes along to the same origin, as a bearer token, never in the printed URL.
        #expect(post.headers["authorization"] == "Bearer s3cret")
        #expect(!run.err.contains("s3cret"))
    }

    static let dir = fixtures.appendingPathComponent("remote")

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var args: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let text = (try? String(contentsOf: dir.appendingPathComponent("goldens.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            return words.isEmpty ? nil : Case(name: words[0], args: Array(words.dropFirst()))
        }
    }()

    /// go tool pprof's output with the same profile and symbol handler (Fixtures/remote,
    /// recorded by make-remote.py there), byte for byte.
    @Test(arguments: cases)
    func matchesGoToolPprof(_ c: Case) throws {
        let profile = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("server.pb.gz")))
        let dropProfile = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("server-drop.pb.gz")))
        let symbols = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("symbols.txt")))
        let golden = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(c.name + ".golden")))
        let server = try ScriptedServer { request in
            if request.path == "/debug/pprof/symbol" { return ScriptedServer.answer(200, body: symbols) }
            // `?drop` (an ARGS word of goldens.txt starting with "?") asks for the profile with drop_frames.
            let query = request.target.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
            return ScriptedServer.answer(200, body: query.contains("drop") ? dropProfile : profile)
        }
        defer { server.stop() }
        let query = c.args.filter { $0.hasPrefix("?") }.joined()
        let run = runPprof(c.args.filter { !$0.hasPrefix("?") } + [server.url("/debug/pprof/profile" + query)])
        #expect(run.status == 0, "\(run.err)")
        #expect(String(decoding: run.out, as: UTF8.self) == String(decoding: golden, as: UTF8.self))
    }

    @Test func manifestIsThere() {
        #expect(Self.cases.count >= 4)
    }

    @Test func localOnlyAsksNoServer() throws {
        let server = try Self.server(symbols: "0x1234 main\n")
        defer { server.stop() }
        let run = runPprof(["-top", "-symbolize=local", server.url("/debug/pprof/profile")])
        #expect(run.status == 0)
        #expect(!server.requests.contains { $0.path == "/debug/pprof/symbol" })
    }

    @Test func aFailingHandlerIsOneLineAndTheAddressesStay() throws {
        let server = try Self.server(symbols: "no symbols here\n", status: 404)
        defer { server.stop() }
        let run = runPprof(["-top", "-symbolize=remote", server.url("/debug/pprof/profile")])
        #expect(run.status == 0)
        let lines = run.err.split(separator: "\n").filter { $0.contains("remote symbolization") }
        #expect(lines.count == 1, "\(run.err)")
        #expect(lines.first?.contains("http post http://127.0.0.1:\(server.port)/debug/pprof/symbol: server response: 404") == true, "\(run.err)")
        #expect(String(decoding: run.out, as: UTF8.self).contains("[server]"))
    }

    @Test func symbolHandlerIsDerivedAsGoDerivesIt() {
        func symbolURL(_ s: String) -> String? { RemoteSymbolizer.symbolURL(URL(string: s)!)?.absoluteString }
        #expect(symbolURL("http://h:8/debug/pprof/heap?seconds=5&token=t") == "http://h:8/debug/pprof/symbol?token=t")
        #expect(symbolURL("http://h/debug/pprof/profile") == "http://h/debug/pprof/symbol")
        #expect(symbolURL("https://h/x/pprof/heap") == "https://h/x/pprof/symbol")
        #expect(symbolURL("http://h/profilez?x=1") == "http://h/symbolz")
    }

    @Test func answerLinesParseAsGoParsesThem() {
        func parse(_ s: String) -> (UInt64, String)? { RemoteSymbolizer.parseSymbolLine(Array(s.utf8)) }
        #expect(parse("0x1234 main")! == (0x1234, "main"))
        #expect(parse("0x1234\t  ns::f(int) const")! == (0x1234, "ns::f(int) const"))
        #expect(parse("at 0xabc: 0x10 late")! == (0x10, "late"))
        #expect(parse("num_symbols: 2") == nil)
        #expect(parse("0x1234") == nil)
        #expect(parse("0x123456789abcdef01 big") == nil)
    }
}
