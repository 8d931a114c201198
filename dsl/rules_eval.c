/* rules_eval.c - evaluate a rule set over a cohort, incrementally.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every criterion, derived column and arm condition keeps its own result
 * array and the list of what it read (params, derived columns, columns with
 * the generation seen).  A run compares the current version's param values
 * and the columns' generations with those seen last time and recomputes
 * only the items that read something that changed (derived columns first,
 * in order, so their dirtiness propagates); selection, attrition and arms
 * are then recombined from the stored arrays, which is cheap (one pass).
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_node.h"
#include "text.h"
#include "rules_int.h"

typedef struct dep {
    uint8_t *params;               /* [np]: read? */
    uint8_t *ders;                 /* [nd] */
    const cohort_column **cols;
    uint64_t *gens;                /* generation seen when last computed */
    int ncols, colcap;
    int all_params, eligible;
} dep;

struct rules_eval {
    rules *r;
    char *setname;
    const cohort *c;
    size_t n;
    int pin;
    size_t charged;    /* bound trees counted against the sandbox cap */
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
    void **dbuf;                   /* nd + 1: the last is `eligible` */
    rstage_eval **dst;             /* nd: staging derives' state, else NULL */
    uint8_t *selected;
    int16_t *arm;
    rules_step *steps;
    double *pv;                    /* param values last used */
    char **pt;
    expr_ctx ctx;
    uint8_t *pchanged, *cdirty, *ddirty, *adirty;
    size_t recomputed, nsel;
};

static void dep_free(dep *d)
{
    free(d->params);
    free(d->ders);
    free(d->cols);
    free(d->gens);
    memset(d, 0, sizeof *d);
}

static void unbind(rules_eval *ev)
{
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
    free(ev->cp); free(ev->dp); free(ev->ap);
    free(ev->cdep); free(ev->ddep); free(ev->adep);
    free(ev->cres); free(ev->ares); free(ev->dbuf);
    free(ev->selected); free(ev->arm); free(ev->steps);
    free(ev->pv); free(ev->pt); free((void *)ev->ctx.param_str);
    free(ev->pchanged); free(ev->cdirty); free(ev->ddirty); free(ev->adirty);
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
    int nder;       /* derived columns visible (those declared before) */
    int arm;        /* arms also see `eligible` */
    int failed;
} resolver;

static int add_col(dep *d, const cohort_column *col)
{
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

static int resolve(void *ud, const char *name, expr_ref *out)
{
    resolver *rs = ud;
    rules_eval *ev = rs->ev;
    const rset *set = ev->set;
    for (int i = 0; i < set->np; i++)
        if (strcmp(set->params[i].name, name) == 0) {
            rs->d->params[i] = 1;
            out->kind = EXPR_REF_PARAM;
            out->index = i;
            out->type = set->params[i].type == RULES_P_TEXT ? EXPR_T_STR
                      : set->params[i].type == RULES_P_BOOLEAN ? EXPR_T_BOOL : EXPR_T_NUM;
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

static int dep_init(dep *d, int np, int nd)
{
    d->params = calloc((size_t)np + 1, 1);
    d->ders = calloc((size_t)nd + 1, 1);
    return d->params && d->ders ? 0 : -1;
}

static int bind_one(rules_eval *ev, const expr *e, dep *d, int nder, int arm,
                    expr_prog **out, const char *kind, const char *name, int line,
                    char *err, size_t errlen)
{
    resolver rs = {ev, d, nder, arm, 0};
    char e2[300];
    /* the bound tree is C memory a rule file decides: it counts against
     * the sandbox's cap like the file's own Lua memory */
    size_t bytes = expr_nnodes(e) * (size_t)EXPR_BOUND_BYTES;
    sandbox *sb = rules_sandbox(ev->r);
    if (sandbox_charge(sb, bytes) != 0) {
        snprintf(err, errlen, "%s:%d: %s '%s': the rule set's expressions need more "
                 "than the memory cap of %zu MB", ev->prog->path, line, kind, name,
                 sandbox_mem_cap(sb) >> 20);
        return -1;
    }
    ev->charged += bytes;
    int cond = strcmp(kind, "derive") != 0;
    *out = cond ? expr_bind_condition(e, resolve, &rs, e2, sizeof e2)
                : expr_bind(e, resolve, &rs, e2, sizeof e2);
    if (*out == NULL || rs.failed) {
        snprintf(err, errlen, "%s:%d: %s '%s': in \"%s\": %s", ev->prog->path, line,
                 kind, name, expr_source(e), rs.failed ? "out of memory" : e2);
        return -1;
    }
    if (cond && expr_prog_type(*out) != EXPR_T_BOOL) {
        snprintf(err, errlen, "%s:%d: %s '%s': \"%s\" is a number; a %s needs a "
                 "condition (e.g. x > 0)", ev->prog->path, line, kind, name,
                 expr_source(e), kind);
        return -1;
    }
    return 0;
}

#define ALLOC(p, n) (((p) = calloc((size_t)(n) + 1, sizeof *(p))) == NULL)

static int bind_all(rules_eval *ev, rprog *prog, const rset *set, char *err,
                    size_t errlen)
{
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
        ALLOC(ev->steps, ev->nc) || ALLOC(ev->pv, ev->np) || ALLOC(ev->pt, ev->np) ||
        ALLOC(ev->pchanged, ev->np) || ALLOC(ev->cdirty, ev->nc) ||
        ALLOC(ev->ddirty, ev->nd) || ALLOC(ev->adirty, ev->na) || ALLOC(ev->dst, ev->nd) ||
        (ev->ctx.param_str = calloc((size_t)ev->np + 1, sizeof(char *))) == NULL ||
        (ev->selected = malloc(n)) == NULL ||
        (ev->arm = malloc(n * sizeof *ev->arm)) == NULL)
        goto oom;
    ev->ncolsnap = cohort_ncols(ev->c);
    if (ALLOC(ev->colsnap, ev->ncolsnap))
        goto oom;
    for (size_t i = 0; i < ev->ncolsnap; i++)
        ev->colsnap[i] = cohort_col(ev->c, i);
    ev->ctx.params = ev->pv;
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
        if (bind_one(ev, set->der[j].e, &ev->ddep[j], j, 0, &ev->dp[j], "derive",
                     set->der[j].name, set->der[j].line, err, errlen) != 0)
            return -1;
        size_t esz = expr_prog_type(ev->dp[j]) == EXPR_T_NUM ? sizeof(double) : 1;
        if ((ev->dbuf[j] = malloc(n * esz)) == NULL)
            goto oom;
    }
    for (int k = 0; k < ev->nc; k++) {
        const rcrit *c = &set->crit[k];
        if (dep_init(&ev->cdep[k], ev->np, ev->nd) != 0 ||
            (ev->cres[k] = malloc(n)) == NULL)
            goto oom;
        if (c->e) {
            if (bind_one(ev, c->e, &ev->cdep[k], ev->nd, 0, &ev->cp[k], "criterion",
                         c->name, c->line, err, errlen) != 0)
                return -1;
            continue;
        }
        /* a Lua criterion reads every param and the fields it names (or all) */
        ev->cdep[k].all_params = 1;
        for (int f = 0; f < (c->reads ? c->nreads : (int)ev->ncolsnap); f++) {
            const cohort_column *col = c->reads ? cohort_find(ev->c, c->reads[f])
                                                : ev->colsnap[f];
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

/* ------------------------------------------------------------- running */

static int cols_changed(const rules_eval *ev)
{
    if (cohort_ncols(ev->c) != ev->ncolsnap || cohort_nrows(ev->c) != ev->n)
        return 1;
    for (size_t i = 0; i < ev->ncolsnap; i++)
        if (cohort_col(ev->c, i) != ev->colsnap[i])
            return 1;
    return 0;
}

static int dirty(const rules_eval *ev, const dep *d)
{
    for (int i = 0; i < ev->np; i++)
        if (ev->pchanged[i] && (d->params[i] || d->all_params))
            return 1;
    for (int j = 0; j < ev->nd; j++)
        if (d->ders[j] && ev->ddirty[j])
            return 1;
    for (int i = 0; i < d->ncols; i++)
        if (d->gens[i] != d->cols[i]->generation)
            return 1;
    return 0;
}

static void seen(dep *d)
{
    for (int i = 0; i < d->ncols; i++)
        d->gens[i] = d->cols[i]->generation;
}

/* Pushes the value of col at row onto the sandbox stack (nil if missing). */
static void push_cell(lua_State *L, const cohort_column *col, size_t row)
{
    switch (col->type) {
    case COHORT_NUM:
        if (col->v.num[row] == col->v.num[row])
            lua_pushnumber(L, col->v.num[row]);
        else
            lua_pushnil(L);
        return;
    case COHORT_BOOL:
        if (col->v.b[row] < 0)
            lua_pushnil(L);
        else
            lua_pushboolean(L, col->v.b[row]);
        return;
    default: {
        const char *s = cohort_str(col, row);
        if (s)
            lua_pushstring(L, s);
        else
            lua_pushnil(L);
    }
    }
}

/* Runs a Lua criterion for rows [from, to): fn(p, P) per patient, where p
 * holds the fields it reads and P the params.  true/false/nil give
 * pass/fail/unknown. */
static int eval_fn(rules_eval *ev, int k, size_t from, size_t to, char *err,
                   size_t errlen)
{
    const rcrit *c = &ev->set->crit[k];
    sandbox *sb = rules_sandbox(ev->r);
    lua_State *L = sandbox_state(sb);
    const dep *d = &ev->cdep[k];
    int top = lua_gettop(L);
    lua_createtable(L, 0, d->ncols); /* p */
    lua_createtable(L, 0, ev->np);   /* P */
    for (int i = 0; i < ev->np; i++) {
        const rparam *pp = &ev->set->params[i];
        if (pp->type == RULES_P_TEXT)
            lua_pushstring(L, ev->pt[i] ? ev->pt[i] : "");
        else if (pp->type == RULES_P_BOOLEAN)
            lua_pushboolean(L, ev->pv[i] != 0);
        else if (pp->type == RULES_P_INTEGER)
            lua_pushinteger(L, (lua_Integer)ev->pv[i]);
        else
            lua_pushnumber(L, ev->pv[i]);
        lua_setfield(L, -2, pp->name);
    }
    char what[128];
    snprintf(what, sizeof what, "%s", c->name);
    for (size_t row = from; row < to; row++) {
        for (int f = 0; f < d->ncols; f++) {
            /* raw: the criterion may have given p a metatable */
            lua_pushstring(L, d->cols[f]->name);
            push_cell(L, d->cols[f], row);
            lua_rawset(L, top + 1);
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, c->fn_ref);
        lua_pushvalue(L, top + 1);
        lua_pushvalue(L, top + 2);
        char e[400];
        if (sandbox_pcall(sb, 2, 1, what, e, sizeof e) != 0) {
            snprintf(err, errlen, "%s:%d: criterion '%s' (row %zu): %s", ev->prog->path,
                     c->line, c->name, row + 1, e);
            lua_settop(L, top);
            return -1;
        }
        int t = lua_type(L, -1);
        if (t != LUA_TBOOLEAN && t != LUA_TNIL) {
            snprintf(err, errlen, "%s:%d: criterion '%s' returned %s; it must return "
                     "true, false or nil (unknown)", ev->prog->path, c->line, c->name,
                     lua_typename(L, t));
            lua_settop(L, top);
            return -1;
        }
        ev->cres[k][row] = t == LUA_TNIL ? EXPR_UNKNOWN
                         : lua_toboolean(L, -1) ? EXPR_TRUE : EXPR_FALSE;
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    return 0;
}

/* Selection and attrition from the criterion arrays, a block at a time. */
/* Eight rows at a time: each byte of a word is one row's alive flag (0/1)
 * or result (EXPR_FALSE 0, EXPR_UNKNOWN 1, EXPR_TRUE 2).  count8 adds up
 * the bytes of a word that holds 0/1 bytes (a multiply, not a popcount:
 * the baseline x86-64 has no popcount instruction). */
#define LOW_BITS 0x0101010101010101ull

static inline size_t count8(uint64_t v)
{
    return (size_t)((v * LOW_BITS) >> 56);
}

static inline uint64_t load8(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void combine(rules_eval *ev)
{
    int nc = ev->nc;
    size_t before[nc + 1], pass[nc + 1], unk[nc + 1];
    memset(before, 0, sizeof before);
    memset(pass, 0, sizeof pass);
    memset(unk, 0, sizeof unk);
    uint8_t alive[EXPR_BLOCK];
    size_t nsel = 0;
    for (size_t s = 0; s < ev->n; s += EXPR_BLOCK) {
        size_t len = ev->n - s < EXPR_BLOCK ? ev->n - s : EXPR_BLOCK;
        size_t len8 = len & ~(size_t)7;
        memset(alive, 1, len);
        for (int k = 0; k < nc; k++) {
            const uint8_t *x = ev->cres[k] + s;
            uint8_t keep = (uint8_t)ev->set->crit[k].unknown_keep;
            uint64_t keep8 = keep ? LOW_BITS : 0;
            size_t b = 0, p = 0, u = 0;
            for (size_t i = 0; i < len8; i += 8) {
                uint64_t a = load8(alive + i), r = load8(x + i);
                uint64_t isp = (r >> 1) & LOW_BITS, isu = r & ~(r >> 1) & LOW_BITS;
                b += count8(a);
                p += count8(a & isp);
                u += count8(a & isu);
                a &= isp | (isu & keep8);
                memcpy(alive + i, &a, sizeof a);
            }
            for (size_t i = len8; i < len; i++) {
                uint8_t a = alive[i], r = x[i];
                uint8_t isp = r == EXPR_TRUE, isu = r == EXPR_UNKNOWN;
                b += a;
                p += a & isp;
                u += a & isu;
                alive[i] = a & (isp | (isu & keep));
            }
            before[k] += b;
            pass[k] += p;
            unk[k] += u;
        }
        uint8_t *sel = ev->selected + s;
        for (size_t i = 0; i < len; i++) {
            sel[i] = (uint8_t)(alive[i] << 1); /* EXPR_TRUE or EXPR_FALSE */
            nsel += alive[i];
        }
    }
    for (int k = 0; k < nc; k++) {
        const rcrit *c = &ev->set->crit[k];
        rules_step *st = &ev->steps[k];
        st->name = c->name;
        st->reason = c->reason;
        st->before = before[k];
        st->pass = pass[k];
        st->unknown = unk[k];
        st->fail = before[k] - pass[k] - unk[k];
        st->unknown_kept = c->unknown_keep;
        st->after = pass[k] + (c->unknown_keep ? unk[k] : 0);
    }
    ev->nsel = nsel;
}

/* Arms: the first arm whose condition is true; an unknown condition before
 * that leaves the arm undecided (-1). */
static void assign_arms(rules_eval *ev)
{
    /* arm by arm over eight rows at a time (no branch per row): a row takes
     * arm a when its condition is true and no earlier condition was other
     * than false; arm numbers fit a byte (a rule set has at most 16) */
    size_t n = ev->n;
    int16_t *arm = ev->arm;
    uint8_t open[EXPR_BLOCK], pick[EXPR_BLOCK]; /* open: every earlier condition false */
    for (size_t s = 0; s < n; s += EXPR_BLOCK) {
        size_t len = n - s < EXPR_BLOCK ? n - s : EXPR_BLOCK;
        size_t len8 = len & ~(size_t)7;
        memset(open, 1, len);
        memset(pick, 0xff, len);
        for (int a = 0; a < ev->na; a++) {
            const uint8_t *r = ev->ap[a] ? ev->ares[a] + s : NULL;
            uint64_t a8 = (uint64_t)a * LOW_BITS;
            for (size_t i = 0; i < len8; i += 8) {
                uint64_t o = load8(open + i), v = r ? load8(r + i) : 2 * LOW_BITS;
                uint64_t ist = (v >> 1) & LOW_BITS, isf = ~(v | (v >> 1)) & LOW_BITS;
                uint64_t take = (o & ist) * 0xff, pk = load8(pick + i);
                pk = (pk & ~take) | (a8 & take);
                o &= isf;
                memcpy(pick + i, &pk, sizeof pk);
                memcpy(open + i, &o, sizeof o);
            }
            for (size_t i = len8; i < len; i++) {
                uint8_t v = r ? r[i] : EXPR_TRUE;
                if (open[i] && v == EXPR_TRUE)
                    pick[i] = (uint8_t)a;
                open[i] &= v == EXPR_FALSE;
            }
        }
        for (size_t i = 0; i < len; i++)
            arm[s + i] = (int16_t)(int8_t)pick[i];
    }
}

/* Brings staging derive j up to date with the module its param names. */
static int run_staging(rules_eval *ev, int j, char *err, size_t errlen)
{
    const rderive *d = &ev->set->der[j];
    int mod = 0;
    if (d->stage_param >= 0) {
        const char *want = ev->pt[d->stage_param];
        mod = -1;
        for (int m = 0; want && m < d->nmods; m++)
            if (strcmp(d->mods[m], want) == 0)
                mod = m;
        if (mod < 0) {
            snprintf(err, errlen, "%s:%d: derive '%s': '%s' is not one of the staging "
                     "modules of param '%s'", ev->prog->path, d->line, d->name,
                     want ? want : "", d->staging);
            return -1;
        }
    }
    return rstage_eval_run(ev->dst[j], ev->r, mod, ev->prog->path, err, errlen);
}

static int eval_run(rules_eval *ev, int full, char *err, size_t errlen);

/* One evaluation is one metered run of the sandbox: the instruction budget
 * covers every row of every Lua criterion and staging call together. */
int rules_eval_run(rules_eval *ev, int full, char *err, size_t errlen)
{
    sandbox *sb = rules_sandbox(ev->r);
    sandbox_run_begin(sb);
    int rc = eval_run(ev, full, err, errlen);
    sandbox_run_end(sb);
    return rc;
}

static int eval_run(rules_eval *ev, int full, char *err, size_t errlen)
{
    rules *r = ev->r;
    int v = ev->pin ? ev->pin : rules_version(r);
    int pi, off;
    const rset *set = rules_find_set(r, v, ev->setname, &pi, &off);
    if (set == NULL) {
        snprintf(err, errlen, "no rule set '%s' in version %d", ev->setname, v);
        return -1;
    }
    const rversion *ver = rules_version_at(r, v);
    rprog *prog = ver->progs[pi];
    const rval *vals = ver->vals[pi] + off;
    int all = full || !ev->bound || !ev->valid || prog != ev->prog || set != ev->set ||
              cols_changed(ev);
    if (all && (prog != ev->prog || set != ev->set || !ev->bound || cols_changed(ev) || full)) {
        if (bind_all(ev, prog, set, err, errlen) != 0) {
            unbind(ev);
            return -1;
        }
    }
    ev->valid = 0;
    for (int i = 0; i < ev->np; i++) {
        const char *t = vals[i].text;
        int same = vals[i].num == ev->pv[i] &&
                   ((t == NULL && ev->pt[i] == NULL) ||
                    (t && ev->pt[i] && strcmp(t, ev->pt[i]) == 0));
        ev->pchanged[i] = (uint8_t)(all || !same);
        if (!same) {
            ev->pv[i] = vals[i].num;
            free(ev->pt[i]);
            ev->pt[i] = t ? tnm_strdup(t) : NULL;
            if (t && ev->pt[i] == NULL) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            ((const char **)ev->ctx.param_str)[i] = ev->pt[i];
        }
    }
    ev->recomputed = 0;
    size_t n = ev->n;
    for (int j = 0; j < ev->nd; j++) {
        ev->ddirty[j] = (uint8_t)(all || dirty(ev, &ev->ddep[j]));
        if (!ev->ddirty[j])
            continue;
        if (ev->dst[j]) {
            if (run_staging(ev, j, err, errlen) != 0)
                return -1;
        } else if (expr_eval(ev->dp[j], &ev->ctx, 0, n, ev->dbuf[j]) != 0) {
            goto oom;
        }
        seen(&ev->ddep[j]);
        ev->recomputed++;
    }
    int any = all;
    for (int k = 0; k < ev->nc; k++) {
        ev->cdirty[k] = (uint8_t)(all || dirty(ev, &ev->cdep[k]));
        if (!ev->cdirty[k])
            continue;
        any = 1;
        if (ev->cp[k] == NULL) {
            if (eval_fn(ev, k, 0, n, err, errlen) != 0)
                return -1;
        } else if (expr_eval(ev->cp[k], &ev->ctx, 0, n, ev->cres[k]) != 0) {
            goto oom;
        }
        seen(&ev->cdep[k]);
        ev->recomputed++;
    }
    if (any)
        combine(ev);
    int arms = all || any;
    for (int a = 0; a < ev->na; a++) {
        int dd = all || dirty(ev, &ev->adep[a]) || (ev->adep[a].eligible && any);
        if (!dd || ev->ap[a] == NULL)
            continue;
        if (expr_eval(ev->ap[a], &ev->ctx, 0, n, ev->ares[a]) != 0)
            goto oom;
        seen(&ev->adep[a]);
        ev->recomputed++;
        arms = 1;
    }
    if (arms)
        assign_arms(ev);
    ev->valid = 1;
    return 0;
oom:
    snprintf(err, errlen, "out of memory evaluating rule set '%s'", ev->setname);
    return -1;
}

/* ---------------------------------------------------------- public API */

rules_eval *rules_eval_new(rules *r, const char *set, const cohort *c, char *err,
                           size_t errlen)
{
    if (rules_find_set(r, rules_version(r), set, NULL, NULL) == NULL) {
        snprintf(err, errlen, "no rule set '%s'", set ? set : "");
        return NULL;
    }
    rules_eval *ev = calloc(1, sizeof *ev);
    if (ev == NULL || (ev->setname = tnm_strdup(set)) == NULL) {
        free(ev);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ev->r = r;
    ev->c = c;
    ev->n = cohort_nrows(c);
    return ev;
}

void rules_eval_free(rules_eval *ev)
{
    if (ev == NULL)
        return;
    unbind(ev);
    free(ev->setname);
    free(ev);
}

void rules_eval_pin(rules_eval *ev, int version) { ev->pin = version; }
size_t rules_eval_recomputed(const rules_eval *ev) { return ev->recomputed; }
size_t rules_eval_ncriteria(const rules_eval *ev) { return ev->valid ? (size_t)ev->nc : 0; }

const char *rules_eval_criterion_name(const rules_eval *ev, size_t k)
{
    return ev->valid && k < (size_t)ev->nc ? ev->set->crit[k].name : NULL;
}

const uint8_t *rules_eval_criterion(const rules_eval *ev, size_t k)
{
    return ev->valid && k < (size_t)ev->nc ? ev->cres[k] : NULL;
}

const uint8_t *rules_eval_selected(const rules_eval *ev)
{
    return ev->valid ? ev->selected : NULL;
}

size_t rules_eval_nselected(const rules_eval *ev) { return ev->valid ? ev->nsel : 0; }
const int16_t *rules_eval_arms(const rules_eval *ev) { return ev->valid ? ev->arm : NULL; }
size_t rules_eval_narms(const rules_eval *ev) { return ev->valid ? (size_t)ev->na : 0; }

const char *rules_eval_arm_name(const rules_eval *ev, size_t a)
{
    return ev->valid && a < (size_t)ev->na ? ev->set->arms[a].name : NULL;
}

size_t rules_eval_attrition(const rules_eval *ev, rules_step *out, size_t max)
{
    if (!ev->valid)
        return 0;
    for (size_t k = 0; k < (size_t)ev->nc && k < max; k++)
        out[k] = ev->steps[k];
    return (size_t)ev->nc;
}

double rules_eval_landmark(const rules_eval *ev)
{
    if (!ev->valid || ev->set->landmark != ev->set->landmark)
        return NAN;
    for (int i = 0; i < ev->np; i++)
        if (strcmp(ev->set->params[i].name, "landmark") == 0)
            return ev->pv[i];
    return ev->set->landmark;
}

/* ------------------------------------------------------------ explain */

static rules_trace_item *trace_add(rules_trace *t, char kind, const char *name,
                                   const char *reason, const char *path, int line)
{
    rules_trace_item *it = realloc(t->items, (t->n + 1) * sizeof *it);
    if (it == NULL)
        return NULL;
    t->items = it;
    it = &t->items[t->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->result = -1;
    snprintf(it->name, sizeof it->name, "%s", name);
    snprintf(it->reason, sizeof it->reason, "%s", reason ? reason : "");
    if (path)
        snprintf(it->where, sizeof it->where, "%s:%d", path, line);
    return it;
}

static void fn_values(const rules_eval *ev, int k, size_t row, char *buf, size_t len)
{
    const dep *d = &ev->cdep[k];
    size_t used = 0;
    buf[0] = '\0';
    for (int f = 0; f < d->ncols && used < len; f++) {
        const cohort_column *col = d->cols[f];
        char v[128];
        if (col->type == COHORT_NUM)
            snprintf(v, sizeof v, col->v.num[row] == col->v.num[row] ? "%.10g" : "missing",
                     col->v.num[row]);
        else if (col->type == COHORT_BOOL)
            snprintf(v, sizeof v, "%s", col->v.b[row] < 0 ? "missing"
                                        : col->v.b[row] ? "true" : "false");
        else if (cohort_str(col, row))
            snprintf(v, sizeof v, "\"%s\"", cohort_str(col, row));
        else
            snprintf(v, sizeof v, "missing");
        int w = snprintf(buf + used, len - used, "%s%s = %s", used ? ", " : "",
                         col->name, v);
        if (w > 0)
            used += (size_t)w;
    }
}

static void col_value(const cohort_column *col, size_t row, char *v, size_t n)
{
    if (col->type == COHORT_NUM)
        snprintf(v, n, col->v.num[row] == col->v.num[row] ? "%.10g" : "missing",
                 col->v.num[row]);
    else if (col->type == COHORT_BOOL)
        snprintf(v, n, "%s", col->v.b[row] < 0 ? "missing" : col->v.b[row] ? "true" : "false");
    else if (cohort_str(col, row))
        snprintf(v, n, "\"%s\"", cohort_str(col, row));
    else
        snprintf(v, n, "missing");
}

typedef struct why_ctx {
    rules_trace *t;
    const rderive *d;
    const char *path;
    int failed;
} why_ctx;

static void why_line(void *ud, const char *text)
{
    why_ctx *w = ud;
    if (!w->failed && trace_add(w->t, 'w', w->d->name, text, w->path, w->d->line) == NULL)
        w->failed = 1;
}

/* The staging derive j at row: its four values and the fields classify
 * read in the last item of t, then the module's why lines. */
static int explain_staging(rules_eval *ev, int j, size_t row, rules_trace *t, char *err,
                           size_t errlen)
{
    const rderive *d = &ev->set->der[j];
    rstage_eval *se = ev->dst[j];
    rules_trace_item *it = &t->items[t->n - 1];
    int mod = rstage_eval_module(se);
    size_t used = 0;
    char v[128];
    static const int order[4] = {3, 0, 1, 2}; /* stage, t, n, m */
    for (int o = 0; o < 4; o++) {
        int k = order[o];
        const cohort_column *col = rstage_eval_col(se, k);
        col_value(col, row, v, sizeof v);
        if (used < sizeof it->values)
            used += (size_t)snprintf(it->values + used, sizeof it->values - used, "%s%s = %s",
                                     o == 0 ? "" : ", ", d->out[k],
                                     strcmp(v, "missing") == 0 ? "unknown" : v);
    }
    for (int i = 0, first = 1; i < rstage_eval_ninputs(se) && used < sizeof it->values; i++) {
        const cohort_column *col = rstage_eval_input(se, i);
        col_value(col, row, v, sizeof v);
        if (strcmp(v, "missing") == 0)
            continue;
        used += (size_t)snprintf(it->values + used, sizeof it->values - used, "%s%s = %s",
                                 first ? " (" : ", ", col->name, v);
        first = 0;
    }
    if (used < sizeof it->values && mod >= 0)
        snprintf(it->values + used, sizeof it->values - used, "%s%s)",
                 rstage_eval_ninputs(se) ? "; staged with " : " (staged with ",
                 d->mods[mod]);
    why_ctx w = {t, d, ev->prog->path, 0};
    if (rstage_eval_why(se, ev->r, row, why_line, &w, err, errlen) != 0)
        return -1;
    if (w.failed) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int rules_explain(rules_eval *ev, size_t row, rules_trace *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!ev->valid) {
        snprintf(err, errlen, "rule set '%s' has not been evaluated", ev->setname);
        return -1;
    }
    if (row >= ev->n) {
        snprintf(err, errlen, "row %zu is out of range (1..%zu)", row + 1, ev->n);
        return -1;
    }
    const rset *set = ev->set;
    const char *path = ev->prog->path;
    rules_trace_item *it;
    for (int j = 0; j < ev->nd; j++) {
        if ((it = trace_add(out, 'd', set->der[j].name, set->der[j].doc, path,
                            set->der[j].line)) == NULL)
            goto oom;
        if (ev->dst[j]) {
            if (explain_staging(ev, j, row, out, err, errlen) != 0) {
                rules_trace_free(out);
                return -1;
            }
            continue;
        }
        char v[64];
        if (expr_prog_type(ev->dp[j]) == EXPR_T_NUM) {
            double x = ((const double *)ev->dbuf[j])[row];
            snprintf(v, sizeof v, x == x ? "%.10g" : "missing", x);
        } else {
            uint8_t x = ((const uint8_t *)ev->dbuf[j])[row];
            snprintf(v, sizeof v, "%s", x == EXPR_TRUE ? "true"
                                        : x == EXPR_FALSE ? "false" : "missing");
            it->result = x;
        }
        char seen_[400];
        expr_describe_row(ev->dp[j], &ev->ctx, row, seen_, sizeof seen_);
        snprintf(it->values, sizeof it->values, "%s = %s (from %s)", set->der[j].name,
                 v, seen_);
    }
    int excluded_at = -1;
    for (int k = 0; k < ev->nc; k++) {
        const rcrit *c = &set->crit[k];
        if ((it = trace_add(out, 'c', c->name, c->reason, path, c->line)) == NULL)
            goto oom;
        it->result = ev->cres[k][row];
        if (ev->cp[k])
            expr_describe_row(ev->cp[k], &ev->ctx, row, it->values, sizeof it->values);
        else
            fn_values(ev, k, row, it->values, sizeof it->values);
        int passes = it->result == EXPR_TRUE ||
                     (it->result == EXPR_UNKNOWN && c->unknown_keep);
        if (!passes && excluded_at < 0)
            excluded_at = k;
    }
    out->selected = ev->selected[row] == EXPR_TRUE;
    it = trace_add(out, 's', out->selected ? "selected" : "excluded", NULL, NULL, 0);
    if (it == NULL)
        goto oom;
    it->result = out->selected ? EXPR_TRUE : EXPR_FALSE;
    if (excluded_at >= 0)
        snprintf(it->reason, sizeof it->reason, "excluded at step %d, '%s': %s",
                 excluded_at + 1, set->crit[excluded_at].name,
                 ev->cres[excluded_at][row] == EXPR_UNKNOWN ? "unknown (data missing)"
                                                            : "criterion not met");
    else
        snprintf(it->reason, sizeof it->reason, "meets every criterion");
    for (int a = 0; a < ev->na; a++) {
        if ((it = trace_add(out, 'a', set->arms[a].name, set->arms[a].doc, path,
                            set->arms[a].line)) == NULL)
            goto oom;
        it->result = ev->ap[a] ? ev->ares[a][row] : EXPR_TRUE;
        if (ev->ap[a])
            expr_describe_row(ev->ap[a], &ev->ctx, row, it->values, sizeof it->values);
        else
            snprintf(it->values, sizeof it->values, "(otherwise)");
    }
    if (ev->arm[row] >= 0)
        snprintf(out->arm, sizeof out->arm, "%s", set->arms[ev->arm[row]].name);
    return 0;
oom:
    rules_trace_free(out);
    snprintf(err, errlen, "out of memory");
    return -1;
}

void rules_trace_free(rules_trace *t)
{
    free(t->items);
    memset(t, 0, sizeof *t);
}

/* --------------------------------------------------------------- diff */

static int add_move_to(struct rules_arm_move **moves, size_t *nmoves, const char *from,
                       const char *to)
{
    for (size_t i = 0; i < *nmoves; i++)
        if (strcmp((*moves)[i].from, from) == 0 && strcmp((*moves)[i].to, to) == 0) {
            (*moves)[i].count++;
            return 0;
        }
    struct rules_arm_move *m = realloc(*moves, (*nmoves + 1) * sizeof *m);
    if (m == NULL)
        return -1;
    *moves = m;
    m = &m[(*nmoves)++];
    snprintf(m->from, sizeof m->from, "%s", from);
    snprintf(m->to, sizeof m->to, "%s", to);
    m->count = 1;
    return 0;
}

static int add_move(rules_diff *d, const char *from, const char *to)
{
    return add_move_to(&d->moves, &d->nmoves, from, to);
}

/* The staging derive of b's set named as a's derive ja, or -1. */
static int same_staging(const rules_eval *a, int ja, const rules_eval *b)
{
    if (a->dst[ja] == NULL)
        return -1;
    for (int j = 0; j < b->nd; j++)
        if (b->dst[j] && strcmp(b->set->der[j].name, a->set->der[ja].name) == 0)
            return j;
    return -1;
}

/* Did a staging group change at row i?  Counts it in out when so. */
static int stage_moved(const rules_eval *a, const rules_eval *b, size_t i, rules_diff *out,
                       int *oom)
{
    int moved = 0;
    for (int ja = 0; ja < a->nd; ja++) {
        int jb = same_staging(a, ja, b);
        if (jb < 0)
            continue;
        const char *sa = cohort_str(rstage_eval_col(a->dst[ja], 3), i);
        const char *sb = cohort_str(rstage_eval_col(b->dst[jb], 3), i);
        if ((sa == NULL && sb == NULL) || (sa && sb && strcmp(sa, sb) == 0))
            continue;
        moved = 1;
        char from[64], to[64];
        const char *name = a->set->der[ja].name;
        int pre = strcmp(name, "stage") != 0;
        snprintf(from, sizeof from, "%.20s%s%s", pre ? name : "", pre ? ": " : "",
                 sa ? sa : "unstaged");
        snprintf(to, sizeof to, "%.20s%s%s", pre ? name : "", pre ? ": " : "",
                 sb ? sb : "unstaged");
        if (add_move_to(&out->stage_moves, &out->nstage_moves, from, to) != 0)
            *oom = 1;
    }
    out->stage_changed += (size_t)moved;
    return moved;
}

int rules_diff_versions(rules *r, const char *set, const cohort *c, int va, int vb,
                        rules_diff *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int cur = rules_version(r);
    va = va ? va : cur;
    vb = vb ? vb : cur;
    if (va < 1 || va > rules_nversions(r) || vb < 1 || vb > rules_nversions(r)) {
        snprintf(err, errlen, "no such version (1..%d)", rules_nversions(r));
        return -1;
    }
    rules_eval *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    char *na = tnm_strdup(set), *nb = tnm_strdup(set);
    int rc = -1;
    if (!a || !b || !na || !nb) {
        free(na);
        free(nb);
        free(a);
        free(b);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *a = (rules_eval){.r = r, .setname = na, .c = c, .n = cohort_nrows(c), .pin = va};
    *b = (rules_eval){.r = r, .setname = nb, .c = c, .n = cohort_nrows(c), .pin = vb};
    if (rules_eval_run(a, 1, err, errlen) != 0 || rules_eval_run(b, 1, err, errlen) != 0)
        goto done;
    out->n = a->n;
    for (size_t i = 0; i < a->n; i++) {
        int sa = a->selected[i] == EXPR_TRUE, sb = b->selected[i] == EXPR_TRUE;
        const char *arma = a->arm[i] >= 0 ? a->set->arms[a->arm[i]].name : "(none)";
        const char *armb = b->arm[i] >= 0 ? b->set->arms[b->arm[i]].name : "(none)";
        int armd = strcmp(arma, armb) != 0;
        int oom = 0;
        int staged = stage_moved(a, b, i, out, &oom);
        if (oom)
            goto oom;
        if (sa == sb && !armd && !staged)
            continue;
        out->gained += !sa && sb;
        out->lost += sa && !sb;
        if (armd) {
            out->arm_changed++;
            if (add_move(out, arma, armb) != 0)
                goto oom;
        }
        if ((out->nrows & (out->nrows - 1)) == 0) {
            uint32_t *nr = realloc(out->rows, (out->nrows ? out->nrows * 2 : 1) * sizeof *nr);
            if (nr == NULL)
                goto oom;
            out->rows = nr;
        }
        out->rows[out->nrows++] = (uint32_t)i;
    }
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rules_diff_free(out);
done:
    rules_eval_free(a);
    rules_eval_free(b);
    return rc;
}

void rules_diff_free(rules_diff *d)
{
    free(d->rows);
    free(d->moves);
    free(d->stage_moves);
    memset(d, 0, sizeof *d);
}
