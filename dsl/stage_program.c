/* stage_program.c - staging a cohort column by column: the column program
 * a staging module declares (`program` in scripts/staging/tnm_common.lua),
 * run over a cohort.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A module's classify(record) is its T, N and M parts followed by a finish
 * step.  The program says which fields each part reads, and how a part
 * depends on them:
 *   - a list field (n_stations "4R;7") only through the classes of its
 *     items (token(item, alone) -> class, id): items of one class count
 *     once per id, at most cap times;
 *   - a number field (t_size_cm) only through the band its cut points give;
 *   - any other field by its value.
 * So the work is: one token call per distinct item word, one pass over each
 * list column's distinct values (C), one pass over the rows that looks up
 * each part's band/class/value tuple in a small table, one part call per
 * distinct tuple and one finish call per distinct combination of part keys
 * and recorded categories.  The module stays the only place the rules live:
 * C never knows what a class or a band means; it only groups rows the
 * module says are alike and calls the module on one of them.  Every memo is
 * keyed by values, never by row, so another cohort, another evaluation or
 * switching the edition back costs no Lua at all.
 *
 * The per-record classify and this path are tested equal on every record
 * of the simulated cohort and of TCGA (tests/unit/test_stage_program.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "stage_program_int.h"

static void run_free(run *R) {
    for (int p = 0; p < R->p->nparts; p++)
        for (int k = 0; k < SP_MAXFIELDS; k++) {
            free(R->lev[p][k]);
            free(R->lunk[p][k]);
        }
}

/* One half of the rows, on its own thread.  Pass 1: each part's tuple
 * gets a local group number (its value is the row that first had it), kept
 * in out[part] for the row.  Pass 2, once the parts' results are known
 * (vmap: local group -> value number): the finish tuple (the parts' value
 * numbers and the recorded categories) gets a local number, kept in
 * out[3].  No Lua runs here. */
typedef struct half {
    const run *R;
    cohort_column *const *out;
    size_t lo, hi;
    int pass;
    int32_t *vmap[SP_MAXPARTS];
    tuptab pt[SP_MAXPARTS], fin;
    int rc; /* 0, -1 out of memory, -2 interrupted */
} half;

static void *group_half(void *arg) {
    half *h = arg;
    const run *R = h->R;
    const sprog *p = R->p;
    int np = p->nparts;
    for (int i = 0; i < np; i++)
        h->pt[i].width = p->part[i].nf;
    h->fin.width = np + p->nfreads;
    for (size_t row = h->lo; row < h->hi; row++) {
        if ((row & 0xffff) == 0xffff && tnm_interrupted()) {
            h->rc = -2;
            return NULL;
        }
        uint64_t key[SP_MAXPARTS + SP_MAXFIELDS];
        int isnew;
        size_t g;
        if (h->pass == 1) {
            for (int i = 0; i < np; i++) {
                for (int k = 0; k < p->part[i].nf; k++)
                    key[k] = field_id(R, i, k, row);
                if ((g = tup_find(&h->pt[i], key, &isnew)) == (size_t)-1) {
                    h->rc = -1;
                    return NULL;
                }
                if (isnew)
                    h->pt[i].val[g] = (int32_t)row;
                h->out[i]->v.str[row] = (int32_t)g;
            }
            continue;
        }
        for (int i = 0; i < np; i++)
            key[i] = (uint64_t)h->vmap[i][h->out[i]->v.str[row]];
        for (int k = 0; k < p->nfreads; k++)
            key[np + k] = R->fcol[k] ? rules_cell_bits(R->fcol[k], row) : 0;
        if ((g = tup_find(&h->fin, key, &isnew)) == (size_t)-1) {
            h->rc = -1;
            return NULL;
        }
        if (isnew)
            h->fin.val[g] = (int32_t)row;
        h->out[3]->v.str[row] = (int32_t)g;
    }
    return NULL;
}

/* The value numbers of a half's part groups (the module called, through
 * the value memos, on each group's first row).  0, or -1 with err. */
static int resolve_parts(run *R, half *h) {
    for (int i = 0; i < R->p->nparts; i++) {
        if ((h->vmap[i] = malloc((h->pt[i].n + 1) * sizeof **h->vmap)) == NULL)
            return sp_oom(R);
        for (size_t g = 0; g < h->pt[i].n; g++)
            if ((h->vmap[i][g] = sp_part_value(R, i, (size_t)h->pt[i].val[g])) < 0)
                return -1;
    }
    return 0;
}

/* The four codes of each of a half's finish groups. */
static int32_t *resolve_half(run *R, half *h, cohort_column *const out[4]) {
    sprog *p = R->p;
    int32_t *codes = malloc((h->fin.n + 1) * 4 * sizeof *codes);
    if (codes == NULL) {
        sp_oom(R);
        return NULL;
    }
    size_t w = (size_t)h->fin.width;
    for (size_t g = 0; g < h->fin.n; g++) {
        int32_t vals[SP_MAXPARTS];
        for (int i = 0; i < p->nparts; i++)
            vals[i] = (int32_t)h->fin.keys[g * w + (size_t)i];
        int32_t v = sp_finish_value(R, vals, (size_t)h->fin.val[g]);
        for (int k = 0; v >= 0 && k < 4; k++) {
            const char *txt = p->res[v][k];
            codes[g * 4 + (size_t)k] = txt ? cohort_intern(out[k], txt, strlen(txt)) : COHORT_NA;
            if (txt && codes[g * 4 + (size_t)k] < 0)
                v = sp_oom(R);
        }
        if (v < 0) {
            free(codes);
            return NULL;
        }
    }
    return codes;
}

typedef struct fill {
    cohort_column *const *out;
    const int32_t *codes;
    size_t lo, hi;
} fill;

static void *fill_half(void *arg) {
    const fill *f = arg;
    int32_t *o[4] = {f->out[0]->v.str, f->out[1]->v.str, f->out[2]->v.str, f->out[3]->v.str};
    for (size_t row = f->lo; row < f->hi; row++) {
        const int32_t *c = f->codes + (size_t)o[3][row] * 4;
        o[0][row] = c[0];
        o[1][row] = c[1];
        o[2][row] = c[2];
        o[3][row] = c[3];
    }
    return NULL;
}

/* Runs fn over the two halves, on two threads when there are rows enough. */
static void both(void *(*fn)(void *), void *a, void *b, int threads) {
    pthread_t th;
    int two = threads && pthread_create(&th, NULL, fn, b) == 0;
    fn(a);
    if (two)
        pthread_join(th, NULL);
    else
        fn(b);
}

enum { SP_THREAD_MIN = 50000 }; /* rows below which one thread does it all */

int sprog_run(sprog *p, rules *r, rstager *s, const cohort *c, cohort_column *const out[4],
              char *err, size_t errlen) {
    run R = {
        .p = p, .r = r, .s = s, .L = sandbox_state(r->sb), .c = c, .err = err, .errlen = errlen};
    err[0] = '\0';
    int rc = -1;
    size_t n = cohort_nrows(c);
    half h[2] = {{.R = &R, .out = out, .lo = 0, .hi = n / 2},
                 {.R = &R, .out = out, .lo = n / 2, .hi = n}};
    int32_t *codes[2] = {NULL, NULL};
    for (int i = 0; i < p->nparts; i++) {
        for (int k = 0; k < p->part[i].nf; k++) {
            sp_field *f = &p->part[i].f[k];
            const cohort_column *col = R.col[i][k] = cohort_find(c, f->name);
            if (f->kind != SP_LIST || col == NULL || col->type != COHORT_STR)
                continue;
            R.lev[i][k] = malloc(((size_t)col->nlevels + 1) * sizeof **R.lev);
            R.lunk[i][k] = malloc((size_t)col->nlevels + 1);
            if (R.lev[i][k] == NULL || R.lunk[i][k] == NULL) {
                sp_oom(&R);
                goto done;
            }
            for (int32_t l = 0; l < col->nlevels; l++)
                if ((R.lev[i][k][l] = sp_summary_of(&R, f, col->levels[l], &R.lunk[i][k][l])) == -2)
                    goto done;
        }
    }
    for (int k = 0; k < p->nfreads; k++)
        R.fcol[k] = cohort_find(c, p->freads[k]);
    int threads = n >= SP_THREAD_MIN;
    for (int pass = 1; pass <= 2; pass++) {
        h[0].pass = h[1].pass = pass;
        both(group_half, &h[0], &h[1], threads);
        if (h[0].rc == -2 || h[1].rc == -2) {
            snprintf(err, errlen, "staging interrupted");
            goto done;
        }
        if (h[0].rc || h[1].rc) {
            sp_oom(&R);
            goto done;
        }
        if (pass == 1 && (resolve_parts(&R, &h[0]) != 0 || resolve_parts(&R, &h[1]) != 0))
            goto done;
    }
    for (int k = 0; k < 2; k++)
        if ((codes[k] = resolve_half(&R, &h[k], out)) == NULL)
            goto done;
    fill f[2] = {{out, codes[0], h[0].lo, h[0].hi}, {out, codes[1], h[1].lo, h[1].hi}};
    both(fill_half, &f[0], &f[1], threads);
    rc = 0;
done:
    for (int k = 0; k < 2; k++) {
        free(codes[k]);
        for (int i = 0; i < p->nparts; i++) {
            tup_free(&h[k].pt[i]);
            free(h[k].vmap[i]);
        }
        tup_free(&h[k].fin);
    }
    run_free(&R);
    return rc;
}

int rules_stage_cohort(rules *r, int edition, const cohort *c, cohort *out, char *err,
                       size_t errlen) {
    const char *name = edition == 9 ? "tnm9" : "tnm8";
    rstager *s = rules_stager_get(r, name, NULL, err, errlen);
    if (s == NULL)
        return -1;
    sprog *prog = rstager_program(s);
    if (prog == NULL) {
        snprintf(err, errlen, "staging module '%s' has no column program", name);
        return -1;
    }
    static const char *const names[4] = {"t", "n", "m", "stage"};
    cohort_column *col[4];
    for (int k = 0; k < 4; k++) {
        if ((col[k] = cohort_add(out, names[k], COHORT_STR)) == NULL) {
            snprintf(err, errlen, "out of memory (or '%s' already in the output)", names[k]);
            return -1;
        }
        col[k]->alternatives = 1;
    }
    char e[600];
    sandbox_run_begin(r->sb);
    int rc = sprog_run(prog, r, s, c, col, e, sizeof e);
    sandbox_run_end(r->sb);
    if (rc != 0)
        snprintf(err, errlen, "%s: %s", name, e);
    return rc;
}
