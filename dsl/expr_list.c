/* expr_list.c - the lookup tables of text columns: what a level of a
 * column such as m_sites ("brain:1;bone:2") gives for count, contains,
 * lesions, organs and their _except forms.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each distinct value of a column is parsed once into its items (site,
 * count), kept with the column (cohort_column_set_aux) and rebuilt when
 * the column changes; a bound node's table is filled from it for the keys
 * it names.  expr_eval.c reads the tables, one lookup per row.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "expr_list.h"
#include "expr_node.h"

/* ------------------------------------------------------ lookup tables */

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *n) {
    while (*n && is_space((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

static int key_match(const char *s, size_t n, const char *const *keys, int nkeys) {
    for (int i = 0; i < nkeys; i++)
        if (keys[i] && strlen(keys[i]) == n && memcmp(keys[i], s, n) == 0)
            return 1;
    return 0;
}

static int is_none(const char *s, size_t n) {
    return n == 4 &&
           (memcmp(s, "none", 4) == 0 || memcmp(s, "None", 4) == 0 || memcmp(s, "NONE", 4) == 0);
}

/* Does code s (n bytes) lie within the broader code k: k itself, or k
 * followed by sub-letters and sub-digits only (IVA in IV, IA2 in IA, M1c1
 * in M1, T1mi in T1, N2b in N2; but IIIA not in II, IV not in I)? */
static int within_one(const char *s, size_t n, const char *k) {
    size_t kl = strlen(k);
    if (kl == 0 || kl > n || memcmp(s, k, kl) != 0)
        return 0;
    for (size_t i = kl; i < n; i++) {
        char c = s[i];
        if (c == 'm' && i + 1 < n && s[i + 1] == 'i') {
            i++;
            continue;
        }
        if (!((c >= 'a' && c <= 'c') || (c >= 'A' && c <= 'C') || (c >= '1' && c <= '3')))
            return 0;
    }
    return 1;
}

static int within_any(const char *s, size_t n, const char *const *keys, int nkeys) {
    for (int i = 0; i < nkeys; i++)
        if (keys[i] && within_one(s, n, keys[i]))
            return 1;
    return 0;
}

/* The order of TNM codes and stage groups, for `stage >= "IV"`: a code
 * within the key (IVB within IV, T2a within T2) is equal to it; stage
 * groups order by their Roman numeral (0 < I < II < III < IV), then by
 * their sub-letters and digits (IA1 < IA2 < IB); T, N and M codes by their
 * letter's number, then their sub-letters (T1mi < T1a < T1b, M1c < M1c1).
 * Returns -1, 0 or 1, or 2 when the two do not compare (occult carcinoma,
 * TX, a T code against an N code). */
static int roman_rank(const char **p) {
    static const char *const r[] = {"IV", "III", "II", "I"};
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(r[i]);
        if (strncmp(*p, r[i], n) == 0) {
            *p += n;
            return 4 - i;
        }
    }
    if (**p == '0') {
        (*p)++;
        return 0;
    }
    return -1;
}

static int code_order(const char *a, size_t an, const char *k) {
    if (within_one(a, an, k))
        return 0;
    char x[40];
    if (an >= sizeof x)
        return 2;
    memcpy(x, a, an);
    x[an] = '\0';
    const char *p = x, *q = k;
    int ra, rb;
    if (strchr("TNM", *p) && *p == *q) { /* T2a: the letter, then the number */
        p++, q++;
        if (!(*p >= '0' && *p <= '4') || !(*q >= '0' && *q <= '4'))
            return 2; /* TX, Tis, NX ... */
        ra = *p++ - '0';
        rb = *q++ - '0';
    } else {
        ra = roman_rank(&p);
        rb = roman_rank(&q);
        if (ra < 0 || rb < 0)
            return 2;
    }
    if (ra != rb)
        return ra < rb ? -1 : 1;
    /* the same number: sub-letters ("mi" first), then digits */
    if (strncmp(p, "mi", 2) == 0)
        p = "0";
    if (strncmp(q, "mi", 2) == 0)
        q = "0";
    int c = strcmp(p, q);
    return c < 0 ? -1 : c > 0;
}

int expr_yesno_word(const char *s, size_t n) {
    trim(&s, &n);
    static const char *const yes[] = {"yes", "y", "true", "t"}, *const no[] = {"no", "n", "false",
                                                                               "f"};
    for (int i = 0; i < 4; i++) {
        if (strlen(yes[i]) == n && strncasecmp(yes[i], s, n) == 0)
            return 1;
        if (strlen(no[i]) == n && strncasecmp(no[i], s, n) == 0)
            return 0;
    }
    return -1;
}

/* One item of a list cell ("brain:2", trimmed, not empty, not none): its
 * site (trimmed) and its count (1 when absent).  Returns 0, or -1 when the
 * count is not one ('brain:?', 'brain:-1'): the whole cell is unknown. */
static int list_item(const char *item, size_t il, const char **site, size_t *sl, double *cnt) {
    const char *colon = memchr(item, ':', il);
    *sl = colon ? (size_t)(colon - item) : il;
    *site = item;
    trim(site, sl);
    *cnt = 1;
    if (colon) {
        char num[32];
        const char *c = colon + 1;
        size_t cl = il - (size_t)(c - item);
        trim(&c, &cl);
        if (cl == 0 || cl >= sizeof num)
            return -1;
        memcpy(num, c, cl);
        num[cl] = '\0';
        char *e;
        *cnt = strtod(num, &e);
        if (*e != '\0' || !(*cnt >= 0))
            return -1; /* 'brain:?' is not a count: unknown */
    }
    return 0;
}

/* Calls item(ud, site, sl, cnt) for each item of the list cell s (n bytes,
 * trimmed, not empty) in order; the token none, as the cell or as an item,
 * is no item.  Returns 0, or -1 when a count is not one (item may have been
 * called for the items before it). */
static int list_items(const char *s, size_t n,
                      void (*item)(void *ud, const char *site, size_t sl, double cnt), void *ud) {
    if (is_none(s, n))
        return 0;
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        if (q == NULL)
            q = end;
        const char *it = p;
        size_t il = (size_t)(q - p);
        p = q + 1;
        trim(&it, &il);
        if (il == 0 || is_none(it, il))
            continue;
        const char *site;
        size_t sl;
        double cnt;
        if (list_item(it, il, &site, &sl, &cnt) != 0)
            return -1;
        item(ud, site, sl, cnt);
    }
    return 0;
}

/* The running sums of a list lookup over one cell's items. */
enum { MAXSEEN = 64 };
typedef struct list_acc {
    int kind;
    const char *const *keys;
    int nkeys;
    double count, lesions, organs;
    int contains;
    const char *seen[MAXSEEN];
    size_t seenlen[MAXSEEN];
    int nseen;
} list_acc;

static void acc_item(void *ud, const char *site, size_t sl, double cnt) {
    list_acc *a = ud;
    a->count++;
    int match = key_match(site, sl, a->keys, a->nkeys);
    if (match)
        a->contains = 1;
    int sel = (a->kind == L_LESIONS || a->kind == L_ORGANS) ? (a->nkeys == 0 || match) : !match;
    if (!sel)
        return;
    a->lesions += cnt;
    if (cnt <= 0)
        return;
    int dup = 0;
    for (int i = 0; i < a->nseen; i++)
        if (a->seenlen[i] == sl && memcmp(a->seen[i], site, sl) == 0)
            dup = 1;
    if (!dup) {
        a->organs++;
        if (a->nseen < MAXSEEN) {
            a->seen[a->nseen] = site;
            a->seenlen[a->nseen++] = sl;
        }
    }
}

static double list_result(int kind, double count, int contains, double lesions, double organs) {
    switch (kind) {
    case L_COUNT:
        return count;
    case L_CONTAINS:
        return contains;
    case L_LESIONS:
    case L_LESIONS_EX:
        return lesions;
    default:
        return organs;
    }
}

static int is_list_kind(int kind) {
    return kind == L_COUNT || kind == L_CONTAINS || kind == L_LESIONS || kind == L_LESIONS_EX ||
           kind == L_ORGANS || kind == L_ORGANS_EX;
}

/* The value of one distinct text value for a lookup of the given kind.
 * Returns 0 with *v set, or -1 when the value means "unknown". */
static int lut_value(int kind, const char *lvl, const char *const *keys, int nkeys, double *v) {
    const char *s = lvl;
    size_t n = strlen(s);
    trim(&s, &n);
    if (kind == L_KNOWN || kind == L_MISSING) {
        *v = (n > 0) == (kind == L_KNOWN);
        return 0;
    }
    if (n == 0)
        return -1;
    if (kind == L_EQ || kind == L_IN) {
        *v = key_match(s, n, keys, nkeys);
        return 0;
    }
    if (kind == L_NE) {
        *v = !key_match(s, n, keys, nkeys);
        return 0;
    }
    if (kind == L_WITHIN) {
        *v = within_any(s, n, keys, nkeys);
        return 0;
    }
    if (kind == L_YESNO) {
        int b = expr_yesno_word(s, n);
        if (b < 0)
            return -1;
        *v = b;
        return 0;
    }
    if (kind == L_LT || kind == L_LE || kind == L_GT || kind == L_GE) {
        int c = nkeys == 1 && keys[0] ? code_order(s, n, keys[0]) : 2;
        if (c == 2)
            return -1;
        *v = kind == L_LT ? c < 0 : kind == L_LE ? c <= 0 : kind == L_GT ? c > 0 : c >= 0;
        return 0;
    }
    list_acc a = {.kind = kind, .keys = keys, .nkeys = nkeys};
    if (list_items(s, n, acc_item, &a) != 0)
        return -1;
    *v = list_result(kind, a.count, a.contains, a.lesions, a.organs);
    return 0;
}

/* lut_value for a level of an alternatives column ("IA1|IA2|IA3": one of
 * them, not known which): the value when every candidate gives the same,
 * else unknown (-1); known() is false and missing() true, as for a code
 * not decided. */
static int lut_value_alt(int kind, const char *lvl, const char *const *keys, int nkeys, double *v) {
    if (strchr(lvl, '|') == NULL)
        return lut_value(kind, lvl, keys, nkeys, v);
    if (kind == L_KNOWN || kind == L_MISSING) { /* known: decided */
        *v = kind == L_MISSING;
        return 0;
    }
    char one[200];
    int first = 1;
    for (const char *p = lvl;;) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        double x;
        if (n >= sizeof one)
            return -1;
        memcpy(one, p, n);
        one[n] = '\0';
        if (lut_value(kind, one, keys, nkeys, &x) != 0 || (!first && x != *v))
            return -1;
        *v = x;
        first = 0;
        if (e == NULL)
            return 0;
        p = e + 1;
    }
}

/* ------------------------------------------ a list column's parsed cells */

/* The items of every level of a text column, parsed once per column and
 * kept by the column (cohort_column.aux) for as long as its generation,
 * its level count and the decimal point strtod reads are the same: every
 * list lookup (count, contains, lesions, organs, the _except forms) of
 * every bind is then a pass over site numbers and counts, not a parse of
 * each level.  Its size follows the column's levels (one entry per item,
 * one per distinct site), never the rules: keys are looked up, not added.
 * Built on first use by expr_prepare, on the calling thread, before any
 * thread evaluates a part of the rows (those only read the tables). */
typedef struct list_index {
    uint64_t gen; /* the column's generation it was built at */
    int32_t nlevels;
    char point[8];   /* LC_NUMERIC's decimal point it was parsed with */
    uint8_t *bad;    /* per level: 1 = unknown (blank, or a bad count) */
    uint32_t *first; /* per level + 1: items [first[k], first[k + 1]) */
    struct list_item {
        uint32_t site;
        double cnt;
    } * item;
    uint32_t nitems, capitems;
    /* distinct sites in first-seen order, text pointing into the levels */
    struct list_site {
        const char *s;
        uint32_t len, hash;
    } * site;
    uint32_t nsites, capsites;
    uint32_t *slot; /* open addressing: site number + 1, 0 = free */
    uint32_t smask;
    int failed;               /* out of memory while building */
    const char *const *words; /* the site words it was checked against, or NULL */
    const char *const *check; /* while building: the words, NULL for any */
    int unknown_word;         /* while building: this level names another */
} list_index;

static void list_index_free(void *p) {
    list_index *x = p;
    if (x == NULL)
        return;
    free(x->bad);
    free(x->first);
    free(x->item);
    free(x->site);
    free(x->slot);
    free(x);
}

static uint32_t site_hash(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* The number of site s (n bytes), or UINT32_MAX if no level has it. */
static uint32_t site_find(const list_index *x, const char *s, size_t n, uint32_t h) {
    for (uint32_t i = h & x->smask;; i = (i + 1) & x->smask) {
        uint32_t e = x->slot[i];
        if (e == 0)
            return UINT32_MAX;
        e--;
        const struct list_site *t = &x->site[e];
        if (t->hash == h && t->len == n && memcmp(t->s, s, n) == 0)
            return e;
    }
}

/* p (room for *cap elements of esz bytes) with room for need; NULL on
 * ENOMEM, p then unchanged. */
static void *grow(void *p, uint32_t *cap, uint32_t need, size_t esz) {
    if (need <= *cap)
        return p;
    uint32_t c = *cap ? *cap : 64;
    while (c < need) {
        if (c > UINT32_MAX / 2)
            return NULL;
        c *= 2;
    }
    void *q = realloc(p, (size_t)c * esz);
    if (q)
        *cap = c;
    return q;
}

static int site_add(list_index *x, const char *s, size_t n, uint32_t *id) {
    uint32_t h = site_hash(s, n);
    uint32_t e = site_find(x, s, n, h);
    if (e != UINT32_MAX) {
        *id = e;
        return 0;
    }
    if (n > UINT32_MAX || x->nsites >= UINT32_MAX / 4)
        return -1;
    if ((uint64_t)(x->nsites + 1) * 2 > (uint64_t)x->smask + 1) {
        uint32_t size = (x->smask + 1) * 2;
        uint32_t *slot = calloc(size, sizeof *slot);
        if (slot == NULL)
            return -1;
        for (uint32_t k = 0; k < x->nsites; k++) {
            uint32_t i = x->site[k].hash & (size - 1);
            while (slot[i])
                i = (i + 1) & (size - 1);
            slot[i] = k + 1;
        }
        free(x->slot);
        x->slot = slot;
        x->smask = size - 1;
    }
    struct list_site *site = grow(x->site, &x->capsites, x->nsites + 1, sizeof *site);
    if (site == NULL)
        return -1;
    x->site = site;
    uint32_t k = x->nsites++;
    x->site[k] = (struct list_site){s, (uint32_t)n, h};
    uint32_t i = h & x->smask;
    while (x->slot[i])
        i = (i + 1) & x->smask;
    x->slot[i] = k + 1;
    *id = k;
    return 0;
}

/* Is site (sl bytes) one of words, ignoring case (the staging module reads
 * "BRAIN" as brain)? */
static int known_word(const char *const *words, const char *site, size_t sl) {
    for (; *words; words++)
        if (strlen(*words) == sl && strncasecmp(*words, site, sl) == 0)
            return 1;
    return 0;
}

static void index_item(void *ud, const char *site, size_t sl, double cnt) {
    list_index *x = ud;
    if (x->check && !known_word(x->check, site, sl))
        x->unknown_word = 1;
    uint32_t id;
    struct list_item *item = NULL;
    if (x->failed || x->nitems == UINT32_MAX - 1 || site_add(x, site, sl, &id) != 0 ||
        (item = grow(x->item, &x->capitems, x->nitems + 1, sizeof *item)) == NULL) {
        x->failed = 1;
        return;
    }
    x->item = item;
    x->item[x->nitems++] = (struct list_item){id, cnt};
}

static void decimal_point(char out[8]) {
    const char *dp = localeconv()->decimal_point;
    memset(out, 0, 8);
    strncpy(out, dp ? dp : "", 7);
}

static list_index *list_index_build(const cohort_column *col, const char *const *words) {
    int32_t nl = col->nlevels;
    list_index *x = calloc(1, sizeof *x);
    if (x == NULL)
        return NULL;
    x->gen = col->generation;
    x->nlevels = nl;
    x->words = x->check = words;
    decimal_point(x->point);
    x->smask = 63;
    x->bad = calloc((size_t)nl + 1, 1);
    x->first = malloc(((size_t)nl + 1) * sizeof *x->first);
    x->slot = calloc(x->smask + 1, sizeof *x->slot);
    if (x->bad == NULL || x->first == NULL || x->slot == NULL) {
        list_index_free(x);
        return NULL;
    }
    for (int32_t k = 0; k < nl && !x->failed; k++) {
        x->first[k] = x->nitems;
        const char *s = col->levels[k];
        size_t n = strlen(s);
        trim(&s, &n);
        x->unknown_word = 0;
        /* a site word the staging module does not know ("brian:1") makes
         * the cell unknown, as it is to staging: never counted */
        if (n == 0 || list_items(s, n, index_item, x) != 0 || x->unknown_word) {
            x->bad[k] = 1;
            x->nitems = x->first[k];
        }
    }
    x->first[nl] = x->nitems;
    if (x->failed) {
        list_index_free(x);
        return NULL;
    }
    return x;
}

/* The column's index, built or rebuilt when missing or stale; NULL on
 * ENOMEM (the caller then parses each level itself, to the same values). */
static const list_index *list_index_of(const cohort_column *col, const expr_ctx *c) {
    char point[8];
    decimal_point(point);
    const char *const *words = strcmp(col->name, "m_sites") == 0 ? c->site_words : NULL;
    if (col->aux_free == list_index_free) {
        const list_index *x = col->aux;
        if (x->gen == col->generation && x->nlevels == col->nlevels && x->words == words &&
            memcmp(x->point, point, sizeof point) == 0)
            return x;
    }
    list_index *x = list_index_build(col, words);
    if (x == NULL)
        return NULL;
    cohort_column_set_aux(col, x, list_index_free);
    return x;
}

/* Fills lut (double or, esz == 1, byte codes) for a list kind from the
 * column's index, as lut_value would level by level.  0, or -1 on ENOMEM. */
static int lut_from_index(const list_index *x, int kind, const char *const *keys, int nkeys,
                          void *lut, size_t esz) {
    uint8_t *want = calloc((size_t)x->nsites + 1, 1);
    uint32_t *stamp = calloc((size_t)x->nsites + 1, sizeof *stamp);
    if (want == NULL || stamp == NULL) {
        free(want);
        free(stamp);
        return -1;
    }
    for (int i = 0; i < nkeys; i++)
        if (keys[i]) {
            size_t kl = strlen(keys[i]);
            uint32_t id = site_find(x, keys[i], kl, site_hash(keys[i], kl));
            if (id != UINT32_MAX)
                want[id] = 1;
        }
    int only = kind == L_LESIONS || kind == L_ORGANS;
    for (int32_t k = 0; k < x->nlevels; k++) {
        double v = NAN;
        int st = x->bad[k] ? -1 : 0;
        if (!st) {
            double count = 0, lesions = 0, organs = 0;
            int contains = 0, nseen = 0;
            for (uint32_t i = x->first[k]; i < x->first[k + 1]; i++) {
                uint32_t site = x->item[i].site;
                double cnt = x->item[i].cnt;
                count++;
                int match = want[site];
                if (match)
                    contains = 1;
                if (!(only ? (nkeys == 0 || match) : !match))
                    continue;
                lesions += cnt;
                if (cnt <= 0)
                    continue;
                /* as acc_item: a site is counted once among the first
                 * MAXSEEN distinct ones, every time past them */
                if (stamp[site] != (uint32_t)k + 1) {
                    organs++;
                    if (nseen < MAXSEEN) {
                        stamp[site] = (uint32_t)k + 1;
                        nseen++;
                    }
                }
            }
            v = list_result(kind, count, contains, lesions, organs);
        }
        if (esz == 1)
            ((uint8_t *)lut)[k] = st ? EXPR_UNKNOWN : v != 0 ? EXPR_TRUE : EXPR_FALSE;
        else
            ((double *)lut)[k] = st ? NAN : v;
    }
    free(want);
    free(stamp);
    return 0;
}

const char *expr_str_of(const node *k, const expr_ctx *c) {
    if (k->op == B_STRPAR)
        return c->param_str ? c->param_str[k->index] : NULL;
    return k->str;
}

int expr_build_lut(node *n, const expr_ctx *c) {
    const cohort_column *col = n->a->col;
    int32_t nl = col->nlevels;
    size_t esz = n->op == B_LUTN ? sizeof(double) : 1;
    void *lut = malloc((size_t)(nl > 0 ? nl : 1) * esz);
    const char **keys = malloc((size_t)(n->nargs + 1) * sizeof *keys);
    if (lut == NULL || keys == NULL) {
        free(lut);
        free(keys);
        return -1;
    }
    for (int i = 0; i < n->nargs; i++)
        keys[i] = expr_str_of(n->args[i], c);
    const list_index *x = is_list_kind(n->sub) ? list_index_of(col, c) : NULL;
    if (x && lut_from_index(x, n->sub, keys, n->nargs, lut, esz) != 0)
        x = NULL; /* out of memory: the level by level way below */
    for (int32_t k = 0; x == NULL && k < nl; k++) {
        double v;
        int st = col->alternatives ? lut_value_alt(n->sub, col->levels[k], keys, n->nargs, &v)
                                   : lut_value(n->sub, col->levels[k], keys, n->nargs, &v);
        if (esz == 1)
            ((uint8_t *)lut)[k] = st ? EXPR_UNKNOWN : v != 0 ? EXPR_TRUE : EXPR_FALSE;
        else
            ((double *)lut)[k] = st ? NAN : v;
    }
    free(keys);
    free(n->lut);
    n->lut = lut;
    n->lut_n = nl;
    n->lut_gen = col->generation;
    return 0;
}
