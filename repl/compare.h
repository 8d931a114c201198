/* compare.h - `compare RULESET_A RULESET_B`: two selections side by side.
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TNMLAB_COMPARE_H
#define TNMLAB_COMPARE_H

struct session;

/* Evaluates both rule sets on the session's cohort and prints, for OS and
 * PFS, each selection, the patients only in A, in both and only in B (N,
 * events, median with CI, 1/2/3-year survival).  Returns 0 or 1. */
int compare_cmd(struct session *s, int argc, char **argv);

/* For a simulated cohort and the active rule set: the selected patients
 * the rules give the first arm (radical), under that arm and under the
 * last (systemic): the same patients, so the difference is the treatment
 * effect; then selected patients kept on the last arm, and the patients not
 * selected, under the last arm: the difference to them is selection.
 * Returns 0 or 1. */
int split_cmd(struct session *s, int argc, char **argv);

/* The 8th-to-9th stage migration on the session's cohort: the table of
 * stage groups (8th down, 9th across), then each group's OS and PFS
 * under both editions (N, median with CI), under the active rule set's
 * arms.  Returns 0 or 1. */
int migrate_cmd(struct session *s, int argc, char **argv);

/* `km COLUMN`: OS and PFS (N, events, median with CI, 1/2/3 years) for
 * each value of a cohort column, or of a staged column (t, n, m, stage) of
 * the active rule set, under its arms.  Returns 0 or 1. */
int km_cmd(struct session *s, int argc, char **argv);

/* median [B] [SEED]: the difference of the two groups' medians (OS and
 * PFS) with a seeded percentile bootstrap 95% CI. */
int median_cmd(struct session *s, int argc, char **argv);

#endif
