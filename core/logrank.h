/* logrank.h - log-rank test for k groups, as R's survdiff() (rho = 0).
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Observed and expected events per group and their variance matrix are
 * accumulated as survdiff2.c does; the statistic uses the groups with
 * expected > 0 minus the first, df = that count - 1, p = pchisq upper tail.
 */
#ifndef TNMLAB_LOGRANK_H
#define TNMLAB_LOGRANK_H

#include <stddef.h>
#include <stdint.h>

#include "survival_data.h"

typedef struct logrank_result {
    int32_t ngroups;  /* the strata of the input, in its order */
    double *n;        /* rows per group */
    double *observed; /* events per group */
    double *expected; /* expected events per group under equal hazards */
    double *var;      /* ngroups x ngroups variance of O - E, row-major */
    double chisq;     /* 0 when fewer than 2 groups have expected > 0 */
    int df;           /* groups with expected > 0, minus 1 (may be -1 or 0) */
    double p;         /* upper tail of chi-square(df); NaN when df < 0 */
    size_t n_used;    /* rows in the test */
    size_t n_missing; /* selected rows dropped for missing time/event/group */
} logrank_result;

/* Log-rank test across the strata of in (in->group must be set).
 * Returns 0 and *out (caller frees with logrank_free), or -1 with a message
 * in err: fewer than two groups with rows, negative or infinite time, an
 * invalid event code, a singular variance matrix, or ENOMEM. */
int logrank_compute(const surv_input *in, logrank_result **out, char *err, size_t errlen);

/* Frees a result; NULL is fine. */
void logrank_free(logrank_result *r);

#endif
