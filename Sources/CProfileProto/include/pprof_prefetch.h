#ifndef PPROF_PREFETCH_H
#define PPROF_PREFETCH_H
/* Asks the CPU to start loading the cache line at `p`, which is about to be read: the merge
 * looks up each sample in a hash table far larger than the cache. Written for this project. */
static inline void pprof_prefetch(const void *p) { __builtin_prefetch(p); }
#endif
