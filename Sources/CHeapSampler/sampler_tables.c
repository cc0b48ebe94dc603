// The sampler's tables, all guarded by hs_lock and all in mmap'ed memory:
//  - buckets, keyed by (stack, size, rate), in chunks that never move, found through a hash table;
//  - live sampled pointers, an open-addressing table that doubles when half full, each entry
//    naming its bucket so that a free is counted where the allocation was.

#define _GNU_SOURCE
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "sampler_tables.h"

typedef struct hs_bucket {
    hs_record record;
    uint64_t peak_epoch;  // the peak its record.peak_inuse_* describe; older: the peak is "now"
    uint64_t hash;
    uint32_t next;  // index + 1 of the next bucket with the same head, 0 at the end
} hs_bucket;

#define HS_CHUNK_BUCKETS 1024u
#define HS_MAX_CHUNKS 1024u
#define HS_HEAD_BITS 14

static hs_bucket *hs_chunks[HS_MAX_CHUNKS];
static uint32_t hs_heads[1u << HS_HEAD_BITS];
static uint32_t hs_bucket_total;

typedef struct hs_live {
    uintptr_t ptr;  // 0: empty
    uint32_t bucket;
    uint32_t unused;
} hs_live;

static hs_live *hs_live_slots;
static size_t hs_live_capacity;  // a power of two
static size_t hs_live_count;

static uint64_t hs_samples, hs_sampled_frees, hs_dropped;

// Live sampled pointers per filter slot; a slot's bit in hs_filter is set while its count is not 0.
static uint32_t hs_filter_counts[1u << HS_FILTER_BITS];

static void hs_filter_add(const void *ptr) {
    uint32_t slot = hs_filter_slot(ptr);
    if (hs_filter_counts[slot]++ == 0)
        atomic_fetch_or_explicit(&hs_filter[slot / 64], (uint64_t)1 << (slot % 64), memory_order_relaxed);
}

static void hs_filter_remove(const void *ptr) {
    uint32_t slot = hs_filter_slot(ptr);
    if (--hs_filter_counts[slot] == 0)
        atomic_fetch_and_explicit(&hs_filter[slot / 64], ~((uint64_t)1 << (slot % 64)), memory_order_relaxed);
}

// The peak, kept without copying every bucket at each new high: a new peak bumps hs_peak_epoch,
// which says "every bucket's peak is its present state". Before a bucket changes, it saves its
// present state as its peak if its epoch is older (its state has not changed since the peak).
static uint64_t hs_inuse_bytes, hs_peak_bytes, hs_peak_epoch = 1;
static int64_t hs_peak_time;

static void hs_bucket_will_change(hs_bucket *b) {
    if (b->peak_epoch == hs_peak_epoch) return;
    b->record.peak_inuse_objects = b->record.alloc_objects - b->record.free_objects;
    b->record.peak_inuse_bytes = b->record.alloc_bytes - b->record.free_bytes;
    b->peak_epoch = hs_peak_epoch;
}

static int64_t hs_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

// MARK: - The in-use series
//
// The unsampled in-use total is kept as it changes: each sampled object adds what it stands for
// (Go's formula for one object of its size at its rate), and its free takes the same amount off, so
// the sums are exact integers and agree with the heap profile's inuse_* values. Points go into a
// ring in static memory; they are recorded only on the slow paths (a sample, a sampled free).

#define HS_SERIES_MIN_STEP (64 * 1024)
#define HS_SERIES_MAX_QUIET_NANOS (5 * (int64_t)1000000000)

static uint64_t hs_scaled_objects_fp;  // in-use objects, unsampled, in 1/65536ths
static uint64_t hs_scaled_bytes;       // in-use bytes, unsampled
static hs_series_point hs_series[HS_SERIES_CAPACITY];
static size_t hs_series_first, hs_series_count;
static uint64_t hs_series_last_raw;  // sampled in-use bytes at the last point
static int64_t hs_series_last_time;
static hs_series_point hs_peak_point;  // the unsampled totals at the peak
static int hs_peak_pending;            // the peak point is later than the ring's last point

/// What one sampled object of `size` bytes at `rate` stands for, as HeapProfiler.unsample scales
/// a bucket: 1 / (1 - exp(-size/rate)) objects of `size` bytes.
static void hs_unsampled(uint64_t size, int64_t rate, uint64_t *objects_fp, uint64_t *bytes) {
    if (size == 0) {
        *objects_fp = 0;
        *bytes = 0;
        return;
    }
    double scale = rate <= 1 ? 1.0 : 1.0 / (1.0 - exp(-(double)size / (double)rate));
    *objects_fp = (uint64_t)(scale * 65536.0 + 0.5);
    *bytes = (uint64_t)((double)size * scale + 0.5);
}

static void hs_inuse_add(uint64_t size, int64_t rate) {
    uint64_t objects_fp, bytes;
    hs_unsampled(size, rate, &objects_fp, &bytes);
    hs_inuse_bytes += size;
    hs_scaled_objects_fp += objects_fp;
    hs_scaled_bytes += bytes;
}

static void hs_inuse_remove(uint64_t size, int64_t rate) {
    uint64_t objects_fp, bytes;
    hs_unsampled(size, rate, &objects_fp, &bytes);
    hs_inuse_bytes -= size;
    hs_scaled_objects_fp -= objects_fp;
    hs_scaled_bytes -= bytes;
}

static hs_series_point hs_present(int64_t now) {
    hs_series_point p = {now, (int64_t)(hs_scaled_objects_fp >> 16), (int64_t)hs_scaled_bytes};
    return p;
}

static void hs_series_append(hs_series_point p) {
    size_t slot = (hs_series_first + hs_series_count) % HS_SERIES_CAPACITY;
    if (hs_series_count == HS_SERIES_CAPACITY) hs_series_first = (hs_series_first + 1) % HS_SERIES_CAPACITY;
    else hs_series_count++;
    hs_series[slot] = p;
}

/// After the in-use total changed: a new peak is remembered; a point is recorded when the total
/// moved by 1/16 of the last point's (at least HS_SERIES_MIN_STEP) or has been quiet for
/// HS_SERIES_MAX_QUIET_NANOS, preceded by the peak if one came after the last point.
static void hs_inuse_changed(void) {
    int64_t now = hs_now();
    if (hs_inuse_bytes > hs_peak_bytes) {
        hs_peak_bytes = hs_inuse_bytes;
        hs_peak_epoch++;
        hs_peak_time = now;
        hs_peak_point = hs_present(now);
        hs_peak_pending = 1;
    }
    uint64_t last = hs_series_last_raw, cur = hs_inuse_bytes;
    uint64_t moved = cur > last ? cur - last : last - cur;
    uint64_t step = last / 16 > HS_SERIES_MIN_STEP ? last / 16 : HS_SERIES_MIN_STEP;
    if (hs_series_count > 0 && moved < step && (moved == 0 || now - hs_series_last_time < HS_SERIES_MAX_QUIET_NANOS))
        return;
    if (hs_peak_pending && hs_peak_point.time_nanos < now) hs_series_append(hs_peak_point);
    hs_series_append(hs_present(now));
    hs_peak_pending = 0;
    hs_series_last_raw = cur;
    hs_series_last_time = now;
}

static void *hs_map(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static inline hs_bucket *hs_bucket_at(uint32_t index) {
    return &hs_chunks[index / HS_CHUNK_BUCKETS][index % HS_CHUNK_BUCKETS];
}

static uint64_t hs_hash(const uintptr_t *pcs, uint32_t depth, uint64_t size, int64_t rate) {
    uint64_t h = 0xcbf29ce484222325ull ^ size ^ ((uint64_t)rate << 32);
    for (uint32_t i = 0; i < depth; i++) {
        h ^= pcs[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h;
}

/// Finds or adds the bucket; returns its index, or UINT32_MAX when out of memory.
static uint32_t hs_bucket_for(const uintptr_t *pcs, uint32_t depth, uint64_t size, int64_t rate) {
    uint64_t h = hs_hash(pcs, depth, size, rate);
    uint32_t *head = &hs_heads[h >> (64 - HS_HEAD_BITS)];
    for (uint32_t i = *head; i != 0;) {
        hs_bucket *b = hs_bucket_at(i - 1);
        if (b->hash == h && b->record.size == size && b->record.rate == rate && b->record.depth == depth &&
            memcmp(b->record.pcs, pcs, depth * sizeof(uintptr_t)) == 0)
            return i - 1;
        i = b->next;
    }
    uint32_t index = hs_bucket_total;
    uint32_t chunk = index / HS_CHUNK_BUCKETS;
    if (chunk >= HS_MAX_CHUNKS) return UINT32_MAX;
    if (hs_chunks[chunk] == NULL) {
        hs_chunks[chunk] = hs_map(HS_CHUNK_BUCKETS * sizeof(hs_bucket));
        if (hs_chunks[chunk] == NULL) return UINT32_MAX;
    }
    hs_bucket *b = hs_bucket_at(index);
    memset(b, 0, sizeof(*b));
    b->hash = h;
    b->record.size = size;
    b->record.rate = rate;
    b->record.depth = depth;
    memcpy(b->record.pcs, pcs, depth * sizeof(uintptr_t));
    b->next = *head;
    *head = index + 1;
    hs_bucket_total = index + 1;
    return index;
}

static inline size_t hs_live_home(uintptr_t ptr, size_t capacity) {
    return (size_t)(((uint64_t)(ptr >> 4) * 0x9E3779B97F4A7C15ull) >> 17) & (capacity - 1);
}

static void hs_live_put(hs_live *slots, size_t capacity, uintptr_t ptr, uint32_t bucket) {
    size_t i = hs_live_home(ptr, capacity);
    while (slots[i].ptr != 0 && slots[i].ptr != ptr) i = (i + 1) & (capacity - 1);
    slots[i].ptr = ptr;
    slots[i].bucket = bucket;
}

/// Makes room for one more live pointer, doubling the table when it is half full.
static int hs_live_reserve(void) {
    if (hs_live_slots != NULL && (hs_live_count + 1) * 2 <= hs_live_capacity) return 1;
    size_t capacity = hs_live_capacity ? hs_live_capacity * 2 : 4096;
    hs_live *slots = hs_map(capacity * sizeof(hs_live));
    if (slots == NULL) return 0;
    for (size_t i = 0; i < hs_live_capacity; i++)
        if (hs_live_slots[i].ptr != 0) hs_live_put(slots, capacity, hs_live_slots[i].ptr, hs_live_slots[i].bucket);
    if (hs_live_slots != NULL) munmap(hs_live_slots, hs_live_capacity * sizeof(hs_live));
    hs_live_slots = slots;
    hs_live_capacity = capacity;
    return 1;
}

/// Removes `ptr` and returns its bucket, or UINT32_MAX when it is not live. Deletion shifts the
/// following entries back, so lookups need no tombstones.
static uint32_t hs_live_take(uintptr_t ptr) {
    if (hs_live_slots == NULL) return UINT32_MAX;
    size_t mask = hs_live_capacity - 1;
    size_t i = hs_live_home(ptr, hs_live_capacity);
    while (hs_live_slots[i].ptr != ptr) {
        if (hs_live_slots[i].ptr == 0) return UINT32_MAX;
        i = (i + 1) & mask;
    }
    uint32_t bucket = hs_live_slots[i].bucket;
    size_t hole = i;
    for (size_t j = (i + 1) & mask; hs_live_slots[j].ptr != 0; j = (j + 1) & mask) {
        size_t home = hs_live_home(hs_live_slots[j].ptr, hs_live_capacity);
        // Move j into the hole unless its home lies cyclically in (hole, j].
        int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            hs_live_slots[hole] = hs_live_slots[j];
            hole = j;
        }
    }
    hs_live_slots[hole].ptr = 0;
    hs_live_count--;
    return bucket;
}

void hs_record_sample(void *ptr, size_t size, int64_t rate, const uintptr_t *pcs, uint32_t depth) {
    hs_lock();
    uint32_t index = hs_bucket_for(pcs, depth, size, rate);
    if (index == UINT32_MAX) {
        hs_dropped++;
        hs_unlock();
        return;
    }
    hs_bucket *b = hs_bucket_at(index);
    hs_bucket_will_change(b);
    b->record.alloc_objects++;
    b->record.alloc_bytes += size;
    hs_inuse_add(size, rate);
    hs_samples++;
    if (hs_live_reserve()) {
        // The same address cannot be live twice: a stale entry means its free was missed (a
        // failed realloc); count it freed so that in-use never goes negative.
        uint32_t stale = hs_live_take((uintptr_t)ptr);
        if (stale != UINT32_MAX) {
            hs_bucket *old = hs_bucket_at(stale);
            hs_bucket_will_change(old);
            old->record.free_objects++;
            old->record.free_bytes += old->record.size;
            hs_inuse_remove(old->record.size, old->record.rate);
        } else {
            hs_filter_add(ptr);
        }
        hs_live_put(hs_live_slots, hs_live_capacity, (uintptr_t)ptr, index);
        hs_live_count++;
    } else {
        hs_dropped++;
    }
    hs_inuse_changed();
    hs_unlock();
}

void hs_record_free(void *ptr) {
    hs_lock();
    uint32_t index = hs_live_take((uintptr_t)ptr);
    if (index != UINT32_MAX) {
        hs_filter_remove(ptr);
        hs_bucket *b = hs_bucket_at(index);
        hs_bucket_will_change(b);
        b->record.free_objects++;
        b->record.free_bytes += b->record.size;
        hs_inuse_remove(b->record.size, b->record.rate);
        hs_sampled_frees++;
        hs_inuse_changed();
    }
    hs_unlock();
}

size_t hs_record_count(void) {
    hs_lock();
    size_t n = hs_bucket_total;
    hs_unlock();
    return n;
}

size_t hs_copy_records(hs_record *out, size_t capacity) {
    hs_lock();
    size_t n = hs_bucket_total < capacity ? hs_bucket_total : capacity;
    for (size_t i = 0; i < n; i++) {
        hs_bucket *b = hs_bucket_at((uint32_t)i);
        out[i] = b->record;
        if (b->peak_epoch != hs_peak_epoch) {  // unchanged since the peak: its peak is its present
            out[i].peak_inuse_objects = b->record.alloc_objects - b->record.free_objects;
            out[i].peak_inuse_bytes = b->record.alloc_bytes - b->record.free_bytes;
        }
    }
    hs_unlock();
    return n;
}

void hs_table_stats(hs_stats *out) {
    hs_lock();
    out->samples = hs_samples;
    out->sampled_frees = hs_sampled_frees;
    out->dropped = hs_dropped;
    out->live = hs_live_count;
    out->buckets = hs_bucket_total;
    hs_unlock();
}

void hs_get_peak(hs_peak *out) {
    hs_lock();
    out->inuse_bytes = hs_inuse_bytes;
    out->peak_bytes = hs_peak_bytes;
    out->peak_time_nanos = hs_peak_time;
    hs_unlock();
}

void hs_reset_peak(void) {
    hs_lock();
    int64_t now = hs_now();
    // The peak that ends here stays in the series; the new one starts from the present.
    if (hs_peak_pending) hs_series_append(hs_peak_point);
    hs_peak_bytes = hs_inuse_bytes;
    hs_peak_epoch++;
    hs_peak_time = now;
    hs_peak_point = hs_present(now);
    hs_peak_pending = 1;
    hs_unlock();
}

size_t hs_copy_series(hs_series_point *out, size_t capacity) {
    hs_lock();
    int64_t now = hs_now();
    size_t n = 0;
    for (size_t i = 0; i < hs_series_count && n < capacity; i++)
        out[n++] = hs_series[(hs_series_first + i) % HS_SERIES_CAPACITY];
    if (hs_peak_pending && n < capacity) out[n++] = hs_peak_point;
    if (n < capacity && (n == 0 || out[n - 1].time_nanos < now)) out[n++] = hs_present(now);
    hs_unlock();
    return n;
}
