/* lsurvival_int.h - private to lsurvival.c and lsurvival_input.c.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the survival.* bindings (lsurvival.c) use from lsurvival_input.c:
 * the per-column cache, reading a cohort's outcome, strata and subset into
 * a surv_input, reading options, and pushing numbers as R's NA-aware
 * values.  Functions taking a lua_State raise Lua errors.
 */
#ifndef TNMLAB_LSURVIVAL_INT_H
#define TNMLAB_LSURVIVAL_INT_H

#include <lua.h>

#include "cohort.h"
#include "lcell.h"
#include "lopt.h"
#include "survival_data.h"

/* The metatable of cache entries (dsl_open_survival registers it). */
#define CACHE_MT "tnmlab.survival.cache"

/* __gc of a cache entry. */
int cache_gc(lua_State *L);
/* Column `name` of c, or a Lua error naming fn. */
cohort_column *need_col(lua_State *L, const cohort *c, const char *fn, const char *name);
/* Reads the time and event columns into in (the time order is cached). */
void setup_outcome(lua_State *L, int ci, const cohort *c, const char *fn, const char *tname,
                   const char *ename, surv_input *in);
/* Reads the strata of column `by` into in; the names it returns are the
 * cache's. */
char **setup_by(lua_State *L, int ci, const cohort *c, const char *fn, const char *by,
                surv_input *in);
/* Gives in the cached event and stratum keys in time order. */
void setup_keys(lua_State *L, int ci, const cohort *c, const char *fn, const char *tname,
                const char *ename, const char *by, surv_input *in);
/* Sets in's mask from opts.subset, left on the stack as a userdata (1), or
 * does nothing (0). */
int setup_subset(lua_State *L, int opt, const cohort *c, const char *fn, surv_input *in);

#endif
