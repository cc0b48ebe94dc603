#ifndef CHEAPSAMPLER_TABLES_H
#define CHEAPSAMPLER_TABLES_H

#include "sampler_internal.h"

void hs_lock(void) HS_HIDDEN;
void hs_unlock(void) HS_HIDDEN;

/// Adds a sampled allocation to its bucket and to the live table.
void hs_record_sample(void *ptr, size_t size, int64_t rate, const uintptr_t *pcs, uint32_t depth) HS_HIDDEN;

/// Counts a free if `ptr` is a live sampled object.
void hs_record_free(void *ptr) HS_HIDDEN;

/// Fills every field of `out` but `threads`.
void hs_table_stats(hs_stats *out) HS_HIDDEN;

#endif
