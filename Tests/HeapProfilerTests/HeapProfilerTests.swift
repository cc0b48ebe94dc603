import Glibc
import ProfileFormat
import Testing

@testable import HeapProfiler

/// The sampler is process-wide, so the tests that change its rate run one at a time.
@Suite("Heap profiler", .serialized)
struct HeapProfilerTests {
    @Test("Go's unsampling formula, with pprof-compat's example")
    func unsampleFormula() {
        #expect(HeapProfiler.unsample(count: 1, size: 524288, rate: 524288) == (1, 829411))
        #expect(HeapProfiler.unsample(count: 0, size: 10, rate: 524288) == (0, 0))
        #expect(HeapProfiler.unsample(count: 3, size: 300, rate: 1) == (3, 300))
    }

    @Test("rate 1 records every allocation: exact counts, in use and allocated, at the right line")
    func exactCountsAtRateOne() throws {
        HeapProfiler.start(rate: 1)
        let blocks = Sites.allocateExactly(count: 1000, size: 100)
        for p in blocks[0..<400] { free(p) }
        HeapProfiler.stop()
        defer { for p in blocks[400...] { free(p) } }

        let profile = HeapProfiler.snapshot()
        let samples = profile.samples(through: "allocateExactly", bytes: 100)
        #expect(profile.total("alloc_objects", samples) == 1000)
        #expect(profile.total("alloc_space", samples) == 100_000)
        #expect(profile.total("inuse_objects", samples) == 600)
        #expect(profile.total("inuse_space", samples) == 60_000)
        // The allocator is cut away: the leaf is the function that called malloc, at the call's line.
        let leaf = try #require(samples.first.map { profile.leafLines($0) }?.last)
        #expect(leaf.function.name.contains("Sites.allocateExactly"))
        #expect(leaf.function.filename.hasSuffix("AllocationSites.swift"))
        #expect(leaf.line == Sites.allocateExactlyLine)
        #expect(leaf.function.systemName.hasPrefix("$s"))
    }

    @Test("realloc is a free and an allocation; Swift's allocator and the aligned family are seen")
    func reallocAndFamily() {
        HeapProfiler.start(rate: 1)
        let (grown, size) = Sites.growWithRealloc(start: 1000, end: 64000)
        let swiftBlocks = Sites.allocateThroughSwift(count: 10, size: 3000)
        let aligned = Sites.allocateAligned(count: 5)
        HeapProfiler.stop()
        defer {
            free(grown)
            swiftBlocks.forEach { $0.deallocate() }
            aligned.forEach { free($0) }
        }
        let profile = HeapProfiler.snapshot()
        let grows = profile.samples(through: "growWithRealloc")
        #expect(profile.total("alloc_objects", grows) == 7)  // 1000 → 64000 in six doublings
        #expect(profile.total("inuse_objects", grows) == 1)
        #expect(profile.total("inuse_space", grows) == Int64(size))
        let swift = profile.samples(through: "allocateThroughSwift", bytes: 3000)
        #expect(profile.total("inuse_objects", swift) == 10)
        // swift_slowAlloc and the inlined UnsafeMutableRawPointer.allocate are the allocator: the
        // leaf is the function that asked for memory.
        for s in swift {
            #expect(profile.leafLines(s).first?.function.name.contains("allocateThroughSwift") == true)
        }
        let family = profile.samples(through: "allocateAligned")
        for bytes: Int64 in [1000, 1024, 1100, 1200, 1300] {
            #expect(profile.total("inuse_objects", family.filter { $0.numLabels.contains { $0.value == bytes } }) == 5)
        }
    }

    @Test("sampled at 64 KiB, the unsampled totals are within 15% (over 5 standard errors) of the truth")
    func samplingErrorBound() {
        // 20,000 objects of 4 KiB: each is sampled with probability p = 1 - exp(-4096/65536) ≈ 0.061,
        // so about 1,200 samples; the estimate's relative standard error is sqrt((1-p)/(n p)) ≈ 2.8%.
        HeapProfiler.start(rate: 64 * 1024)
        Sites.churn(count: 20_000, size: 4096)
        HeapProfiler.stop()
        let profile = HeapProfiler.snapshot(.allocs)
        let samples = profile.samples(through: "Sites.churn", bytes: 4096)
        let objects = Double(profile.total("alloc_objects", samples))
        let bytes = Double(profile.total("alloc_space", samples))
        #expect(abs(objects - 20_000) / 20_000 < 0.15, "alloc_objects \(objects), expected about 20000")
        #expect(abs(bytes - 81_920_000) / 81_920_000 < 0.15, "alloc_space \(bytes), expected about 81920000")
        #expect(profile.total("inuse_objects", samples) == 0)
        #expect(profile.defaultSampleType == "alloc_space")
        #expect(profile.period == 64 * 1024)
        for s in samples {
            #expect(profile.leafLines(s).last?.line == Sites.churnLine)
        }
    }

    @Test("the profile has Go's shape: sample types, period, mappings with build ids")
    func goShape() throws {
        HeapProfiler.start(rate: 1)
        let blocks = Sites.allocateExactly(count: 3, size: 777)
        HeapProfiler.stop()
        defer { blocks.forEach { free($0) } }
        let profile = HeapProfiler.snapshot()
        #expect(profile.sampleTypes.map(\.description) == [
            "alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes",
        ])
        #expect(profile.periodType.description == "space/bytes")
        #expect(profile.defaultSampleType == "")
        let main = try #require(profile.mappings.first)
        #expect(main.file == currentExecutablePath())
        #expect(main.buildID.count >= 16 && main.buildID.allSatisfy(\.isHexDigit))
        #expect(main.hasFunctions && main.hasLineNumbers)
        try profile.validate()
        // It survives our own encoder and decoder.
        let decoded = try Profile.parse(profile.serialized())
        #expect(decoded.samples.count == profile.samples.count)
    }
}

/// `go tool pprof` must read what we write. Skipped, with a message, where Go is not installed.
extension HeapProfilerTests {
    @Test("go tool pprof -top reads a heap and an allocs profile", .enabled(if: GoTool.path != nil, GoTool.missing))
    func goToolReadsProfiles() throws {
        HeapProfiler.start(rate: 1)
        let blocks = Sites.allocateExactly(count: 50, size: 4321)
        HeapProfiler.stop()
        defer { blocks.forEach { free($0) } }
        for kind in [HeapProfiler.Kind.heap, .allocs] {
            let path = "/tmp/heapprofiler-test-\(getpid())-\(kind.rawValue).pb.gz"
            try HeapProfiler.writeProfile(to: path, kind: kind)
            defer { unlink(path) }
            let (status, output) = GoTool.run(["tool", "pprof", "-top", "-lines", "-nodefraction=0", "-focus=allocateExactly", path])
            #expect(status == 0, "go tool pprof failed on the \(kind) profile: \(output)")
            #expect(output.contains("Sites.allocateExactly"), "\(output)")
            #expect(output.contains("AllocationSites.swift:\(Sites.allocateExactlyLine)"), "\(output)")
            #expect(output.contains(kind == .heap ? "Type: inuse_space" : "Type: alloc_space"), "\(output)")
        }
    }
}
