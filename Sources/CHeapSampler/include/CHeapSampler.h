#ifndef CHEAPSAMPLER_H
#define CHEAPSAMPLER_H

// A sampling heap profiler that lives inside the process.
//
// The malloc family (malloc, calloc, realloc, free, posix_memalign, aligned_alloc, memalign,
// valloc, pvalloc) is defined here and forwarded to glibc's own __libc_* entry points, so linking
// this target into an executable interposes the allocator for the whole process. Each thread
// counts down the bytes it allocates; when the count crosses zero the allocation is sampled (its
// stack is walked with libunwind, or through frame pointers, and added to a bucket keyed by stack, size and rate) and
// a new count is drawn from an exponential distribution whose mean is the sampling rate, as Go's
// runtime does with MemProfileRate. Frees of sampled objects are found in a table of live sampled
// pointers, so every bucket knows how much of what it allocated is still in use.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The most frames kept for one sampled stack.
#define HS_MAX_DEPTH 64

/// Sets the mean number of bytes between samples: 0 turns sampling off, 1 records every allocation.
void hs_set_rate(int64_t rate);

/// The current sampling rate in bytes (0 when off).
int64_t hs_get_rate(void);

/// The last rate that was not 0 (512 KiB before any was set): a profile's period once sampling stops.
int64_t hs_get_last_rate(void);

/// Stack walks: libunwind reads the binaries' unwind tables and sees every frame (the default);
/// frame pointers are cheaper but see only code built with them. HEAPPROFILER_UNWIND=fp in the
/// environment selects frame pointers from the start.
#define HS_UNWIND_LIBUNWIND 0
#define HS_UNWIND_FRAME_POINTERS 1

/// Chooses the stack walk for samples taken from now on.
void hs_set_unwinder(int unwinder);

/// The stack walk in use (HS_UNWIND_*).
int hs_get_unwinder(void);

/// One bucket: the allocations of one size from one stack at one rate, and how many were freed.
typedef struct hs_record {
    uint64_t alloc_objects;
    uint64_t alloc_bytes;
    uint64_t free_objects;
    uint64_t free_bytes;
    uint64_t size;
    int64_t rate;
    /// In use (sampled objects and bytes) at the moment of the peak (see hs_get_peak).
    uint64_t peak_inuse_objects;
    uint64_t peak_inuse_bytes;
    uint32_t depth;
    /// Return addresses, leaf first: pcs[0] is the return address into the allocator's caller.
    uintptr_t pcs[HS_MAX_DEPTH];
} hs_record;

/// Tells the stack walk where Swift async functions are: `count` sorted, disjoint [start, end)
/// pairs of run-time addresses in `bounds`. A frame in one of them has its async context next to
/// its frame record, and the walk follows the task's logical callers from there. Only the first
/// call takes effect; returns 1 when it did.
int hs_set_async_ranges(const uintptr_t *bounds, size_t count);

/// How many buckets exist now (an upper bound for a copy made right after).
size_t hs_record_count(void);

/// Copies up to `capacity` buckets into `out` and returns how many were copied.
/// Nothing is allocated while the sampler's lock is held: allocate `out` before calling.
size_t hs_copy_records(hs_record *out, size_t capacity);

/// The peak of sampled in-use bytes since start or the last hs_reset_peak.
typedef struct hs_peak {
    uint64_t inuse_bytes;     // sampled bytes in use now
    uint64_t peak_bytes;      // the highest inuse_bytes seen
    int64_t peak_time_nanos;  // when (CLOCK_REALTIME), 0 before the first sample
} hs_peak;

/// Reads the peak; hs_copy_records fills each bucket's peak_inuse_* for that same moment.
void hs_get_peak(hs_peak *out);

/// Starts a new peak from what is in use now.
void hs_reset_peak(void);

/// One point of the in-use series: the sampled in-use total at `time_nanos` (CLOCK_REALTIME),
/// unsampled per object with Go's formula, as the heap profile's inuse_* values are.
typedef struct hs_series_point {
    int64_t time_nanos;
    int64_t inuse_objects;
    int64_t inuse_bytes;
} hs_series_point;

/// The most points the series keeps; older ones are dropped first.
#define HS_SERIES_CAPACITY 4096

/// Copies the in-use series, oldest first, into `out` (room for HS_SERIES_CAPACITY + 2 points is
/// always enough) and returns how many were copied. A point is recorded when a sample or a sampled
/// free moves the sampled in-use bytes by 1/16 of the last point's (at least 64 KiB) or, when they
/// moved at all, 5 s after the last point; the highest in-use point since start (or since
/// hs_reset_peak) is always included, and the last point is the present.
size_t hs_copy_series(hs_series_point *out, size_t capacity);

/// Draws `count` countdowns as the sampler does (for tests of their distribution).
void hs_draw_countdowns(int64_t rate, int64_t *out, size_t count);

/// Counters that describe the sampler itself.
typedef struct hs_stats {
    uint64_t samples;        // allocations sampled
    uint64_t sampled_frees;  // frees that matched a sampled allocation
    uint64_t dropped;        // samples lost because the sampler's own memory ran out
    uint64_t live;           // sampled objects not yet freed
    uint64_t buckets;        // distinct (stack, size, rate) buckets
    uint64_t threads;        // threads that have taken the slow path at least once
} hs_stats;

/// Reads the sampler's counters.
void hs_get_stats(hs_stats *out);

/// The dynamic symbol that contains `address` (dladdr), or NULL. The string belongs to the loader.
const char *hs_dynamic_symbol(uintptr_t address);

#ifdef __cplusplus
}
#endif

#endif
