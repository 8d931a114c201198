/* cox.c - Cox proportional hazards by Newton-Raphson (see cox.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cox.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COX_MAXITER 20
#define COX_EPS 1e-9

void cox_free(cox_result *r) {
    if (!r)
        return;
    for (size_t j = 0; r->names && j < r->p; j++)
        free(r->names[j]);
    free(r->names), free(r->term), free(r->coef), free(r->se), free(r->hr);
    free(r->lower), free(r->upper), free(r->z), free(r->p_value), free(r->var);
    free(r);
}

/* Working data: used rows sorted by ascending time, covariates by column. */
typedef struct cox_work {
    size_t n, p;
    double *time; /* n, near-ties merged */
    int *status;  /* n */
    double **x;   /* p columns of n */
    int efron;
    /* per-iteration outputs */
    double *u;    /* p score */
    double *imat; /* p x p information, row-major, full */
    double *a, *a2, *cmat, *cmat2;
} cox_work;

/* Log partial likelihood, score and information at beta (coxfit6_iter's
 * accumulation: latest time first, tied deaths handled by Breslow or Efron). */
static double cox_iter(cox_work *w, const double *beta) {
    size_t p = w->p;
    double loglik = 0, denom = 0;
    memset(w->u, 0, p * sizeof *w->u);
    memset(w->imat, 0, p * p * sizeof *w->imat);
    memset(w->a, 0, p * sizeof *w->a);
    memset(w->a2, 0, p * sizeof *w->a2);
    memset(w->cmat, 0, p * p * sizeof *w->cmat);
    memset(w->cmat2, 0, p * p * sizeof *w->cmat2);
    size_t person = w->n;
    while (person > 0) {
        double dtime = w->time[person - 1];
        int ndead = 0;
        double denom2 = 0;
        while (person > 0 && w->time[person - 1] == dtime) {
            size_t r = --person;
            double zbeta = 0;
            for (size_t i = 0; i < p; i++)
                zbeta += beta[i] * w->x[i][r];
            double risk = exp(zbeta);
            if (w->status[r] == 0) {
                denom += risk;
                for (size_t i = 0; i < p; i++) {
                    w->a[i] += risk * w->x[i][r];
                    for (size_t j = 0; j <= i; j++)
                        w->cmat[i * p + j] += risk * w->x[i][r] * w->x[j][r];
                }
            } else {
                ndead++;
                denom2 += risk;
                loglik += zbeta;
                for (size_t i = 0; i < p; i++) {
                    w->u[i] += w->x[i][r];
                    w->a2[i] += risk * w->x[i][r];
                    for (size_t j = 0; j <= i; j++)
                        w->cmat2[i * p + j] += risk * w->x[i][r] * w->x[j][r];
                }
            }
        }
        if (ndead == 0)
            continue;
        if (!w->efron || ndead == 1) {
            denom += denom2;
            loglik -= ndead * log(denom);
            for (size_t i = 0; i < p; i++) {
                w->a[i] += w->a2[i];
                double mean = w->a[i] / denom;
                w->u[i] -= ndead * mean;
                for (size_t j = 0; j <= i; j++) {
                    w->cmat[i * p + j] += w->cmat2[i * p + j];
                    w->imat[j * p + i] += ndead * (w->cmat[i * p + j] - mean * w->a[j]) / denom;
                }
            }
        } else {
            /* Efron: the tied deaths leave the risk set a fraction at a time */
            for (int k = 0; k < ndead; k++) {
                denom += denom2 / ndead;
                loglik -= log(denom);
                for (size_t i = 0; i < p; i++) {
                    w->a[i] += w->a2[i] / ndead;
                    double mean = w->a[i] / denom;
                    w->u[i] -= mean;
                    for (size_t j = 0; j <= i; j++) {
                        w->cmat[i * p + j] += w->cmat2[i * p + j] / ndead;
                        w->imat[j * p + i] += (w->cmat[i * p + j] - mean * w->a[j]) / denom;
                    }
                }
            }
        }
        memset(w->a2, 0, p * sizeof *w->a2);
        memset(w->cmat2, 0, p * p * sizeof *w->cmat2);
    }
    for (size_t i = 0; i < p; i++) /* mirror the upper triangle */
        for (size_t j = 0; j < i; j++)
            w->imat[i * p + j] = w->imat[j * p + i];
    return loglik;
}

/* Generalised Cholesky (LDL') of the symmetric p x p matrix m in place,
 * lower triangle holding L and the diagonal D.  A pivot below
 * tol * max(diag) is set to 0 (that column is aliased), as R's cholesky2. */
static void gchol(double *m, size_t p, double tol) {
    double eps = 0;
    for (size_t i = 0; i < p; i++)
        if (m[i * p + i] > eps)
            eps = m[i * p + i];
    eps = (eps == 0) ? tol : eps * tol;
    for (size_t i = 0; i < p; i++) {
        double pivot = m[i * p + i];
        if (!isfinite(pivot) || pivot < eps) {
            m[i * p + i] = 0;
            for (size_t j = i + 1; j < p; j++)
                m[j * p + i] = 0;
            continue;
        }
        for (size_t j = i + 1; j < p; j++) {
            double t = m[j * p + i] / pivot;
            m[j * p + i] = t;
            m[j * p + j] -= t * t * pivot;
            for (size_t k = j + 1; k < p; k++)
                m[k * p + j] -= t * m[k * p + i];
        }
    }
}

/* Solves (L D L') x = y in place for the factor from gchol; aliased
 * components are 0. */
static void gchol_solve(const double *m, size_t p, double *y) {
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < i; j++)
            y[i] -= y[j] * m[i * p + j];
    for (size_t ii = p; ii-- > 0;) {
        if (m[ii * p + ii] == 0) {
            y[ii] = 0;
            continue;
        }
        double t = y[ii] / m[ii * p + ii];
        for (size_t j = ii + 1; j < p; j++)
            t -= y[j] * m[j * p + ii];
        y[ii] = t;
    }
}

/* Inverse of the factored matrix into inv (p x p), 0 rows/cols for aliased. */
static void gchol_inverse(const double *m, size_t p, double *inv, double *col) {
    for (size_t c = 0; c < p; c++) {
        for (size_t i = 0; i < p; i++)
            col[i] = (i == c);
        gchol_solve(m, p, col);
        for (size_t i = 0; i < p; i++)
            inv[i * p + c] = m[c * p + c] == 0 ? 0 : col[i];
    }
    for (size_t i = 0; i < p; i++) /* symmetrise rounding */
        for (size_t j = 0; j < i; j++) {
            double v = (inv[i * p + j] + inv[j * p + i]) / 2;
            inv[i * p + j] = inv[j * p + i] = v;
        }
}

static int cmp_level(const void *a, const void *b, void *lv) {
    (void)lv;
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts level indices by their names (insertion sort: few levels). */
static void sort_levels(int32_t *ix, int32_t n, const char *const *levels) {
    for (int32_t i = 1; i < n; i++) {
        int32_t v = ix[i], j = i;
        while (j > 0 && cmp_level(&levels[ix[j - 1]], &levels[v], NULL) > 0) {
            ix[j] = ix[j - 1];
            j--;
        }
        ix[j] = v;
    }
}

static int cov_missing(const cox_covariate *c, size_t row) {
    if (c->num)
        return isnan(c->num[row]);
    if (c->codes)
        return c->codes[row] < 0 || c->codes[row] >= c->nlevels;
    return c->flag[row] < 0;
}

static char *cat2(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    memcpy(s + la, b, lb + 1);
    return s;
}

int cox_fit(const surv_input *in, const cox_covariate *cov, size_t ncov, const cox_options *opt,
            cox_result **out, char *err, size_t errlen) {
    *out = NULL;
    if (!in || !in->time || ((in->event_num != NULL) == (in->event_i8 != NULL))) {
        snprintf(err, errlen, "survival.cox: time and one event array are needed");
        return -1;
    }
    if (ncov == 0) {
        snprintf(err, errlen, "survival.cox: no covariates");
        return -1;
    }
    for (size_t c = 0; c < ncov; c++)
        if (!!cov[c].num + !!cov[c].codes + !!cov[c].flag != 1) {
            snprintf(err, errlen, "survival.cox: covariate %s: set one of num, codes, flag",
                     cov[c].name ? cov[c].name : "?");
            return -1;
        }
    cox_options o = opt ? *opt : (cox_options){COX_EFRON, 0.95};
    if (o.conf_level == 0)
        o.conf_level = 0.95;
    if (!(o.conf_level > 0 && o.conf_level < 1)) {
        snprintf(err, errlen, "survival.cox: conf_level must be between 0 and 1");
        return -1;
    }

    cox_result *r = calloc(1, sizeof *r);
    uint32_t *rows = malloc((in->nrows ? in->nrows : 1) * sizeof *rows);
    double *utime = NULL;
    surv_order *ord = NULL;
    int32_t **lvix = calloc(ncov, sizeof *lvix); /* sorted present levels per covariate */
    int32_t *nlv = calloc(ncov, sizeof *nlv);
    cox_work w = {0};
    double *beta = NULL, *newbeta = NULL, *scale = NULL, *mean = NULL, *fac = NULL, *inv = NULL,
           *col = NULL;
    int rc = -1;
    if (!r || !rows || !lvix || !nlv)
        goto nomem;

    /* 1. rows used: selected, time/event/covariates present */
    size_t n = 0;
    for (size_t i = 0; i < in->nrows; i++) {
        if (in->mask && !in->mask[i])
            continue;
        int e = surv_event_at(in, i);
        if (e == -2) {
            surv_event_error(in, i, err, errlen);
            goto fail;
        }
        int miss = e < 0 || isnan(in->time[i]);
        for (size_t c = 0; c < ncov && !miss; c++)
            miss = cov_missing(&cov[c], i);
        if (miss) {
            r->n_missing++;
            continue;
        }
        if (in->time[i] < 0 || isinf(in->time[i])) {
            surv_time_error(in, i, err, errlen);
            goto fail;
        }
        rows[n++] = (uint32_t)i;
    }
    r->n = n;

    /* 2. terms -> columns */
    size_t p = 0;
    for (size_t c = 0; c < ncov; c++) {
        if (cov[c].num) {
            p++;
            continue;
        }
        int32_t nl = cov[c].codes ? cov[c].nlevels : 2;
        uint8_t *present = calloc((size_t)nl + 1, 1);
        lvix[c] = malloc(((size_t)nl + 1) * sizeof **lvix);
        if (!present || !lvix[c]) {
            free(present);
            goto nomem;
        }
        for (size_t k = 0; k < n; k++)
            present[cov[c].codes ? cov[c].codes[rows[k]] : (cov[c].flag[rows[k]] != 0)] = 1;
        for (int32_t l = 0; l < nl; l++)
            if (present[l])
                lvix[c][nlv[c]++] = l;
        free(present);
        if (cov[c].codes)
            sort_levels(lvix[c], nlv[c], cov[c].levels);
        if (nlv[c] < 2) {
            snprintf(err, errlen,
                     "survival.cox: covariate %s has only one level in the data; "
                     "a categorical covariate needs at least two",
                     cov[c].name);
            goto fail;
        }
        p += (size_t)nlv[c] - 1;
    }
    r->p = p;
    r->names = calloc(p, sizeof *r->names);
    r->term = calloc(p, sizeof *r->term);
    r->coef = calloc(p, sizeof(double)), r->se = calloc(p, sizeof(double));
    r->hr = calloc(p, sizeof(double)), r->lower = calloc(p, sizeof(double));
    r->upper = calloc(p, sizeof(double)), r->z = calloc(p, sizeof(double));
    r->p_value = calloc(p, sizeof(double)), r->var = calloc(p * p, sizeof(double));
    if (!r->names || !r->term || !r->coef || !r->se || !r->hr || !r->lower || !r->upper || !r->z ||
        !r->p_value || !r->var)
        goto nomem;

    /* 3. sort used rows by time (merging near-ties as R's aeqSurv) */
    utime = malloc((n ? n : 1) * sizeof *utime);
    if (!utime)
        goto nomem;
    for (size_t k = 0; k < n; k++)
        utime[k] = in->time[rows[k]];
    if (surv_order_build(utime, n, &ord, err, errlen) < 0)
        goto fail;

    w.n = n, w.p = p, w.efron = o.ties == COX_EFRON;
    w.time = ord->time;
    w.status = malloc((n ? n : 1) * sizeof *w.status);
    w.x = calloc(p, sizeof *w.x);
    w.u = calloc(p, sizeof *w.u), w.a = calloc(p, sizeof *w.a), w.a2 = calloc(p, sizeof *w.a2);
    w.imat = calloc(p * p, sizeof *w.imat), w.cmat = calloc(p * p, sizeof *w.cmat);
    w.cmat2 = calloc(p * p, sizeof *w.cmat2);
    if (!w.status || !w.x || !w.u || !w.a || !w.a2 || !w.imat || !w.cmat || !w.cmat2)
        goto nomem;
    for (size_t j = 0; j < p; j++)
        if (!(w.x[j] = malloc((n ? n : 1) * sizeof **w.x)))
            goto nomem;
    size_t nevent = 0;
    for (size_t k = 0; k < n; k++) {
        w.status[k] = surv_event_at(in, rows[ord->idx[k]]);
        nevent += (size_t)w.status[k];
    }
    r->nevent = nevent;
    if (nevent == 0) {
        snprintf(err, errlen, "survival.cox: no events in the data");
        goto fail;
    }
    size_t j = 0;
    for (size_t c = 0; c < ncov; c++) {
        if (cov[c].num) {
            r->names[j] = cat2(cov[c].name, "");
            r->term[j] = (int32_t)c;
            if (!r->names[j])
                goto nomem;
            for (size_t k = 0; k < n; k++)
                w.x[j][k] = cov[c].num[rows[ord->idx[k]]];
            j++;
            continue;
        }
        for (int32_t l = 1; l < nlv[c]; l++) {
            int32_t lev = lvix[c][l];
            r->names[j] = cat2(cov[c].name, cov[c].codes ? cov[c].levels[lev] : "TRUE");
            r->term[j] = (int32_t)c;
            if (!r->names[j])
                goto nomem;
            for (size_t k = 0; k < n; k++) {
                uint32_t row = rows[ord->idx[k]];
                int32_t v = cov[c].codes ? cov[c].codes[row] : (cov[c].flag[row] != 0);
                w.x[j][k] = v == lev;
            }
            j++;
        }
    }

    /* 4. centre and scale, except columns of -1/0/1 (coxph's nocenter) */
    beta = calloc(p, sizeof *beta), newbeta = calloc(p, sizeof *newbeta);
    scale = calloc(p, sizeof *scale), mean = calloc(p, sizeof *mean);
    fac = calloc(p * p, sizeof *fac), inv = calloc(p * p, sizeof *inv);
    col = calloc(p, sizeof *col);
    if (!beta || !newbeta || !scale || !mean || !fac || !inv || !col)
        goto nomem;
    for (size_t i = 0; i < p; i++) {
        int zero_one = 1;
        for (size_t k = 0; k < n && zero_one; k++) {
            double v = w.x[i][k];
            zero_one = v == 0 || v == 1 || v == -1;
        }
        scale[i] = 1;
        if (zero_one)
            continue;
        double s = 0;
        for (size_t k = 0; k < n; k++)
            s += w.x[i][k];
        mean[i] = s / (double)n;
        for (size_t k = 0; k < n; k++)
            w.x[i][k] -= mean[i];
        s = 0;
        for (size_t k = 0; k < n; k++)
            s += fabs(w.x[i][k]);
        scale[i] = s > 0 ? (double)n / s : 1.0;
        for (size_t k = 0; k < n; k++)
            w.x[i][k] *= scale[i];
    }

    /* 5. Newton-Raphson as coxfit6 */
    const double tol = pow(DBL_EPSILON, 0.75);
    double loglik0 = cox_iter(&w, beta), best = loglik0;
    memcpy(fac, w.imat, p * p * sizeof *fac);
    gchol(fac, p, tol);
    memcpy(col, w.u, p * sizeof *col);
    gchol_solve(fac, p, col);
    for (size_t i = 0; i < p; i++)
        newbeta[i] = beta[i] + col[i];
    int halving = 0, iter, done = 0;
    double newlk = loglik0;
    for (iter = 1; iter <= COX_MAXITER; iter++) {
        newlk = cox_iter(&w, newbeta);
        memcpy(fac, w.imat, p * p * sizeof *fac);
        gchol(fac, p, tol);
        int notfinite = !isfinite(newlk);
        for (size_t i = 0; i < p; i++) {
            if (!isfinite(w.u[i]))
                notfinite = 1;
            for (size_t k = 0; k < p; k++)
                if (!isfinite(w.imat[i * p + k]))
                    notfinite = 1;
        }
        if (!notfinite && fabs(1 - best / newlk) <= COX_EPS) {
            best = newlk;
            memcpy(beta, newbeta, p * sizeof *beta);
            done = 1;
            break;
        }
        if (notfinite || newlk < best) {
            halving++;
            for (size_t i = 0; i < p; i++)
                newbeta[i] = (newbeta[i] + halving * beta[i]) / (halving + 1.0);
        } else {
            halving = 0;
            best = newlk;
            memcpy(col, w.u, p * sizeof *col);
            gchol_solve(fac, p, col);
            for (size_t i = 0; i < p; i++) {
                beta[i] = newbeta[i];
                newbeta[i] += col[i];
            }
        }
    }
    if (!done) { /* out of iterations: information at the last good beta */
        best = cox_iter(&w, beta);
        memcpy(fac, w.imat, p * p * sizeof *fac);
        gchol(fac, p, tol);
        iter = COX_MAXITER;
    }
    gchol_inverse(fac, p, inv, col);
    r->loglik0 = loglik0;
    r->loglik = best;
    r->iter = iter;
    r->converged = done;

    /* 6. back to the original scale; Wald statistics */
    double zq = surv_zval(o.conf_level);
    for (size_t i = 0; i < p; i++) {
        for (size_t k = 0; k < p; k++)
            r->var[i * p + k] = inv[i * p + k] * scale[i] * scale[k];
        int aliased = fac[i * p + i] == 0;
        double b = beta[i] * scale[i];
        double se = sqrt(r->var[i * p + i]);
        r->coef[i] = aliased ? NAN : b;
        r->se[i] = aliased ? NAN : se;
        r->hr[i] = exp(r->coef[i]);
        r->z[i] = r->coef[i] / r->se[i];
        r->p_value[i] = surv_pchisq_upper(r->z[i] * r->z[i], 1);
        r->lower[i] = exp(r->coef[i] - zq * r->se[i]);
        r->upper[i] = exp(r->coef[i] + zq * r->se[i]);
    }
    rc = 0;
    goto done_label;
nomem:
    snprintf(err, errlen, "survival.cox: out of memory");
fail:
    rc = -1;
done_label:
    for (size_t c = 0; lvix && c < ncov; c++)
        free(lvix[c]);
    free(lvix), free(nlv), free(rows), free(utime);
    if (w.x)
        for (size_t i = 0; i < w.p; i++)
            free(w.x[i]);
    free(w.x), free(w.status), free(w.u), free(w.a), free(w.a2);
    free(w.imat), free(w.cmat), free(w.cmat2);
    free(beta), free(newbeta), free(scale), free(mean), free(fac), free(inv), free(col);
    surv_order_free(ord);
    if (rc == 0)
        *out = r;
    else
        cox_free(r);
    return rc;
}
