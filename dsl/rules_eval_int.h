/* rules_eval_int.h - private to rules_eval.c, rules_bind.c, rules_explain.c
 * and rules_diff.c: the state of one evaluation.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rules_eval holds, for one rule set over one cohort, the bound programs
 * of its criteria, derived columns and arms, what each of them read (dep)
 * and their result arrays.  Binding (rules_bind.c) fills it, running
 * (rules_eval.c) brings it up to date; explain and diff only read it.
 */
#ifndef TNMLAB_RULES_EVAL_INT_H
#define TNMLAB_RULES_EVAL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "rules_int.h"

typedef struct dep {
    uint8_t *params; /* [np]: read? */
    uint8_t *ders;   /* [nd] */
    const cohort_column **cols;
    uint64_t *gens; /* generation seen when last computed */
    int ncols, colcap;
    int all_params, eligible;
} dep;

struct rules_eval {
    rules *r;
    char *setname;
    const cohort *c;
    size_t n;
    int pin;
    int edition;    /* the version's TNM edition at the last run (0 before) */
    size_t charged; /* bound trees counted against the sandbox cap */
    /* bound state: valid while prog/set and the cohort's columns are the same */
    int bound, valid;
    rprog *prog;
    const rset *set;
    int np, nc, nd, na;
    const cohort_column **colsnap;
    size_t ncolsnap;
    expr_prog **cp, **dp, **ap;
    dep *cdep, *ddep, *adep;
    uint8_t **cres, **ares;
    void **dbuf;       /* nd + 1: the last is `eligible` */
    rstage_eval **dst; /* nd: staging derives' state, else NULL */
    uint8_t *selected;
    int16_t *arm;
    size_t *arm_n; /* na: rows assigned each arm */
    rules_step *steps;
    double *pv; /* param values last used */
    char **pt;
    expr_ctx ctx;
    uint8_t *pchanged, *cdirty, *ddirty, *adirty;
    size_t recomputed, nsel;
};

/* ---- binding (rules_bind.c) */

/* Frees the bound state of ev (programs, dependencies, result arrays) and
 * gives back what it charged to the sandbox; keeps the rule set's name, the
 * cohort and the pinned version. */
void unbind(rules_eval *ev);
/* Binds every derive, criterion and arm of set (from prog) to ev's cohort
 * and allocates their result arrays.  0, or -1 with err filled. */
int bind_all(rules_eval *ev, rprog *prog, const rset *set, char *err, size_t errlen);

#endif
