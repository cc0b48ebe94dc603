#ifndef PROFILE_ARENA_H
#define PROFILE_ARENA_H
/* A bump allocator for protobuf-c: unpacking a large profile makes millions of small
 * allocations that all die together, so they come from a few big blocks and are released
 * at once instead of one by one (no free_unpacked walk). Written for this project. */
#include <protobuf-c/protobuf-c.h>

typedef struct pprof_arena pprof_arena;

/** A new, empty arena; NULL when out of memory. */
pprof_arena *pprof_arena_new(void);
/** The protobuf-c allocator that draws from `arena` (valid while the arena lives). */
ProtobufCAllocator *pprof_arena_allocator(pprof_arena *arena);
/** Releases every block the arena holds, and the arena. */
void pprof_arena_free(pprof_arena *arena);
#endif
