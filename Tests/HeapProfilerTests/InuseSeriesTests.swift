import Foundation
import Glibc
import ProfileFormat
import Testing

@testable import HeapProfiler

/// The in-use series (`/debug/pprof/heap?series=1`): points in time order, the peak always among
/// them, values scaled as the heap profile's, and the JSON shape the growth report reads.
extension HeapProfilerTests {
    @Test("the series follows a burst up and down, keeps its peak, and ends at the present")
    func seriesFollowsABurst() throws {
        HeapProfiler.start(rate: 1)
        HeapProfiler.resetPeak()
        let start = try #require(HeapProfiler.inuseSeries().last)
        // 64 blocks of 1 MiB: each moves the total by more than 1/16 of the process's sampled
        // in-use bytes at first, so points are recorded on the way up; the top is the peak.
        let burst = Sites.allocateExactly(count: 64, size: 1 << 20)
        for p in burst { free(p) }
        HeapProfiler.stop()
        let series = HeapProfiler.inuseSeries()
        let after = series.filter { $0.timeNanos >= start.timeNanos }
        #expect(series.count <= HeapProfiler.seriesCapacity + 2)
        #expect(zip(series, series.dropFirst()).allSatisfy { $0.timeNanos < $1.timeNanos }, "points out of time order")
        let top = try #require(after.map(\.inuseBytes).max())
        // At rate 1 each object stands for itself: the peak holds the whole burst.
        #expect(top >= start.inuseBytes + 63 << 20, "peak \(top), start \(start.inuseBytes)")
        #expect(after.count >= 4, "\(after.count) points over the burst")
        let last = try #require(series.last)
        #expect(last.inuseBytes < top - 60 << 20, "the last point is after the frees: \(last.inuseBytes)")
        // The peak point is the moment of the peak.
        let peakTime = HeapProfiler.peakState.peak_time_nanos
        #expect(series.contains { $0.timeNanos == peakTime && $0.inuseBytes == top })
    }

    @Test("the series' values are scaled as the profile's in-use values")
    func seriesScaledAsTheProfile() throws {
        // 1,000 objects of 100,003 bytes at 64 KiB: each stands for 1 / (1 - e^(-100003/65536)) ≈ 1.28.
        HeapProfiler.start(rate: 64 * 1024)
        let before = try #require(HeapProfiler.inuseSeries().last)
        let kept = Sites.allocateExactly(count: 1000, size: 100_003)
        HeapProfiler.stop()
        defer { for p in kept { free(p) } }
        let after = try #require(HeapProfiler.inuseSeries().last)
        let profile = HeapProfiler.snapshot()
        let samples = profile.samples(through: "allocateExactly", bytes: 100_003)
        let sampled = samples.reduce(Int64(0)) { $0 + $1.values[2] }  // inuse_objects, unsampled
        let bytes = profile.total("inuse_space", samples)
        // What the series gained is what the profile holds for these objects (other threads of the
        // test process allocate a little meanwhile; truncation costs at most a byte per bucket).
        let gained = after.inuseBytes - before.inuseBytes
        #expect(abs(Double(gained - bytes)) <= 0.01 * Double(bytes), "series +\(gained), profile \(bytes)")
        #expect(abs(Double(after.inuseObjects - before.inuseObjects - sampled)) <= 0.01 * Double(sampled) + 2)
    }

    @Test("series JSON: the documented shape, values in the order of sample_types")
    func seriesJSONShape() throws {
        let points = [
            HeapProfiler.SeriesPoint(timeNanos: 1_733_212_345_000_000_000, inuseObjects: 12, inuseBytes: 345_678),
            HeapProfiler.SeriesPoint(timeNanos: 1_733_212_346_000_000_000, inuseObjects: 13, inuseBytes: 400_000),
        ]
        HeapProfiler.start(rate: HeapProfiler.defaultRate)
        HeapProfiler.stop()
        let text = String(decoding: HeapProfiler.seriesJSON(points), as: UTF8.self)
        #expect(
            text == #"{"kind":"heap-inuse-series","sample_types":[{"type":"inuse_objects","unit":"count"},"#
                + #"{"type":"inuse_space","unit":"bytes"}],"period":524288,"points":["#
                + #"{"time_nanos":1733212345000000000,"values":[12,345678]},"#
                + #"{"time_nanos":1733212346000000000,"values":[13,400000]}]}"# + "\n")
        // The live series parses as JSON with the same keys.
        let live = try #require(JSONSerialization.jsonObject(with: Data(HeapProfiler.seriesJSON())) as? [String: Any])
        #expect(live["kind"] as? String == "heap-inuse-series")
        let values = try #require((live["points"] as? [[String: Any]])?.last?["values"] as? [Int])
        #expect(values.count == 2)
    }

    @Test("series=1 answers JSON for heap; with other parameters or for allocs, a one-line 400")
    func seriesEndpoint() async {
        let answer = await HeapProfiler.respond(to: "heap", query: ["series": "1"])
        #expect(answer.status == 200)
        #expect(answer.contentType == "application/json")
        #expect(String(decoding: answer.body, as: UTF8.self).hasPrefix(#"{"kind":"heap-inuse-series""#))
        for (name, query, message) in [
            ("allocs", ["series": "1"], "series is the in-use series: ask /debug/pprof/heap?series=1\n"),
            ("heap", ["series": "2"], "invalid value for \"series\" - must be 0 or 1\n"),
            ("heap", ["series": "1", "debug": "1"], "series and debug params are incompatible\n"),
            ("heap", ["series": "1", "peak": "1"], "series and peak params are incompatible\n"),
            ("heap", ["series": "1", "seconds": "5"], "series and seconds params are incompatible\n"),
        ] {
            let refused = await HeapProfiler.respond(to: name, query: query)
            #expect(refused.status == 400, "\(query)")
            #expect(String(decoding: refused.body, as: UTF8.self) == message, "\(query)")
        }
    }
}
