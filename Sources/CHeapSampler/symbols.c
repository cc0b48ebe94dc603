// Symbol names at snapshot time: the dynamic symbol that holds an address. Demangling is done
// above, in Swift, through CDemangle (the one wrapper of swift_demangle and __cxa_demangle).

#define _GNU_SOURCE
#include <dlfcn.h>

#include "CHeapSampler.h"

const char *hs_dynamic_symbol(uintptr_t address) {
    Dl_info info;
    if (dladdr((const void *)address, &info) == 0) return NULL;
    return info.dli_sname;
}
