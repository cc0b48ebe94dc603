/// The profile formats that came before profile.proto and that go tool pprof still reads:
/// gperftools' CPU, heap and growth profiles, Go's `debug=1` text (heap, goroutine,
/// threadcreate, mutex, block), contention and thread dumps, and Java's heapz, contentionz and
/// CPU profiles. They are recognised by their content, in go's order.
public enum LegacyProfile {
    /// The profile `raw` holds if it is in a legacy format, nil if it is not (then it is
    /// protobuf or nothing pprof reads); a recognised format with bad content throws.
    public static func parse(_ raw: [UInt8]) throws(ProfileError) -> Profile? {
        guard mayBeLegacy(raw) else { return nil }
        return try PhaseTimer.measure("legacy parse") { () throws(ProfileError) in try parseLegacy(raw) }
    }

    static func parseLegacy(_ raw: [UInt8]) throws(ProfileError) -> Profile? {
        do {
            for kind in 0..<6 {
                let builder: LegacyBuilder?
                switch kind {
                case 0: builder = try LegacyCPU.parse(raw)
                case 1: builder = try LegacyHeap.parse(raw)
                case 2: builder = try LegacyCount.parse(raw)
                case 3: builder = try LegacyThread.parse(raw)
                case 4: builder = try LegacyContention.parse(raw)
                default: builder = try LegacyJava.parse(raw)
                }
                // Consumed, so that `finish` owns the only copy of its arrays and can move them.
                guard let b = consume builder else { continue }
                let (drop, keep) = frameRules(b.profile.sampleTypes)
                let p = b.finish(dropFrames: drop, keepFrames: keep)
                try p.validate()
                return p
            }
        } catch {
            throw error.context("parsing legacy profile")
        }
        return nil
    }

    /// Cheap test that keeps protobuf input away from the text parsers: binary CPU profiles start
    /// with a zero word; text ones with a line of printable text (after blank lines).
    static func mayBeLegacy(_ raw: [UInt8]) -> Bool {
        guard let first = raw.first else { return false }
        if first == 0 { return raw.count >= 20 }
        var i = 0
        while i < raw.count && LegacyLines.isSpace(raw[i]) { i += 1 }
        let end = min(raw.count, i + 4096)
        if i == end { return false }
        var j = i
        while j < end && raw[j] != 10 {
            let c = raw[j]
            if !(c == 9 || c == 13 || (c >= 32 && c < 127)) { return false }
            j += 1
        }
        return true
    }

    /// drop_frames and keep_frames for the profile's kind, as go's addLegacyFrameInfo sets them.
    static func frameRules(_ types: [ValueType]) -> (String, String) {
        let names = types.map(\.type)
        let heap: [[String]] = [
            ["allocations", "size"], ["objects", "space"], ["inuse_objects", "inuse_space"],
            ["alloc_objects", "alloc_space"], ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"],
        ]
        if heap.contains(names) { return (LegacyFrameRules.allocation, LegacyFrameRules.allocationKeep) }
        if names == ["contentions", "delay"] { return (LegacyFrameRules.lock, "") }
        return (LegacyFrameRules.cpuProfiler, "")
    }
}

/// The frames pprof drops from legacy profiles: allocator, lock and profiler internals.
enum LegacyFrameRules {
    static let allocation = [
        "calloc", "cfree", "malloc", "free", "memalign", "do_memalign", "(__)?posix_memalign", "pvalloc", "valloc",
        "realloc", "tcmalloc::.*", "tc_calloc", "tc_cfree", "tc_malloc", "tc_free", "tc_memalign", "tc_posix_memalign",
        "tc_pvalloc", "tc_valloc", "tc_realloc", "tc_new", "tc_delete", "tc_newarray", "tc_deletearray",
        "tc_new_nothrow", "tc_newarray_nothrow", "malloc_zone_malloc", "malloc_zone_calloc", "malloc_zone_valloc",
        "malloc_zone_realloc", "malloc_zone_memalign", "malloc_zone_free", #"runtime\..*"#, "BaseArena::.*",
        "(::)?do_malloc_no_errno", "(::)?do_malloc_pages", "(::)?do_malloc", "DoSampledAllocation",
        "MallocedMemBlock::MallocedMemBlock", "_M_allocate", "__builtin_(vec_)?delete", "__builtin_(vec_)?new",
        "__gnu_cxx::new_allocator::allocate", "__libc_malloc", "__malloc_alloc_template::allocate", "allocate",
        "cpp_alloc", #"operator new(\[\])?"#, "simple_alloc::allocate",
    ].joined(separator: "|")
    static let allocationKeep = [#"runtime\.panic"#, #"runtime\.reflectcall"#, #"runtime\.call[0-9]*"#].joined(separator: "|")
    static let cpuProfiler = [
        "ProfileData::Add", "ProfileData::prof_handler", "CpuProfiler::prof_handler", "__pthread_sighandler", "__restore",
    ].joined(separator: "|")
    static let lock = [
        "RecordLockProfileData", "(base::)?RecordLockProfileData.*", "(base::)?SubmitMutexProfileData.*",
        "(base::)?SubmitSpinLockProfileData.*", "(base::Mutex::)?AwaitCommon.*", "(base::Mutex::)?Unlock.*",
        "(base::Mutex::)?UnlockSlow.*", "(base::Mutex::)?ReaderUnlock.*", "(base::MutexLock::)?~MutexLock.*",
        "(Mutex::)?AwaitCommon.*", "(Mutex::)?Unlock.*", "(Mutex::)?UnlockSlow.*", "(Mutex::)?ReaderUnlock.*",
        "(MutexLock::)?~MutexLock.*", "(SpinLock::)?Unlock.*", "(SpinLock::)?SlowUnlock.*",
        "(SpinLockHolder::)?~SpinLockHolder.*",
    ].joined(separator: "|")
}
