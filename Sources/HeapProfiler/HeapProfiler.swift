import CHeapSampler
import Glibc
import ProfileFormat

/// The process's heap profiler: Go's MemProfileRate sampling, in-use and allocated bytes per stack.
///
/// Sampling lives in the allocator hooks of `CHeapSampler`, linked into every executable that uses
/// this library; this type turns it on and off and turns its buckets into pprof profiles.
public enum HeapProfiler {
    /// Go's default MemProfileRate: one sample every 512 KiB allocated, on average.
    public static let defaultRate = 512 * 1024

    /// Which profile a snapshot is: `heap` shows in-use space by default, `allocs` allocated space.
    public enum Kind: String, Sendable {
        case heap, allocs
    }

    /// The sampling rate in bytes: 0 is off, 1 records every allocation.
    public static var rate: Int {
        get { Int(hs_get_rate()) }
        set { hs_set_rate(Int64(max(newValue, 0))) }
    }

    /// How sampled stacks are walked.
    public enum Unwinder: Sendable {
        /// libunwind reads the binaries' unwind tables: every frame, with or without frame pointers.
        case libunwind
        /// The frame-pointer chain: cheaper, but frames of code built without them are lost.
        case framePointers
    }

    /// The stack walk for samples taken from now on (`HEAPPROFILER_UNWIND=fp` starts with frame pointers).
    public static var unwinder: Unwinder {
        get { hs_get_unwinder() == HS_UNWIND_FRAME_POINTERS ? .framePointers : .libunwind }
        set { hs_set_unwinder(newValue == .framePointers ? HS_UNWIND_FRAME_POINTERS : HS_UNWIND_LIBUNWIND) }
    }

    /// Starts sampling at `rate` bytes (0 turns sampling off).
    public static func start(rate: Int = defaultRate) {
        if rate > 0 { AsyncFunctions.registerOnce() }
        self.rate = rate
    }

    /// Stops sampling. What was recorded stays, and frees of recorded objects are still counted.
    public static func stop() {
        rate = 0
    }

    /// The sampler's own counters.
    public static var stats: hs_stats {
        var s = hs_stats()
        hs_get_stats(&s)
        return s
    }

    /// The sampler's buckets as they are now. The copy is made into mmap'ed memory, which the
    /// sampler does not see, and only then into an array: a snapshot must not count its own
    /// buffer (a malloc'ed one is in use while the buckets are copied, and it grows with them).
    public static func records() -> [hs_record] {
        while true {
            let capacity = hs_record_count() + 256
            let bytes = capacity * MemoryLayout<hs_record>.stride
            guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                raw != MAP_FAILED
            else { return [] }
            defer { munmap(raw, bytes) }
            let buffer = raw.bindMemory(to: hs_record.self, capacity: capacity)
            let n = hs_copy_records(buffer, capacity)
            if n < capacity { return Array(UnsafeBufferPointer(start: buffer, count: n)) }
        }
    }

    static let symbolizer = Symbolizer()

    /// A pprof heap profile of this process in Go's shape, symbolized. With `peak`, the in-use
    /// values are those of the moment the sampled in-use bytes were highest since start (or since
    /// `resetPeak()`), and the profile's time is that moment; allocated values are those of now.
    public static func snapshot(_ kind: Kind = .heap, peak: Bool = false) -> Profile {
        var builder = HeapProfileBuilder(
            records: records(), rate: hs_get_last_rate(), regions: MappedRegion.current(),
            executable: currentExecutablePath(), symbolizer: symbolizer)
        builder.peak = peak
        var profile = builder.build()
        if kind == .allocs { profile.defaultSampleType = "alloc_space" }
        if peak {
            let p = peakState
            if p.peak_time_nanos != 0 { profile.timeNanos = p.peak_time_nanos }
            profile.comments.append("peak of sampled in-use bytes: \(p.peak_bytes) (in use now: \(p.inuse_bytes))")
        }
        return profile
    }

    /// The snapshot as gzip-compressed protobuf, as `/debug/pprof/heap` serves it.
    public static func serializedSnapshot(_ kind: Kind = .heap, peak: Bool = false) -> [UInt8] {
        snapshot(kind, peak: peak).serialized()
    }

    /// Writes a snapshot to `path` atomically: a temporary file in the same folder, then a rename.
    public static func writeProfile(to path: String, kind: Kind = .heap, peak: Bool = false) throws(HeapProfilerError) {
        try writeFileAtomically(path, contents: serializedSnapshot(kind, peak: peak))
    }

    /// The sampled in-use bytes now, their peak, and when the peak was.
    public static var peakState: hs_peak {
        var p = hs_peak()
        hs_get_peak(&p)
        return p
    }

    /// Starts a new peak from what is in use now.
    public static func resetPeak() {
        hs_reset_peak()
    }

    /// Go's unsampling of a heap bucket: each sampled object of average size s stood for
    /// 1 / (1 - exp(-s/rate)) objects. Counts or sizes of 0 give 0; rates of 1 or less change nothing.
    public static func unsample(count: Int64, size: Int64, rate: Int64) -> (count: Int64, size: Int64) {
        if count == 0 || size == 0 { return (0, 0) }
        if rate <= 1 { return (count, size) }
        let average = Double(size) / Double(count)
        let scale = 1 / (1 - exp(-average / Double(rate)))
        return (Int64(Double(count) * scale), Int64(Double(size) * scale))
    }
}

/// A failure to write a profile, with the path and the system's reason.
public struct HeapProfilerError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Writes `contents` to `path` through a temporary file in the same folder and rename(2), so a
/// reader never sees half a file.
public func writeFileAtomically(_ path: String, contents: [UInt8]) throws(HeapProfilerError) {
    // A fresh name each time (writers at once never share a file) created with O_EXCL|O_NOFOLLOW,
    // so a file or symbolic link planted at a predictable name is never written through.
    let temp = path + ".tmp.\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        throw HeapProfilerError(description: "writing profile \(path): cannot create \(temp): \(String(cString: strerror(errno)))")
    }
    var offset = 0
    while offset < contents.count {
        let n = contents.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temp)
            throw HeapProfilerError(description: "writing profile \(path): \(reason)")
        }
        offset += n
    }
    fsync(fd)
    close(fd)
    guard rename(temp, path) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(temp)
        throw HeapProfilerError(description: "writing profile \(path): cannot rename \(temp): \(reason)")
    }
}
