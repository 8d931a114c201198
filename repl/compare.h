/* compare.h - `compare RULESET_A RULESET_B`: two selections side by side.
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TNMLAB_COMPARE_H
#define TNMLAB_COMPARE_H

struct session;

/* Evaluates both rule sets on the session's cohort and prints, for OS and
 * PFS, each selection, the patients only in A, in both and only in B (N,
 * events, median with CI, 1/2/3-year survival).  Returns 0 or 1. */
int compare_cmd(struct session *s, int argc, char **argv);

#endif
