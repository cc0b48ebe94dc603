// The sampler's slow paths: drawing countdowns, walking the stack, and recording samples and frees.
// Nothing here calls malloc: the sampler's own memory comes from mmap, and the stack bounds come
// from /proc/self/maps read with plain open/read into a stack buffer.

#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "sampler_internal.h"
#include "sampler_tables.h"

__thread hs_thread hs_tls __attribute__((tls_model("initial-exec")));
_Atomic uint64_t hs_epoch = 1;
_Atomic uint32_t hs_filter[1u << HS_FILTER_BITS];

static _Atomic int64_t hs_rate;
static _Atomic int64_t hs_last_rate = 512 * 1024;
static _Atomic uint64_t hs_thread_count;

// MARK: - The lock (a spinlock: it never allocates and is held only for table updates)

static atomic_flag hs_lock_flag = ATOMIC_FLAG_INIT;

void hs_lock(void) {
    int spins = 0;
    while (atomic_flag_test_and_set_explicit(&hs_lock_flag, memory_order_acquire)) {
        if (++spins > 64) {
            sched_yield();
            spins = 0;
        }
    }
}

void hs_unlock(void) { atomic_flag_clear_explicit(&hs_lock_flag, memory_order_release); }

// fork() while another thread holds the lock would leave the child's copy locked for ever.
static void hs_atfork_prepare(void) { hs_lock(); }
static void hs_atfork_release(void) { hs_unlock(); }

__attribute__((constructor)) static void hs_register_atfork(void) {
    pthread_atfork(hs_atfork_prepare, hs_atfork_release, hs_atfork_release);
}

// MARK: - Rate and countdown

void hs_set_rate(int64_t rate) {
    atomic_store(&hs_rate, rate < 0 ? 0 : rate);
    if (rate > 0) atomic_store(&hs_last_rate, rate);
    atomic_fetch_add(&hs_epoch, 1);
}

int64_t hs_get_rate(void) { return atomic_load(&hs_rate); }

int64_t hs_get_last_rate(void) { return atomic_load(&hs_last_rate); }

static uint64_t hs_random(hs_thread *t) {
    if (t->rng == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        t->rng = ((uint64_t)(uintptr_t)t * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)ts.tv_nsec << 20) ^
                 (uint64_t)ts.tv_sec;
        if (t->rng == 0) t->rng = 0x2545F4914F6CDD1Dull;
    }
    uint64_t x = t->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t->rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/// Bytes until the next sample: exponentially distributed with mean `rate`, so that sampling is a
/// Poisson process over allocated bytes and an object of size s is sampled with probability
/// 1 - exp(-s/rate), which is what the unsampling formula assumes.
static int64_t hs_draw(hs_thread *t, int64_t rate) {
    if (rate <= 0) return INT64_MAX / 2;
    if (rate == 1) return 0;
    double u = (double)(hs_random(t) >> 11) * 0x1.0p-53;  // [0, 1)
    double bytes = -log1p(-u) * (double)rate;
    if (bytes > (double)(INT64_MAX / 4)) return INT64_MAX / 4;
    return (int64_t)bytes;
}

// MARK: - Stack bounds and the walk

static int hs_parse_hex(const char **s, const char *end, uintptr_t *out) {
    uintptr_t v = 0;
    int digits = 0;
    while (*s < end) {
        char c = **s;
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else break;
        v = (v << 4) | (uintptr_t)d;
        (*s)++;
        digits++;
    }
    *out = v;
    return digits > 0;
}

/// Finds the mapping in /proc/self/maps that contains `sp`: the bounds of this thread's stack.
static void hs_find_stack(hs_thread *t, uintptr_t sp) {
    t->stack_lo = sp;
    t->stack_hi = sp;  // empty range: the walk stops at once if the maps cannot be read
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char buf[4096];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof(buf) - have);
        if (n <= 0) break;
        have += (size_t)n;
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] != '\n') continue;
            const char *s = buf + start, *end = buf + i;
            uintptr_t lo, hi;
            if (hs_parse_hex(&s, end, &lo) && s < end && *s == '-' && (s++, hs_parse_hex(&s, end, &hi)) &&
                lo <= sp && sp < hi) {
                t->stack_lo = lo;
                t->stack_hi = hi;
                close(fd);
                return;
            }
            start = i + 1;
        }
        if (start == 0 && have == sizeof(buf)) have = 0;  // a line longer than the buffer: skip it
        else {
            memmove(buf, buf + start, have - start);
            have -= start;
        }
    }
    close(fd);
}

/// Walks the frame-pointer chain from the hook's frame. Every frame pointer must lie inside this
/// thread's stack, be aligned and lie above the previous one, so a broken chain (code built
/// without frame pointers) ends the walk instead of faulting. Swift async frames mark their saved
/// frame pointer with bit 60; the mark is cleared and the walk goes on into the executor.
static uint32_t hs_walk(hs_thread *t, void *return_address, void *frame, uintptr_t *pcs) {
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    if (sp < t->stack_lo || sp >= t->stack_hi) hs_find_stack(t, sp);
    uint32_t n = 0;
    pcs[n++] = (uintptr_t)return_address;
    uintptr_t fp = (uintptr_t)frame;
    if (fp < sp || fp + 16 > t->stack_hi || (fp & 7) != 0) return n;
    fp = ((const uintptr_t *)fp)[0];
    while (n < HS_MAX_DEPTH) {
        fp &= ~((uintptr_t)1 << 60);
        if ((fp & 7) != 0 || fp < sp || fp + 16 > t->stack_hi) break;
        const uintptr_t *record = (const uintptr_t *)fp;
        uintptr_t ra = record[1];
        if (ra < 4096) break;
        pcs[n++] = ra;
        uintptr_t next = record[0];
        if ((next & ~((uintptr_t)1 << 60)) <= fp) break;
        fp = next;
    }
    return n;
}

// MARK: - Slow paths

void hs_alloc_slow(void *ptr, size_t size, void *return_address, void *frame) {
    hs_thread *t = &hs_tls;
    if (t->in_sampler) return;
    t->in_sampler = 1;
    uint64_t epoch = atomic_load_explicit(&hs_epoch, memory_order_relaxed);
    int64_t rate = atomic_load_explicit(&hs_rate, memory_order_relaxed);
    int sample = 1;
    if (t->epoch != epoch) {
        if (t->epoch == 0) atomic_fetch_add_explicit(&hs_thread_count, 1, memory_order_relaxed);
        t->epoch = epoch;
        t->countdown = hs_draw(t, rate) - (int64_t)size;
        sample = t->countdown < 0;
    }
    if (sample && rate > 0) {
        uintptr_t pcs[HS_MAX_DEPTH];
        uint32_t depth = hs_walk(t, return_address, frame, pcs);
        hs_record_sample(ptr, size, rate, pcs, depth);
        t->countdown = hs_draw(t, rate);
    } else if (sample) {
        t->countdown = hs_draw(t, rate);
    }
    t->in_sampler = 0;
}

void hs_free_slow(void *ptr) { hs_record_free(ptr); }

// MARK: - Stats

void hs_get_stats(hs_stats *out) {
    hs_table_stats(out);
    out->threads = atomic_load(&hs_thread_count);
}
