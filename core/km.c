/* km.c - Kaplan-Meier curves by stratum (see km.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "km.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Up to this many strata the refresh path loops over all of them per time. */
#define KM_FAST_STRATA 16

/* One distinct time of one stratum, collected latest first. */
typedef struct km_row {
    uint32_t k; /* sorted position within the block: its time is order->time[k] */
    int32_t g;  /* stratum */
    uint32_t nr, d, c;
} km_row;

void km_fit_free(km_fit *f) {
    if (!f)
        return;
    for (int32_t g = 0; g < f->nstrata && f->strata; g++) {
        km_curve *c = &f->strata[g];
        free(c->time), free(c->n_risk), free(c->n_event), free(c->n_censor);
        free(c->surv), free(c->std_err), free(c->lower), free(c->upper);
    }
    free(f->strata);
    free(f);
}

double km_median_of(const double *x, const double *y, size_t n) {
    /* survmean's minmin(): keep y < 0.5 + tol (NA dropped) */
    const double tol = sqrt(DBL_EPSILON);
    size_t first = n;
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i]) && y[i] < 0.5 + tol) {
            first = i;
            break;
        }
    if (first == n)
        return NAN;
    if (fabs(y[first] - 0.5) < tol) {
        for (size_t i = first + 1; i < n; i++)
            if (!isnan(y[i]) && y[i] < y[first])
                return (x[first] + x[i]) / 2;
    }
    return x[first];
}

/* Allocates the arrays of a curve with m rows. */
static int alloc_curve(km_curve *c, size_t m) {
    size_t a = m ? m : 1;
    c->time = malloc(a * sizeof *c->time);
    c->n_risk = malloc(a * sizeof *c->n_risk);
    c->n_event = malloc(a * sizeof *c->n_event);
    c->n_censor = malloc(a * sizeof *c->n_censor);
    c->surv = malloc(a * sizeof *c->surv);
    c->std_err = malloc(a * sizeof *c->std_err);
    c->lower = malloc(a * sizeof *c->lower);
    c->upper = malloc(a * sizeof *c->upper);
    return (!c->time || !c->n_risk || !c->n_event || !c->n_censor || !c->surv || !c->std_err ||
            !c->lower || !c->upper)
               ? -1
               : 0;
}

/* Running Kaplan-Meier state of one stratum. */
typedef struct km_run {
    double km, v;
    size_t j;
} km_run;

/* Appends the next (later) row of a curve. */
static inline void add_row(km_curve *c, km_run *r, double t, const km_row *row, double z,
                           surv_conf_type ct) {
    double n = row->nr, d = row->d;
    size_t j = r->j++;
    if (row->d > 0) { /* survfitkm.c, in this order of operations */
        r->km *= (n - d) / n;
        r->v += d / (n * (n - d));
    }
    c->events += row->d;
    c->time[j] = t;
    c->n_risk[j] = row->nr;
    c->n_event[j] = row->d;
    c->n_censor[j] = row->c;
    c->surv[j] = r->km;
    c->std_err[j] = sqrt(r->v);
    if (row->d > 0 || j == 0) {
        surv_confint(r->km, c->std_err[j], z, ct, &c->lower[j], &c->upper[j]);
    } else { /* a censoring-only row: same estimate, same interval as R */
        c->lower[j] = c->lower[j - 1];
        c->upper[j] = c->upper[j - 1];
    }
}

/* Medians once the rows are in. */
static void finish_curve(km_curve *c) {
    size_t m = c->ntime;
    c->n = m ? c->n_risk[0] : 0;
    c->median = km_median_of(c->time, c->surv, m);
    /* print.survfit: the lower limit comes from the lower curve */
    c->median_lower = km_median_of(c->time, c->lower, m);
    c->median_upper = km_median_of(c->time, c->upper, m);
}

int km_compute(const surv_input *in, const km_options *opt, km_fit **out, char *err,
               size_t errlen) {
    *out = NULL;
    if (surv_input_check(in, err, errlen) < 0)
        return -1;
    km_options o = opt ? *opt : (km_options){SURV_CONF_LOG, 0.95, 0};
    if (o.conf_level == 0)
        o.conf_level = 0.95;
    if (!(o.conf_level > 0 && o.conf_level < 1)) {
        snprintf(err, errlen, "survival.km: conf_level must be between 0 and 1");
        return -1;
    }
    if (o.conf_type < SURV_CONF_LOG || o.conf_type > SURV_CONF_NONE) {
        snprintf(err, errlen, "survival.km: unknown confidence interval type");
        return -1;
    }

    surv_order *own = NULL;
    const surv_order *ord = surv_input_order(in, &own, err, errlen);
    if (!ord)
        return -1;

    int32_t ng = in->ngroups;
    km_fit *f = calloc(1, sizeof *f);
    km_row *rows = malloc((ord->n ? ord->n : 1) * sizeof *rows);
    uint32_t *risk = calloc((size_t)ng, sizeof *risk);
    uint32_t *dd = calloc((size_t)ng, sizeof *dd);
    uint32_t *cc = calloc((size_t)ng, sizeof *cc);
    int32_t *touched = malloc((size_t)ng * sizeof *touched);
    km_run *run = calloc((size_t)ng, sizeof *run);
    int rc = -1;
    if (!f || !rows || !risk || !dd || !cc || !touched || !run)
        goto nomem;
    f->nstrata = ng;
    f->conf_type = o.conf_type;
    f->conf_level = o.conf_level;
    f->reverse = o.reverse;
    f->strata = calloc((size_t)ng, sizeof *f->strata);
    if (!f->strata)
        goto nomem;

    const uint8_t *mask = in->mask;
    const uint32_t *idx = ord->idx;
    const double *st = ord->time;
    size_t dropped = 0, used = 0, nrow = 0;

    /* rows with a missing time: counted when selected */
    for (size_t k = ord->n; k < ord->nrows; k++)
        if (!mask || mask[idx[k]])
            dropped++;

    /* Walk the sorted rows from the latest time back, as survfitkm.c does:
     * the number at risk accumulates and needs no first pass.  Each
     * (time, stratum) becomes one row record, latest first. */
    size_t k = ord->n;
    if (in->keys && (ng <= KM_FAST_STRATA || in->keys->pooled)) {
        /* the refresh path: keys in sequence, the mask the only gather,
         * no branch on the selection */
        const int32_t *key = in->keys->key;
        uint32_t rev = o.reverse ? 1u : 0u;
        uint32_t gmask = in->keys->pooled ? 0u : ~0u; /* pooled: one stratum */
        while (k > 0) {
            double t = st[k - 1];
            size_t kend = k;
            while (k > 0 && st[k - 1] == t)
                k--;
            int bad_time = t < 0 || isinf(t);
            if (kend - k == 1 && key[k] >= 0 && !bad_time) { /* a time of its own */
                if (mask && !mask[idx[k]])
                    continue;
                uint32_t g = ((uint32_t)key[k] >> 1) & gmask, e = ((uint32_t)key[k] & 1u) ^ rev;
                risk[g]++;
                used++;
                rows[nrow++] = (km_row){(uint32_t)k, (int32_t)g, risk[g], e, e ^ 1u};
                f->strata[g].ntime++;
                continue;
            }
            for (size_t j = k; j < kend; j++) {
                uint32_t sel = mask ? mask[idx[j]] != 0 : 1u;
                int32_t v = key[j];
                if (v < 0 || bad_time) {
                    if (!sel)
                        continue;
                    if (v == -2) {
                        surv_event_error(in, idx[j], err, errlen);
                        goto fail;
                    }
                    if (v == -1) {
                        dropped++;
                        continue;
                    }
                    surv_time_error(in, idx[j], err, errlen);
                    goto fail;
                }
                uint32_t g = ((uint32_t)v >> 1) & gmask, e = ((uint32_t)v & 1u) ^ rev;
                dd[g] += sel & e;
                cc[g] += sel & (e ^ 1u);
            }
            for (int32_t g = 0; g < ng; g++) {
                if ((dd[g] | cc[g]) == 0)
                    continue;
                risk[g] += dd[g] + cc[g];
                used += dd[g] + cc[g];
                rows[nrow++] = (km_row){(uint32_t)k, g, risk[g], dd[g], cc[g]};
                f->strata[g].ntime++;
                dd[g] = cc[g] = 0;
            }
        }
    }
    while (k > 0) {
        double t = st[k - 1];
        int32_t nt = 0;
        if (t < 0 || isinf(t)) { /* sorted: only the ends can be bad */
            size_t j = k;
            int32_t g = 0;
            int e = 0;
            while (j > 0 && st[j - 1] == t) {
                j--;
                if (surv_fetch(in, ord, j, &g, &e) == 1) {
                    surv_time_error(in, idx[j], err, errlen);
                    goto fail;
                }
            }
        }
        while (k > 0 && st[k - 1] == t) {
            k--;
            int32_t g = 0;
            int e = 0;
            int st_k = surv_fetch(in, ord, k, &g, &e);
            if (st_k == 1) {
                if (o.reverse)
                    e = !e;
                if (dd[g] == 0 && cc[g] == 0)
                    touched[nt++] = g;
                risk[g]++;
                dd[g] += (uint32_t)e;
                cc[g] += (uint32_t)!e;
                used++;
            } else if (st_k == -1) {
                dropped++;
            } else if (st_k == -2) {
                surv_event_error(in, idx[k], err, errlen);
                goto fail;
            }
        }
        for (int32_t j = 0; j < nt; j++) {
            int32_t g = touched[j];
            rows[nrow++] = (km_row){(uint32_t)k, g, risk[g], dd[g], cc[g]};
            f->strata[g].ntime++;
            dd[g] = cc[g] = 0;
        }
    }
    f->n_used = used;
    f->n_missing = dropped;

    double z = surv_zval(o.conf_level);
    for (int32_t g = 0; g < ng; g++) {
        if (alloc_curve(&f->strata[g], f->strata[g].ntime) < 0)
            goto nomem;
        run[g].km = 1.0;
    }
    for (size_t r = nrow; r-- > 0;) { /* earliest first */
        const km_row *row = &rows[r];
        add_row(&f->strata[row->g], &run[row->g], st[row->k], row, z, o.conf_type);
    }
    for (int32_t g = 0; g < ng; g++)
        finish_curve(&f->strata[g]);
    rc = 0;
    goto done;
nomem:
    snprintf(err, errlen, "survival.km: out of memory");
fail:
    rc = -1;
done:
    free(rows), free(risk), free(dd), free(cc), free(touched), free(run);
    surv_order_free(own);
    if (rc == 0)
        *out = f;
    else
        km_fit_free(f);
    return rc;
}

int km_median(const surv_input *in, const km_options *opt, double *median, char *err,
              size_t errlen) {
    *median = NAN;
    if (surv_input_check(in, err, errlen) < 0)
        return -1;
    surv_order *own = NULL;
    const surv_order *ord = surv_input_order(in, &own, err, errlen);
    if (!ord)
        return -1;
    int rev = opt && opt->reverse;
    const double *st = ord->time;
    int rc = -1;
    /* pass 1: the rows used (the number at risk at the first time) */
    size_t used = 0;
    if (in->keys && !in->mask) { /* the refresh path: keys in sequence */
        const int32_t *key = in->keys->key;
        int bad = 0;
        for (size_t k = 0; k < ord->n; k++) {
            used += key[k] >= 0;
            bad |= key[k] == -2;
        }
        if (ord->n && (st[0] < 0 || isinf(st[ord->n - 1])))
            bad = 1;
        if (bad)
            used = 0; /* the general pass below finds and names the row */
        else
            goto counted;
    }
    for (size_t k = 0; k < ord->n; k++) {
        int32_t g;
        int e, f = surv_fetch(in, ord, k, &g, &e);
        if (f == -2) {
            surv_event_error(in, ord->idx[k], err, errlen);
            goto done;
        }
        if (f == 1 && (st[k] < 0 || isinf(st[k]))) {
            surv_time_error(in, ord->idx[k], err, errlen);
            goto done;
        }
        used += f == 1;
    }
counted:;
    /* pass 2: forward in time, the estimate as add_row computes it, and
     * km_median_of's rule applied as the rows come */
    const double tol = sqrt(DBL_EPSILON);
    double km = 1, y_first = NAN, x_first = NAN;
    size_t risk = used;
    for (size_t k = 0; k < ord->n;) {
        double t = st[k];
        uint32_t d = 0, u = 0;
        if (in->keys && !in->mask) {
            const int32_t *key = in->keys->key;
            uint32_t flip = rev ? 1u : 0u;
            for (; k < ord->n && st[k] == t; k++) {
                int32_t v = key[k];
                uint32_t ok = v >= 0;
                u += ok;
                d += ok & (((uint32_t)v & 1u) ^ flip);
            }
        } else {
            for (; k < ord->n && st[k] == t; k++) {
                int32_t g;
                int e;
                if (surv_fetch(in, ord, k, &g, &e) != 1)
                    continue;
                u++;
                d += (uint32_t)(rev ? !e : e);
            }
        }
        if (u == 0)
            continue; /* no row of the curve at this time */
        if (d > 0) {
            double n = (double)risk, dd = d;
            km *= (n - dd) / n;
        }
        risk -= u;
        if (isnan(x_first)) {
            if (km < 0.5 + tol) {
                x_first = t;
                y_first = km;
                if (!(fabs(km - 0.5) < tol)) {
                    *median = t;
                    break;
                }
            }
        } else if (km < y_first) {
            *median = (x_first + t) / 2;
            break;
        }
    }
    if (isnan(*median) && !isnan(x_first))
        *median = x_first;
    rc = 0;
done:
    surv_order_free(own);
    return rc;
}

/* The curve as survfit0() presents it: a row at time 0 (surv 1, se 0,
 * interval 1, n_risk of the first row) unless the first time is 0. */
typedef struct curve0 {
    const km_curve *c;
    int pre; /* 1 when the time-0 row is prepended */
    size_t n;
} curve0;

static curve0 curve0_of(const km_curve *c) {
    curve0 z = {c, 0, c->ntime};
    if (c->ntime == 0 || c->time[0] != 0) {
        z.pre = 1;
        z.n++;
    }
    return z;
}

static double c0_time(const curve0 *z, size_t i) {
    return z->pre ? (i ? z->c->time[i - 1] : 0) : z->c->time[i];
}
static double c0_surv(const curve0 *z, size_t i) {
    return z->pre ? (i ? z->c->surv[i - 1] : 1) : z->c->surv[i];
}
static double c0_se(const curve0 *z, size_t i) {
    return z->pre ? (i ? z->c->std_err[i - 1] : 0) : z->c->std_err[i];
}
static double c0_lower(const curve0 *z, size_t i) {
    return z->pre ? (i ? z->c->lower[i - 1] : 1) : z->c->lower[i];
}
static double c0_upper(const curve0 *z, size_t i) {
    return z->pre ? (i ? z->c->upper[i - 1] : 1) : z->c->upper[i];
}
static double c0_nrisk(const curve0 *z, size_t i) {
    if (z->c->ntime == 0)
        return 0;
    return z->pre ? (i ? z->c->n_risk[i - 1] : z->c->n_risk[0]) : z->c->n_risk[i];
}
static double c0_hh(const curve0 *z, size_t i) {
    if (z->pre && i == 0)
        return 0;
    size_t j = z->pre ? i - 1 : i;
    double n = z->c->n_risk[j], d = z->c->n_event[j];
    return (n - d) == 0 ? 0 : d / (n * (n - d));
}

int km_rmean(const km_curve *c, double tau, double *rmean, double *se) {
    *rmean = *se = NAN;
    if (!(tau >= 0) || isinf(tau))
        return -1;
    curve0 z = curve0_of(c);
    /* survmean(): temptime = c(time[time <= tau], tau); start.time = 0 */
    size_t keep = 0;
    while (keep < z.n && c0_time(&z, keep) <= tau)
        keep++;
    size_t n = keep + 1;
    double *rect = malloc(n * sizeof *rect);
    if (!rect)
        return -1;
    double mean = 0, prev_t = 0;
    for (size_t i = 0; i < n; i++) {
        double ti = i < keep ? c0_time(&z, i) : tau;
        double s_prev = i == 0 ? 1.0 : c0_surv(&z, i - 1);
        rect[i] = (ti - prev_t) * s_prev;
        prev_t = ti;
        mean += rect[i];
    }
    /* varmean = sum(cumsum(rev(rect[-1]))^2 * rev(hh)[-1]); hh[n-1] = 0 */
    double var = 0, acc = 0;
    for (size_t i = n - 1; i >= 1; i--) {
        acc += rect[i];
        double hh = c0_hh(&z, i - 1);
        var += acc * acc * hh;
    }
    free(rect);
    *rmean = mean;
    *se = sqrt(var);
    return 0;
}

void km_at(const km_curve *c, const double *times, size_t nt, int extend, km_point *out) {
    curve0 z = curve0_of(c);
    double maxt = c0_time(&z, z.n - 1);
    for (size_t j = 0; j < nt; j++) {
        double t = times[j];
        km_point *p = &out[j];
        p->time = t;
        p->surv = p->std_err = p->lower = p->upper = NAN;
        p->n_risk = 0;
        p->in_range = 0;
        if (!isfinite(t) || c->ntime == 0)
            continue;
        if (!extend && t > maxt)
            continue;
        /* index1 = #times <= t, index2 = #times < t (findInterval) */
        size_t lo = 0, hi = z.n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (c0_time(&z, mid) <= t)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t i1 = lo;
        lo = 0, hi = z.n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (c0_time(&z, mid) < t)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t i2 = lo;
        size_t row = i1 ? i1 - 1 : 0;
        p->in_range = 1;
        p->surv = c0_surv(&z, row);
        p->std_err = c0_se(&z, row) * p->surv;
        p->lower = c0_lower(&z, row);
        p->upper = c0_upper(&z, row);
        p->n_risk = i2 < z.n ? c0_nrisk(&z, i2) : 0;
    }
}
