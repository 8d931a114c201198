/* table1.h - baseline characteristics by group ("table 1").
 *
 * Part of tnmlab (core layer: plain C11 and GSL).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each variable and group: a continuous variable's median and
 * quartiles (R's quantile(type = 7)), mean and SD; a categorical one's
 * counts and percentages of the non-missing values, levels in R's factor
 * order (text by bytes, numbers by value, FALSE before TRUE); missing
 * counts; and the standardized mean difference as the tableone package
 * computes it: continuous |m1 - m2| / sqrt((s1^2 + s2^2) / 2), categorical
 * Yang and Dalton's sqrt((p1 - p2)' S^-1 (p1 - p2)) over the levels but the
 * first, S the mean of the two groups' multinomial covariances; with more
 * than two groups, the mean over the pairs.
 */
#ifndef TNMLAB_TABLE1_H
#define TNMLAB_TABLE1_H

#include <stddef.h>
#include <stdint.h>

#include "cohort.h"

typedef struct table1_var {
    char *name; /* owned */
    int categorical;
    size_t nlevels; /* categorical */
    char **levels;  /* owned */
    /* per group g: */
    double *median, *q1, *q3, *mean, *sd; /* continuous; NaN when no value */
    size_t *missing;
    size_t *count; /* categorical: count[l * ngroups + g] */
    double smd;    /* NaN when undefined */
} table1_var;

typedef struct table1 {
    int ngroups;
    char **group_names; /* owned */
    size_t *group_n;
    size_t nvars;
    table1_var *vars;
} table1;

/* Computes the table over the rows with group[row] in [0, ngroups) (others
 * are left out) for the columns vars[0..nvars); cat[i] nonzero forces
 * variable i to be categorical (text and boolean columns always are;
 * numbers are continuous unless forced).  Returns 0 and *out (free with
 * table1_free), or -1 with err (unknown column, fewer than one group,
 * ENOMEM). */
int table1_compute(const cohort *c, const int32_t *group, int ngroups,
                   const char *const *group_names, const char *const *vars, const int *cat,
                   size_t nvars, table1 **out, char *err, size_t errlen);
void table1_free(table1 *t);

/* A column as a factor, as table1 reads a categorical variable: its levels
 * in that order (at most 1000; the caller frees each and the array) and
 * each of the n rows' level in codes[] (-1: missing).  0, or -1 on ENOMEM. */
int table1_factor(const cohort_column *col, size_t n, char ***levels, size_t *nlevels,
                  int32_t *codes);

#endif
