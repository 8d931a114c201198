/* sandbox_int.h - private to sandbox.c and sandbox_env.c.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox's state, and what its two halves call across: the metering
 * and the loading of sandbox.c, which the library wrappers and include()
 * of sandbox_env.c use, and the building of the environment (build), which
 * sandbox_new runs.
 */
#ifndef TNMLAB_SANDBOX_INT_H
#define TNMLAB_SANDBOX_INT_H

#include <stddef.h>

#include "sandbox.h"

struct sandbox {
    lua_State *L;
    size_t used, peak, cap; /* bytes held by L; the cap applies while enforce */
    int enforce;            /* 1 inside sandbox_pcall and loads */
    long budget, steps;     /* instruction budget per call, spent so far */
    double mark;            /* ns: the time the hook last accounted for */
    long call_budget;       /* the budget of one call outside a run */
    long run_budget;        /* the budget of a metered run (sandbox_run_begin) */
    int in_run;             /* 1 between sandbox_run_begin and _end */
    size_t charged;         /* bytes C holds on behalf of rule files (in used) */
    int budget_hit, mem_hit, interrupted;
    const char *what;   /* name of what runs now, for messages */
    char basedir[4096]; /* folder of the last file loaded, for include() */
    int include_depth;
    int loading;  /* a file's top level runs: include() allowed */
    int base_ref; /* registry ref of the table of allowed names */
};

/* ---- metering and loading (sandbox.c) */

/* The sandbox that owns L. */
sandbox *sb_of(lua_State *L);
/* The calling thread's CPU time in ns. */
double now_ns(void);
/* Charges cost instructions' worth of C work to the budget, raising the
 * budget error first when it would not fit. */
void sb_charge(lua_State *L, double cost);
/* Charges a library call that took dt ns when it was slow, and looks at
 * Ctrl-C. */
void charge_time(lua_State *L, double dt);
/* Has a limit (budget, memory cap, Ctrl-C) been hit in this call or run? */
int limit_hit(const sandbox *sb);
/* include(name), as the base table offers it.  Stack: [name] -> [results...]. */
int sb_include(lua_State *L);

/* ---- the environment (sandbox_env.c) */

/* Builds the state's libraries and base table.  Runs unprotected only on a
 * fresh state with the cap off. */
int build(sandbox *sb);

#endif
