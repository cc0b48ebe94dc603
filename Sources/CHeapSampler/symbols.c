// Symbol names at snapshot time: Swift demangling through the runtime's own swift_demangle and C++
// demangling through __cxa_demangle, both found with dlsym so that this target links neither
// runtime itself. Called at snapshot time only, never in a hook.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <string.h>

#include "CHeapSampler.h"

typedef char *(*hs_demangle_fn)(const char *mangled, size_t length, char *out, size_t *out_size, uint32_t flags);

static _Atomic(hs_demangle_fn) hs_demangler;
static atomic_int hs_demangler_looked_up;

char *hs_swift_demangle(const char *mangled) {
    if (mangled == NULL) return NULL;
    if (!atomic_load(&hs_demangler_looked_up)) {
        atomic_store(&hs_demangler, (hs_demangle_fn)dlsym(RTLD_DEFAULT, "swift_demangle"));
        atomic_store(&hs_demangler_looked_up, 1);
    }
    hs_demangle_fn demangle = atomic_load(&hs_demangler);
    if (demangle == NULL) return NULL;
    return demangle(mangled, strlen(mangled), NULL, NULL, 0);
}

const char *hs_dynamic_symbol(uintptr_t address) {
    Dl_info info;
    if (dladdr((const void *)address, &info) == 0) return NULL;
    return info.dli_sname;
}

typedef char *(*hs_cxa_demangle_fn)(const char *mangled, char *out, size_t *length, int *status);

static _Atomic(hs_cxa_demangle_fn) hs_cxx_demangler;
static atomic_int hs_cxx_demangler_looked_up;

char *hs_cxx_demangle(const char *mangled) {
    if (mangled == NULL) return NULL;
    if (!atomic_load(&hs_cxx_demangler_looked_up)) {
        atomic_store(&hs_cxx_demangler, (hs_cxa_demangle_fn)dlsym(RTLD_DEFAULT, "__cxa_demangle"));
        atomic_store(&hs_cxx_demangler_looked_up, 1);
    }
    hs_cxa_demangle_fn demangle = atomic_load(&hs_cxx_demangler);
    if (demangle == NULL) return NULL;
    int status = 0;
    char *out = demangle(mangled, NULL, NULL, &status);
    return status == 0 ? out : NULL;
}
