// The malloc family, interposed. Each hook forwards to glibc and then tells the sampler; the
// sampler's slow path receives the hook's return address and frame so that the walk starts at the
// allocator's caller and the hook itself is never recorded.

#include <errno.h>
#include <stdlib.h>

#include "sampler_internal.h"

#define HS_EXPORT __attribute__((visibility("default"), used))
#define HS_CALLER __builtin_return_address(0), __builtin_frame_address(0)

// AddressSanitizer interposes the malloc family itself (the fuzz targets are built with it):
// then these hooks stay out, and the sampler sees no allocations.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HS_NO_HOOKS 1
#endif
#endif
#ifndef HS_NO_HOOKS

HS_EXPORT void *malloc(size_t size) {
    void *p = __libc_malloc(size);
    hs_after_alloc(p, size, HS_CALLER);
    return p;
}

HS_EXPORT void free(void *ptr) {
    if (ptr == NULL) return;
    hs_before_free(ptr);
    __libc_free(ptr);
}

HS_EXPORT void *calloc(size_t count, size_t size) {
    void *p = __libc_calloc(count, size);
    // Counted only when __libc_calloc succeeded, so count * size did not overflow.
    hs_after_alloc(p, count * size, HS_CALLER);
    return p;
}

HS_EXPORT void *realloc(void *ptr, size_t size) {
    // A realloc is a free of the old block and an allocation of the new one. The old block leaves
    // the live table first: once glibc releases it another thread may be handed the same address.
    if (ptr != NULL) hs_before_free(ptr);
    void *p = __libc_realloc(ptr, size);
    hs_after_alloc(p, size, HS_CALLER);
    return p;
}

HS_EXPORT int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, size);
    if (p == NULL) return ENOMEM;
    hs_after_alloc(p, size, HS_CALLER);
    *out = p;
    return 0;
}

HS_EXPORT void *aligned_alloc(size_t alignment, size_t size) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    void *p = __libc_memalign(alignment, size);
    hs_after_alloc(p, size, HS_CALLER);
    return p;
}

HS_EXPORT void *memalign(size_t alignment, size_t size) {
    void *p = __libc_memalign(alignment, size);
    hs_after_alloc(p, size, HS_CALLER);
    return p;
}

HS_EXPORT void *valloc(size_t size) {
    void *p = __libc_valloc(size);
    hs_after_alloc(p, size, HS_CALLER);
    return p;
}

HS_EXPORT void *pvalloc(size_t size) {
    void *p = __libc_pvalloc(size);
    hs_after_alloc(p, size, HS_CALLER);
    return p;
}

#endif  // HS_NO_HOOKS
