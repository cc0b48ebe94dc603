// A small C++ program that the gperftools profilers watch, to make real legacy profiles with
// (see make-legacy.sh). Its names are in namespaces and templates so that demangling and
// go's simplification of C++ names have something to do.
#include <gperftools/malloc_extension.h>
#include <gperftools/profiler.h>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace demo {

template <typename T>
struct Buffer {
    std::vector<T> items;
    __attribute__((noinline)) void grow(size_t n) {
        for (size_t i = 0; i < n; i++) items.push_back(T(i));
    }
};

__attribute__((noinline)) double spin(int rounds, double seed) {
    double x = seed;
    for (int i = 0; i < rounds; i++) x = x * 1.0000001 + 0.5 / (x + 1.0);
    return x;
}

class Worker {
public:
    __attribute__((noinline)) double crunch(int rounds) { return spin(rounds, 1.0) + spin(rounds / 2, 2.0); }
    __attribute__((noinline)) char *keep(size_t size) {
        char *p = static_cast<char *>(malloc(size));
        for (size_t i = 0; i < size; i += 4096) p[i] = 1;
        return p;
    }
};

}  // namespace demo

static void write(const char *path, const std::string &s) {
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); exit(1); }
    fwrite(s.data(), 1, s.size(), f);
    fclose(f);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: cppdemo OUTDIR\n"); return 2; }
    std::string out = argv[1];
    demo::Worker w;
    std::vector<char *> kept;
    ProfilerStart((out + "/cpu.prof").c_str());
    double total = 0;
    for (int i = 0; i < 40; i++) {
        total += w.crunch(4000000);
        kept.push_back(w.keep(64 * 1024 + i * 1024));
        demo::Buffer<long> b;
        b.grow(20000);
        demo::Buffer<double> s;
        s.grow(3000);
    }
    ProfilerStop();
    std::string text;
    MallocExtension::instance()->GetHeapSample(&text);
    write((out + "/heap_v2.heap").c_str(), text);
    text.clear();
    MallocExtension::instance()->GetHeapGrowthStacks(&text);
    write((out + "/growth.heap").c_str(), text);
    printf("%g %zu\n", total, kept.size());
    return 0;
}
