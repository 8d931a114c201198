/* cohort.c - columnar cohort table, string interning, row subsets.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Level strings of a string column live in a private arena (level_index),
 * so a column with a million distinct ids costs one pointer, one hash slot
 * and the bytes of the text per level, not a malloc block each.  The levels
 * array itself is an ordinary array of pointers into that arena.
 */
#include "cohort.h"
#include "text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cohort {
    size_t nrows;
    size_t ncols;
    size_t cap;
    cohort_column **cols;
    cohort_origin origin;
};

/* ---- level interning ---- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    char data[];
} arena_block;

typedef struct level_hash {
    /* hash << 32 | (code + 1); 0 = empty.  The hash sits in the slot so a
     * probe rejects other levels without touching their text. */
    uint64_t *slots;
    size_t mask; /* slots - 1; slots is a power of two */
    arena_block *arena;
    size_t arena_bytes;
} level_hash;

static uint32_t hash_bytes(const char *s, size_t len) {
    /* FNV-1a, 64-bit, folded: short clinical strings, no adversary. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static char *arena_copy(level_hash *lh, const char *s, size_t len) {
    arena_block *b = lh->arena;
    if (!b || b->size - b->used < len + 1) {
        size_t size = len + 1 > 16384 ? len + 1 : 16384;
        if (b && b->size * 2 <= 1u << 20 && b->size * 2 > size)
            size = b->size * 2;
        arena_block *nb = malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->next = b;
        nb->used = 0;
        nb->size = size;
        lh->arena = nb;
        lh->arena_bytes += sizeof *nb + size;
        b = nb;
    }
    char *p = b->data + b->used;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

static void level_hash_free(level_hash *lh) {
    if (!lh)
        return;
    arena_block *b = lh->arena;
    while (b) {
        arena_block *n = b->next;
        free(b);
        b = n;
    }
    free(lh->slots);
    free(lh);
}

static int level_hash_grow(level_hash *lh) {
    size_t old = lh->slots ? lh->mask + 1 : 0;
    size_t nslots = old ? old * 2 : 64;
    uint64_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    size_t mask = nslots - 1;
    for (size_t k = 0; k < old; k++) {
        uint64_t e = lh->slots[k];
        if (!e)
            continue;
        size_t i = (size_t)(e >> 32) & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = e;
    }
    free(lh->slots);
    lh->slots = slots;
    lh->mask = mask;
    return 0;
}

int32_t cohort_intern(cohort_column *col, const char *s, size_t len) {
    level_hash *lh = col->level_index;
    if (!lh) {
        lh = calloc(1, sizeof *lh);
        if (!lh)
            return -1;
        col->level_index = lh;
    }
    if (!lh->slots && level_hash_grow(lh) < 0)
        return -1;
    uint32_t h = hash_bytes(s, len);
    size_t i = h & lh->mask;
    uint64_t e;
    while ((e = lh->slots[i]) != 0) {
        if ((uint32_t)(e >> 32) == h) {
            int32_t code = (int32_t)(uint32_t)e - 1;
            const char *lv = col->levels[code];
            if (memcmp(lv, s, len) == 0 && lv[len] == '\0')
                return code;
        }
        i = (i + 1) & lh->mask;
    }
    if (col->nlevels >= INT32_MAX - 1)
        return -1;
    if (col->nlevels == col->levels_cap) {
        int32_t cap = col->levels_cap ? col->levels_cap : 16;
        cap = cap > INT32_MAX / 2 ? INT32_MAX - 1 : cap * 2;
        char **lv = realloc(col->levels, (size_t)cap * sizeof *lv);
        if (!lv)
            return -1;
        col->levels = lv;
        col->levels_cap = cap;
    }
    /* keep the load under 1/2 so probes stay short */
    if ((size_t)(col->nlevels + 1) * 2 > lh->mask + 1) {
        if (level_hash_grow(lh) < 0)
            return -1;
        i = h & lh->mask;
        while (lh->slots[i])
            i = (i + 1) & lh->mask;
    }
    char *copy = arena_copy(lh, s, len);
    if (!copy)
        return -1;
    int32_t code = col->nlevels++;
    col->levels[code] = copy;
    lh->slots[i] = (uint64_t)h << 32 | (uint32_t)(code + 1);
    col->generation++;
    return code;
}

const char *cohort_str(const cohort_column *col, size_t row) {
    int32_t code = col->v.str[row];
    return code < 0 ? NULL : col->levels[code];
}

/* ---- cohort ---- */

cohort *cohort_new(size_t nrows) {
    if (nrows > UINT32_MAX)
        return NULL; /* row indexes are uint32_t */
    cohort *c = calloc(1, sizeof *c);
    if (c)
        c->nrows = nrows;
    return c;
}

void cohort_column_free(cohort_column *col) {
    if (!col)
        return;
    free(col->name);
    free(col->v.num); /* any member: same pointer */
    free(col->levels);
    level_hash_free(col->level_index);
    if (col->aux_free)
        col->aux_free(col->aux);
    free(col);
}

void cohort_column_set_aux(const cohort_column *ccol, void *aux, void (*aux_free)(void *)) {
    /* every column is made by cohort_add or cohort_attach from malloc'd,
     * non-const memory: the const only says the data are not changed */
    cohort_column *col = (cohort_column *)ccol;
    if (col->aux_free)
        col->aux_free(col->aux);
    col->aux = aux;
    col->aux_free = aux_free;
}

void cohort_free(cohort *c) {
    if (!c)
        return;
    for (size_t i = 0; i < c->ncols; i++)
        cohort_column_free(c->cols[i]);
    free(c->cols);
    free(c);
}

const cohort_origin *cohort_origin_of(const cohort *c) {
    return &c->origin;
}
void cohort_set_origin(cohort *c, const cohort_origin *o) {
    c->origin = *o;
}

size_t cohort_nrows(const cohort *c) {
    return c->nrows;
}
size_t cohort_ncols(const cohort *c) {
    return c->ncols;
}

cohort_column *cohort_col(const cohort *c, size_t i) {
    return i < c->ncols ? c->cols[i] : NULL;
}

cohort_column *cohort_find(const cohort *c, const char *name) {
    for (size_t i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i]->name, name) == 0)
            return c->cols[i];
    return NULL;
}

static size_t type_size(cohort_type t) {
    return t == COHORT_NUM ? sizeof(double) : t == COHORT_STR ? sizeof(int32_t) : sizeof(int8_t);
}

cohort_column *cohort_add(cohort *c, const char *name, cohort_type type) {
    if (cohort_find(c, name))
        return NULL;
    if (type != COHORT_NUM && type != COHORT_STR && type != COHORT_BOOL)
        return NULL;
    cohort_column *col = calloc(1, sizeof *col);
    if (!col)
        return NULL;
    size_t nlen = strlen(name);
    col->name = malloc(nlen + 1);
    /* at least one element so the array pointer is never NULL */
    size_t n = c->nrows ? c->nrows : 1;
    col->v.num = malloc(n * type_size(type));
    if (!col->name || !col->v.num) {
        cohort_column_free(col);
        return NULL;
    }
    memcpy(col->name, name, nlen + 1);
    col->type = type;
    if (type == COHORT_NUM) {
        for (size_t i = 0; i < n; i++)
            col->v.num[i] = NAN;
    } else if (type == COHORT_STR) {
        for (size_t i = 0; i < n; i++)
            col->v.str[i] = COHORT_NA;
    } else {
        memset(col->v.b, COHORT_NA, n);
    }
    if (cohort_attach(c, col) < 0) {
        cohort_column_free(col);
        return NULL;
    }
    return col;
}

int cohort_attach(cohort *c, cohort_column *col) {
    if (cohort_find(c, col->name))
        return -1;
    if (c->ncols == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        cohort_column **cols = realloc(c->cols, cap * sizeof *cols);
        if (!cols)
            return -1;
        c->cols = cols;
        c->cap = cap;
    }
    c->cols[c->ncols++] = col;
    return 0;
}

int cohort_attach_distinct(cohort *c, cohort_column *const *cols, size_t n) {
    if (c->cap - c->ncols < n) {
        size_t cap = c->cap ? c->cap : 16;
        while (cap - c->ncols < n)
            cap *= 2;
        cohort_column **nc = realloc(c->cols, cap * sizeof *nc);
        if (!nc)
            return -1;
        c->cols = nc;
        c->cap = cap;
    }
    memcpy(c->cols + c->ncols, cols, n * sizeof *cols);
    c->ncols += n;
    return 0;
}

int cohort_remove(cohort *c, const char *name) {
    for (size_t i = 0; i < c->ncols; i++) {
        if (strcmp(c->cols[i]->name, name) == 0) {
            cohort_column_free(c->cols[i]);
            memmove(c->cols + i, c->cols + i + 1, (c->ncols - i - 1) * sizeof *c->cols);
            c->ncols--;
            return 0;
        }
    }
    return -1;
}

int cohort_replace(cohort *c, const char *name, cohort *src, const char *src_name) {
    size_t i = 0, j = 0;
    while (i < c->ncols && strcmp(c->cols[i]->name, name) != 0)
        i++;
    while (j < src->ncols && strcmp(src->cols[j]->name, src_name) != 0)
        j++;
    if (i == c->ncols || j == src->ncols || src->nrows != c->nrows)
        return -1;
    cohort_column *col = src->cols[j];
    size_t len = strlen(name) + 1;
    char *nm = malloc(len);
    if (nm == NULL)
        return -1;
    memcpy(nm, name, len);
    memmove(src->cols + j, src->cols + j + 1, (src->ncols - j - 1) * sizeof *src->cols);
    src->ncols--;
    free(col->name);
    col->name = nm;
    cohort_column_free(c->cols[i]);
    c->cols[i] = col;
    return 0;
}

cohort *cohort_select(const cohort *c, const uint32_t *idx, size_t n) {
    cohort *out = cohort_new(n);
    if (!out)
        return NULL;
    for (size_t j = 0; j < c->ncols; j++) {
        const cohort_column *src = c->cols[j];
        cohort_column *dst = cohort_add(out, src->name, src->type);
        if (!dst)
            goto fail;
        if (src->type == COHORT_NUM) {
            for (size_t i = 0; i < n; i++)
                dst->v.num[i] = src->v.num[idx[i]];
        } else if (src->type == COHORT_BOOL) {
            for (size_t i = 0; i < n; i++)
                dst->v.b[i] = src->v.b[idx[i]];
        } else {
            /* same levels in the same order, so codes copy as they are */
            for (int32_t k = 0; k < src->nlevels; k++)
                if (cohort_intern(dst, src->levels[k], strlen(src->levels[k])) != k)
                    goto fail;
            for (size_t i = 0; i < n; i++)
                dst->v.str[i] = src->v.str[idx[i]];
        }
    }
    return out;
fail:
    cohort_free(out);
    return NULL;
}

/* ---- accounting and text ---- */

size_t cohort_missing(const cohort_column *col, size_t nrows) {
    size_t miss = 0;
    if (col->type == COHORT_NUM) {
        for (size_t i = 0; i < nrows; i++)
            miss += isnan(col->v.num[i]) != 0;
    } else if (col->type == COHORT_STR) {
        for (size_t i = 0; i < nrows; i++)
            miss += col->v.str[i] < 0;
    } else {
        for (size_t i = 0; i < nrows; i++)
            miss += col->v.b[i] < 0;
    }
    return miss;
}

const char *cohort_type_name(cohort_type t) {
    switch (t) {
    case COHORT_NUM:
        return "number";
    case COHORT_STR:
        return "string";
    case COHORT_BOOL:
        return "bool";
    }
    return "?";
}

size_t cohort_memory(const cohort *c) {
    size_t bytes = sizeof *c + c->cap * sizeof *c->cols;
    for (size_t j = 0; j < c->ncols; j++) {
        const cohort_column *col = c->cols[j];
        bytes += sizeof *col + strlen(col->name) + 1;
        bytes += (c->nrows ? c->nrows : 1) * type_size(col->type);
        bytes += (size_t)col->levels_cap * sizeof *col->levels;
        const level_hash *lh = col->level_index;
        if (lh) {
            bytes += sizeof *lh + lh->arena_bytes;
            bytes += (lh->slots ? lh->mask + 1 : 0) * sizeof *lh->slots;
        }
    }
    return bytes;
}

/* A number for display with the given significant digits; NA, Inf, -Inf. */
static void fmt_num(char *buf, size_t len, double v, int digits) {
    if (isnan(v))
        snprintf(buf, len, "NA");
    else if (isinf(v))
        snprintf(buf, len, v > 0 ? "Inf" : "-Inf");
    else
        snprintf(buf, len, "%.*g", digits, v);
}

/* Text of one cell for display; returns a pointer to buf or to the level. */
static const char *cell_text(const cohort_column *col, size_t row, char *buf, size_t len) {
    switch (col->type) {
    case COHORT_NUM:
        fmt_num(buf, len, col->v.num[row], 7);
        return buf;
    case COHORT_STR: {
        const char *s = cohort_str(col, row);
        if (!s)
            return "NA";
        /* control characters (a newline inside a quoted field) would
         * break the table: show them escaped */
        size_t o = 0;
        const char *p = s;
        for (; *p && o + 5 < len; p++) {
            unsigned char ch = (unsigned char)*p;
            if (ch < 32 || ch == 127)
                o += (size_t)snprintf(buf + o, len - o,
                                      ch == '\n'   ? "\\n"
                                      : ch == '\r' ? "\\r"
                                                   : "\\x%02x",
                                      ch);
            else
                buf[o++] = (char)ch;
        }
        for (p = s; *p; p++)
            if ((unsigned char)*p < 32 || *p == 127)
                break;
        if (!*p)
            return s; /* nothing to escape: the whole text */
        buf[o] = '\0';
        return buf;
    }
    case COHORT_BOOL:
        return col->v.b[row] < 0 ? "NA" : col->v.b[row] ? "TRUE" : "FALSE";
    }
    return "?";
}

char *cohort_summary_text(const cohort *c) {
    tnm_text tb = {0};
    size_t w = 6;
    for (size_t j = 0; j < c->ncols; j++) {
        size_t l = strlen(c->cols[j]->name);
        if (l > w)
            w = l;
    }
    if (w > 40)
        w = 40;
    tnm_text_printf(&tb, "cohort: %zu rows x %zu columns\n", c->nrows, c->ncols);
    if (c->ncols)
        tnm_text_printf(&tb, "  %-*s  %-6s  %7s  %s\n", (int)w, "column", "type", "missing",
                        "values");
    for (size_t j = 0; j < c->ncols; j++) {
        const cohort_column *col = c->cols[j];
        size_t miss = cohort_missing(col, c->nrows);
        tnm_text_printf(&tb, "  %-*s  %-6s  %7zu  ", (int)w, col->name, cohort_type_name(col->type),
                        miss);
        if (col->type == COHORT_NUM) {
            double lo = INFINITY, hi = -INFINITY;
            for (size_t i = 0; i < c->nrows; i++) {
                double v = col->v.num[i];
                if (v < lo)
                    lo = v;
                if (v > hi)
                    hi = v;
            }
            if (miss < c->nrows) {
                char a[32], b[32];
                fmt_num(a, sizeof a, lo, 7);
                fmt_num(b, sizeof b, hi, 7);
                tnm_text_printf(&tb, "%s .. %s", a, b);
            }
        } else if (col->type == COHORT_STR) {
            tnm_text_printf(&tb, "%d distinct", col->nlevels);
            if (col->nlevels > 0 && col->nlevels <= 4) {
                tnm_text_printf(&tb, ":");
                char buf[40];
                cohort_column one = *col;
                int32_t code = 0;
                one.v.str = &code;
                for (; code < col->nlevels; code++)
                    tnm_text_printf(&tb, "%s\"%.20s\"", code ? ", " : " ",
                                    cell_text(&one, 0, buf, sizeof buf));
            }
        } else {
            size_t yes = 0;
            for (size_t i = 0; i < c->nrows; i++)
                yes += col->v.b[i] == 1;
            tnm_text_printf(&tb, "%zu true, %zu false", yes, c->nrows - miss - yes);
        }
        tnm_text_printf(&tb, "\n");
    }
    return tnm_text_take(&tb);
}

char *cohort_format_rows(const cohort *c, size_t first, size_t n) {
    tnm_text tb = {0};
    size_t last = first < c->nrows ? (n < c->nrows - first ? first + n : c->nrows) : first;
    size_t *w = calloc(c->ncols + 1, sizeof *w);
    if (!w)
        return NULL;
    char buf[40];
    enum { MAXW = 24 };
    /* row-number column, then each column as wide as its widest cell */
    snprintf(buf, sizeof buf, "%zu", last);
    w[c->ncols] = strlen(buf);
    for (size_t j = 0; j < c->ncols; j++) {
        const cohort_column *col = c->cols[j];
        w[j] = strlen(col->name);
        for (size_t i = first; i < last; i++) {
            size_t l = strlen(cell_text(col, i, buf, sizeof buf));
            if (l > w[j])
                w[j] = l;
        }
        if (w[j] > MAXW)
            w[j] = MAXW;
    }
    tnm_text_printf(&tb, "%*s", (int)w[c->ncols], "");
    for (size_t j = 0; j < c->ncols; j++)
        tnm_text_printf(&tb, " %*.*s", (int)w[j], (int)w[j], c->cols[j]->name);
    tnm_text_printf(&tb, "\n");
    for (size_t i = first; i < last; i++) {
        tnm_text_printf(&tb, "%*zu", (int)w[c->ncols], i + 1);
        for (size_t j = 0; j < c->ncols; j++) {
            const cohort_column *col = c->cols[j];
            const char *s = cell_text(col, i, buf, sizeof buf);
            /* numbers right-aligned as R does, text left-aligned */
            if (col->type == COHORT_STR)
                tnm_text_printf(&tb, " %-*.*s", (int)w[j], (int)w[j], s);
            else
                tnm_text_printf(&tb, " %*.*s", (int)w[j], (int)w[j], s);
        }
        tnm_text_printf(&tb, "\n");
    }
    free(w);
    return tnm_text_take(&tb);
}

/* ---- masks ---- */

cohort_mask *cohort_mask_new(size_t nrows, int fill) {
    cohort_mask *m = malloc(sizeof *m);
    size_t words = (nrows + 63) / 64;
    if (!m)
        return NULL;
    m->nrows = nrows;
    m->bits = calloc(words ? words : 1, sizeof *m->bits);
    if (!m->bits) {
        free(m);
        return NULL;
    }
    if (fill && words) {
        memset(m->bits, 0xff, words * sizeof *m->bits);
        if (nrows % 64)
            m->bits[words - 1] = ((uint64_t)1 << (nrows % 64)) - 1;
    }
    return m;
}

void cohort_mask_free(cohort_mask *m) {
    if (!m)
        return;
    free(m->bits);
    free(m);
}

size_t cohort_mask_count(const cohort_mask *m) {
    size_t n = 0;
    for (size_t w = 0; w < (m->nrows + 63) / 64; w++)
        n += (size_t)__builtin_popcountll(m->bits[w]);
    return n;
}

size_t cohort_mask_to_index(const cohort_mask *m, uint32_t *idx) {
    size_t n = 0;
    for (size_t w = 0; w < (m->nrows + 63) / 64; w++) {
        uint64_t bits = m->bits[w];
        while (bits) {
            idx[n++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
            bits &= bits - 1;
        }
    }
    return n;
}

uint32_t *cohort_mask_index(const cohort_mask *m, size_t *n) {
    *n = 0;
    size_t count = cohort_mask_count(m);
    if (!count)
        return NULL;
    uint32_t *idx = malloc(count * sizeof *idx);
    if (idx)
        *n = cohort_mask_to_index(m, idx);
    return idx;
}
