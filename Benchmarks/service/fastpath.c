// The heap profiler's fast path, measured: nanoseconds per malloc/free pair with glibc alone,
// with the interposer linked in but sampling off (rate 0), and with sampling at a given rate.
//
// Usage: fastpath MODE [RATE [ITERATIONS]], MODE glibc, off or on; 7 runs of ITERATIONS pairs.
// Built by fastpath.sh twice: once plain, once with Sources/CHeapSampler/*.c compiled in
// (-DWITH_SAMPLER), which interposes malloc exactly as in the image service.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef WITH_SAMPLER
#include "CHeapSampler.h"
#endif

static void *volatile sink;  // keeps the compiler from removing malloc/free pairs

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

// Sizes cycle through 16 … 1036 bytes (mean 526), like a service's small allocations.
static double pairs(long iterations) {
    double start = now_ns();
    for (long i = 0; i < iterations; i++) {
        void *p = malloc(16 + (size_t)(i & 255) * 4);
        sink = p;
        free(p);
    }
    return (now_ns() - start) / (double)iterations;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "glibc";
    long rate = argc > 2 ? atol(argv[2]) : 524288;
#ifdef WITH_SAMPLER
    hs_set_rate(strcmp(mode, "on") == 0 ? rate : 0);
#else
    (void)rate;
#endif
    const long iterations = argc > 3 ? atol(argv[3]) : 20000000;
    pairs(iterations / 10);  // warm-up
    double runs[7];
    for (int r = 0; r < 7; r++) runs[r] = pairs(iterations);
    qsort(runs, 7, sizeof(double), compare);
#ifdef WITH_SAMPLER
    hs_stats stats;
    hs_get_stats(&stats);
    printf("%s\t%ld\t%.2f\t%.2f\t%.2f\t%llu\n", mode, strcmp(mode, "on") == 0 ? rate : 0, runs[3], runs[0], runs[6],
           (unsigned long long)stats.samples);
#else
    printf("%s\t-\t%.2f\t%.2f\t%.2f\t0\n", mode, runs[3], runs[0], runs[6]);
#endif
    return 0;
}
