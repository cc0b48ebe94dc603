import CHeapSampler
import Glibc
import ProfileFormat
import Testing

@testable import HeapProfiler

/// The estimate's bounds come from the sampling statistics: N objects of size s at rate R are each
/// sampled with probability p = 1 - exp(-s/R), so the sample count k is binomial(N, p) and the
/// unsampled count k/p has standard deviation sqrt(N (1-p) / p). Each check allows 5 standard
/// deviations (a false failure about once in 1.7 million runs) plus 1 for Go's truncation.
extension HeapProfilerTests {
    static let accuracyRate = 64 * 1024

    /// (object size, objects): small, mid, at the rate and above it.
    static let accuracyCases = [(512, 100_000), (4096, 20_000), (65536, 2_000), (262_144, 500)]

    @Test("unsampled counts are within 5 standard deviations at, below and above the rate", arguments: accuracyCases)
    func unsampledAccuracy(size: Int, count: Int) {
        // Buckets last for the process's life: count what this run adds.
        let before = HeapProfiler.snapshot(.allocs)
        let beforeSamples = before.samples(through: "Sites.churn", bytes: Int64(size))
        HeapProfiler.start(rate: Self.accuracyRate)
        Sites.churn(count: count, size: size)
        HeapProfiler.stop()
        let profile = HeapProfiler.snapshot(.allocs)
        let samples = profile.samples(through: "Sites.churn", bytes: Int64(size))
        let objects = Double(profile.total("alloc_objects", samples) - before.total("alloc_objects", beforeSamples))
        let rate = Double(Self.accuracyRate)
        let p = 1 - exp(-Double(size) / rate)
        let sigma = (Double(count) * (1 - p) / p).squareRoot()
        let bound = 5 * sigma + 1
        #expect(abs(objects - Double(count)) <= bound, "size \(size): \(objects) objects, expected \(count) ± \(bound)")
        let bytes = Double(profile.total("alloc_space", samples) - before.total("alloc_space", beforeSamples))
        #expect(abs(bytes - Double(count * size)) <= bound * Double(size), "size \(size): \(bytes) bytes")
        // At the rate, naive scaling (each sample stands for rate/size objects) would be 37% low,
        // far outside the bound: this test tells Go's unsampling from it.
        if size == Self.accuracyRate {
            let sampled = objects * p  // k, the number of samples
            #expect(abs(sampled * rate / Double(size) - Double(count)) > bound)
        }
    }

    @Test("countdowns are exponential with the rate as their mean (mean, median and tail)")
    func countdownDistribution() {
        let n = 200_000
        let rate: Int64 = 65536
        var draws = [Int64](repeating: 0, count: n)
        draws.withUnsafeMutableBufferPointer { hs_draw_countdowns(rate, $0.baseAddress, n) }
        let r = Double(rate)
        // Mean: the exponential's standard deviation equals its mean.
        let mean = Double(draws.reduce(0, +)) / Double(n)
        #expect(abs(mean - r) <= 5 * r / Double(n).squareRoot(), "mean \(mean)")
        // P(X < R ln 2) = 1/2 and P(X > 3R) = e^-3, each a binomial proportion.
        for (threshold, expected, below) in [(r * log(2), 0.5, true), (3 * r, exp(-3.0), false)] {
            let hits = draws.filter { below ? Double($0) < threshold : Double($0) > threshold }.count
            let fraction = Double(hits) / Double(n)
            let sigma = (expected * (1 - expected) / Double(n)).squareRoot()
            #expect(abs(fraction - expected) <= 5 * sigma, "P(\(below ? "<" : ">") \(threshold)) = \(fraction), expected \(expected)")
        }
        // Rate 1 samples every allocation; rate 0 never.
        var one: [Int64] = [7, 7]
        one.withUnsafeMutableBufferPointer { hs_draw_countdowns(1, $0.baseAddress, 2) }
        #expect(one == [0, 0])
    }

    @Test("the peak profile holds the in-use bytes of the moment they were highest")
    func peakProfile() {
        HeapProfiler.start(rate: 1)
        HeapProfiler.resetPeak()
        let burst = Sites.allocateExactly(count: 100, size: 100_001)
        for p in burst { free(p) }
        let kept = Sites.allocateExactly(count: 10, size: 100_001)
        HeapProfiler.stop()
        defer { for p in kept { free(p) } }
        let peak = HeapProfiler.snapshot(peak: true)
        let now = HeapProfiler.snapshot()
        let atPeak = peak.samples(through: "allocateExactly", bytes: 100_001)
        #expect(peak.total("inuse_objects", atPeak) == 100)
        #expect(peak.total("alloc_objects", atPeak) == 110)  // allocated values are those of now
        #expect(now.total("inuse_objects", now.samples(through: "allocateExactly", bytes: 100_001)) == 10)
        #expect(HeapProfiler.peakState.peak_bytes >= 100 * 100_001)
        #expect(peak.comments.contains { $0.hasPrefix("peak of sampled in-use bytes") })
    }

    @Test("debug=1's text form carries the raw sampled counts, and pprof reads it back")
    func legacyTextForm() async throws {
        HeapProfiler.start(rate: 1)
        let blocks = Sites.allocateExactly(count: 7, size: 54_321)
        HeapProfiler.stop()
        defer { for p in blocks { free(p) } }
        let text = HeapProfiler.legacyText()
        #expect(text.hasPrefix("heap profile: "))
        #expect(text.contains(" @ heap/2\n"))  // twice the rate, as Go writes it
        #expect(text.contains("7: 380247 [7: 380247] @ 0x"), "\(text.prefix(2000))")
        #expect(text.contains("Sites.allocateExactly"))
        if GoTool.path != nil {
            // Our pprof does not read legacy text yet; go tool pprof does, unsampling at heap/2 → rate 1.
            let path = "/tmp/heapprofiler-legacy-\(getpid()).txt"
            defer { unlink(path) }
            try writeFileAtomically(path, contents: Array(text.utf8))
            let (status, output) = GoTool.run(["tool", "pprof", "-raw", path])
            #expect(status == 0, "\(output)")
            #expect(output.contains("380247"), "\(output.prefix(3000))")
        }

        let answer = await HeapProfiler.respond(to: "heap", query: ["debug": "1"])
        #expect(answer.status == 200 && answer.contentType == "text/plain; charset=utf-8")
        #expect(answer.body.starts(with: Array("heap profile: ".utf8)))
    }
}
