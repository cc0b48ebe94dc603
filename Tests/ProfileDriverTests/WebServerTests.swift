import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ProfileReport
import Testing

@testable import ProfileDriver

@Suite("Web UI options, settings and server")
struct WebServerTests {
    @Test("every go URL parameter sets its option")
    func urlParameters() throws {
        let query: [String: String] = [
            "f": "a", "i": "b", "h": "c", "s": "d", "sf": "e", "prunefrom": "g1", "tf": "t1", "ti": "t2", "ts": "t3",
            "th": "t4", "si": "alloc_space", "g": "lines", "n": "7", "nf": "0.25", "ef": "0.5", "sort": "cum",
            "mean": "t", "norm": "true", "dropneg": "1", "unit": "MB", "rel": "t", "calltree": "t", "compact": "t",
            "noinlines": "t", "trim": "f",
        ]
        let c = try WebParams.apply(query, to: ReportConfig())
        #expect(c.focus == "a" && c.ignore == "b" && c.hide == "c" && c.show == "d" && c.showFrom == "e")
        #expect(c.pruneFrom == "g1" && c.tagFocus == "t1" && c.tagIgnore == "t2" && c.tagShow == "t3" && c.tagHide == "t4")
        #expect(c.sampleIndex == "alloc_space" && c.granularity == .lines && c.nodeCount == 7)
        #expect(c.nodeFraction == 0.25 && c.edgeFraction == 0.5 && c.sort == .cum)
        #expect(c.mean && c.normalize && c.dropNegative && c.unit == .unit("MB") && c.relativePercentages)
        #expect(c.callTree && c.compactLabels && c.noInlines && !c.trim)
        // Back to parameters: defaults left out, booleans shortened as go does.
        let encoded = Dictionary(uniqueKeysWithValues: WebParams.encode(c))
        #expect(encoded["f"] == "a" && encoded["trim"] == "f" && encoded["mean"] == "t" && encoded["n"] == "7")
        #expect(try WebParams.apply(encoded, to: ReportConfig()) == c)
        #expect(WebParams.encode(ReportConfig()).isEmpty)
    }

    @Test("queries decode as go's url.ParseQuery does")
    func decodeQuery() {
        let q = WebParams.decode("f=main%5C.run+x&i=&si=alloc_space&f=second&bad=%zz")
        #expect(q["f"] == "main\\.run x")
        #expect(q["i"] == "")
        #expect(q["si"] == "alloc_space")
        #expect(q["bad"] == "%zz")
    }

    @Test("configurations are saved where and as go keeps them, offered in the menu, and deleted")
    func settings() throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        #expect(ui.answer(path: "/ui/saveconfig", query: ["config": "x"], method: "GET").status == 405)
        let bad = ui.answer(path: "/ui/saveconfig", query: [:], method: "POST")
        #expect(bad.status == 400 && bad.text == "invalid config name\n")
        let saved = ui.answer(path: "/ui/saveconfig", query: ["config": "workers", "f": "worker", "g": "lines"], method: "POST")
        #expect(saved.status == 200)
        let file = try String(contentsOfFile: ui.settingsFile, encoding: .utf8)
        #expect(file.hasPrefix("{\n  \"configs\": [\n    {\n      \"name\": \"workers\",\n"))
        #expect(file.contains("\"focus\": \"worker\""))
        #expect(file.contains("\"granularity\": \"lines\""))
        #expect(file.contains("\"nodecount\": -1"))
        #expect(file.contains("\"trim\": true"))
        let page = ui.answer(path: "/ui/top", query: [:]).text
        #expect(page.contains("href=\"/ui/top?f=worker&amp;g=lines\">workers</a>"))
        #expect(page.contains("class=\"current\">Default</a>"))
        let chosen = ui.answer(path: "/ui/top", query: ["f": "worker", "g": "lines"]).text
        #expect(chosen.contains("class=\"current\">workers</a>"))
        #expect(ui.answer(path: "/ui/deleteconfig", query: ["config": "workers"], method: "POST").status == 200)
        let missing = ui.answer(path: "/ui/deleteconfig", query: ["config": "workers"], method: "POST")
        #expect(missing.status == 400 && missing.text == "config workers not found\n")
        #expect(!ui.answer(path: "/ui/top", query: [:]).text.contains("workers"))
        // Go's settings path.
        #expect(WebSettings.defaultPath(environment: ["XDG_CONFIG_HOME": "/x"]) == "/x/pprof/settings.json")
        #expect(WebSettings.defaultPath(environment: ["HOME": "/h"]) == "/h/.config/pprof/settings.json")
    }

    @Test("-http takes [host]:port, -no_browser; not with a report flag")
    func flags() throws {
        let inv = try PprofCommand.parse(["-http=:0", "-no_browser", "Samples/cpu.pb.gz"])
        #expect(inv.http == ":0" && inv.noBrowser)
        #expect(try WebServer.Address(":8080") == WebServer.Address("127.0.0.1:8080"))
        #expect(try WebServer.Address("[::1]:0").host == "::1")
        #expect(try WebServer.Address("localhost:").port == 0)
        #expect(throws: FlagError.self) { try PprofCommand.parse(["-http=8080", "Samples/cpu.pb.gz"]) }
        #expect(throws: FlagError.self) { try PprofCommand.parse(["-http=:99999", "Samples/cpu.pb.gz"]) }
        #expect(throws: FlagError.self) { try PprofCommand.parse(["-http=:0", "-top", "Samples/cpu.pb.gz"]) }
        let r = runPprof(["-http=8080", "Samples/cpu.pb.gz"])
        #expect(r.status == 1)
        #expect(r.err.contains("could not split http address 8080"))
    }

    @Test("Host headers other than loopback names, address literals and the listening host are refused")
    func hostCheck() {
        for ok in ["localhost", "localhost:8080", "127.0.0.1:1", "[::1]:80", "LOCALHOST", "10.1.2.3:8", "myhost:80"] {
            #expect(HostCheck<BasicRequestContext>.allowed(ok, listening: "myhost"), "\(ok)")
        }
        for bad in [nil, "", "evil.example", "evil.example:8080", "127.0.0.1.evil.example", "[::1"] {
            #expect(!HostCheck<BasicRequestContext>.allowed(bad, listening: "127.0.0.1"), "\(bad ?? "nil")")
        }
    }

    @Test("the server answers views over HTTP and refuses rebinding hosts")
    func live() async throws {
        let ui = try makeWebUI(["Samples/cpu.pb.gz"])
        let app = WebServer.application(ui, host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            // A client of our own, to send Host headers of our choosing.
            let raw = TestClient(host: "127.0.0.1", port: try #require(client.port))
            raw.connect()
            let top = try await raw.execute(TestClient.Request("/ui/top?f=main%5C.worker", method: .get, authority: "localhost"))
            #expect(top.status == .ok)
            #expect(top.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: top.body ?? ByteBuffer()).contains("main.worker"))
            let evil = try await raw.execute(TestClient.Request("/ui/top", method: .get, authority: "evil.example"))
            #expect(evil.status == .forbidden)
            let root = try await raw.execute(TestClient.Request("/", method: .get, authority: "127.0.0.1"))
            #expect(root.status == .seeOther)
            #expect(root.headers[.location] == "/ui/flamegraph")
            try await raw.shutdown()
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/ui/flamegraph?si=samples", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<g class=\"f root\""))
            }
            try await client.execute(uri: "/ui/top?f=(", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("id=\"error\""))
            }
            try await client.execute(uri: "/ui/download", method: .get) { response in
                #expect(response.headers[.contentType] == "application/vnd.google.protobuf+gzip")
            }
        }
    }
}
