/* cox.h - Cox proportional hazards, as R's coxph() (right-censored data,
 * no strata, no weights).
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Newton-Raphson from beta = 0 with step halving, convergence when the
 * relative change of the log partial likelihood is <= 1e-9, at most 20
 * iterations, Efron (default) or Breslow ties, covariates centred and
 * scaled except 0/1 columns, a generalised Cholesky with tolerance
 * DBL_EPSILON^0.75 that drops aliased columns: all as coxph.fit/coxfit6.
 * Wald p = pchisq((coef/se)^2, 1, upper); interval exp(coef -/+ z se).
 */
#ifndef TNMLAB_COX_H
#define TNMLAB_COX_H

#include <stddef.h>
#include <stdint.h>

#include "survival_data.h"

typedef enum cox_ties { COX_EFRON = 0, COX_BRESLOW = 1 } cox_ties;

/* One term of the model.  Set exactly one of num, codes, flag.
 * - num: numeric covariate, one coefficient named `name`.
 * - codes: categorical; codes index levels[0..nlevels-1].  The levels
 *   present in the used rows are sorted by bytes (R's factor order in the C
 *   locale); the first is the reference, the others get coefficients named
 *   name followed by the level ("ecogB").
 * - flag: boolean (0/1, negative = missing), coefficient `name`"TRUE" with
 *   FALSE as the reference, as R does for a logical column. */
typedef struct cox_covariate {
    const char *name;
    const double *num;    /* NaN = missing */
    const int32_t *codes; /* negative = missing */
    const char *const *levels;
    int32_t nlevels;
    const int8_t *flag;
} cox_covariate;

typedef struct cox_options {
    cox_ties ties;     /* COX_EFRON is R's default */
    double conf_level; /* 0 means 0.95 */
} cox_options;

typedef struct cox_result {
    size_t p;      /* number of coefficients */
    char **names;  /* R's coefficient names */
    int32_t *term; /* the covariate (index into the input) of each coefficient */
    double *coef;  /* NaN for a column R reports as NA (constant or aliased) */
    double *se;
    double *hr;    /* exp(coef) */
    double *lower; /* exp(coef - z se) */
    double *upper;
    double *z;       /* coef / se */
    double *p_value; /* Wald, two-sided */
    double *var;     /* p x p variance matrix, row-major (0 rows/cols for NA) */
    double loglik0;  /* at beta = 0 */
    double loglik;   /* at the estimate */
    int iter;        /* Newton-Raphson iterations used */
    int converged;   /* 0 when 20 iterations did not converge (R warns) */
    size_t n;        /* rows used */
    size_t nevent;
    size_t n_missing; /* selected rows dropped for a missing time, event or covariate */
} cox_result;

/* Fits the model on the rows of in (time, event, mask; in->group is not
 * used) with the ncov covariates.  Returns 0 and *out (caller frees with
 * cox_free), or -1 with a message in err: no covariates, a categorical
 * covariate with fewer than two levels in the data, no events, negative or
 * infinite time, an invalid event code, or ENOMEM. */
int cox_fit(const surv_input *in, const cox_covariate *cov, size_t ncov, const cox_options *opt,
            cox_result **out, char *err, size_t errlen);

/* Frees a result; NULL is fine. */
void cox_free(cox_result *r);

#endif
