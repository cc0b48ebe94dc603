import CHeapSampler

extension HeapProfiler {
    /// One point of the in-use series: when, and the in-use objects and bytes then, unsampled as
    /// the heap profile's inuse_objects and inuse_space are.
    public struct SeriesPoint: Sendable, Equatable {
        public var timeNanos: Int64
        public var inuseObjects: Int64
        public var inuseBytes: Int64
    }

    /// The most points the sampler keeps (the series' bound, besides the peak and the present).
    public static let seriesCapacity = Int(HS_SERIES_CAPACITY)

    /// The sampled in-use total over time, oldest first: a point whenever a sample or a sampled
    /// free moved it by 1/16 (at least 64 KiB of sampled bytes), or after 5 quiet seconds when it
    /// moved at all; always the peak since start (or `resetPeak()`); the last point is now. The
    /// sampler keeps the newest 4,096 points, recorded only when it takes a sample or sees a sampled
    /// object freed, so the allocator's fast path does no more work for it.
    public static func inuseSeries() -> [SeriesPoint] {
        let capacity = seriesCapacity + 2
        var points = [hs_series_point](repeating: hs_series_point(), count: capacity)
        let n = points.withUnsafeMutableBufferPointer { hs_copy_series($0.baseAddress, capacity) }
        return points[..<n].map { SeriesPoint(timeNanos: $0.time_nanos, inuseObjects: $0.inuse_objects, inuseBytes: $0.inuse_bytes) }
    }

    /// The in-use series as JSON (`/debug/pprof/heap?series=1`; docs/heap-profiler.md):
    ///
    ///     {"kind":"heap-inuse-series","sample_types":[{"type":"inuse_objects","unit":"count"},
    ///      {"type":"inuse_space","unit":"bytes"}],"period":524288,
    ///      "points":[{"time_nanos":1733212345000000000,"values":[12,345678]}, ...]}
    public static func seriesJSON(_ points: [SeriesPoint]? = nil) -> [UInt8] {
        var text = #"{"kind":"heap-inuse-series","sample_types":[{"type":"inuse_objects","unit":"count"},"#
        text += #"{"type":"inuse_space","unit":"bytes"}],"period":\#(lastRate),"points":["#
        for (i, p) in (points ?? inuseSeries()).enumerated() {
            if i > 0 { text += "," }
            text += #"{"time_nanos":\#(p.timeNanos),"values":[\#(p.inuseObjects),\#(p.inuseBytes)]}"#
        }
        text += "]}\n"
        return Array(text.utf8)
    }

    /// Writes the in-use series as JSON to `path`, atomically.
    public static func writeSeries(to path: String) throws(HeapProfilerError) {
        try writeFileAtomically(path, contents: seriesJSON())
    }
}
