/* lsurvival_input.c - reading the survival.* arguments, with a column cache.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fills a surv_input from cohort columns read in place: the time order, the
 * event coding and the stratum codes of a `by` column are kept in a cache
 * userdata per cohort and column, in a registry table with weak keys (the
 * cohort userdata), and rebuilt when the column's generation, data or
 * length changes.  The
 * survival.* functions themselves are lsurvival.c's.
 */
#include "csv.h"
#include "lsurvival_int.h"
#include "text.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_KEY "tnmlab.survival.caches"
#define MAX_STRATA 10000

/* ---- per-column cache ------------------------------------------------ */

typedef struct col_cache {
    const void *data; /* the column array it was built from */
    uint64_t generation;
    size_t nrows;
    surv_order *order; /* "order": sorted times */
    int event_12;      /* "event": number column coded 1/2 */
    int32_t *codes;    /* "by": stratum code per row (number/boolean columns) */
    int32_t *map;      /* "by": string code -> stratum (string columns) */
    int32_t nmap;
    char **names; /* "by": stratum names in R's order */
    int32_t nnames;
    surv_keys *keys;    /* "keys": event and stratum in time order */
    const void *dep[2]; /* "keys": the event and by columns it was built from */
    uint64_t depgen[2];
    const surv_order *dep_order;
} col_cache;

static void cache_clear(col_cache *cc) {
    surv_order_free(cc->order);
    free(cc->codes);
    free(cc->map);
    for (int32_t i = 0; cc->names && i < cc->nnames; i++)
        free(cc->names[i]);
    free(cc->names);
    surv_keys_free(cc->keys);
    memset(cc, 0, sizeof *cc);
}

int cache_gc(lua_State *L) {
    cache_clear(luaL_checkudata(L, 1, CACHE_MT));
    return 0;
}

static const void *col_data(const cohort_column *col) {
    return col->type == COHORT_NUM   ? (const void *)col->v.num
           : col->type == COHORT_STR ? (const void *)col->v.str
                                     : (const void *)col->v.b;
}

/* The cache entry kind:name for the cohort at index ci.  Fresh is set when
 * the entry is new or stale (then emptied).  Stack: [] -> [] (the entry is
 * kept alive by the registry table, itself keyed by the cohort). */
static col_cache *cache_get(lua_State *L, int ci, const cohort *c, const cohort_column *col,
                            const char *kind, int *fresh) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, CACHE_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, CACHE_KEY);
    }
    lua_pushvalue(L, ci);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, ci);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_pushfstring(L, "%s:%s", kind, col->name);
    lua_pushvalue(L, -1);
    col_cache *cc;
    if (lua_rawget(L, -3) == LUA_TUSERDATA) {
        cc = luaL_checkudata(L, -1, CACHE_MT);
        lua_pop(L, 2);
    } else {
        lua_pop(L, 1);
        cc = lua_newuserdatauv(L, sizeof *cc, 0);
        memset(cc, 0, sizeof *cc);
        luaL_setmetatable(L, CACHE_MT);
        lua_rawset(L, -3);
    }
    lua_pop(L, 2);
    *fresh = cc->data != col_data(col) || cc->generation != col->generation ||
             cc->nrows != cohort_nrows(c);
    if (*fresh) {
        cache_clear(cc);
        cc->data = col_data(col);
        cc->generation = col->generation;
        cc->nrows = cohort_nrows(c);
    }
    return cc;
}

/* ---- reading arguments ------------------------------------------------- */

cohort_column *need_col(lua_State *L, const cohort *c, const char *fn, const char *name) {
    cohort_column *col = cohort_find(c, name);
    if (!col)
        luaL_error(L, "%s: no column '%s' in the cohort", fn, name);
    return col;
}

/* Fills time, order and event of in.  Stack: unchanged. */
void setup_outcome(lua_State *L, int ci, const cohort *c, const char *fn, const char *tname,
                   const char *ename, surv_input *in) {
    char err[256];
    cohort_column *tc = need_col(L, c, fn, tname);
    cohort_column *ec = need_col(L, c, fn, ename);
    if (tc->type != COHORT_NUM) {
        char why[160];
        csv_why_not_numbers(tc, cohort_nrows(c), why, sizeof why);
        luaL_error(L, "%s: time column '%s' is not numeric%s%s", fn, tname, why[0] ? ": " : "",
                   why);
    }
    memset(in, 0, sizeof *in);
    in->nrows = cohort_nrows(c);
    in->time = tc->v.num;
    in->ngroups = 1;
    int fresh;
    col_cache *oc = cache_get(L, ci, c, tc, "order", &fresh);
    if (fresh && surv_order_build(tc->v.num, in->nrows, &oc->order, err, sizeof err) < 0) {
        oc->data = NULL;
        luaL_error(L, "%s: %s", fn, err);
    }
    in->order = oc->order;
    if (ec->type == COHORT_BOOL) {
        in->event_i8 = ec->v.b;
    } else if (ec->type == COHORT_NUM) {
        /* Surv(): a numeric status whose largest value is 2 is coded 1/2 */
        col_cache *evc = cache_get(L, ci, c, ec, "event", &fresh);
        if (fresh)
            evc->event_12 = surv_event_coded12(ec->v.num, in->nrows);
        in->event_num = ec->v.num;
        in->event_12 = evc->event_12;
    } else {
        luaL_error(L, "%s: event column '%s' holds text; use 0/1, FALSE/TRUE or 1/2", fn, ename);
    }
}

/* Fills the strata of in from column `by`; returns the stratum names (owned
 * by the cache).  Stack: unchanged. */
char **setup_by(lua_State *L, int ci, const cohort *c, const char *fn, const char *by,
                surv_input *in) {
    cohort_column *bc = need_col(L, c, fn, by);
    int fresh;
    col_cache *cc = cache_get(L, ci, c, bc, "by", &fresh);
    size_t n = cohort_nrows(c);
    if (fresh) {
        char buf[64];
        if (bc->type == COHORT_STR) {
            int32_t nl = bc->nlevels;
            int32_t *ix = malloc(((size_t)nl + 1) * sizeof *ix);
            cc->map = malloc(((size_t)nl + 1) * sizeof *cc->map);
            cc->names = calloc((size_t)nl + 1, sizeof *cc->names);
            if (!ix || !cc->map || !cc->names) {
                free(ix);
                cache_clear(cc);
                luaL_error(L, "%s: out of memory", fn);
            }
            for (int32_t i = 0; i < nl; i++)
                ix[i] = i;
            for (int32_t i = 1; i < nl; i++) { /* C-locale byte order */
                int32_t v = ix[i], j = i;
                while (j > 0 && strcmp(bc->levels[ix[j - 1]], bc->levels[v]) > 0) {
                    ix[j] = ix[j - 1];
                    j--;
                }
                ix[j] = v;
            }
            for (int32_t s = 0; s < nl; s++) {
                cc->map[ix[s]] = s;
                cc->names[s] = tnm_strdup(bc->levels[ix[s]]);
            }
            cc->nmap = nl;
            cc->nnames = nl;
            free(ix);
        } else if (bc->type == COHORT_BOOL) {
            cc->codes = malloc((n ? n : 1) * sizeof *cc->codes);
            cc->names = calloc(2, sizeof *cc->names);
            if (!cc->codes || !cc->names) {
                cache_clear(cc);
                luaL_error(L, "%s: out of memory", fn);
            }
            for (size_t i = 0; i < n; i++)
                cc->codes[i] = bc->v.b[i] < 0 ? -1 : bc->v.b[i] != 0;
            cc->names[0] = tnm_strdup("FALSE");
            cc->names[1] = tnm_strdup("TRUE");
            cc->nnames = 2;
        } else {
            /* distinct numbers ascending; name as R's as.character (15 digits) */
            double *u = malloc((n ? n : 1) * sizeof *u);
            cc->codes = malloc((n ? n : 1) * sizeof *cc->codes);
            if (!u || !cc->codes) {
                free(u);
                cache_clear(cc);
                luaL_error(L, "%s: out of memory", fn);
            }
            size_t nu = 0;
            for (size_t i = 0; i < n; i++) {
                double v = bc->v.num[i];
                if (isnan(v))
                    continue;
                size_t k = 0; /* few strata expected: linear probe of the list */
                while (k < nu && u[k] != v)
                    k++;
                if (k == nu) {
                    if (nu >= MAX_STRATA) {
                        free(u);
                        cache_clear(cc);
                        luaL_error(L, "%s: column '%s' has more than %d distinct values", fn, by,
                                   MAX_STRATA);
                    }
                    u[nu++] = v;
                }
            }
            qsort(u, nu, sizeof *u, tnm_dbl_cmp);
            cc->names = calloc(nu + 1, sizeof *cc->names);
            if (!cc->names) {
                free(u);
                cache_clear(cc);
                luaL_error(L, "%s: out of memory", fn);
            }
            for (size_t k = 0; k < nu; k++) {
                snprintf(buf, sizeof buf, "%.15g", u[k]);
                cc->names[k] = tnm_strdup(buf);
            }
            cc->nnames = (int32_t)nu;
            int32_t last = -1;
            for (size_t i = 0; i < n; i++) {
                double v = bc->v.num[i];
                if (isnan(v)) {
                    cc->codes[i] = -1;
                    continue;
                }
                if (last >= 0 && u[last] == v) {
                    cc->codes[i] = last;
                    continue;
                }
                size_t lo = 0, hi = nu;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (u[mid] < v)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                cc->codes[i] = last = (int32_t)lo;
            }
            free(u);
        }
        for (int32_t s = 0; s < cc->nnames; s++)
            if (!cc->names[s]) {
                cache_clear(cc);
                luaL_error(L, "%s: out of memory", fn);
            }
    }
    if (cc->nnames == 0)
        luaL_error(L, "%s: column '%s' has no values", fn, by);
    if (bc->type == COHORT_STR) {
        in->group = bc->v.str;
        in->group_map = cc->map;
        in->ncodes = cc->nmap;
    } else {
        in->group = cc->codes;
    }
    in->ngroups = cc->nnames;
    return cc->names;
}

/* Attaches cached keys (event and stratum in time order) to in, so that a
 * curve for a new selection reads only the mask at random.  Valid while the
 * time, event and by columns keep their data and generation.
 * Stack: unchanged. */
void setup_keys(lua_State *L, int ci, const cohort *c, const char *fn, const char *tname,
                const char *ename, const char *by, surv_input *in) {
    cohort_column *tc = cohort_find(c, tname), *ec = cohort_find(c, ename);
    cohort_column *bc = by ? cohort_find(c, by) : NULL;
    char kind[64];
    snprintf(kind, sizeof kind, "keys:%.20s|%.20s", ename, by ? by : "");
    int fresh;
    col_cache *kc = cache_get(L, ci, c, tc, kind, &fresh);
    /* the stratum codes/map come from the "by" cache: track their identity */
    const void *d0 = col_data(ec);
    const void *d1 = in->group_map ? (const void *)in->group_map : (const void *)in->group;
    uint64_t g0 = ec->generation, g1 = bc ? bc->generation : 0;
    if (!fresh && (kc->dep[0] != d0 || kc->dep[1] != d1 || kc->depgen[0] != g0 ||
                   kc->depgen[1] != g1 || kc->dep_order != in->order)) {
        surv_keys_free(kc->keys);
        kc->keys = NULL;
    }
    if (!kc->keys) {
        char err[256];
        if (surv_keys_build(in, &kc->keys, err, sizeof err) < 0)
            luaL_error(L, "%s: %s", fn, err);
        kc->dep[0] = d0, kc->dep[1] = d1;
        kc->depgen[0] = g0, kc->depgen[1] = g1;
        kc->dep_order = in->order;
    }
    in->keys = kc->keys;
}

/* Builds the selection mask from a boolean (or 0/1 number) column named in
 * opts.subset; the mask is a userdata left on the stack.
 * Stack: [] -> [mask userdata] when there is a subset, else []. */
int setup_subset(lua_State *L, int opt, const cohort *c, const char *fn, surv_input *in) {
    if (opt == 0 || lua_getfield(L, opt, "subset") == LUA_TNIL) {
        if (opt)
            lua_pop(L, 1);
        return 0;
    }
    const char *name = luaL_checkstring(L, -1);
    cohort_column *sc = need_col(L, c, fn, name);
    lua_pop(L, 1);
    size_t n = cohort_nrows(c);
    uint8_t *m = lua_newuserdatauv(L, n ? n : 1, 0);
    if (sc->type == COHORT_BOOL) {
        for (size_t i = 0; i < n; i++)
            m[i] = sc->v.b[i] > 0;
    } else if (sc->type == COHORT_NUM) {
        for (size_t i = 0; i < n; i++)
            m[i] = sc->v.num[i] != 0 && !isnan(sc->v.num[i]);
    } else {
        luaL_error(L, "%s: subset column '%s' must be boolean", fn, name);
    }
    in->mask = m;
    return 1;
}
