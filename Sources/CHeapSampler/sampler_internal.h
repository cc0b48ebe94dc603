#ifndef CHEAPSAMPLER_INTERNAL_H
#define CHEAPSAMPLER_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "CHeapSampler.h"

// glibc's own allocator entry points: calling them needs no dlsym, so the hooks work from the
// very first allocation of the process, before any constructor has run.
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

#define HS_LIKELY(x) __builtin_expect(!!(x), 1)
#define HS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define HS_HIDDEN __attribute__((visibility("hidden")))

/// Per-thread state. Plain static TLS (initial-exec): reading it never allocates, and it needs no
/// destructor, so threads can exit at any time.
typedef struct hs_thread {
    int64_t countdown;   // bytes left before the next sample
    uint64_t epoch;      // hs_epoch when countdown was drawn
    uint64_t rng;        // xorshift state
    uintptr_t stack_lo;  // bounds of this thread's stack mapping, cached
    uintptr_t stack_hi;
    int in_sampler;      // re-entrancy guard
} hs_thread;

extern __thread hs_thread hs_tls __attribute__((tls_model("initial-exec"))) HS_HIDDEN;

/// Bumped on every rate change so that each thread draws a new countdown.
extern _Atomic uint64_t hs_epoch HS_HIDDEN;

/// Filter over live sampled pointers, read by every free: a clear bit proves a pointer was not
/// sampled. One bit per slot (8 KiB), so that the lines every free reads stay in the cache; the
/// count of live sampled pointers per slot, which decides when a bit is cleared, is kept apart in
/// sampler_tables.c and touched only under hs_lock. (A table of counters read by every free, 256
/// KiB, missed the cache on most frees once sampling had written to its pages: see
/// Benchmarks/service/README.md.)
#define HS_FILTER_BITS 16
extern _Atomic uint64_t hs_filter[(1u << HS_FILTER_BITS) / 64] HS_HIDDEN;

static inline uint32_t hs_filter_slot(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p >> 4;
    return (uint32_t)((x * 0x9E3779B97F4A7C15ull) >> (64 - HS_FILTER_BITS));
}

/// Slow paths, out of line so that the hooks stay small.
void hs_alloc_slow(void *ptr, size_t size, void *return_address, void *frame) HS_HIDDEN
    __attribute__((noinline));
void hs_free_slow(void *ptr) HS_HIDDEN __attribute__((noinline));

/// Called after every allocation: the fast path is one subtraction and three compares. A failed
/// allocation counts nothing (a failed calloc's size may even have overflowed).
static inline __attribute__((always_inline)) void hs_after_alloc(void *ptr, size_t size, void *ra, void *fp) {
    if (HS_UNLIKELY(ptr == NULL)) return;
    hs_thread *t = &hs_tls;
    uint64_t epoch = atomic_load_explicit(&hs_epoch, memory_order_relaxed);
    if (HS_LIKELY(t->epoch == epoch)) {
        t->countdown -= (int64_t)size;
        if (HS_LIKELY(t->countdown >= 0)) return;
    }
    hs_alloc_slow(ptr, size, ra, fp);
}

/// Called before every free (and before realloc lets go of its old block).
static inline __attribute__((always_inline)) void hs_before_free(void *ptr) {
    uint32_t slot = hs_filter_slot(ptr);
    if (HS_UNLIKELY((atomic_load_explicit(&hs_filter[slot / 64], memory_order_relaxed) >> (slot % 64)) & 1))
        hs_free_slow(ptr);
}

#endif
