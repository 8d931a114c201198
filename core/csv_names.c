/* csv_names.c - header names made unique and checked for repeats (see csv_names.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why a hash set: comparing every name with every other is quadratic, and
 * R's renaming scheme tried naively ("x.1", "x.2", ... each checked against
 * all names) is cubic; a header of 5,000 identical names took minutes.
 */
#define _POSIX_C_SOURCE 200809L

#include "csv_names.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One distinct name.  The set never owns the text: it points into the
 * caller's names, which outlive it. */
typedef struct slot {
    const char *name; /* NULL = empty slot */
    uint64_t hash;
    int seen;      /* make_unique: already given to an earlier column */
    unsigned next; /* make_unique: next suffix to try for this base name */
    size_t pos;    /* find_duplicate: where the name first occurs */
} slot;

typedef struct nameset {
    slot *slots;
    size_t mask; /* capacity - 1, a power of two */
    size_t used;
} nameset;

static uint64_t hash_name(const char *s) {
    /* FNV-1a: header names are short; a hostile header can at worst make
     * the probes longer, never wrong. */
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Room for n names at most half full.  Returns 0 or -1 on ENOMEM. */
static int nameset_init(nameset *set, size_t n) {
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    set->slots = calloc(cap, sizeof *set->slots);
    set->mask = cap - 1;
    set->used = 0;
    return set->slots ? 0 : -1;
}

static int nameset_grow(nameset *set) {
    size_t cap = (set->mask + 1) * 2;
    slot *ns = calloc(cap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i <= set->mask; i++) {
        slot *s = &set->slots[i];
        if (!s->name)
            continue;
        size_t k = (size_t)s->hash & (cap - 1);
        while (ns[k].name)
            k = (k + 1) & (cap - 1);
        ns[k] = *s;
    }
    free(set->slots);
    set->slots = ns;
    set->mask = cap - 1;
    return 0;
}

/* The slot holding name, or the empty slot where it would go. */
static slot *nameset_probe(const nameset *set, const char *name, uint64_t h) {
    size_t k = (size_t)h & set->mask;
    for (;;) {
        slot *s = &set->slots[k];
        if (!s->name || (s->hash == h && strcmp(s->name, name) == 0))
            return s;
        k = (k + 1) & set->mask;
    }
}

/* The slot for name, added if new (name must outlive the set).
 * NULL on ENOMEM. */
static slot *nameset_add(nameset *set, const char *name) {
    if (2 * (set->used + 1) > set->mask + 1 && nameset_grow(set) < 0)
        return NULL;
    uint64_t h = hash_name(name);
    slot *s = nameset_probe(set, name, h);
    if (!s->name) {
        s->name = name;
        s->hash = h;
        s->next = 1;
        set->used++;
    }
    return s;
}

/* Gives names[i] the next free "name.k" (k from s->next on) and adds it to
 * the set.  Returns 0 or -1 on ENOMEM. */
static int rename_duplicate(nameset *set, slot *s, char **name) {
    /* Resuming at the base's last suffix gives what trying from 1 would:
     * every smaller suffix was taken, and taken stays taken. */
    size_t blen = strlen(*name);
    char *nn = malloc(blen + 24);
    if (!nn)
        return -1;
    unsigned k = s->next;
    for (;; k++) {
        snprintf(nn, blen + 24, "%s.%u", *name, k);
        if (!nameset_probe(set, nn, hash_name(nn))->name)
            break;
    }
    s->next = k + 1;
    /* the set never points at a renamed name: it holds the first one
     * processed, which keeps its name; and from here on nn is in names */
    free(*name);
    *name = nn;
    slot *t = nameset_add(set, nn);
    if (!t)
        return -1;
    t->seen = 1;
    return 0;
}

int csv_names_make_unique(char **names, size_t n) {
    /* R's make.names(unique = TRUE) runs make.unique over the names it
     * kept first and those it made up ("" -> "X") after, so a header's own
     * "X" stays "X" and an empty name becomes "X.1", "X.2", ... */
    unsigned char *made_up = calloc(n ? n : 1, 1);
    if (!made_up)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!names[i][0]) {
            char *x = realloc(names[i], 2);
            if (!x)
                goto nomem_flags;
            memcpy(x, "X", 2);
            names[i] = x;
            made_up[i] = 1;
        }
    /* Every name taken so far: the original header and each new "x.k".
     * A candidate is free only if no column, earlier or later, has it. */
    nameset set;
    if (nameset_init(&set, n) < 0)
        goto nomem_flags;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if (made_up[i] == pass && !nameset_add(&set, names[i]))
                goto nomem;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            if (made_up[i] != pass)
                continue;
            slot *s = nameset_probe(&set, names[i], hash_name(names[i]));
            if (!s->seen)
                s->seen = 1;
            else if (rename_duplicate(&set, s, &names[i]) < 0)
                goto nomem;
        }
    free(set.slots);
    free(made_up);
    return 0;
nomem:
    free(set.slots);
nomem_flags:
    free(made_up);
    return -1;
}

int csv_names_find_duplicate(char *const *names, size_t n, size_t *first, size_t *second) {
    nameset set;
    if (nameset_init(&set, n) < 0)
        return -1;
    for (size_t j = 0; j < n; j++) {
        size_t before = set.used;
        slot *s = nameset_add(&set, names[j]);
        if (!s) {
            free(set.slots);
            return -1;
        }
        if (set.used == before) { /* it was there already */
            *first = s->pos;
            *second = j;
            free(set.slots);
            return 1;
        }
        s->pos = j;
    }
    free(set.slots);
    return 0;
}
