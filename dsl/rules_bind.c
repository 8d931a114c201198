/* rules_bind.c - bind a rule set's expressions to a cohort for evaluation.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Resolves the names each criterion, derived column and arm condition uses
 * (params, earlier derives, staging outputs, cohort columns), records what
 * each of them reads (its dep) and allocates the result arrays; unbind
 * frees all of it.  Running the bound programs is rules_eval.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_eval_int.h"

static void dep_free(dep *d) {
    free(d->params);
    free(d->ders);
    free(d->cols);
    free(d->gens);
    memset(d, 0, sizeof *d);
}

void unbind(rules_eval *ev) {
    for (int k = 0; k < ev->nc; k++) {
        expr_prog_free(ev->cp[k]);
        dep_free(&ev->cdep[k]);
        free(ev->cres[k]);
    }
    for (int j = 0; j < ev->nd; j++) {
        expr_prog_free(ev->dp[j]);
        dep_free(&ev->ddep[j]);
        free(ev->dbuf[j]);
        if (ev->dst)
            rstage_eval_free(ev->dst[j]);
    }
    free(ev->dst);
    for (int a = 0; a < ev->na; a++) {
        expr_prog_free(ev->ap[a]);
        dep_free(&ev->adep[a]);
        free(ev->ares[a]);
    }
    for (int i = 0; i < ev->np; i++)
        free(ev->pt[i]);
    free(ev->cp);
    free(ev->dp);
    free(ev->ap);
    free(ev->cdep);
    free(ev->ddep);
    free(ev->adep);
    free(ev->cres);
    free(ev->ares);
    free(ev->dbuf);
    free(ev->selected);
    free(ev->arm);
    free(ev->steps);
    free(ev->arm_n);
    free(ev->pv);
    free(ev->pt);
    free((void *)ev->ctx.param_str);
    free(ev->pchanged);
    free(ev->cdirty);
    free(ev->ddirty);
    free(ev->adirty);
    free(ev->colsnap);
    if (ev->prog)
        rules_prog_unref(ev->prog);
    sandbox_release(rules_sandbox(ev->r), ev->charged);
    rules_eval *keep = ev;
    rules *r = keep->r;
    char *name = keep->setname;
    const cohort *c = keep->c;
    int pin = keep->pin;
    memset(ev, 0, sizeof *ev);
    ev->r = r;
    ev->setname = name;
    ev->c = c;
    ev->n = cohort_nrows(c);
    ev->pin = pin;
}

/* ------------------------------------------------------------- binding */

typedef struct resolver {
    rules_eval *ev;
    dep *d;
    int nder; /* derived columns visible (those declared before) */
    int arm;  /* arms also see `eligible` */
    int failed;
} resolver;

static int add_col(dep *d, const cohort_column *col) {
    for (int i = 0; i < d->ncols; i++)
        if (d->cols[i] == col)
            return 0;
    if (d->ncols == d->colcap) {
        int cap = d->colcap ? d->colcap * 2 : 4;
        const cohort_column **nc = realloc(d->cols, (size_t)cap * sizeof *nc);
        if (nc == NULL)
            return -1;
        d->cols = nc;
        uint64_t *ng = realloc(d->gens, (size_t)cap * sizeof *ng);
        if (ng == NULL)
            return -1;
        d->gens = ng;
        d->colcap = cap;
    }
    d->gens[d->ncols] = col->generation - 1; /* never seen */
    d->cols[d->ncols++] = col;
    return 0;
}

static int resolve(void *ud, const char *name, expr_ref *out) {
    resolver *rs = ud;
    rules_eval *ev = rs->ev;
    const rset *set = ev->set;
    for (int i = 0; i < set->np; i++)
        if (strcmp(set->params[i].name, name) == 0) {
            rs->d->params[i] = 1;
            out->kind = EXPR_REF_PARAM;
            out->index = i;
            out->type = set->params[i].type == RULES_P_TEXT      ? EXPR_T_STR
                        : set->params[i].type == RULES_P_BOOLEAN ? EXPR_T_BOOL
                                                                 : EXPR_T_NUM;
            return 0;
        }
    for (int j = rs->nder - 1; j >= 0; j--) {
        const rderive *d = &set->der[j];
        for (int k = 0; d->staging && k < 4; k++)
            if (strcmp(d->out[k], name) == 0) {
                const cohort_column *col = rstage_eval_col(ev->dst[j], k);
                if (add_col(rs->d, col) != 0)
                    rs->failed = 1;
                out->kind = EXPR_REF_COLUMN;
                out->col = col;
                out->nrows = ev->n;
                return 0;
            }
        if (d->staging == NULL && strcmp(d->name, name) == 0) {
            rs->d->ders[j] = 1;
            out->kind = EXPR_REF_DERIVED;
            out->index = j;
            out->type = expr_prog_type(ev->dp[j]);
            return 0;
        }
    }
    if (rs->arm && strcmp(name, "eligible") == 0) {
        rs->d->eligible = 1;
        out->kind = EXPR_REF_DERIVED;
        out->index = ev->nd;
        out->type = EXPR_T_BOOL;
        return 0;
    }
    const cohort_column *col = cohort_find(ev->c, name);
    if (col) {
        if (add_col(rs->d, col) != 0)
            rs->failed = 1;
        out->kind = EXPR_REF_COLUMN;
        out->col = col;
        out->nrows = ev->n;
        return 0;
    }
    if (rules_known_field(name)) {
        out->kind = EXPR_REF_ABSENT;
        out->type = EXPR_T_NA;
        return 0;
    }
    return -1;
}

static int dep_init(dep *d, int np, int nd) {
    d->params = calloc((size_t)np + 1, 1);
    d->ders = calloc((size_t)nd + 1, 1);
    return d->params && d->ders ? 0 : -1;
}

static int bind_one(rules_eval *ev, const expr *e, dep *d, int nder, int arm, expr_prog **out,
                    const char *kind, const char *name, int line, char *err, size_t errlen) {
    resolver rs = {ev, d, nder, arm, 0};
    char e2[300];
    /* the bound tree is C memory a rule file decides: it counts against
     * the sandbox's cap like the file's own Lua memory */
    size_t bytes = expr_nnodes(e) * (size_t)EXPR_BOUND_BYTES;
    sandbox *sb = rules_sandbox(ev->r);
    if (sandbox_charge(sb, bytes) != 0) {
        snprintf(err, errlen,
                 "%s:%d: %s '%s': the rule set's expressions need more "
                 "than the memory cap of %zu MB",
                 ev->prog->path, line, kind, name, sandbox_mem_cap(sb) >> 20);
        return -1;
    }
    ev->charged += bytes;
    int cond = strcmp(kind, "derive") != 0;
    *out = cond ? expr_bind_condition(e, resolve, &rs, e2, sizeof e2)
                : expr_bind(e, resolve, &rs, e2, sizeof e2);
    if (*out == NULL || rs.failed) {
        snprintf(err, errlen, "%s:%d: %s '%s': in \"%s\": %s", ev->prog->path, line, kind, name,
                 expr_source(e), rs.failed ? "out of memory" : e2);
        return -1;
    }
    if (cond && expr_prog_type(*out) != EXPR_T_BOOL) {
        snprintf(err, errlen,
                 "%s:%d: %s '%s': \"%s\" is a number; %s %s needs a "
                 "condition (e.g. x > 0)",
                 ev->prog->path, line, kind, name, expr_source(e),
                 strchr("aeiou", kind[0]) ? "an" : "a", kind);
        return -1;
    }
    return 0;
}

#define ALLOC(p, n) (((p) = calloc((size_t)(n) + 1, sizeof *(p))) == NULL)

int bind_all(rules_eval *ev, rprog *prog, const rset *set, char *err, size_t errlen) {
    unbind(ev);
    ev->prog = prog;
    rules_prog_ref(prog);
    ev->set = set;
    ev->np = set->np;
    ev->nc = set->nc;
    ev->nd = set->nd;
    ev->na = set->na;
    size_t n = ev->n ? ev->n : 1;
    if (ALLOC(ev->cp, ev->nc) || ALLOC(ev->dp, ev->nd) || ALLOC(ev->ap, ev->na) ||
        ALLOC(ev->cdep, ev->nc) || ALLOC(ev->ddep, ev->nd) || ALLOC(ev->adep, ev->na) ||
        ALLOC(ev->cres, ev->nc) || ALLOC(ev->ares, ev->na) || ALLOC(ev->dbuf, ev->nd + 1) ||
        ALLOC(ev->steps, ev->nc) || ALLOC(ev->arm_n, ev->na) || ALLOC(ev->pv, ev->np) ||
        ALLOC(ev->pt, ev->np) || ALLOC(ev->pchanged, ev->np) || ALLOC(ev->cdirty, ev->nc) ||
        ALLOC(ev->ddirty, ev->nd) || ALLOC(ev->adirty, ev->na) || ALLOC(ev->dst, ev->nd) ||
        (ev->ctx.param_str = calloc((size_t)ev->np + 1, sizeof(char *))) == NULL ||
        (ev->selected = malloc(n)) == NULL || (ev->arm = malloc(n * sizeof *ev->arm)) == NULL)
        goto oom;
    ev->ncolsnap = cohort_ncols(ev->c);
    if (ALLOC(ev->colsnap, ev->ncolsnap))
        goto oom;
    for (size_t i = 0; i < ev->ncolsnap; i++)
        ev->colsnap[i] = cohort_col(ev->c, i);
    ev->ctx.params = ev->pv;
    ev->ctx.site_words = rules_site_words(ev->r);
    ev->ctx.derived = (const void *const *)ev->dbuf;
    ev->dbuf[ev->nd] = ev->selected;
    for (int j = 0; j < ev->nd; j++) {
        if (dep_init(&ev->ddep[j], ev->np, ev->nd) != 0)
            goto oom;
        const rderive *d = &set->der[j];
        if (d->staging) {
            /* reads its param and the columns its modules read */
            if ((ev->dst[j] = rstage_eval_new(d, ev->c)) == NULL)
                goto oom;
            if (d->stage_param >= 0)
                ev->ddep[j].params[d->stage_param] = 1;
            for (int i = 0; i < rstage_eval_ninputs(ev->dst[j]); i++)
                if (add_col(&ev->ddep[j], rstage_eval_input(ev->dst[j], i)) != 0)
                    goto oom;
            continue;
        }
        if (bind_one(ev, set->der[j].e, &ev->ddep[j], j, 0, &ev->dp[j], "derive", set->der[j].name,
                     set->der[j].line, err, errlen) != 0)
            return -1;
        size_t esz = expr_prog_type(ev->dp[j]) == EXPR_T_NUM ? sizeof(double) : 1;
        if ((ev->dbuf[j] = malloc(n * esz)) == NULL)
            goto oom;
    }
    for (int k = 0; k < ev->nc; k++) {
        const rcrit *c = &set->crit[k];
        if (dep_init(&ev->cdep[k], ev->np, ev->nd) != 0 || (ev->cres[k] = malloc(n)) == NULL)
            goto oom;
        if (c->e) {
            if (bind_one(ev, c->e, &ev->cdep[k], ev->nd, 0, &ev->cp[k], "criterion", c->name,
                         c->line, err, errlen) != 0)
                return -1;
            continue;
        }
        /* a Lua criterion reads every param and the fields it names (or all) */
        ev->cdep[k].all_params = 1;
        for (int f = 0; f < (c->reads ? c->nreads : (int)ev->ncolsnap); f++) {
            const cohort_column *col = c->reads ? cohort_find(ev->c, c->reads[f]) : ev->colsnap[f];
            if (col && add_col(&ev->cdep[k], col) != 0)
                goto oom;
        }
    }
    for (int a = 0; a < ev->na; a++) {
        if (dep_init(&ev->adep[a], ev->np, ev->nd) != 0 || (ev->ares[a] = malloc(n)) == NULL)
            goto oom;
        if (set->arms[a].when &&
            bind_one(ev, set->arms[a].when, &ev->adep[a], ev->nd, 1, &ev->ap[a], "arm",
                     set->arms[a].name, set->arms[a].line, err, errlen) != 0)
            return -1;
    }
    ev->bound = 1;
    return 0;
oom:
    snprintf(err, errlen, "out of memory evaluating rule set '%s'", set->name);
    return -1;
}
