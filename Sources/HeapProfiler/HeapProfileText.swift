import CHeapSampler

extension HeapProfiler {
    /// The heap profile in Go's legacy text form (`/debug/pprof/heap?debug=1`), which pprof and
    /// go tool pprof read: a header with the sampled totals and twice the rate (`@ heap/2R`, as Go
    /// writes it for old tools), then one record per bucket, largest in-use bytes first, with its
    /// raw sampled counts (readers unsample them with the rate), its return addresses, and a `#`
    /// line per frame. Go prints `name+offset`; the offset is left out here, as the function's
    /// entry address is not known for every frame. Sampler counters close it, where Go prints its
    /// runtime.MemStats.
    public static func legacyText(peak: Bool = false) -> String {
        let records = records()
        let (stacks, symbols) = HeapProfileBuilder.programStacks(
            records, regions: MappedRegion.current(), symbolizer: symbolizer)
        struct Entry {
            var inuseObjects, inuseBytes, allocObjects, allocBytes: UInt64
            var stack: [UInt64]
        }
        var entries: [Entry] = []
        for (r, stack) in zip(records, stacks) where !stack.isEmpty {
            let inuseObjects = peak ? r.peak_inuse_objects : r.alloc_objects - min(r.free_objects, r.alloc_objects)
            let inuseBytes = peak ? r.peak_inuse_bytes : r.alloc_bytes - min(r.free_bytes, r.alloc_bytes)
            entries.append(Entry(inuseObjects: inuseObjects, inuseBytes: inuseBytes, allocObjects: r.alloc_objects, allocBytes: r.alloc_bytes, stack: stack))
        }
        entries.sort { $0.inuseBytes > $1.inuseBytes }
        let total = entries.reduce(into: (0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64)) {
            $0.0 += $1.inuseObjects
            $0.1 += $1.inuseBytes
            $0.2 += $1.allocObjects
            $0.3 += $1.allocBytes
        }
        var out = "heap profile: \(total.0): \(total.1) [\(total.2): \(total.3)] @ heap/\(2 * lastRate)\n"
        for e in entries {
            // Go lists return addresses; the stack holds call sites, one byte earlier.
            out += "\(e.inuseObjects): \(e.inuseBytes) [\(e.allocObjects): \(e.allocBytes)] @"
            for a in e.stack { out += " 0x" + String(a + 1, radix: 16) }
            out += "\n"
            for a in e.stack {
                let frames = symbols[a] ?? []
                if frames.isEmpty { out += "#\t0x\(String(a + 1, radix: 16))\n" }
                for f in frames {
                    let name = f.name.isEmpty ? "0x" + String(a, radix: 16) : f.name
                    out += "#\t0x\(String(a + 1, radix: 16))\t\(name)\t\(f.file):\(f.line)\n"
                }
            }
            out += "\n"
        }
        let s = stats
        let p = peakState
        out += """

            # heapprofiler
            # Rate = \(lastRate)
            # Samples = \(s.samples)
            # SampledFrees = \(s.sampled_frees)
            # Dropped = \(s.dropped)
            # Live = \(s.live)
            # Buckets = \(s.buckets)
            # SampledInUseBytes = \(p.inuse_bytes)
            # SampledPeakBytes = \(p.peak_bytes)

            """
        return out
    }
}
