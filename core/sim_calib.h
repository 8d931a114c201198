/* sim_calib.h - does the simulator reproduce the published trials?
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The calibration simulates the population until n patients meet each
 * trial's selection, then compares Kaplan-Meier figures with the papers:
 *  - De Ruysscher 2012 (era "deruysscher2012"), radical arm, time from
 *    diagnosis: OS median, 1/2/3-year OS; PFS median, 1/2/3-year PFS;
 *  - Gomez 2016/2019 (era "gomez2016"), radical (LCT) vs systemic
 *    (maintenance/observation) arm, time from randomisation = the landmark:
 *    PFS and OS medians.
 * It also resamples trials of the papers' own sizes (39; 25 + 24) and reports
 * the 2.5-97.5% range of each figure over them.
 *
 * The trial selections are coded here, in C, until the shipped rule sets
 * (scripts/selection) can be applied to a cohort; they are:
 *  - De Ruysscher: 1-4 metastatic lesions at diagnosis (every site of
 *    m_sites counts), no malignant effusion, all sites treatable, ECOG 0-2;
 *  - Gomez: 1-3 lesions (counted at diagnosis, a simplification of "after
 *    first-line therapy"), no malignant effusion, all sites treatable,
 *    ECOG 0-2, alive, progression-free and under follow-up at the landmark
 *    (induction_response stable or response).
 *
 * Kaplan-Meier here is a small private one (medians as print.survfit,
 * survival at a time as summary(extend = TRUE)); it was checked once
 * against R's survfit (see tests/fixtures/sim/km_check.txt).
 */
#ifndef TNMLAB_SIM_CALIB_H
#define TNMLAB_SIM_CALIB_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

enum { SIM_CALIB_MAXFIG = 16 };

/* One published figure and the simulation's. */
typedef struct sim_calib_fig {
    const char *trial; /* "De Ruysscher 2012 (radical)", ... (static text) */
    const char *label; /* "OS median", "OS 1-year", ... (static text) */
    int is_median;     /* months when set, else survival in percent */
    double paper;
    double sim;    /* at n selected patients; NaN = not reached */
    double tol;    /* allowed |sim - paper| */
    double lo, hi; /* 2.5% and 97.5% over trial-size simulations (INFINITY: not reached) */
    int ok;        /* |sim - paper| <= tol */
    int in_range;  /* lo <= paper <= hi (1 when no trials were run) */
} sim_calib_fig;

/* One group of the selection-vs-treatment split (era deruysscher2012,
 * De Ruysscher selection, time from diagnosis). */
typedef struct sim_calib_group {
    const char *name; /* static text */
    size_t n;
    double os_median, os_2y, pfs_median, pfs_2y; /* months, percent */
} sim_calib_group;

typedef struct sim_calib_report {
    size_t n_selected;        /* patients per trial selection */
    size_t pop_dr, pop_gomez; /* population simulated to find them */
    int ntrials;
    int nfig;
    sim_calib_fig fig[SIM_CALIB_MAXFIG];
    sim_calib_group split[3]; /* selected radical, selected systemic, not selected systemic */
    double m_median[3];       /* whole population, systemic arm, OS median by M1a/b/c */
    double all_os_median, all_pfs_median; /* whole population, systemic arm */
} sim_calib_report;

/* Runs the calibration: n_selected patients per trial selection (>= 100),
 * ntrials trial-size resamples (0 to skip them), all from seed.  The eras
 * "deruysscher2012" and "gomez2016" must exist.  Returns 0 and fills *out,
 * or -1 with a message in err (bad parameters, missing era, ENOMEM, or
 * "calibrate: interrupted" after Ctrl-C, see interrupt.h). */
int sim_calibrate(const sim_params *p, size_t n_selected, uint64_t seed, int ntrials,
                  sim_calib_report *out, char *err, size_t errlen);

/* The report as a text table, published figures side by side with the
 * simulation's.  Caller frees; NULL on ENOMEM. */
char *sim_calib_format(const sim_calib_report *r);

/* Kaplan-Meier of n (time, event) pairs (event 0/1; pairs with NaN time are
 * skipped): the median as print.survfit (NaN when not reached) and survival
 * at the nt times at[] as summary(extend = TRUE), into surv_at[].  Returns 0,
 * or -1 on ENOMEM. */
int sim_km_figures(const double *time, const double *event, size_t n, const double *at, size_t nt,
                   double *median, double *surv_at);

#endif
