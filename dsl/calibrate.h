/* calibrate.h - does the simulated population reproduce the published
 * trials?  The calibration report (doc/model.md#calibration).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The report simulates the stage IV scenario and selects its patients with
 * the shipped rule sets themselves (scripts/selection/deruysscher2012.lua and
 * gomez2016.lua, run by the rule engine as a session runs them); every
 * survival figure is core/km.c's Kaplan-Meier, every hazard ratio
 * core/cox.c's.  Each figure is one of:
 *  - fitted: a target of tools/fit_sim (De Ruysscher 2012's OS and PFS, its
 *    case mix, the IASLC OS medians by M category, the era's systemic PFS);
 *  - stated: an input of the scenario that must come out as stated (the ECOG
 *    hazard ratios);
 *  - predicted: never fitted (Gomez 2016/2019 from randomisation);
 *  - check: a plausibility bound (survival after progression >= 3 months).
 * Figures of a trial also get the 2.5-97.5% range over resampled trials of
 * the paper's size.
 */
#ifndef TNMLAB_CALIBRATE_H
#define TNMLAB_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

enum { CALIB_MAXFIG = 40 };

typedef enum calib_role {
    CALIB_FITTED = 0,
    CALIB_STATED = 1,
    CALIB_PREDICTED = 2,
    CALIB_CHECK = 3
} calib_role;

/* How a figure passes. */
typedef enum calib_test {
    CALIB_ABS,      /* |sim - paper| <= tol */
    CALIB_REL,      /* |sim / paper - 1| <= tol */
    CALIB_BETWEEN,  /* paper <= sim <= paper_hi */
    CALIB_AT_LEAST, /* sim >= paper */
    CALIB_IN_RANGE  /* lo <= paper <= hi (the trial-size range) */
} calib_test;

typedef enum calib_unit { CALIB_MONTHS, CALIB_PERCENT, CALIB_RATIO } calib_unit;

typedef struct calib_fig {
    const char *group; /* static text: the trial or population and its arm */
    const char *label; /* static text */
    calib_role role;
    calib_test test;
    calib_unit unit;
    double paper, paper_hi; /* paper_hi only for CALIB_BETWEEN */
    double tol;
    double sim;     /* at the report's n; NaN = not reached / undefined */
    size_t trial_n; /* patients per resampled trial (0: no range) */
    double lo, hi;  /* 2.5% and 97.5% over the resampled trials; INFINITY = not reached */
    int ok;         /* the test passes */
} calib_fig;

/* One group of the selection-vs-treatment split (De Ruysscher era and
 * selection, time from diagnosis). */
typedef struct calib_group {
    const char *name; /* static text */
    size_t n;
    double os_median, os_2y, pfs_median, pfs_2y; /* months, percent */
} calib_group;

typedef struct calib_report {
    size_t n_selected;        /* patients per trial selection */
    size_t pop_dr, pop_gomez; /* population simulated to find them */
    int ntrials;
    int nfig;
    calib_fig fig[CALIB_MAXFIG];
    calib_group split[3]; /* selected radical, selected systemic, not selected */
} calib_report;

/* Runs the calibration of scenario p (eras deruysscher2012 and gomez2016)
 * with the rule files under scripts_dir/selection (staging modules from
 * scripts_dir/staging): n_selected (>= 100) patients per trial selection,
 * ntrials resampled trials (0 skips the ranges), all from seed.  Returns 0
 * and fills *out, or -1 with a message in err (a missing era or rule file,
 * a rule error, ENOMEM, or "calibrate: interrupted" after Ctrl-C). */
int calib_run(const sim_params *p, const char *scripts_dir, size_t n_selected, uint64_t seed,
              int ntrials, calib_report *out, char *err, size_t errlen);

/* Does every figure pass? */
int calib_all_ok(const calib_report *r);

/* The report as text: each figure with its role, the published value, the
 * simulated one, the trial-size range and whether it passes.  Caller frees;
 * NULL on ENOMEM. */
char *calib_format(const calib_report *r);

/* Static names of a role and a test ("fitted", "within 0.7", ...). */
const char *calib_role_name(calib_role role);

#endif
