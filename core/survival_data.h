/* survival_data.h - inputs shared by the survival statistics (km, logrank,
 * cox): plain column arrays, a cached time order, and R-compatible helpers
 * (confidence intervals, p-value formatting).
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The statistics never see the cohort type.  A caller describes the data as
 * arrays over the cohort's rows (time, event, optional stratum codes,
 * optional selection mask) and may pass a surv_order built once per time
 * column, so that a curve for a new selection costs one pass over the rows.
 *
 * Agreement with R (survival 3.5-3): times that R's aeqSurv() would merge
 * (gaps below sqrt(DBL_EPSILON), absolute or relative to the mean of the
 * distinct times) are merged by surv_order_build().  R decides this over the
 * rows of one call; tnmlab over all non-missing times of the column, which
 * differs only for selections whose near-ties are 1e-8 apart.
 */
#ifndef TNMLAB_SURVIVAL_DATA_H
#define TNMLAB_SURVIVAL_DATA_H

#include <stddef.h>
#include <stdint.h>

/* Confidence interval transform for survival curves, as survfit's conf.type. */
typedef enum surv_conf_type {
    SURV_CONF_LOG = 0, /* R's default */
    SURV_CONF_LOGLOG = 1,
    SURV_CONF_PLAIN = 2,
    SURV_CONF_NONE = 3
} surv_conf_type;

/* Row order of a time column, ascending, built once and shared by every
 * curve and test on that column (its owner rebuilds it when the column
 * changes).  Rows with a missing (NaN) time are left out. */
typedef struct surv_order {
    size_t nrows;     /* rows of the column it was built from */
    size_t n;         /* rows with a non-NaN time */
    uint32_t *idx;    /* nrows row numbers: the n timed rows by ascending time
                         (ties keep row order), then the rows with NaN time */
    double *time;     /* n times in that order, near-ties merged as R's aeqSurv */
    size_t n_missing; /* rows with a NaN time */
} surv_order;

/* Event and stratum of every timed row in time order, for one combination
 * of event column and strata: with it a curve for a new selection reads
 * only the selection mask at random, everything else in sequence.  Built
 * once per (time, event, strata) columns and kept by the caller. */
typedef struct surv_keys {
    size_t n;     /* = order->n */
    int32_t *key; /* position k: stratum * 2 + event; -1 missing event or
                     stratum; -2 an invalid event code */
    int pooled;   /* km_compute only: read every stratum as one (an input
                     with ngroups 1 over keys built for several strata) */
} surv_keys;

/* The data for one computation.  Arrays are indexed by row (0..nrows-1) and
 * are only read.  Exactly one of event_num / event_i8 is set. */
typedef struct surv_input {
    size_t nrows;
    const double *time;       /* required; NaN = missing */
    const surv_order *order;  /* optional cached order of time (NULL: sorted here) */
    const double *event_num;  /* 0/1 (or 1/2 with event_12), NaN = missing */
    const int8_t *event_i8;   /* 0/1, negative = missing (boolean columns) */
    int event_12;             /* event_num is coded 1 = censored, 2 = event */
    const int32_t *group;     /* optional stratum code per row; NULL = one stratum */
    const int32_t *group_map; /* optional: code -> stratum 0..ngroups-1, <0 = drop */
    int32_t ncodes;           /* codes are 0..ncodes-1 when group_map is set */
    int32_t ngroups;          /* number of strata (1 when group is NULL) */
    const uint8_t *mask;      /* optional selection: row used when mask[row] != 0 */
    const surv_keys *keys;    /* optional, built from this input's order, event
                                 and strata by surv_keys_build */
} surv_input;

/* Sorts the times of a column (radix sort, stable) and merges near-ties as
 * R's aeqSurv does.  On success returns 0 and *out (caller frees with
 * surv_order_free).  Returns -1 with a message in err (errlen bytes) on
 * ENOMEM or when nrows does not fit in 32 bits. */
int surv_order_build(const double *time, size_t nrows, surv_order **out, char *err, size_t errlen);
/* The time order of in: in->order, or one sorted here and returned in
 * *own (the caller frees it with surv_order_free).  NULL with err on
 * ENOMEM. */
const surv_order *surv_input_order(const surv_input *in, surv_order **own, char *err,
                                   size_t errlen);

/* Frees an order; NULL is fine. */
void surv_order_free(surv_order *o);

/* R's Surv() on a numeric status: coded 1/2 (1 censored, 2 event) when its
 * largest non-missing value is 2, else 0/1.  Returns 1 for 1/2 coding. */
int surv_event_coded12(const double *v, size_t n);

/* Event value of row i: 1 event, 0 censored, -1 missing, -2 invalid code
 * (a value R's Surv() would turn into NA with a warning; tnmlab refuses). */
static inline int surv_event_at(const surv_input *in, size_t i) {
    if (in->event_i8) {
        int8_t v = in->event_i8[i];
        return v < 0 ? -1 : v == 0 ? 0 : v == 1 ? 1 : -2;
    }
    double v = in->event_num[i];
    if (v != v)
        return -1;
    if (in->event_12)
        return v == 2 ? 1 : v == 1 ? 0 : -2;
    return v == 1 ? 1 : v == 0 ? 0 : -2;
}

/* Stratum of row i: 0..ngroups-1, or -1 when the stratum is missing/dropped. */
static inline int32_t surv_group_at(const surv_input *in, size_t i) {
    if (!in->group)
        return 0;
    int32_t g = in->group[i];
    if (in->group_map) {
        if (g < 0 || g >= in->ncodes)
            return -1;
        g = in->group_map[g];
    }
    return (g < 0 || g >= in->ngroups) ? -1 : g;
}

/* Reads the timed row at sorted position k of ord: 1 when used (stratum
 * in *g, event in *e), 0 when not selected, -1 when dropped (missing event
 * or stratum), -2 when its event code is invalid. */
static inline int surv_fetch(const surv_input *in, const surv_order *ord, size_t k, int32_t *g,
                             int *e) {
    if (in->mask && !in->mask[ord->idx[k]])
        return 0;
    if (in->keys) {
        int32_t v = in->keys->key[k];
        if (v < 0)
            return v;
        *g = in->keys->pooled ? 0 : v >> 1;
        *e = v & 1;
        return 1;
    }
    uint32_t row = ord->idx[k];
    *e = surv_event_at(in, row);
    if (*e == -2)
        return -2;
    *g = surv_group_at(in, row);
    return (*e < 0 || *g < 0) ? -1 : 1;
}

/* Builds the keys for in (in->order must be set).  Returns 0 and *out
 * (caller frees with surv_keys_free), or -1 with a message on ENOMEM. */
int surv_keys_build(const surv_input *in, surv_keys **out, char *err, size_t errlen);
/* Frees keys; NULL is fine. */
void surv_keys_free(surv_keys *k);

/* Message for an invalid event code at row (0-based) into err. */
void surv_event_error(const surv_input *in, size_t row, char *err, size_t errlen);
/* Message for a negative or infinite time at row (0-based) into err. */
void surv_time_error(const surv_input *in, size_t row, char *err, size_t errlen);

/* Checks the input description (arrays present, one event array, group
 * codes consistent).  0 when usable, else -1 with a message in err. */
int surv_input_check(const surv_input *in, char *err, size_t errlen);

/* Normal quantile for a two-sided interval at conf_level (0.95 -> 1.96...). */
double surv_zval(double conf_level);

/* Confidence interval of a survival estimate p whose standard error on the
 * cumulative-hazard scale is se (survfit's std.err), exactly as R's
 * survfit_confint(): NaN where R gives NA, upper clipped at 1 (log, plain),
 * lower clipped at 0 (plain).  z from surv_zval(). */
void surv_confint(double p, double se, double z, surv_conf_type type, double *lower, double *upper);

/* Upper tail of the chi-square distribution, R's pchisq(x, df, lower.tail =
 * FALSE); NaN when df < 0 or x is NaN, and for df = 0 the point mass at 0. */
double surv_pchisq_upper(double x, double df);

/* Formats p-values as R's format.pval(p, digits) does for the vector p[0..n-1]
 * (R pads and picks notation per vector: "0.00131", "<2e-16", "< 2e-16").
 * Writes each string, NUL-terminated, into out + i * stride (stride bytes
 * each; 32 is always enough).  NaN prints as "NA".  Returns 0, or -1 when
 * stride < 32 or digits < 1. */
int surv_format_pval(const double *p, size_t n, int digits, char *out, size_t stride);

/* One p-value as format.pval(p, digits); buf needs 32 bytes.  Returns buf. */
char *surv_format_p(double p, int digits, char *buf, size_t len);

#endif
