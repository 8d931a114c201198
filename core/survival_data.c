/* survival_data.c - time order cache, input access, R-compatible helpers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "survival_data.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

static void set_err(char *err, size_t errlen, const char *msg) {
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

/* Order-preserving map of a double to an unsigned key (NaN excluded). */
static inline uint64_t dkey(double x) {
    uint64_t u;
    if (x == 0)
        x = 0.0; /* -0 sorts with +0 */
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}

/* Stable LSD radix sort of (key, row) pairs on 11-bit digits (six passes;
 * small histograms keep the scatter in cache), skipping digits that all
 * keys share (whole-day times leave most mantissa bits at zero). */
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_PASSES 6
static int radix_sort(uint64_t *key, uint32_t *row, size_t n) {
    uint64_t *k2 = malloc((n ? n : 1) * sizeof *k2);
    uint32_t *r2 = malloc((n ? n : 1) * sizeof *r2);
    size_t(*cnt)[RADIX_SIZE] = calloc(RADIX_PASSES, sizeof *cnt);
    if (!k2 || !r2 || !cnt) {
        free(k2), free(r2), free(cnt);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t k = key[i];
        for (int p = 0; p < RADIX_PASSES; p++)
            cnt[p][(k >> (RADIX_BITS * p)) & (RADIX_SIZE - 1)]++;
    }
    uint64_t *ks = key, *kd = k2;
    uint32_t *rs = row, *rd = r2;
    for (int pass = 0; pass < RADIX_PASSES; pass++) {
        size_t *c = cnt[pass];
        int shift = RADIX_BITS * pass;
        if (n == 0 || c[(ks[0] >> shift) & (RADIX_SIZE - 1)] == n)
            continue; /* one digit value */
        size_t sum = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++) {
            size_t pos = c[(ks[i] >> shift) & (RADIX_SIZE - 1)]++;
            kd[pos] = ks[i];
            rd[pos] = rs[i];
        }
        uint64_t *tk = ks;
        ks = kd, kd = tk;
        uint32_t *tr = rs;
        rs = rd, rd = tr;
    }
    if (ks != key) {
        memcpy(key, ks, n * sizeof *key);
        memcpy(row, rs, n * sizeof *row);
    }
    free(k2), free(r2), free(cnt);
    return 0;
}

/* R's aeqSurv over o->time[0..n): over the distinct finite times y, a gap
 * dy is a tie when dy <= tol or dy / mean(|y|) <= tol; each time then
 * becomes the last "cut" (non-tied distinct value) at or below it. */
static void merge_near_ties(surv_order *o) {
    size_t n = o->n;
    const double tol = sqrt(DBL_EPSILON);
    double sumabs = 0;
    size_t nuniq = 0;
    for (size_t k = 0; k < n; k++) {
        double t = o->time[k];
        if (!isfinite(t))
            continue;
        if (nuniq == 0 || t != o->time[k - 1]) {
            sumabs += fabs(t);
            nuniq++;
        }
    }
    if (nuniq > 1) {
        double meanabs = sumabs / (double)nuniq;
        double cut = NAN, prev = NAN;
        for (size_t k = 0; k < n; k++) {
            double t = o->time[k];
            if (!isfinite(t))
                continue;
            if (isnan(prev)) {
                cut = prev = t;
                continue;
            }
            if (t != prev) {
                double dy = t - prev;
                int tied = (dy <= tol) || (dy / meanabs <= tol);
                if (!tied)
                    cut = t;
                prev = t;
            }
            o->time[k] = cut;
        }
    }
}

static surv_order *order_alloc(size_t nrows) {
    surv_order *o = calloc(1, sizeof *o);
    if (o) {
        o->idx = malloc((nrows ? nrows : 1) * sizeof *o->idx);
        o->time = malloc((nrows ? nrows : 1) * sizeof *o->time);
        if (!o->idx || !o->time) {
            surv_order_free(o);
            return NULL;
        }
        o->nrows = nrows;
    }
    return o;
}

int surv_order_build(const double *time, size_t nrows, surv_order **out, char *err, size_t errlen) {
    *out = NULL;
    if (nrows > UINT32_MAX) {
        set_err(err, errlen, "survival: more than 2^32-1 rows");
        return -1;
    }
    surv_order *o = order_alloc(nrows);
    uint64_t *key = malloc((nrows ? nrows : 1) * sizeof *key);
    if (!o || !key)
        goto nomem;
    size_t n = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (isnan(time[i]))
            continue;
        key[n] = dkey(time[i]);
        o->idx[n++] = (uint32_t)i;
    }
    o->n = n;
    o->n_missing = nrows - n;
    if (radix_sort(key, o->idx, n) < 0)
        goto nomem;
    for (size_t i = 0, m = n; i < nrows; i++)
        if (isnan(time[i]))
            o->idx[m++] = (uint32_t)i;
    free(key);
    key = NULL;
    for (size_t k = 0; k < n; k++)
        o->time[k] = time[o->idx[k]];
    merge_near_ties(o);
    *out = o;
    return 0;
nomem:
    free(key);
    surv_order_free(o);
    set_err(err, errlen, "survival: out of memory");
    return -1;
}

int surv_event_coded12(const double *v, size_t n) {
    double mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (v[i] > mx) /* NaN compares false */
            mx = v[i];
    return mx == 2;
}

const surv_order *surv_input_order(const surv_input *in, surv_order **own, char *err,
                                   size_t errlen) {
    *own = NULL;
    if (in->order)
        return in->order;
    if (surv_order_build(in->time, in->nrows, own, err, errlen) < 0)
        return NULL;
    return *own;
}

void surv_order_free(surv_order *o) {
    if (!o)
        return;
    free(o->idx);
    free(o->time);
    free(o);
}

int surv_keys_build(const surv_input *in, surv_keys **out, char *err, size_t errlen) {
    *out = NULL;
    if (!in->order) {
        set_err(err, errlen, "survival: keys need a time order");
        return -1;
    }
    const surv_order *o = in->order;
    surv_keys *k = calloc(1, sizeof *k);
    if (k)
        k->key = malloc((o->n ? o->n : 1) * sizeof *k->key);
    if (!k || !k->key) {
        surv_keys_free(k);
        set_err(err, errlen, "survival: out of memory");
        return -1;
    }
    k->n = o->n;
    for (size_t j = 0; j < o->n; j++) {
        uint32_t row = o->idx[j];
        int e = surv_event_at(in, row);
        int32_t g = surv_group_at(in, row);
        k->key[j] = e == -2 ? -2 : (e < 0 || g < 0) ? -1 : g * 2 + e;
    }
    *out = k;
    return 0;
}

void surv_keys_free(surv_keys *k) {
    if (!k)
        return;
    free(k->key);
    free(k);
}

void surv_event_error(const surv_input *in, size_t row, char *err, size_t errlen) {
    double v = in->event_num ? in->event_num[row] : in->event_i8[row];
    if (err && errlen)
        snprintf(err, errlen,
                 "survival: event value %g at row %zu is not an event code "
                 "(0/1, FALSE/TRUE, or 1/2 with 2 = event)",
                 v, row + 1);
}

void surv_time_error(const surv_input *in, size_t row, char *err, size_t errlen) {
    double t = in->time[row];
    /* R's spelling of the infinities, as the CSV holds them */
    char shown[32];
    if (isinf(t))
        snprintf(shown, sizeof shown, "%s", t < 0 ? "-Inf" : "Inf");
    else
        snprintf(shown, sizeof shown, "%g", t);
    if (err && errlen)
        snprintf(err, errlen, "survival: time %s at row %zu is %s", shown, row + 1,
                 t < 0 && !isinf(t) ? "negative" : "not finite");
}

int surv_input_check(const surv_input *in, char *err, size_t errlen) {
    if (!in || !in->time) {
        set_err(err, errlen, "survival: no time column");
        return -1;
    }
    if ((in->event_num != NULL) == (in->event_i8 != NULL)) {
        set_err(err, errlen, "survival: exactly one event array is needed");
        return -1;
    }
    if (in->ngroups < 1 || (!in->group && in->ngroups != 1)) {
        set_err(err, errlen, "survival: invalid number of strata");
        return -1;
    }
    if (in->group_map && in->ncodes < 0) {
        set_err(err, errlen, "survival: invalid stratum code map");
        return -1;
    }
    if (in->order && in->order->nrows != in->nrows) {
        set_err(err, errlen, "survival: cached time order is for another column");
        return -1;
    }
    if (in->keys && (!in->order || in->keys->n != in->order->n)) {
        set_err(err, errlen, "survival: keys do not belong to the time order");
        return -1;
    }
    if (in->ngroups > (INT32_MAX >> 1)) {
        set_err(err, errlen, "survival: too many strata");
        return -1;
    }
    return 0;
}

double surv_zval(double conf_level) {
    return gsl_cdf_ugaussian_Pinv(1 - (1 - conf_level) / 2);
}

/* R's pmin/pmax keep NaN (C's fmin/fmax drop it). */
static double rmin(double a, double b) {
    return isnan(a) ? a : (a < b ? a : b);
}
static double rmax(double a, double b) {
    return isnan(a) ? a : (a > b ? a : b);
}

void surv_confint(double p, double se, double z, surv_conf_type type, double *lower,
                  double *upper) {
    /* survfit's conf.lower = "usual": selow == se, so the scale is 1 except
     * 0/0 guarded to 1 and Inf/Inf giving NaN, exactly as in R. */
    double scale = (se == 0) ? 1.0 : se / se;
    switch (type) {
    case SURV_CONF_PLAIN: {
        double se2 = se * p * z;
        *lower = rmax(p - se2 * scale, 0);
        *upper = rmin(p + se2, 1);
        break;
    }
    case SURV_CONF_LOG: {
        /* R: exp(log(p) -/+ z se); p * exp(-/+ z se) is the same number up
         * to the last bit at a third of the cost */
        double xx = (p == 0) ? NAN : p;
        double se2 = z * se;
        double ex = exp(se2);
        *lower = scale == 1.0 ? xx / ex : exp(log(xx) - se2 * scale);
        *upper = rmin(xx * ex, 1);
        break;
    }
    case SURV_CONF_LOGLOG: {
        double xx = (p == 0 || p == 1) ? NAN : p;
        double se2 = z * se / log(xx);
        *lower = exp(-exp(log(-log(xx)) - se2 * scale));
        *upper = exp(-exp(log(-log(xx)) + se2));
        break;
    }
    default:
        *lower = *upper = NAN;
    }
}

double surv_pchisq_upper(double x, double df) {
    if (isnan(x) || isnan(df) || df < 0)
        return NAN;
    if (df == 0)
        return x > 0 ? 0.0 : 1.0;
    if (x <= 0)
        return 1.0;
    return gsl_cdf_chisq_Q(x, df);
}

/* ---- format.pval ---------------------------------------------------- */

/* R's scientific(): significant digits needed (<= digits) and the decimal
 * exponent of |x| rounded to digits significant digits. */
static void sci_digits(double x, int digits, int *kpower, int *nsig) {
    char buf[64];
    if (x == 0) {
        *kpower = 0;
        *nsig = 1;
        return;
    }
    snprintf(buf, sizeof buf, "%.*e", digits - 1, fabs(x));
    char *e = strchr(buf, 'e');
    *kpower = atoi(e + 1);
    int ns = 0, last = 0;
    for (char *c = buf; c < e; c++) {
        if (*c < '0' || *c > '9')
            continue;
        ns++;
        if (*c != '0')
            last = ns;
    }
    *nsig = last ? last : 1;
}

/* format(x[0..n-1], digits = digits) for non-negative finite values: common
 * fixed or scientific notation, strings right-aligned to a common width. */
static void format_real(const double *x, size_t n, int digits, char *out, size_t stride) {
    int rgt = 0, mxsl = 1, mxns = 1, mxe = -400, mne = 400, mxl = -400;
    for (size_t i = 0; i < n; i++) {
        int kp, ns;
        sci_digits(x[i], digits, &kp, &ns);
        int left = kp + 1;
        int sleft = (left <= 0) ? 1 : left;
        int right = ns - left;
        if (right > rgt)
            rgt = right;
        if (left > mxl)
            mxl = left;
        if (sleft > mxsl)
            mxsl = sleft;
        if (ns > mxns)
            mxns = ns;
        if (kp > mxe)
            mxe = kp;
        if (kp < mne)
            mne = kp;
    }
    if (mxl < 0)
        mxsl = 1;
    if (rgt < 0)
        rgt = 0;
    int wF = mxsl + rgt + (rgt != 0);
    int e = (mxe >= 100 || mne <= -99) ? 2 : 1;
    int d = mxns - 1;
    int wE = (d > 0) + d + 4 + e;
    int fixed = wF <= wE;
    for (size_t i = 0; i < n; i++) {
        if (fixed)
            snprintf(out + i * stride, stride, "%*.*f", wF, rgt, x[i]);
        else
            snprintf(out + i * stride, stride, "%*.*e", wE, d, x[i]);
    }
}

int surv_format_pval(const double *p, size_t n, int digits, char *out, size_t stride) {
    if (stride < 32 || digits < 1)
        return -1;
    if (digits > 15)
        digits = 15;
    const double eps = DBL_EPSILON;
    double *fx = calloc(n ? n : 1, sizeof *fx);
    double *sx = calloc(n ? n : 1, sizeof *sx);
    char *fb = malloc((n ? n : 1) * 32), *sb = malloc((n ? n : 1) * 32);
    if (!fx || !sx || !fb || !sb) {
        free(fx), free(sx), free(fb), free(sb);
        for (size_t i = 0; i < n; i++)
            snprintf(out + i * stride, stride, "%.3g", p[i]);
        return 0;
    }
    size_t nf = 0, ns = 0, n0 = 0;
    for (size_t i = 0; i < n; i++) {
        double v = p[i];
        if (isnan(v))
            continue;
        if (v < eps) {
            n0++;
            continue;
        }
        if (isinf(v))
            continue; /* printed as "Inf", as R does */
        int expo = (int)floor(log10(v > 0 ? v : 1e-50));
        if (expo >= -3)
            fx[nf++] = v;
        else
            sx[ns++] = v;
    }
    format_real(fx, nf, digits, fb, 32);
    format_real(sx, ns, digits, sb, 32);
    size_t nc = 0, jf = 0, js = 0;
    for (size_t i = 0; i < n; i++) {
        double v = p[i];
        char *dst = out + i * stride;
        if (isnan(v)) {
            snprintf(dst, stride, "NA");
            continue;
        }
        if (v < eps)
            continue;
        int expo = isinf(v) ? 0 : (int)floor(log10(v > 0 ? v : 1e-50));
        snprintf(dst, stride, "%s",
                 isinf(v)     ? "Inf"
                 : expo >= -3 ? fb + 32 * jf++
                              : sb + 32 * js++);
        if (strlen(dst) > nc)
            nc = strlen(dst);
    }
    if (n0) {
        int d0 = digits - 2 > 1 ? digits - 2 : 1;
        const char *sep;
        if (nc > 0) { /* some p-values were formatted: match their width */
            if (d0 > 1 && (size_t)(d0 + 6) > nc)
                d0 = (int)nc - 7 > 1 ? (int)nc - 7 : 1;
            sep = (d0 == 1 && nc <= 6) ? "" : " ";
        } else {
            sep = (d0 == 1) ? "" : " ";
        }
        char eb[32];
        format_real(&eps, 1, d0, eb, sizeof eb);
        for (size_t i = 0; i < n; i++)
            if (!isnan(p[i]) && p[i] < eps)
                snprintf(out + i * stride, stride, "<%s%s", sep, eb);
    }
    free(fx), free(sx), free(fb), free(sb);
    return 0;
}

char *surv_format_p(double p, int digits, char *buf, size_t len) {
    char tmp[32];
    if (surv_format_pval(&p, 1, digits, tmp, sizeof tmp) < 0)
        snprintf(tmp, sizeof tmp, "NA");
    if (buf && len)
        snprintf(buf, len, "%s", tmp);
    return buf;
}
