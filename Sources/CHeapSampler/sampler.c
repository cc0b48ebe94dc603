// The sampler's slow paths: drawing countdowns, walking the stack, and recording samples and frees.
// Nothing here calls malloc: the sampler's own memory comes from mmap, and the stack bounds come
// from /proc/self/maps read with plain open/read into a stack buffer.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sampler_internal.h"
#include "sampler_tables.h"
// libunwind (CLibunwind links it), local-only: the unw_* names resolve to the _UL* entry points,
// which read this process's memory directly.
#define UNW_LOCAL_ONLY
#include <libunwind.h>

__thread hs_thread hs_tls __attribute__((tls_model("initial-exec")));
_Atomic uint64_t hs_epoch = 1;
_Atomic uint64_t hs_filter[(1u << HS_FILTER_BITS) / 64];

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

void hs_draw_countdowns(int64_t rate, int64_t *out, size_t count) {
    hs_thread t = {0};
    for (size_t i = 0; i < count; i++) out[i] = hs_draw(&t, rate);
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

/// 0: process_vm_readv works on this process; 1: it does not (a seccomp filter), so async
/// contexts, which live on the heap, are not followed.
static atomic_int hs_no_safe_reads;

/// Reads `size` bytes at `address` without faulting: unmapped memory gives 0 instead of SIGSEGV.
static int hs_safe_read(uintptr_t address, void *out, size_t size) {
    if (atomic_load_explicit(&hs_no_safe_reads, memory_order_relaxed)) return 0;
    struct iovec local = {out, size}, remote = {(void *)address, size};
    ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (n == (ssize_t)size) return 1;
    if (n < 0 && errno != EFAULT) atomic_store(&hs_no_safe_reads, 1);
    return 0;
}

#define HS_ASYNC_FRAME_BIT ((uintptr_t)1 << 60)

/// Code ranges of Swift async functions (sorted, not overlapping), set once by hs_set_async_ranges.
typedef struct hs_ranges {
    size_t count;
    uintptr_t bounds[];  // start0, end0, start1, end1, …
} hs_ranges;

static _Atomic(hs_ranges *) hs_async_ranges;

int hs_set_async_ranges(const uintptr_t *bounds, size_t count) {
    size_t bytes = sizeof(hs_ranges) + count * 2 * sizeof(uintptr_t);
    hs_ranges *r = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) return 0;
    r->count = count;
    memcpy(r->bounds, bounds, count * 2 * sizeof(uintptr_t));
    hs_ranges *expected = NULL;
    if (!atomic_compare_exchange_strong(&hs_async_ranges, &expected, r)) {
        munmap(r, bytes);  // set already: the first set stays, readers may be using it
        return 0;
    }
    return 1;
}

static int hs_in_async_function(uintptr_t pc) {
    hs_ranges *r = atomic_load_explicit(&hs_async_ranges, memory_order_acquire);
    if (r == NULL) return 0;
    size_t lo = 0, hi = r->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pc < r->bounds[2 * mid]) hi = mid;
        else if (pc >= r->bounds[2 * mid + 1]) lo = mid + 1;
        else return 1;
    }
    return 0;
}

/// Follows a Swift task's chain of async contexts from `context` (an AsyncContext: Parent at 0,
/// ResumeParent at 8): each ResumeParent is where a logical caller resumes. Resume functions are
/// entry points, not return addresses, so they are stored plus one: the profile builder takes one
/// off every address to reach the call instruction, and lands on the entry again.
static uint32_t hs_walk_async(uintptr_t context, uintptr_t *pcs, uint32_t n) {
    for (int level = 0; level < 32 && n < HS_MAX_DEPTH; level++) {
        if (context == 0 || (context & 7) != 0 || context >= ((uintptr_t)1 << 47)) break;
        uintptr_t words[2];
        if (!hs_safe_read(context, words, sizeof(words))) break;
        uintptr_t parent = words[0], resume = words[1];
        if (resume < 4096) break;
        pcs[n++] = resume + 1;
        if (parent == context) break;
        context = parent;
    }
    return n;
}

/// Walks the frame-pointer chain from the hook's frame. Every frame pointer must lie inside this
/// thread's stack, be aligned and lie above the previous one, so a broken chain (code built
/// without frame pointers) ends the walk instead of faulting.
///
/// A Swift async function runs on the thread's stack only from the executor up: its logical
/// callers are suspended, in heap-allocated async contexts. An async function's frame record
/// keeps its context in the word below it (x86-64's extended frame: push rbp, push r14); so when a
/// return address lies in an async function (hs_set_async_ranges), the walk reads that context
/// and follows the task's chain of contexts instead of the executor's frames. Frames marked with
/// bit 60 (-swift-async-frame-pointer=always) are recognized too.
static uint32_t hs_walk(hs_thread *t, void *return_address, void *frame, uintptr_t *pcs) {
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    if (sp < t->stack_lo || sp >= t->stack_hi) hs_find_stack(t, sp);
    uint32_t n = 0;
    uintptr_t fp = (uintptr_t)frame;
    uintptr_t ra = (uintptr_t)return_address;
    while (n < HS_MAX_DEPTH) {
        if ((fp & 7) != 0 || fp < sp || fp + 16 > t->stack_hi) break;
        const uintptr_t *record = (const uintptr_t *)fp;
        if (ra < 4096) break;
        pcs[n++] = ra;
        uintptr_t next = record[0];
        next &= ~HS_ASYNC_FRAME_BIT;
        if ((next & 7) != 0 || next <= fp || next + 16 > t->stack_hi) break;
        // `ra` returns into the function whose frame record is at `next`.
        if (hs_in_async_function(ra) || (((const uintptr_t *)next)[0] & HS_ASYNC_FRAME_BIT))
            return hs_walk_async(((const uintptr_t *)next)[-1], pcs, n);
        fp = next;
        ra = ((const uintptr_t *)fp)[1];
    }
    return n;
}

/// Which walk hs_alloc_slow uses (HS_UNWIND_*). Read from HEAPPROFILER_UNWIND once, before
/// main, because getenv must not race with setenv inside an allocation.
static atomic_int hs_unwinder = HS_UNWIND_LIBUNWIND;

__attribute__((constructor)) static void hs_read_unwinder(void) {
    const char *choice = getenv("HEAPPROFILER_UNWIND");
    if (choice != NULL && strcmp(choice, "fp") == 0) atomic_store(&hs_unwinder, HS_UNWIND_FRAME_POINTERS);
    // Each thread keeps its own cache of unwind rules: the global cache's lock would be one more
    // lock that a fork could leave held.
    unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

void hs_set_unwinder(int unwinder) {
    atomic_store(&hs_unwinder, unwinder == HS_UNWIND_FRAME_POINTERS ? HS_UNWIND_FRAME_POINTERS : HS_UNWIND_LIBUNWIND);
}

int hs_get_unwinder(void) { return atomic_load(&hs_unwinder); }

/// Walks the stack with libunwind, which reads each binary's unwind tables (.eh_frame), so frames
/// built without frame pointers are seen too. Safe inside malloc: the local-only unwinder keeps its
/// caches in mmap'ed memory and thread-local storage, never calls malloc, and takes no lock that
/// the allocator holds. Frames up to the hook's caller (`return_address`) are the sampler's own
/// and are skipped. A frame in a Swift async function continues through the task's async contexts,
/// as the frame-pointer walk does: its frame record (RBP) keeps the context in the word below it.
static uint32_t hs_walk_libunwind_steps(void *return_address, uintptr_t *pcs);

/// libunwind's fast path first: unw_backtrace caches each frame's layout per thread and returns
/// only instruction pointers. When a frame lies in a Swift async function, its async context is
/// needed, which only a cursor has: the walk is then redone step by step.
static uint32_t hs_walk_libunwind(void *return_address, uintptr_t *pcs) {
    void *ips[HS_MAX_DEPTH + 8];
    int m = unw_backtrace(ips, HS_MAX_DEPTH + 8);
    int first = 0;
    while (first < m && first < 8 && ips[first] != return_address) first++;
    if (first >= m || first >= 8) return hs_walk_libunwind_steps(return_address, pcs);
    uint32_t n = 0;
    for (int i = first; i < m && n < HS_MAX_DEPTH; i++) {
        uintptr_t ip = (uintptr_t)ips[i];
        if (ip < 4096) break;
        if (hs_in_async_function(ip)) return hs_walk_libunwind_steps(return_address, pcs);
        pcs[n++] = ip;
    }
    return n;
}

static uint32_t hs_walk_libunwind_steps(void *return_address, uintptr_t *pcs) {
    unw_context_t context;
    unw_cursor_t cursor;
    if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0) return 0;
    uint32_t n = 0;
    int found = 0;
    for (int skipped = 0; skipped < 8 && !found; skipped++) {
        if (unw_step(&cursor) <= 0) return 0;
        unw_word_t ip = 0;
        unw_get_reg(&cursor, UNW_REG_IP, &ip);
        found = (uintptr_t)ip == (uintptr_t)return_address;
    }
    if (!found) return 0;
    for (;;) {
        unw_word_t ip = 0;
        unw_get_reg(&cursor, UNW_REG_IP, &ip);
        if (ip < 4096) break;
        pcs[n++] = (uintptr_t)ip;
        if (n >= HS_MAX_DEPTH) break;
        if (hs_in_async_function((uintptr_t)ip)) {
            unw_word_t rbp = 0;
            uintptr_t async_context = 0;
            if (unw_get_reg(&cursor, UNW_X86_64_RBP, &rbp) == 0 && (rbp & 7) == 0 && rbp > 8 &&
                hs_safe_read((uintptr_t)rbp - 8, &async_context, sizeof(async_context)))
                return hs_walk_async(async_context, pcs, n);
            break;
        }
        if (unw_step(&cursor) <= 0) break;
    }
    return n;
}

// MARK: - Slow paths

void hs_alloc_slow(void *ptr, size_t size, void *return_address, void *frame) {
    hs_thread *t = &hs_tls;
    if (t->in_sampler) return;
    t->in_sampler = 1;
    int saved_errno = errno;  // the walk's system calls must not change what the caller sees
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
        uint32_t depth = 0;
        if (atomic_load_explicit(&hs_unwinder, memory_order_relaxed) == HS_UNWIND_LIBUNWIND)
            depth = hs_walk_libunwind(return_address, pcs);
        // Frame pointers where libunwind found nothing (no unwind tables for the caller).
        if (depth == 0) depth = hs_walk(t, return_address, frame, pcs);
        hs_record_sample(ptr, size, rate, pcs, depth);
        t->countdown = hs_draw(t, rate);
    } else if (sample) {
        t->countdown = hs_draw(t, rate);
    }
    errno = saved_errno;
    t->in_sampler = 0;
}

void hs_free_slow(void *ptr) { hs_record_free(ptr); }

// MARK: - Stats

void hs_get_stats(hs_stats *out) {
    hs_table_stats(out);
    out->threads = atomic_load(&hs_thread_count);
}
