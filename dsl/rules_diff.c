/* rules_diff.c - what changes between two versions of a rule set.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * rules_diff_versions evaluates one rule set at two versions over the same
 * cohort (two pinned evaluations, rules_eval.c) and compares them row by
 * row: patients gained and lost, moves between arms and between staging
 * groups, and the rows that changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "rules_eval_int.h"

static int add_move_to(struct rules_arm_move **moves, size_t *nmoves, const char *from,
                       const char *to) {
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

static int add_move(rules_diff *d, const char *from, const char *to) {
    return add_move_to(&d->moves, &d->nmoves, from, to);
}

/* The staging derive of b's set named as a's derive ja, or -1. */
static int same_staging(const rules_eval *a, int ja, const rules_eval *b) {
    if (a->dst[ja] == NULL)
        return -1;
    for (int j = 0; j < b->nd; j++)
        if (b->dst[j] && strcmp(b->set->der[j].name, a->set->der[ja].name) == 0)
            return j;
    return -1;
}

/* Did a staging group change at row i?  Counts it in out when so. */
static int stage_moved(const rules_eval *a, const rules_eval *b, size_t i, rules_diff *out,
                       int *oom) {
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

int rules_diff_versions(rules *r, const char *set, const cohort *c, int va, int vb, rules_diff *out,
                        char *err, size_t errlen) {
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

void rules_diff_free(rules_diff *d) {
    free(d->rows);
    free(d->moves);
    free(d->stage_moves);
    memset(d, 0, sizeof *d);
}
