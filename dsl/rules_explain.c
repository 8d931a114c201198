/* rules_explain.c - the trace of one row through an evaluated rule set.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * rules_explain reads the result arrays of an evaluation (rules_eval.c) for
 * one row: each derived column's value and what it was computed from (for
 * a staging derive, the staging module's why lines), each criterion's
 * result and the values it saw, the selection and the arm.  Nothing here
 * evaluates or changes the evaluation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_eval_int.h"

static rules_trace_item *trace_add(rules_trace *t, char kind, const char *name, const char *reason,
                                   const char *path, int line) {
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

static void fn_values(const rules_eval *ev, int k, size_t row, char *buf, size_t len) {
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
            snprintf(v, sizeof v, "%s",
                     col->v.b[row] < 0 ? "missing"
                     : col->v.b[row]   ? "true"
                                       : "false");
        else if (cohort_str(col, row))
            snprintf(v, sizeof v, "\"%s\"", cohort_str(col, row));
        else
            snprintf(v, sizeof v, "missing");
        int w = snprintf(buf + used, len - used, "%s%s = %s", used ? ", " : "", col->name, v);
        if (w > 0)
            used += (size_t)w;
    }
}

static void col_value(const cohort_column *col, size_t row, char *v, size_t n) {
    if (col->type == COHORT_NUM)
        snprintf(v, n, col->v.num[row] == col->v.num[row] ? "%.10g" : "missing", col->v.num[row]);
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

static void why_line(void *ud, const char *text) {
    why_ctx *w = ud;
    if (!w->failed && trace_add(w->t, 'w', w->d->name, text, w->path, w->d->line) == NULL)
        w->failed = 1;
}

/* The staging derive j at row: its four values and the fields classify
 * read in the last item of t, then the module's why lines. */
static int explain_staging(rules_eval *ev, int j, size_t row, rules_trace *t, char *err,
                           size_t errlen) {
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
                 rstage_eval_ninputs(se) ? "; staged with " : " (staged with ", d->mods[mod]);
    why_ctx w = {t, d, ev->prog->path, 0};
    if (rstage_eval_why(se, ev->r, row, why_line, &w, err, errlen) != 0)
        return -1;
    if (w.failed) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int rules_explain(rules_eval *ev, size_t row, rules_trace *out, char *err, size_t errlen) {
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
        if ((it = trace_add(out, 'd', set->der[j].name, set->der[j].doc, path, set->der[j].line)) ==
            NULL)
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
            snprintf(v, sizeof v, "%s",
                     x == EXPR_TRUE    ? "true"
                     : x == EXPR_FALSE ? "false"
                                       : "missing");
            it->result = x;
        }
        char seen_[400];
        expr_describe_row(ev->dp[j], &ev->ctx, row, seen_, sizeof seen_);
        snprintf(it->values, sizeof it->values, "%s = %s (from %s)", set->der[j].name, v, seen_);
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
        int passes = it->result == EXPR_TRUE || (it->result == EXPR_UNKNOWN && c->unknown_keep);
        if (!passes && excluded_at < 0)
            excluded_at = k;
    }
    out->selected = ev->selected[row] == EXPR_TRUE;
    it = trace_add(out, 's', out->selected ? "selected" : "excluded", NULL, NULL, 0);
    if (it == NULL)
        goto oom;
    it->result = out->selected ? EXPR_TRUE : EXPR_FALSE;
    if (excluded_at >= 0)
        snprintf(it->reason, sizeof it->reason, "excluded at step %d, '%s': %s", excluded_at + 1,
                 set->crit[excluded_at].name,
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

void rules_trace_free(rules_trace *t) {
    free(t->items);
    memset(t, 0, sizeof *t);
}

long rules_stage_verify(rules_eval *ev, size_t *first, char *err, size_t errlen) {
    *first = 0;
    if (!ev->valid) {
        snprintf(err, errlen, "rule set '%s' has not been evaluated", ev->setname);
        return -1;
    }
    long bad = 0;
    for (int j = 0; j < ev->nd; j++) {
        if (ev->dst[j] == NULL)
            continue;
        for (size_t i = 0; i < ev->n; i++) {
            int same;
            if (rstage_eval_check_row(ev->dst[j], ev->r, i, &same, err, errlen) != 0)
                return -1;
            if (!same && bad++ == 0)
                *first = i;
        }
    }
    return bad;
}

/* The staged column called name of ev's set, or NULL. */
static const cohort_column *staged_column(const rules_eval *ev, const char *name) {
    for (int j = 0; ev->valid && j < ev->nd; j++)
        for (int k = 0; ev->dst[j] && k < 4; k++)
            if (strcmp(ev->set->der[j].out[k], name) == 0)
                return rstage_eval_col(ev->dst[j], k);
    return NULL;
}

int rules_eval_stages(const rules_eval *ev, const char *name) {
    return staged_column(ev, name) != NULL;
}

const char *rules_eval_staged(const rules_eval *ev, const char *name, size_t row) {
    const cohort_column *col = row < ev->n ? staged_column(ev, name) : NULL;
    return col ? cohort_str(col, row) : NULL;
}
