import Foundation
import ProfileDriver
import ProfileFormat
import ProfileReport
import Testing

/// `-growth` on a real series: Fixtures/growth/go holds six heap profiles of Samples/growth/main.go
/// (Go 1.19), whose heap grows in main.leakyRegistry, churns in main.renderPage and holds still in
/// main.loadConfig; plus the verdict rules, the plot, JSON, the shell, taking a series from a URL
/// and the errors of series that cannot be compared.
@Suite struct GrowthTests {
    static let dir = "Tests/ProfileDriverTests/Fixtures/growth/go/"
    static let series = (1...6).map { dir + "heap-\($0).pb.gz" }

    static func rows(_ out: [UInt8]) -> [[String]] {
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        guard let h = lines.firstIndex(where: { $0.hasPrefix("     first") }) else { return [] }
        return lines[(h + 1)...].map { $0.split(separator: " ").map(String.init) }
    }

    @Test func theLeakRanksFirstAndTheChurnIsNotCalledGrowing() {
        // Given out of order: the profiles' times put them back in order.
        let r = runPprof(["-growth"] + Self.series.reversed())
        #expect(r.status == 0, "\(r.err)")
        let rows = Self.rows(r.out)
        #expect(rows.first?.last == "main.leakyRegistry")
        #expect(rows.first?[5] == "grows")
        #expect(rows.first?[6] == "▁▂▄▅▇█")
        let verdict = Dictionary(rows.map { ($0.last!, $0[5]) }, uniquingKeysWith: { a, _ in a })
        #expect(verdict["main.renderPage"] == "noise")
        #expect(verdict["main.loadConfig"] == "steady")
        #expect(rows.filter { $0[5] == "grows" }.count == 1)
        let text = String(decoding: r.out, as: UTF8.self)
        #expect(text.contains("Series: 6 snapshots, \(Self.dir)heap-1.pb.gz to \(Self.dir)heap-6.pb.gz over 10.10s\n"))
    }

    @Test func figuresComeFromEachSnapshotsReport() throws {
        let r = runPprof(["-growth", "-json"] + Self.series)
        #expect(try JSONTests.schemaErrors(r.out) == "")
        let o = try JSONTests.object(r.out)
        #expect(o["slope_per"] as? String == "minute")
        let rows = o["rows"] as! [[String: Any]]
        let leak = try #require(rows.first)
        #expect(leak["name"] as? String == "main.leakyRegistry")
        let values = (leak["values"] as! [NSNumber]).map(\.int64Value)
        // The same values, one report per snapshot.
        var want: [Int64] = []
        for s in Self.series { want.append(try CheckFigures.values(s).nodes["main.leakyRegistry"] ?? 0) }
        #expect(values == want)
        // The slope is the least-squares line through (minutes, value).
        let times = try Self.series.map { try ProfileLoader().load($0).profile.timeNanos }
        let x = times.map { Double($0 - times[0]) / 60e9 }
        let slope = GrowthReport.leastSquaresSlope(x, want.map(Double.init))
        #expect(abs((leak["slope"] as! Double) - slope) < 1e-6 * abs(slope))
        #expect(leak["steadiness"] as? Double == 1)
    }

    @Test func verdictThresholds() {
        let x = [0.0, 1, 2, 3, 4]
        func verdict(_ v: [Int64]) -> GrowthReport.Verdict { GrowthReport.row("f", v, x: x, floor: 10).verdict }
        #expect(verdict([100, 105, 102, 108, 104]) == .steady)  // moves within the floor
        #expect(verdict([100, 130, 160, 150, 200]) == .grows)  // 3 of 4 steps up
        #expect(verdict([100, 130, 90, 130, 95]) == .noise)  // moves 40, ends where it began
        #expect(verdict([200, 150, 160, 130, 100]) == .shrinks)
        #expect(verdict([100, 300, 100, 300, 100]) == .noise)
        #expect(GrowthReport.sparkline([1, 1, 1]) == "▁▁▁")
        #expect(GrowthReport.sparkline([0, 7, 14]) == "▁▅█")
    }

    /// A small heap (4 MiB) sampled every 512 KiB, where one sample survives at a call site from
    /// the fourth snapshot on: it moves by a period, more than 1% of the heap but no more than
    /// sampling alone can move it, so it is noise. Without a period the 1% floor alone calls it
    /// growing; five samples' worth of growth grows.
    @Test func oneSurvivingSampleIsNoise() throws {
        let period: Int64 = 512 << 10
        func verdict(_ kept: [Int64], period: Int64) throws -> GrowthReport.Verdict? {
            let series = kept.enumerated().map { (t, bytes) -> (source: String, profile: Profile) in
                var p = Profile()
                p.sampleTypes = [ValueType(type: "inuse_objects", unit: "count"), ValueType(type: "inuse_space", unit: "bytes")]
                p.periodType = ValueType(type: "space", unit: "bytes")
                p.period = period
                p.timeNanos = 1_700_000_000_000_000_000 + Int64(t) * 60_000_000_000
                p.mappings = [Mapping(id: 1)]
                p.functions = [Function(id: 1, name: "main.steady"), Function(id: 2, name: "main.oneSample")]
                p.locations = (0..<2).map { Location(id: UInt64($0 + 1), mapping: 0, lines: [Line(function: Int32($0), line: 1)]) }
                p.samples = [Sample(locations: [0], values: [8, 4 << 20])]
                if bytes > 0 { p.samples.append(Sample(locations: [1], values: [1, bytes])) }
                return ("heap-\(t)", p)
            }
            var cfg = ReportConfig()
            cfg.sampleIndex = "inuse_space"
            let report = try Growth.report(series, config: cfg, warn: { _ in })
            return report.rows.first { $0.name == "main.oneSample" }?.verdict
        }
        let one = [0, 0, 0, period, period, period]
        #expect(try verdict(one, period: period) == .noise)
        #expect(try verdict(one, period: 0) == .grows)
        #expect(try verdict((0..<6).map { Int64($0) * period }, period: period) == .grows)
        let r = GrowthReport.row("f", [0, 0, 100, 100], x: [0, 1, 2, 3], floor: 10, sampleFloor: 100)
        #expect(r.verdict == .noise)
        #expect(GrowthReport.row("f", [0, 0, 100, 101], x: [0, 1, 2, 3], floor: 10, sampleFloor: 100).verdict == .grows)
    }

    @Test func aPlotOfTheTopRows() throws {
        let path = NSTemporaryDirectory() + "pprof-growth-\(getpid()).svg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = runPprof(["-growth", "-svg", "-output", path] + Self.series)
        #expect(r.status == 0, "\(r.err)")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 6)
        #expect(svg.contains("<title>main.leakyRegistry</title>"))
    }

    @Test(arguments: [
        ([series[0], "Samples/cpu.pb.gz"], "-growth: Samples/cpu.pb.gz has no inuse_space samples to compare with"),
        ([series[0]], "-growth needs at least two profiles"),
        (["-sample_index=bogus", series[0], series[1]], "sample_index \"bogus\" must be one of"),
        (["-top", series[0], series[1]], "-growth writes its own report"),
        (["-base", series[0], series[0], series[1]], "-base and -diff_base do not apply"),
        ([series[0], "Samples/no-such.pb.gz"], "no-such.pb.gz"),
        (["-count=1", "-interval=1s", "http://127.0.0.1:9/heap"], "a series needs from 2 to 1000 snapshots"),
        (["-count=3", "-interval=soon", "http://127.0.0.1:9/heap"], "-interval=soon is not a duration"),
        (["-count=3", series[0]], "takes one URL"),
    ])
    func mismatchedOrMissingSeriesIsOneErrorLine(_ args: [String], _ phrase: String) {
        let r = runPprof(["-growth"] + args)
        #expect(r.status == 1)
        #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
        #expect(r.err.contains(phrase), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test func mismatchedUnitsAreOneErrorLine() throws {
        // The same profile with its sample unit renamed.
        var p = try ProfileLoader().load(Self.series[1]).profile
        p.sampleTypes = p.sampleTypes.map { ValueType(type: $0.type, unit: $0.unit == "bytes" ? "kilobytes" : $0.unit) }
        let path = NSTemporaryDirectory() + "pprof-growth-units-\(getpid()).pb.gz"
        try Data(p.serialized()).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = runPprof(["-growth", Self.series[0], path])
        #expect(r.status == 1)
        #expect(r.err == "pprof: -growth: \(path) measures inuse_space in kilobytes, \(Self.series[0]) in bytes\n")
    }

    @Test func takingASeriesFromAURLKeepsEverySnapshot() throws {
        Environment.prepare()
        let tmp = NSTemporaryDirectory() + "pprof-growth-take-\(getpid())"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        setenv("PPROF_TMPDIR", tmp, 1)
        defer { unsetenv("PPROF_TMPDIR") }
        final class Server: @unchecked Sendable {
            var served = 0
            let bodies: [[UInt8]]
            init(_ bodies: [[UInt8]]) { self.bodies = bodies }
        }
        let server = Server(try Self.series.prefix(4).map { try [UInt8](Data(contentsOf: repoRoot.appendingPathComponent($0))) })
        var loader = ProfileLoader()
        loader.fetchURL = { _, _ in
            defer { server.served += 1 }
            return server.bodies[server.served]
        }
        final class Capture: @unchecked Sendable {
            var out: [UInt8] = []
            var err: [String] = []
        }
        let c = Capture()
        let sink = OutputSink(out: { c.out += $0 }, err: { c.err.append($0) })
        let status = PprofCommand.run(
            ["-growth", "-count=4", "-interval=10ms", "http://127.0.0.1:9/debug/pprof/heap"], sink: sink, loader: loader)
        #expect(status == 0, "\(c.err)")
        #expect(server.served == 4)
        #expect(c.err.first?.hasPrefix("Taking 4 snapshots of http://127.0.0.1:9/debug/pprof/heap, 10ms apart, into \(tmp)/growth-") == true)
        #expect(c.err.filter { $0.hasPrefix("Snapshot ") }.count == 4)
        let folders = try FileManager.default.contentsOfDirectory(atPath: tmp)
        #expect(folders.count == 1)
        let kept = try FileManager.default.contentsOfDirectory(atPath: tmp + "/" + folders[0]).sorted()
        #expect(kept == ["snapshot-001.pb.gz", "snapshot-002.pb.gz", "snapshot-003.pb.gz", "snapshot-004.pb.gz"])
        #expect(Self.rows(c.out).first?.last == "main.leakyRegistry")
    }

    @Test func theShellsGrowth() throws {
        let run = runShell(
            [Self.series[5]], ["growth \(Self.series.joined(separator: " ")) 2", "growth \(Self.series[0]) \(Self.series[5]) -json"])
        #expect(run.ui.stderr == "" || !run.ui.stderr.contains("rror"), "\(run.ui.stderr)")
        #expect(run.text.contains("Showing 2 of 6 nodes; 1 grows, steady growers first\n"))
        let json = run.text.split(separator: "\n").first { $0.hasPrefix("{") }.map { Array($0.utf8) }
        let j = try #require(json)
        #expect(try JSONTests.schemaErrors(j) == "")
    }

    @Test func durations() {
        #expect(Growth.parseDuration("1h30m") == 5400)
        #expect(Growth.parseDuration("500ms") == 0.5)
        #expect(Growth.parseDuration("2.5m") == 150)
        #expect(Growth.parseDuration("0") == 0)
        #expect(Growth.parseDuration("5") == nil)
        #expect(Growth.parseDuration("-5s") == nil)
        #expect(Growth.parseDuration("") == nil)
    }
}
