/* bytemap.c - byte strings to small integers (see bytemap.h).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bytemap.h"

#include <stdlib.h>
#include <string.h>

uint64_t bytemap_hash(const void *key, size_t len) {
    const unsigned char *s = key;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

int32_t bytemap_get(const bytemap *m, const void *key, size_t len, uint64_t hash) {
    if (m->cap == 0)
        return -1;
    for (size_t i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        const struct bytemap_slot *e = &m->slot[i];
        if (e->key == NULL)
            return -1;
        if (e->hash == hash && e->klen == len && memcmp(e->key, key, len) == 0)
            return e->value;
    }
}

static int grow(bytemap *m) {
    size_t cap = m->cap ? m->cap * 2 : 256;
    struct bytemap_slot *ns = calloc(cap, sizeof *ns);
    if (ns == NULL)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slot[i].key == NULL)
            continue;
        size_t j = m->slot[i].hash & (cap - 1);
        while (ns[j].key)
            j = (j + 1) & (cap - 1);
        ns[j] = m->slot[i];
    }
    free(m->slot);
    m->slot = ns;
    m->cap = cap;
    return 0;
}

int bytemap_put(bytemap *m, const void *key, size_t len, uint64_t hash, int32_t value) {
    if ((m->max && m->n >= m->max) || len > UINT32_MAX)
        return -1;
    if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
        return -1;
    char *k = malloc(len ? len : 1);
    if (k == NULL)
        return -1;
    if (len)
        memcpy(k, key, len);
    size_t j = hash & (m->cap - 1);
    while (m->slot[j].key)
        j = (j + 1) & (m->cap - 1);
    m->slot[j] = (struct bytemap_slot){hash, k, (uint32_t)len, value};
    m->n++;
    return 0;
}

int32_t bytemap_intern(bytemap *m, const void *key, size_t len, int32_t *next) {
    uint64_t h = bytemap_hash(key, len);
    int32_t v = bytemap_get(m, key, len, h);
    if (v >= 0)
        return v;
    if (bytemap_put(m, key, len, h, *next) != 0)
        return -1;
    return (*next)++;
}

void bytemap_clear(bytemap *m) {
    for (size_t i = 0; i < m->cap; i++)
        free(m->slot[i].key);
    if (m->cap)
        memset(m->slot, 0, m->cap * sizeof *m->slot);
    m->n = 0;
}

void bytemap_free(bytemap *m) {
    bytemap_clear(m);
    free(m->slot);
    m->slot = NULL;
    m->cap = 0;
}
