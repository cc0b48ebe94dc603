// Name demangling through the runtimes that own the manglings: the C++ runtime's
// __cxa_demangle and the Swift runtime's swift_demangle.
#include "cdemangle.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern char *__cxa_demangle(const char *mangled, char *out, size_t *length, int *status);

char *pprof_cxx_demangle(const char *mangled) {
    int status = 0;
    char *out = __cxa_demangle(mangled, NULL, NULL, &status);
    if (status != 0) {
        free(out);
        return NULL;
    }
    return out;
}

typedef char *(*swift_demangle_fn)(const char *mangled, size_t length, char *out, size_t *out_size, uint32_t flags);

char *pprof_swift_demangle(const char *mangled) {
    // dlsym is thread-safe, and looking it up each time costs little next to demangling.
    swift_demangle_fn demangle = (swift_demangle_fn)dlsym(RTLD_DEFAULT, "swift_demangle");
    if (demangle == NULL) return NULL;
    return demangle(mangled, strlen(mangled), NULL, NULL, 0);
}
