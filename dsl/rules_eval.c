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
 *
 * Binding the rule set to the cohort is rules_bind.c's; the per-row trace
 * (rules_explain) and the diff of two versions (rules_diff_versions) read
 * the result arrays kept here (rules_explain.c, rules_diff.c).
 */
#include <lauxlib.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_node.h"
#include "lcell.h"
#include "text.h"
#include "rules_eval_int.h"

/* ------------------------------------------------------------- running */

static int cols_changed(const rules_eval *ev) {
    if (cohort_ncols(ev->c) != ev->ncolsnap || cohort_nrows(ev->c) != ev->n)
        return 1;
    for (size_t i = 0; i < ev->ncolsnap; i++)
        if (cohort_col(ev->c, i) != ev->colsnap[i])
            return 1;
    return 0;
}

static int dirty(const rules_eval *ev, const dep *d) {
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

static void seen(dep *d) {
    for (int i = 0; i < d->ncols; i++)
        d->gens[i] = d->cols[i]->generation;
}

/* Runs a Lua criterion for rows [from, to): fn(p, P) per patient, where p
 * holds the fields it reads and P the params.  true/false/nil give
 * pass/fail/unknown. */
static int eval_fn(rules_eval *ev, int k, size_t from, size_t to, char *err, size_t errlen) {
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
            lcell_push(L, d->cols[f], row);
            lua_rawset(L, top + 1);
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, c->fn_ref);
        lua_pushvalue(L, top + 1);
        lua_pushvalue(L, top + 2);
        char e[400];
        if (sandbox_pcall(sb, 2, 1, what, e, sizeof e) != 0) {
            snprintf(err, errlen, "%s:%d: criterion '%s' (row %zu): %s", ev->prog->path, c->line,
                     c->name, row + 1, e);
            lua_settop(L, top);
            return -1;
        }
        int t = lua_type(L, -1);
        if (t != LUA_TBOOLEAN && t != LUA_TNIL) {
            snprintf(err, errlen,
                     "%s:%d: criterion '%s' returned %s; it must return "
                     "true, false or nil (unknown)",
                     ev->prog->path, c->line, c->name, lua_typename(L, t));
            lua_settop(L, top);
            return -1;
        }
        ev->cres[k][row] = t == LUA_TNIL          ? EXPR_UNKNOWN
                           : lua_toboolean(L, -1) ? EXPR_TRUE
                                                  : EXPR_FALSE;
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    return 0;
}

/* Eight rows at a time: each byte of a word is one row's alive flag (0/1)
 * or result (EXPR_FALSE 0, EXPR_UNKNOWN 1, EXPR_TRUE 2).  count8 adds up
 * the bytes of a word that holds 0/1 bytes (a multiply, not a popcount:
 * the baseline x86-64 has no popcount instruction). */
#define LOW_BITS 0x0101010101010101ull

static inline size_t count8(uint64_t v) {
    return (size_t)((v * LOW_BITS) >> 56);
}

/* The sum of a word's bytes, each up to 255 (in 16-bit lanes, no carry). */
static inline size_t lanes_sum(uint64_t v) {
    const uint64_t m = 0x00ff00ff00ff00ffull;
    v = (v & m) + ((v >> 8) & m);
    return (size_t)((v * 0x0001000100010001ull) >> 48);
}
_Static_assert(EXPR_BLOCK / 8 <= 255, "combine counts a block's rows in byte lanes");

static inline uint64_t load8(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* What one range of rows counts: per criterion the rows before it, passing
 * and unknown; the rows selected; per arm the rows assigned. */
typedef struct row_counts {
    size_t *before, *pass, *unk, *arm_n;
    size_t nsel;
} row_counts;

/* Selection and attrition of rows [from, to) from the criterion arrays. */
static void combine(rules_eval *ev, size_t from, size_t to, row_counts *rc) {
    int nc = ev->nc;
    uint8_t alive[EXPR_BLOCK];
    size_t nsel = 0;
    for (size_t s = from; s < to; s += EXPR_BLOCK) {
        size_t len = to - s < EXPR_BLOCK ? to - s : EXPR_BLOCK;
        size_t len8 = len & ~(size_t)7;
        memset(alive, 1, len);
        for (int k = 0; k < nc; k++) {
            const uint8_t *x = ev->cres[k] + s;
            uint8_t keep = (uint8_t)ev->set->crit[k].unknown_keep;
            uint64_t keep8 = keep ? LOW_BITS : 0;
            /* per byte lane: at most EXPR_BLOCK / 8 rows, no carry */
            uint64_t b8 = 0, p8 = 0, u8 = 0;
            for (size_t i = 0; i < len8; i += 8) {
                uint64_t a = load8(alive + i), r = load8(x + i);
                uint64_t isp = (r >> 1) & LOW_BITS, isu = r & ~(r >> 1) & LOW_BITS;
                b8 += a;
                p8 += a & isp;
                u8 += a & isu;
                a &= isp | (isu & keep8);
                memcpy(alive + i, &a, sizeof a);
            }
            size_t b = lanes_sum(b8), p = lanes_sum(p8), u = lanes_sum(u8);
            for (size_t i = len8; i < len; i++) {
                uint8_t a = alive[i], r = x[i];
                uint8_t isp = r == EXPR_TRUE, isu = r == EXPR_UNKNOWN;
                b += a;
                p += a & isp;
                u += a & isu;
                alive[i] = a & (isp | (isu & keep));
            }
            rc->before[k] += b;
            rc->pass[k] += p;
            rc->unk[k] += u;
        }
        uint8_t *sel = ev->selected + s;
        for (size_t i = 0; i < len; i++) {
            sel[i] = (uint8_t)(alive[i] << 1); /* EXPR_TRUE or EXPR_FALSE */
            nsel += alive[i];
        }
    }
    rc->nsel += nsel; /* counted apart: sel may alias rc for all the compiler knows */
}

/* The attrition steps from the counts of all rows. */
static void set_steps(rules_eval *ev, const row_counts *rc) {
    for (int k = 0; k < ev->nc; k++) {
        const rcrit *c = &ev->set->crit[k];
        rules_step *st = &ev->steps[k];
        st->name = c->name;
        st->reason = c->reason;
        st->before = rc->before[k];
        st->pass = rc->pass[k];
        st->unknown = rc->unk[k];
        st->fail = rc->before[k] - rc->pass[k] - rc->unk[k];
        st->unknown_kept = c->unknown_keep;
        st->after = rc->pass[k] + (c->unknown_keep ? rc->unk[k] : 0);
    }
    ev->nsel = rc->nsel;
}

/* Arms of rows [from, to): the first arm whose condition is true; an
 * unknown condition before that leaves the arm undecided (-1). */
static void assign_arms(rules_eval *ev, size_t from, size_t to, row_counts *rc) {
    /* arm by arm over eight rows at a time (no branch per row): a row takes
     * arm a when its condition is true and no earlier condition was other
     * than false; arm numbers fit a byte (a rule set has at most 16) */
    int16_t *arm = ev->arm;
    uint8_t open[EXPR_BLOCK], pick[EXPR_BLOCK]; /* open: every earlier condition false */
    for (size_t s = from; s < to; s += EXPR_BLOCK) {
        size_t len = to - s < EXPR_BLOCK ? to - s : EXPR_BLOCK;
        size_t len8 = len & ~(size_t)7;
        memset(open, 1, len);
        memset(pick, 0xff, len);
        for (int a = 0; a < ev->na; a++) {
            const uint8_t *r = ev->ap[a] ? ev->ares[a] + s : NULL;
            uint64_t a8 = (uint64_t)a * LOW_BITS;
            size_t took = 0;
            for (size_t i = 0; i < len8; i += 8) {
                uint64_t o = load8(open + i), v = r ? load8(r + i) : 2 * LOW_BITS;
                uint64_t ist = (v >> 1) & LOW_BITS, isf = ~(v | (v >> 1)) & LOW_BITS;
                uint64_t take = (o & ist) * 0xff, pk = load8(pick + i);
                took += count8(o & ist);
                pk = (pk & ~take) | (a8 & take);
                o &= isf;
                memcpy(pick + i, &pk, sizeof pk);
                memcpy(open + i, &o, sizeof o);
            }
            for (size_t i = len8; i < len; i++) {
                uint8_t v = r ? r[i] : EXPR_TRUE;
                if (open[i] && v == EXPR_TRUE) {
                    pick[i] = (uint8_t)a;
                    took++;
                }
                open[i] &= v == EXPR_FALSE;
            }
            rc->arm_n[a] += took;
        }
        for (size_t i = 0; i < len; i++)
            arm[s + i] = (int16_t)(int8_t)pick[i];
    }
}

/* Rows [from, to) as part `part` of the run: the dirty criteria that are
 * expressions (the Lua ones have run), selection and attrition, then the
 * dirty arm conditions (they may read `eligible`, the selection of the
 * same rows) and the arms.  Only row by row work: two parts of the rows
 * can run on two threads at once. */
typedef struct rows_job {
    rules_eval *ev;
    size_t from, to;
    int part, crit;
    row_counts rc;
} rows_job;

static void *run_rows(void *p) {
    rows_job *j = p;
    rules_eval *ev = j->ev;
    size_t len = j->to - j->from;
    for (int k = 0; k < ev->nc && j->crit; k++)
        if (ev->cdirty[k] && ev->cp[k])
            expr_eval_part(ev->cp[k], &ev->ctx, j->from, len, ev->cres[k] + j->from, j->part);
    if (j->crit)
        combine(ev, j->from, j->to, &j->rc);
    for (int a = 0; a < ev->na; a++)
        if (ev->adirty[a])
            expr_eval_part(ev->ap[a], &ev->ctx, j->from, len, ev->ares[a] + j->from, j->part);
    assign_arms(ev, j->from, j->to, &j->rc);
    return NULL;
}

/* Below this many rows one thread does all (a thread costs more than it
 * saves), as for the endpoints (repl/model.c). */
enum { ROWS_THREADED = 50000 };

/* The row by row part of a run, over two halves of the rows on two threads
 * for a large cohort; the counts of the halves are summed.  crit: the
 * criteria changed (selection and attrition are redone).  0, or -1 on
 * ENOMEM. */
static int run_all_rows(rules_eval *ev, int crit) {
    size_t nc = (size_t)ev->nc, na = (size_t)ev->na, per = 3 * nc + na;
    size_t *cnt = calloc(2 * per + 1, sizeof *cnt);
    if (cnt == NULL)
        return -1;
    size_t n = ev->n, half = n >= ROWS_THREADED ? n / 2 / EXPR_BLOCK * EXPR_BLOCK : n;
    rows_job job[2];
    for (int h = 0; h < 2; h++) {
        size_t *c = cnt + (size_t)h * per;
        job[h] = (rows_job){ev, h ? half : 0, h ? n : half,
                            h,  crit,         {c, c + nc, c + 2 * nc, c + 3 * nc, 0}};
    }
    pthread_t th;
    int threaded = half < n && pthread_create(&th, NULL, run_rows, &job[1]) == 0;
    run_rows(&job[0]);
    if (threaded)
        pthread_join(th, NULL);
    else if (half < n)
        run_rows(&job[1]);
    for (size_t i = 0; i < per; i++)
        cnt[i] += cnt[per + i];
    job[0].rc.nsel += job[1].rc.nsel;
    if (crit)
        set_steps(ev, &job[0].rc);
    memcpy(ev->arm_n, job[0].rc.arm_n, na * sizeof *ev->arm_n);
    free(cnt);
    return 0;
}

/* Brings staging derive j up to date with the module its param names. */
static int run_staging(rules_eval *ev, int j, char *err, size_t errlen) {
    const rderive *d = &ev->set->der[j];
    int mod = 0;
    if (d->stage_param == RULES_STAGE_EDITION)
        mod = ev->edition == 9; /* mods are tnm8, tnm9 */
    else if (d->stage_param >= 0) {
        const char *want = ev->pt[d->stage_param];
        mod = -1;
        for (int m = 0; want && m < d->nmods; m++)
            if (strcmp(d->mods[m], want) == 0)
                mod = m;
        if (mod < 0) {
            snprintf(err, errlen,
                     "%s:%d: derive '%s': '%s' is not one of the staging "
                     "modules of param '%s'",
                     ev->prog->path, d->line, d->name, want ? want : "", d->staging);
            return -1;
        }
    }
    return rstage_eval_run(ev->dst[j], ev->r, mod, ev->prog->path, err, errlen);
}

static int eval_run(rules_eval *ev, int full, char *err, size_t errlen);

/* One evaluation is one metered run of the sandbox: the instruction budget
 * covers every row of every Lua criterion and staging call together. */
int rules_eval_run(rules_eval *ev, int full, char *err, size_t errlen) {
    sandbox *sb = rules_sandbox(ev->r);
    sandbox_run_begin(sb);
    int rc = eval_run(ev, full, err, errlen);
    sandbox_run_end(sb);
    return rc;
}

static int eval_run(rules_eval *ev, int full, char *err, size_t errlen) {
    rules *r = ev->r;
    int v = ev->pin ? ev->pin : rules_version(r);
    int pi, off;
    const rset *set = rules_find_set(r, v, ev->setname, &pi, &off);
    if (set == NULL) {
        snprintf(err, errlen, "no rule set '%s' in version %d", ev->setname, v);
        return -1;
    }
    const rversion *ver = rules_version_at(r, v);
    int edition = ver->edition == 9 ? 9 : 8;
    rprog *prog = ver->progs[pi];
    const rval *vals = ver->vals[pi] + off;
    int all =
        full || !ev->bound || !ev->valid || prog != ev->prog || set != ev->set || cols_changed(ev);
    if (all && (prog != ev->prog || set != ev->set || !ev->bound || cols_changed(ev) || full)) {
        if (bind_all(ev, prog, set, err, errlen) != 0) {
            unbind(ev);
            return -1;
        }
    }
    /* after a (re)bind, which starts the evaluation's state afresh */
    int edition_moved = edition != ev->edition;
    ev->edition = edition;
    ev->valid = 0;
    for (int i = 0; i < ev->np; i++) {
        const char *t = vals[i].text;
        int same = vals[i].num == ev->pv[i] && ((t == NULL && ev->pt[i] == NULL) ||
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
        ev->ddirty[j] =
            (uint8_t)(all || dirty(ev, &ev->ddep[j]) ||
                      (edition_moved && set->der[j].stage_param == RULES_STAGE_EDITION));
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
        /* a Lua criterion runs now, an expression in the row pass below */
        if (ev->cp[k] == NULL) {
            if (eval_fn(ev, k, 0, n, err, errlen) != 0)
                return -1;
        } else if (expr_prepare(ev->cp[k], &ev->ctx) != 0) {
            goto oom;
        }
        seen(&ev->cdep[k]);
        ev->recomputed++;
    }
    int arms = all || any;
    for (int a = 0; a < ev->na; a++) {
        int dd = all || dirty(ev, &ev->adep[a]) || (ev->adep[a].eligible && any);
        ev->adirty[a] = (uint8_t)(dd && ev->ap[a] != NULL);
        if (!ev->adirty[a])
            continue;
        if (expr_prepare(ev->ap[a], &ev->ctx) != 0)
            goto oom;
        seen(&ev->adep[a]);
        ev->recomputed++;
        arms = 1;
    }
    if (arms && run_all_rows(ev, any) != 0)
        goto oom;
    ev->valid = 1;
    return 0;
oom:
    snprintf(err, errlen, "out of memory evaluating rule set '%s'", ev->setname);
    return -1;
}

/* ---------------------------------------------------------- public API */

rules_eval *rules_eval_new(rules *r, const char *set, const cohort *c, char *err, size_t errlen) {
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

void rules_eval_free(rules_eval *ev) {
    if (ev == NULL)
        return;
    unbind(ev);
    free(ev->setname);
    free(ev);
}

void rules_eval_pin(rules_eval *ev, int version) {
    ev->pin = version;
}
size_t rules_eval_recomputed(const rules_eval *ev) {
    return ev->recomputed;
}
size_t rules_eval_ncriteria(const rules_eval *ev) {
    return ev->valid ? (size_t)ev->nc : 0;
}

const char *rules_eval_criterion_name(const rules_eval *ev, size_t k) {
    return ev->valid && k < (size_t)ev->nc ? ev->set->crit[k].name : NULL;
}

const uint8_t *rules_eval_criterion(const rules_eval *ev, size_t k) {
    return ev->valid && k < (size_t)ev->nc ? ev->cres[k] : NULL;
}

const uint8_t *rules_eval_selected(const rules_eval *ev) {
    return ev->valid ? ev->selected : NULL;
}

size_t rules_eval_nselected(const rules_eval *ev) {
    return ev->valid ? ev->nsel : 0;
}
const int16_t *rules_eval_arms(const rules_eval *ev) {
    return ev->valid ? ev->arm : NULL;
}
size_t rules_eval_arm_count(const rules_eval *ev, size_t a) {
    return ev->valid && a < (size_t)ev->na ? ev->arm_n[a] : 0;
}
size_t rules_eval_narms(const rules_eval *ev) {
    return ev->valid ? (size_t)ev->na : 0;
}

const char *rules_eval_arm_name(const rules_eval *ev, size_t a) {
    return ev->valid && a < (size_t)ev->na ? ev->set->arms[a].name : NULL;
}

size_t rules_eval_attrition(const rules_eval *ev, rules_step *out, size_t max) {
    if (!ev->valid)
        return 0;
    for (size_t k = 0; k < (size_t)ev->nc && k < max; k++)
        out[k] = ev->steps[k];
    return (size_t)ev->nc;
}

double rules_eval_landmark(const rules_eval *ev) {
    if (!ev->valid || ev->set->landmark != ev->set->landmark)
        return NAN;
    for (int i = 0; i < ev->np; i++)
        if (strcmp(ev->set->params[i].name, "landmark") == 0)
            return ev->pv[i];
    return ev->set->landmark;
}
