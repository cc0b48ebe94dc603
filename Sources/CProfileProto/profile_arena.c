#include "profile_arena.h"
#include <stdlib.h>
#include <stdint.h>

enum { ARENA_BLOCK = 1 << 20, ARENA_ALIGN = 16 };

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    /* data follows, aligned */
} arena_block;

struct pprof_arena {
    ProtobufCAllocator allocator;
    arena_block *head;
};

static size_t header_size(void) {
    return (sizeof(arena_block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

static void *arena_alloc(void *data, size_t size) {
    pprof_arena *a = data;
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size == 0) size = ARENA_ALIGN;
    arena_block *b = a->head;
    if (b == NULL || b->size - b->used < size) {
        size_t want = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
        b = malloc(header_size() + want);
        if (b == NULL) return NULL;
        b->size = want;
        b->used = 0;
        if (size > ARENA_BLOCK / 4 && a->head != NULL) {
            /* A large request gets its own block behind the current one, which stays in use. */
            b->next = a->head->next;
            a->head->next = b;
            b->used = size;
            return (uint8_t *)b + header_size();
        }
        b->next = a->head;
        a->head = b;
    }
    void *p = (uint8_t *)b + header_size() + b->used;
    b->used += size;
    return p;
}

static void arena_free(void *data, void *pointer) {
    (void)data;
    (void)pointer; /* released with the arena */
}

pprof_arena *pprof_arena_new(void) {
    pprof_arena *a = calloc(1, sizeof *a);
    if (a == NULL) return NULL;
    a->allocator.alloc = arena_alloc;
    a->allocator.free = arena_free;
    a->allocator.allocator_data = a;
    return a;
}

ProtobufCAllocator *pprof_arena_allocator(pprof_arena *arena) {
    return &arena->allocator;
}

void pprof_arena_free(pprof_arena *arena) {
    if (arena == NULL) return;
    arena_block *b = arena->head;
    while (b != NULL) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(arena);
}
