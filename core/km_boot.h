/* km_boot.h - the difference of two Kaplan-Meier medians with a seeded
 * percentile bootstrap confidence interval.
 *
 * Part of tnmlab (core layer; C11, no Lua, no curses).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A median has no closed-form standard error that R's survival package
 * reports, so its difference between two groups gets its interval from the
 * bootstrap: each replicate draws every group's patients again with
 * replacement (the group sizes kept, as boot::boot with strata = group
 * does), computes each group's median with km_median, and takes the
 * difference; the interval is R's quantile(type = 7) of the replicates at
 * (1 - conf) / 2 and (1 + conf) / 2.  A replicate whose median is not
 * reached counts as +Inf for that group (the median lies beyond follow-up),
 * so the difference is +Inf or -Inf and an interval limit can be "not
 * estimable"; a replicate where neither median is reached is dropped and
 * counted.  The draws come from GSL's MT19937 seeded with `seed`: the same
 * seed gives the same interval on any machine.
 */
#ifndef TNMLAB_KM_BOOT_H
#define TNMLAB_KM_BOOT_H

#include <stddef.h>

#include "survival_data.h"

typedef struct km_boot_result {
    double median[2];    /* each group's median (NaN: not reached) */
    double diff;         /* median[0] - median[1]; NaN when either is not reached */
    double lower, upper; /* the percentile interval; +-INFINITY: not estimable */
    double conf_level;
    int replicates;  /* B */
    int dropped;     /* replicates where neither median was reached */
    int not_reached; /* replicates where one median was not reached (+-Inf) */
    unsigned long seed;
    size_t n[2]; /* patients used per group */
} km_boot_result;

/* The bootstrap of median(group 0) - median(group 1) on in, which must
 * have exactly two strata (in->ngroups == 2); rows are used as km_compute
 * uses them (mask, missing values dropped).  B in 10..100000, conf_level in
 * (0, 1).  Ctrl-C (interrupt.h) stops it: -1 with "interrupted".  Returns
 * 0 and *out, or -1 with err (a group with no patient, bad options, an
 * invalid event or time, ENOMEM). */
int km_median_diff_boot(const surv_input *in, int B, unsigned long seed, double conf_level,
                        km_boot_result *out, char *err, size_t errlen);

#endif
