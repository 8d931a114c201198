/* lcohort.h - the `cohort` Lua binding: cohorts as userdata.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lua sees a cohort as a userdata with metatable "tnmlab.cohort": #c, c:columns(),
 * c:column(name) (a read-only array view, no copy), c:filter(fn), c:head(n),
 * c:summary(), c:write_csv(path [, opts]); tostring(c) is the summary.
 * The global table `cohort` holds read_csv(path [, opts]).
 */
#ifndef TNMLAB_LCOHORT_H
#define TNMLAB_LCOHORT_H

#include <lua.h>

#include "cohort.h"

/* Creates the global table `cohort` and the metatables.  Usable as a
 * lua_CFunction (no arguments).  Stack: [] -> [cohort table]. */
int dsl_open_cohort(lua_State *L);

/* The cohort at idx; raises a Lua error naming the argument if it is not
 * one.  The cohort stays owned by its userdata: valid while that value is
 * reachable.  Stack: unchanged. */
cohort *lcohort_check(lua_State *L, int idx);

/* The cohort at idx, or NULL if that value is not a cohort.  Stack: unchanged. */
cohort *lcohort_test(lua_State *L, int idx);

/* Pushes a new cohort userdata that owns c (freed by __gc).  c must not be
 * freed by the caller afterwards.  If Lua cannot allocate the userdata it
 * raises a memory error and frees c.  Stack: [] -> [cohort]. */
void lcohort_push(lua_State *L, cohort *c);

#endif
