// A small C program for the -disasm goldens: two hot loops in separate functions, profiled
// with gperftools' CPU profiler (see make-disasm.sh).
#include <gperftools/profiler.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) double spin(int rounds, double seed) {
    double x = seed;
    for (int i = 0; i < rounds; i++) x = x * 1.0000001 + 0.5 / (x + 1.0);
    return x;
}

__attribute__((noinline)) long mix(long n) {
    long h = 1469598103934665603L;
    for (long i = 0; i < n; i++) h = (h ^ i) * 1099511628211L;
    return h;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: disdemo PROFILE\n"); return 2; }
    ProfilerStart(argv[1]);
    double total = 0;
    long h = 0;
    for (int i = 0; i < 30; i++) {
        total += spin(3000000, 1.0 + i);
        h ^= mix(20000000);
    }
    ProfilerStop();
    printf("%g %ld\n", total, h);
    return 0;
}
