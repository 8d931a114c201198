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
 * under the first arm (radical) and under the last (systemic), and the
 * patients not selected under the last, so that a teacher can separate the
 * effect of selection from the effect of treatment.  Returns 0 or 1. */
int split_cmd(struct session *s, int argc, char **argv);

#endif
