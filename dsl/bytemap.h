/* bytemap.h - a map from byte strings to small integers, for the memos of
 * the staging engine (rules_stage.c, stage_program.c): open addressing,
 * keys copied in, at most a fixed number of entries.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_BYTEMAP_H
#define TNMLAB_BYTEMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct bytemap {
    struct bytemap_slot {
        uint64_t hash;
        char *key; /* NULL: free */
        uint32_t klen;
        int32_t value;
    } * slot;
    size_t cap, n; /* cap a power of two (or 0) */
    size_t max;    /* most entries kept; 0: no limit */
} bytemap;

uint64_t bytemap_hash(const void *key, size_t len);

/* The value kept for key, or -1 when there is none. */
int32_t bytemap_get(const bytemap *m, const void *key, size_t len, uint64_t hash);

/* Keeps value for key (which must not be there yet).  Returns 0, or -1 on
 * ENOMEM or when the map holds max entries already. */
int bytemap_put(bytemap *m, const void *key, size_t len, uint64_t hash, int32_t value);

/* The value of key, or, when key is new, *next (kept for it, and *next
 * then counts up): numbers keys in the order they first come.  -1 on
 * ENOMEM or when the map is full. */
int32_t bytemap_intern(bytemap *m, const void *key, size_t len, int32_t *next);

/* Forgets every entry (the map stays usable). */
void bytemap_clear(bytemap *m);
void bytemap_free(bytemap *m);

#endif
