/* logrank.c - log-rank test for k groups (see logrank.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "logrank.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

/* Up to this many groups the refresh path keeps per-time counts on the stack. */
#define LR_FAST_GROUPS 16

void logrank_free(logrank_result *r) {
    if (!r)
        return;
    free(r->n), free(r->observed), free(r->expected), free(r->var);
    free(r);
}

/* chi = t' V^-1 t over the groups with expected > 0, first one left out,
 * as survdiff() computes it with solve(). */
static int chisq_of(logrank_result *r, char *err, size_t errlen) {
    int32_t k = r->ngroups;
    int32_t *use = malloc((size_t)k * sizeof *use);
    if (!use)
        return -1;
    int32_t m = 0;
    for (int32_t g = 0; g < k; g++)
        if (r->expected[g] > 0)
            use[m++] = g;
    r->df = m - 1;
    r->chisq = 0;
    if (m >= 2) {
        int32_t q = m - 1;
        gsl_matrix *v = gsl_matrix_alloc((size_t)q, (size_t)q);
        gsl_vector *t = gsl_vector_alloc((size_t)q), *x = gsl_vector_alloc((size_t)q);
        gsl_permutation *perm = gsl_permutation_alloc((size_t)q);
        if (!v || !t || !x || !perm) {
            gsl_matrix_free(v), gsl_vector_free(t), gsl_vector_free(x);
            gsl_permutation_free(perm), free(use);
            return -1;
        }
        for (int32_t i = 0; i < q; i++) {
            int32_t gi = use[i + 1];
            gsl_vector_set(t, (size_t)i, r->observed[gi] - r->expected[gi]);
            for (int32_t j = 0; j < q; j++)
                gsl_matrix_set(v, (size_t)i, (size_t)j, r->var[gi * k + use[j + 1]]);
        }
        int sign;
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        int st = gsl_linalg_LU_decomp(v, perm, &sign);
        double det = st ? 0 : gsl_linalg_LU_det(v, sign);
        if (!st && det != 0)
            st = gsl_linalg_LU_solve(v, perm, t, x);
        gsl_set_error_handler(old);
        int bad = st || det == 0;
        if (!bad) {
            double chi = 0;
            for (int32_t i = 0; i < q; i++)
                chi += gsl_vector_get(x, (size_t)i) * gsl_vector_get(t, (size_t)i);
            r->chisq = chi;
        }
        gsl_matrix_free(v), gsl_vector_free(t), gsl_vector_free(x), gsl_permutation_free(perm);
        if (bad) {
            free(use);
            snprintf(err, errlen, "survival.logrank: the variance matrix is singular");
            return -2;
        }
    }
    free(use);
    r->p = surv_pchisq_upper(r->chisq, r->df);
    return 0;
}

/* Adds one death time: expected counts and their variance (survdiff2.c;
 * the divisions are hoisted, which changes only the last bits). */
static void add_deaths(logrank_result *r, const double *risk, double deaths, double nrisk) {
    int32_t k = r->ngroups;
    double inv = 1.0 / nrisk;
    for (int32_t g = 0; g < k; g++)
        r->expected[g] += deaths * risk[g] * inv;
    if (nrisk == 1)
        return; /* one subject: no variance */
    double f = deaths * (nrisk - deaths) / (nrisk * (nrisk - 1));
    for (int32_t a = 0; a < k; a++) {
        if (risk[a] == 0)
            continue;
        double tmp = f * risk[a];
        r->var[a * k + a] += tmp;
        for (int32_t b = 0; b < k; b++)
            r->var[a * k + b] -= tmp * risk[b] * inv;
    }
}

int logrank_compute(const surv_input *in, logrank_result **out, char *err, size_t errlen) {
    *out = NULL;
    if (surv_input_check(in, err, errlen) < 0)
        return -1;
    if (!in->group) {
        snprintf(err, errlen, "survival.logrank: no groups to compare");
        return -1;
    }
    surv_order *own = NULL;
    const surv_order *ord = surv_input_order(in, &own, err, errlen);
    if (!ord)
        return -1;
    int32_t k = in->ngroups;
    logrank_result *r = calloc(1, sizeof *r);
    double *risk = calloc((size_t)k, sizeof *risk);
    int rc = -1;
    if (!r || !risk)
        goto nomem;
    r->ngroups = k;
    r->n = calloc((size_t)k, sizeof *r->n);
    r->observed = calloc((size_t)k, sizeof *r->observed);
    r->expected = calloc((size_t)k, sizeof *r->expected);
    r->var = calloc((size_t)k * (size_t)k, sizeof *r->var);
    if (!r->n || !r->observed || !r->expected || !r->var)
        goto nomem;

    const uint8_t *mask = in->mask;
    const uint32_t *idx = ord->idx;
    const double *st = ord->time;
    size_t dropped = 0, used = 0;
    for (size_t j = ord->n; j < ord->nrows; j++)
        if (!mask || mask[idx[j]])
            dropped++;

    double nrisk = 0;
    size_t j = ord->n;
    if (in->keys && !in->keys->pooled && k <= LR_FAST_GROUPS) {
        /* the refresh path: keys in sequence, the mask the only gather */
        const int32_t *key = in->keys->key;
        uint32_t cnt[LR_FAST_GROUPS] = {0}, dth[LR_FAST_GROUPS] = {0};
        while (j > 0) {
            double t = st[j - 1];
            size_t jend = j;
            while (j > 0 && st[j - 1] == t)
                j--;
            int bad_time = t < 0 || isinf(t);
            if (jend - j == 1 && key[j] >= 0 && !bad_time) { /* a time of its own */
                if (mask && !mask[idx[j]])
                    continue;
                uint32_t g = (uint32_t)key[j] >> 1, e = (uint32_t)key[j] & 1u;
                risk[g] += 1;
                r->n[g] += 1;
                nrisk += 1;
                used++;
                if (e) {
                    r->observed[g] += 1;
                    add_deaths(r, risk, 1, nrisk);
                }
                continue;
            }
            for (size_t i = j; i < jend; i++) {
                uint32_t sel = mask ? mask[idx[i]] != 0 : 1u;
                int32_t v = key[i];
                if (v < 0 || bad_time) {
                    if (!sel)
                        continue;
                    if (v == -2) {
                        surv_event_error(in, idx[i], err, errlen);
                        goto fail;
                    }
                    if (v == -1) {
                        dropped++;
                        continue;
                    }
                    surv_time_error(in, idx[i], err, errlen);
                    goto fail;
                }
                uint32_t g = (uint32_t)v >> 1;
                cnt[g] += sel;
                dth[g] += sel & (uint32_t)v;
            }
            uint32_t deaths = 0;
            for (int32_t g = 0; g < k; g++) {
                risk[g] += cnt[g];
                r->n[g] += cnt[g];
                r->observed[g] += dth[g];
                nrisk += cnt[g];
                used += cnt[g];
                deaths += dth[g];
                cnt[g] = dth[g] = 0;
            }
            if (deaths > 0)
                add_deaths(r, risk, deaths, nrisk);
        }
    }
    while (j > 0) { /* latest time first, as survdiff2.c */
        double t = st[j - 1], deaths = 0;
        while (j > 0 && st[j - 1] == t) {
            j--;
            int32_t g = 0;
            int e = 0;
            int s = surv_fetch(in, ord, j, &g, &e);
            if (s == 0)
                continue;
            if (s == -1) {
                dropped++;
                continue;
            }
            if (s == -2) {
                surv_event_error(in, idx[j], err, errlen);
                goto fail;
            }
            if (t < 0 || isinf(t)) {
                surv_time_error(in, idx[j], err, errlen);
                goto fail;
            }
            risk[g] += 1;
            r->n[g] += 1;
            r->observed[g] += e;
            deaths += e;
            nrisk += 1;
            used++;
        }
        if (deaths > 0)
            add_deaths(r, risk, deaths, nrisk);
    }
    r->n_used = used;
    r->n_missing = dropped;
    int present = 0;
    for (int32_t g = 0; g < k; g++)
        present += r->n[g] > 0;
    if (present < 2) {
        snprintf(err, errlen, "survival.logrank: there is only %d group with data", present);
        goto fail;
    }
    int c = chisq_of(r, err, errlen);
    if (c == -1)
        goto nomem;
    if (c < 0)
        goto fail;
    rc = 0;
    goto done;
nomem:
    snprintf(err, errlen, "survival.logrank: out of memory");
fail:
    rc = -1;
done:
    free(risk);
    surv_order_free(own);
    if (rc == 0)
        *out = r;
    else
        logrank_free(r);
    return rc;
}
