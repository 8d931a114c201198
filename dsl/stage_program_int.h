/* stage_program_int.h - the column program's private types: the program
 * read from a staging module, the per-run state, and the hot helpers the
 * row pass inlines (see stage_program.c).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_STAGE_PROGRAM_INT_H
#define TNMLAB_STAGE_PROGRAM_INT_H

#include <lua.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytemap.h"
#include "rules_int.h"

enum {
    SP_PLAIN = 0,
    SP_LIST = 1,
    SP_CUT = 2,
    SP_MAXPARTS = 4,
    SP_MAXFIELDS = 16,
    SP_MAXCUTS = 32,
    SP_KEY_MAX = 4096,       /* bytes of one memo key or part key */
    SP_CLASSES_MAX = 4096,   /* classes of one list field */
    SP_TOKENS_MAX = 1 << 16, /* distinct item words of one list field */
    SP_VALUES_MAX = 1 << 16, /* distinct part results */
    SP_MEMO_MAX = 1 << 20,   /* entries of each value memo */
    SP_ITEMS_MAX = 1 << 12   /* items of one cell */
};

typedef struct sp_field {
    char *name;
    int kind;
    /* SP_LIST */
    int tok_ref, cap;
    int red_ref;           /* reduce(items) -> key, or LUA_NOREF */
    char **cname;          /* class number -> its text */
    uint8_t *ccap;         /* class number -> its cap */
    bytemap exact;         /* a cell's (class, count) pairs -> summary, with reduce */
    bytemap reduced;       /* reduce's key -> summary */
    int32_t unknown_class; /* the class of an unknown cell, -1 none */
    char *unknown_name;
    int guard;          /* field read only where field `guard` is unknown, -1 */
    bytemap tokens;     /* item word + alone -> token number */
    int32_t *tok_class; /* per token: class, -1 no item */
    int32_t *tok_id;    /* per token: id number, -1 none */
    int ntok, captok;
    bytemap classes, ids, summaries;
    int32_t nclasses, nids, nsum;
    /* SP_CUT */
    double cuts[SP_MAXCUTS];
    int ncuts;
} sp_field;

typedef struct sp_part {
    char *name;
    int fn_ref;
    sp_field f[SP_MAXFIELDS];
    int nf;
    bytemap memo; /* part key -> value number */
    bytemap vals; /* value key (the module's) -> value number */
    int *vref;    /* value number -> its result table (registry) */
    int nvals, capvals;
} sp_part;

struct sprog {
    char *mod;
    char sep;
    sp_part part[SP_MAXPARTS];
    int nparts;
    char *freads[SP_MAXFIELDS];
    int nfreads;
    int finish_ref;
    bytemap fmemo;         /* finish key -> result number */
    const char *(*res)[4]; /* result number -> pooled cells */
    int nres, capres;
    const char *fields[SP_MAXPARTS * SP_MAXFIELDS + SP_MAXFIELDS];
    int nfields;
};

/* ------------------------------------------------------------ running */

/* A table from tuples of 64-bit ids to numbers, for one run. */
typedef struct tuptab {
    int width;
    uint64_t *keys;
    int32_t *val;
    uint32_t *slot;
    size_t n, capn, mask;
} tuptab;

static inline void tup_free(tuptab *t) {
    free(t->keys);
    free(t->val);
    free(t->slot);
}

static inline uint64_t fmix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    return x ^ (x >> 33);
}

/* Every bit of every id reaches the low bits the table uses (number bits
 * of small whole numbers differ only in their high bits). */
static inline uint64_t tup_hash(const uint64_t *k, int w) {
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < w; i++)
        h = fmix(h ^ k[i]);
    return h;
}

/* The entry of k, added (with value -1) when new; *isnew says which.
 * (size_t)-1 on ENOMEM. */
static inline size_t tup_find(tuptab *t, const uint64_t *k, int *isnew) {
    uint64_t h = tup_hash(k, t->width);
    size_t w = (size_t)t->width;
    if ((t->n + 1) * 2 > t->mask + 1) {
        size_t size = t->mask ? (t->mask + 1) * 2 : 1024;
        uint32_t *slot = calloc(size, sizeof *slot);
        if (slot == NULL)
            return (size_t)-1;
        for (size_t e = 0; e < t->n; e++) {
            size_t i = tup_hash(t->keys + e * w, t->width) & (size - 1);
            while (slot[i])
                i = (i + 1) & (size - 1);
            slot[i] = (uint32_t)e + 1;
        }
        free(t->slot);
        t->slot = slot;
        t->mask = size - 1;
    }
    size_t i = h & t->mask;
    for (; t->slot[i]; i = (i + 1) & t->mask) {
        size_t e = t->slot[i] - 1;
        const uint64_t *x = t->keys + e * w;
        size_t j = 0;
        while (j < w && x[j] == k[j])
            j++;
        if (j == w) {
            *isnew = 0;
            return e;
        }
    }
    if (t->n == t->capn) {
        size_t cap = t->capn ? t->capn * 2 : 256;
        uint64_t *nk = realloc(t->keys, cap * w * sizeof *nk);
        if (nk)
            t->keys = nk;
        int32_t *nv = nk ? realloc(t->val, cap * sizeof *nv) : NULL;
        if (nv == NULL)
            return (size_t)-1;
        t->val = nv;
        t->capn = cap;
    }
    memcpy(t->keys + t->n * w, k, w * sizeof *k);
    t->val[t->n] = -1;
    t->slot[i] = (uint32_t)t->n + 1;
    *isnew = 1;
    return t->n++;
}

typedef struct run {
    sprog *p;
    rules *r;
    rstager *s;
    lua_State *L;
    const cohort *c;
    const cohort_column *col[SP_MAXPARTS][SP_MAXFIELDS];
    int32_t *lev[SP_MAXPARTS][SP_MAXFIELDS];  /* list field: level -> summary */
    uint8_t *lunk[SP_MAXPARTS][SP_MAXFIELDS]; /* list field: level is an unknown cell */
    const cohort_column *fcol[SP_MAXFIELDS];
    char *err;
    size_t errlen;
} run;

/* stage_program_lua.c: the calls into the module, through the value memos.
 * Each returns a number >= 0, or -2 (-1 for sp_oom) with R->err filled. */
int sp_oom(run *R);
int32_t sp_summary_of(run *R, sp_field *f, const char *s, uint8_t *unknown);
int32_t sp_part_value(run *R, int p, size_t row);
int32_t sp_finish_value(run *R, const int32_t *vals, size_t row);

static inline int band(const sp_field *f, double x) {
    int b = 0;
    while (b < f->ncuts && f->cuts[b] < x)
        b++;
    return b;
}

/* Is the field under `unless` of part p's field k set aside at row: the
 * field it names is known there? */
static inline int guarded(const run *R, int p, int k, size_t row) {
    int g = R->p->part[p].f[k].guard;
    if (g < 0)
        return 0;
    const cohort_column *col = R->col[p][g];
    if (col == NULL)
        return 0;
    switch (col->type) {
    case COHORT_NUM:
        return col->v.num[row] == col->v.num[row];
    case COHORT_BOOL:
        return col->v.b[row] >= 0;
    default: {
        int32_t code = col->v.str[row];
        return code >= 0 && !(R->lunk[p][g] && R->lunk[p][g][code]);
    }
    }
}

/* The id of a part's field at row, for grouping. */
static inline uint64_t field_id(const run *R, int p, int k, size_t row) {
    const cohort_column *col = R->col[p][k];
    if (col == NULL || guarded(R, p, k, row))
        return 0;
    const sp_field *f = &R->p->part[p].f[k];
    if (R->lev[p][k]) {
        int32_t code = col->v.str[row];
        return code < 0 ? UINT64_MAX : (uint64_t)R->lev[p][k][code];
    }
    if (f->kind == SP_CUT && col->type == COHORT_NUM) {
        double x = col->v.num[row];
        return x != x ? UINT64_MAX : (uint64_t)band(f, x);
    }
    return rules_cell_bits(col, row);
}

#endif
