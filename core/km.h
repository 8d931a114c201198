/* km.h - Kaplan-Meier curves by stratum, as R's survfit() computes them.
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every figure follows survival 3.5-3: Greenwood variance; std_err is
 * survfit's std.err (the standard error of the cumulative hazard, i.e. of
 * -log S); intervals from survfit_confint (log, log-log, plain, with R's NA
 * and clipping); the median and its interval as print.survfit/summary()$table
 * (first time the curve is below 0.5, midpoint of a flat stretch exactly at
 * 0.5); the restricted mean and its standard error as print(fit, rmean = tau);
 * survival at given times as summary(fit, times, extend).  NaN stands for
 * R's NA ("not reached", undefined interval).
 */
#ifndef TNMLAB_KM_H
#define TNMLAB_KM_H

#include <stddef.h>
#include <stdint.h>

#include "survival_data.h"

/* One stratum's curve: one row per distinct time (events and censorings),
 * like the survfit object itself (summary() shows only the event rows). */
typedef struct km_curve {
    size_t n;      /* rows used (R's "records") */
    size_t events; /* total events */
    size_t ntime;  /* rows of the table below */
    double *time;
    uint32_t *n_risk; /* at risk just before time */
    uint32_t *n_event;
    uint32_t *n_censor;
    double *surv;
    double *std_err; /* survfit's std.err: SE of -log S; surv * std_err is summary()'s */
    double *lower;   /* NaN where R gives NA */
    double *upper;
    double median, median_lower, median_upper; /* NaN: not reached */
} km_curve;

typedef struct km_options {
    surv_conf_type conf_type; /* SURV_CONF_LOG is R's default */
    double conf_level;        /* in (0, 1); 0 means 0.95 */
    int reverse; /* reverse Kaplan-Meier (censoring is the event), for median follow-up */
} km_options;

typedef struct km_fit {
    int32_t nstrata;
    km_curve *strata; /* nstrata curves, in the caller's stratum order */
    surv_conf_type conf_type;
    double conf_level;
    int reverse;
    size_t n_used;    /* rows in the curves */
    size_t n_missing; /* selected rows dropped: missing time, event or stratum */
} km_fit;

/* Point of a curve at a requested time, as summary(fit, times = t). */
typedef struct km_point {
    double time;
    int in_range;   /* 0: past the last observation and extend was 0 (R drops it) */
    double surv;    /* NaN when !in_range */
    double std_err; /* survival scale, as summary() prints it */
    double lower, upper;
    double n_risk; /* at risk at time (0 past the last observation) */
} km_point;

/* Fits one curve per stratum of in (see survival_data.h).  Rows not
 * selected by in->mask are ignored; selected rows with a missing time, event
 * or stratum are dropped and counted in n_missing, as R drops NA rows.
 * Returns 0 and *out (caller frees with km_fit_free), or -1 with a message
 * in err: negative or infinite time, an event code other than 0/1 (1/2),
 * bad options, or ENOMEM. */
int km_compute(const surv_input *in, const km_options *opt, km_fit **out, char *err, size_t errlen);

/* The median of the curve km_compute would fit to in, pooled over its
 * strata (with opt->reverse: the reverse Kaplan-Meier, median follow-up),
 * without building the curve: two passes over the sorted rows, no
 * allocation.  Returns 0 with *median (NaN when the curve never falls below
 * 0.5), or -1 with err as km_compute. */
int km_median(const surv_input *in, const km_options *opt, double *median, char *err,
              size_t errlen);

/* Frees a fit and its curves; NULL is fine. */
void km_fit_free(km_fit *f);

/* Restricted mean survival time up to tau (tau >= 0) and its standard error,
 * as print(fit, rmean = tau): the area under the curve from 0 to tau.
 * Returns 0, or -1 when tau is negative or not finite (outputs NaN). */
int km_rmean(const km_curve *c, double tau, double *rmean, double *se);

/* Survival, interval and number at risk at times[0..nt-1] (any order),
 * written to out[0..nt-1].  Times before 0 give the starting value 1; a time
 * past the stratum's last observation gives in_range = 0 unless extend is
 * set (then the last value, n_risk 0, as summary(extend = TRUE)). */
void km_at(const km_curve *c, const double *times, size_t nt, int extend, km_point *out);

/* Median as print.survfit computes it from a curve y over times x (n
 * points): the first x where y < 0.5, or the midpoint to the next drop when
 * y sits exactly at 0.5; NaN when never below 0.5.  NaN y values are skipped
 * (that is how NA interval bounds behave in R). */
double km_median_of(const double *x, const double *y, size_t n);

#endif
