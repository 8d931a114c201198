/* cohort.h - columnar cohort table: one row per patient, typed columns.
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ownership: a cohort owns its columns; a column owns its arrays and its
 * string levels.  Pointers returned by the accessors stay valid until the
 * column is removed or the cohort is freed.
 *
 * Missing values: number columns hold NaN; string columns hold the code
 * COHORT_NA (-1); boolean columns hold COHORT_NA (-1), else 0 or 1.
 * The string "none" in a list column is an ordinary level (known empty),
 * distinct from a missing cell (unknown); the rule layer interprets it.
 */
#ifndef TNMLAB_COHORT_H
#define TNMLAB_COHORT_H

#include <stddef.h>
#include <stdint.h>

typedef enum cohort_type {
    COHORT_NUM = 1, /* double, NaN = missing */
    COHORT_STR = 2, /* int32 level code into the column's levels, -1 = missing */
    COHORT_BOOL = 3 /* int8: 0, 1, -1 = missing */
} cohort_type;

enum { COHORT_NA = -1 };

typedef struct cohort_column {
    char *name;
    cohort_type type;
    union {
        double *num;
        int32_t *str;
        int8_t *b;
    } v;
    /* COHORT_STR: distinct values in first-seen order; codes index this. */
    char **levels;
    int32_t nlevels;
    int32_t levels_cap;
    void *level_index;   /* private hash for interning */
    uint64_t generation; /* bumped on every change, for dependent caches */
    /* One cache a higher layer derives from the column (the rule layer's
     * parsed list levels): the column owns it and frees it with aux_free
     * (called, when set, by cohort_column_free and by cohort_column_set_aux);
     * its builder checks it against generation and nlevels before use, so
     * it never outlives the column nor serves a changed one. */
    void *aux;
    void (*aux_free)(void *aux);
    /* A text column whose levels may list candidates, "IA1|IA2|IA3": the
     * cell is one of them, not known which (the rule layer's stage
     * columns); a comparison is then unknown unless all of them agree. */
    uint8_t alternatives;
} cohort_column;

typedef struct cohort cohort;

/* Where a cohort came from, recorded by what made it, for provenance: a
 * simulation's scenario, size and seed.  A cohort read from a file or built
 * by hand has an empty scenario (its source is the caller's to record). */
typedef struct cohort_origin {
    char scenario[64]; /* "" = not simulated */
    long long n, seed;
} cohort_origin;

/* Creates an empty cohort with nrows rows and no columns; NULL on ENOMEM. */
cohort *cohort_new(size_t nrows);
/* Frees the cohort and all its columns; NULL is fine. */
void cohort_free(cohort *c);

/* The origin recorded for c (all empty until cohort_set_origin). */
const cohort_origin *cohort_origin_of(const cohort *c);
void cohort_set_origin(cohort *c, const cohort_origin *o);

size_t cohort_nrows(const cohort *c);
size_t cohort_ncols(const cohort *c);
/* Column by position (0-based), NULL if out of range. */
cohort_column *cohort_col(const cohort *c, size_t i);
/* Column by exact name, NULL if absent. */
cohort_column *cohort_find(const cohort *c, const char *name);

/* Adds a column of the given type filled with missing values and returns it;
 * NULL if the name exists already or on ENOMEM.  The cohort owns it. */
cohort_column *cohort_add(cohort *c, const char *name, cohort_type type);
/* Removes and frees a column; returns 0, or -1 if absent. */
int cohort_remove(cohort *c, const char *name);

/* Interns s (len bytes, need not be NUL-terminated) as a level of a string
 * column and returns its code; -1 on ENOMEM. */
int32_t cohort_intern(cohort_column *col, const char *s, size_t len);
/* The string at row, or NULL when missing.  col must be COHORT_STR. */
const char *cohort_str(const cohort_column *col, size_t row);

/* Copies the rows listed in idx (n of them, each < nrows) into a new cohort
 * with the same columns and levels.  Caller owns the result; NULL on ENOMEM. */
cohort *cohort_select(const cohort *c, const uint32_t *idx, size_t n);

/* ---- additions (issue 3): accounting, summary, row subsets ----
 * Level strings live in a per-column arena owned by level_index: never free
 * or realloc one level by itself; cohort_intern() is the only way to add. */

/* Number of missing cells in a column of a cohort with nrows rows. */
size_t cohort_missing(const cohort_column *col, size_t nrows);

/* "number", "string" or "bool". */
const char *cohort_type_name(cohort_type t);

/* Bytes the cohort's data occupy (arrays, levels, hash tables, names),
 * as allocated; used by the benchmark's memory figure. */
size_t cohort_memory(const cohort *c);

/* Renders the summary shown when a cohort is loaded: rows, columns, and per
 * column its type, missing count and range (numbers) or level count (strings).
 * Caller frees the result; NULL on ENOMEM. */
char *cohort_summary_text(const cohort *c);

/* Renders rows [first, first + n) as an aligned text table, like R's head():
 * numbers with 7 significant digits, missing as NA.  Rows past the end are
 * left out.  Caller frees the result; NULL on ENOMEM. */
char *cohort_format_rows(const cohort *c, size_t first, size_t n);

/* Row subsets without copying columns: a bitmask over rows (bit i = row i)
 * turned into an index vector when rows must be visited in order.  The mask
 * is plain data (nrows bits in ceil(nrows / 64) words) that callers combine
 * with & | ~ word by word. */
typedef struct cohort_mask {
    size_t nrows;
    uint64_t *bits; /* owned; bits past nrows are always 0 */
} cohort_mask;

/* Allocates a mask over nrows rows, all set (fill != 0) or all clear.
 * Caller frees with cohort_mask_free(); NULL on ENOMEM. */
cohort_mask *cohort_mask_new(size_t nrows, int fill);
void cohort_mask_free(cohort_mask *m);
static inline void cohort_mask_set(cohort_mask *m, size_t i, int on) {
    uint64_t bit = (uint64_t)1 << (i & 63);
    if (on)
        m->bits[i >> 6] |= bit;
    else
        m->bits[i >> 6] &= ~bit;
}
static inline int cohort_mask_get(const cohort_mask *m, size_t i) {
    return (int)((m->bits[i >> 6] >> (i & 63)) & 1);
}
/* Number of rows set. */
size_t cohort_mask_count(const cohort_mask *m);
/* Writes the set rows in ascending order to idx (room for
 * cohort_mask_count(m) entries) and returns how many were written. */
size_t cohort_mask_to_index(const cohort_mask *m, uint32_t *idx);
/* Indexes of the set rows in a new array (caller frees; *n gets the count).
 * NULL on ENOMEM, or when no row is set (then *n = 0). */
uint32_t *cohort_mask_index(const cohort_mask *m, size_t *n);

/* Replaces the column's derived cache (see aux above): frees the old one
 * through its aux_free, then keeps aux and its free function (NULL, NULL
 * drops the cache).  The cache is a private detail of one layer: a const
 * column may carry it, as a const column's generation may be read. */
void cohort_column_set_aux(const cohort_column *col, void *aux, void (*aux_free)(void *));

/* Replaces column `name` of c, in its place, by column src_name of src
 * (same number of rows), which leaves src and takes the name.  0, or -1
 * (a column missing, the sizes differ, ENOMEM; nothing changed). */
int cohort_replace(cohort *c, const char *name, cohort *src, const char *src_name);

/* Frees a column that belongs to no cohort (one being built); NULL is fine. */
void cohort_column_free(cohort_column *col);

/* Appends a column built outside the cohort and takes ownership of it:
 * col, col->name and the data array (cohort_nrows(c) elements, at least one)
 * must come from malloc, and levels/level_index from cohort_intern().
 * Returns 0, or -1 if the name exists already or on ENOMEM (col is then
 * still the caller's). */
int cohort_attach(cohort *c, cohort_column *col);

/* As cohort_attach for n columns at once, without the name check, for a
 * caller that knows the names are distinct and new to c (the CSV reader,
 * whose header names are made unique): n columns cost O(n), not O(n^2).
 * Returns 0, or -1 on ENOMEM (nothing attached; the columns stay the
 * caller's). */
int cohort_attach_distinct(cohort *c, cohort_column *const *cols, size_t n);

#endif
