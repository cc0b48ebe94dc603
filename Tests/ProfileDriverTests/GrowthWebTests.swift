import Foundation
import Testing

/// `pprof -growth -http=ADDR SNAPSHOTS…` serves the web UI over the snapshots and opens its growth
/// view, instead of printing the text report and ignoring -http.
@Suite(.serialized) struct GrowthWebTests {
    @Test(.enabled(if: builtPprof != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func growthWithHTTPOpensTheGrowthView() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-growth-web-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A browser that only says which URL it was asked to open.
        let browser = dir.appendingPathComponent("browser")
        try "#!/bin/sh\necho \"$1\" > \"\(dir.path)/url\"\n".write(to: browser, atomically: true, encoding: .utf8)
        chmod(browser.path, 0o755)
        let script = """
            "$0" -growth -http=127.0.0.1:0 Samples/service/series/leak/*.pb.gz 2>"$1/err" &
            pid=$!
            i=0
            while [ ! -s "$1/url" ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done
            python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(open(sys.argv[1]).read().strip(), timeout=60).read().decode())' "$1/url"
            status=$?
            kill $pid; wait $pid 2>/dev/null
            exit $status
            """
        var env = ProcessInfo.processInfo.environment
        env["BROWSER"] = browser.path
        let r = runProcess("/bin/sh", ["-c", script, builtPprof!, dir.path], environment: env)
        let page = String(decoding: r.out, as: UTF8.self)
        let url = (try? String(contentsOf: dir.appendingPathComponent("url"), encoding: .utf8)) ?? ""
        #expect(r.status == 0, "\(page)")
        #expect(url.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("/ui/growth"), "\(url)")
        // The leak series' first row: the read path that keeps growing.
        #expect(page.contains("readBodyGrowing"), "\(page.prefix(2000))")
        #expect(page.contains("grows"))
    }

    @Test func growthWithHTTPDoesNotTakeASeries() {
        let r = runPprof(["-growth", "-http=127.0.0.1:0", "-no_browser", "-count=2", "http://127.0.0.1:9/debug/pprof/heap"])
        #expect(r.status == 1)
        #expect(r.err.hasPrefix("pprof: -growth -http serves snapshots already taken"), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1)
    }
}
