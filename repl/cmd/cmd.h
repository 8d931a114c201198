/* cmd.h - the laboratory's commands (repl/cmd/: one concern a file) and the
 * few helpers they share.  commands.c's table lists the functions; each
 * takes the words of the line (argv[0] is the name) and returns 0, or 1
 * after writing the message to the session's error sink.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   load.c      load cohort FILE ..., load rules FILE
 *   simulate.c  simulate SCENARIO N [SEED], and the bundled demo
 *   rules.c     rules, use, set, reset, undo, redo
 *   edit.c      reload, edit
 *   show.c      show, hr, plot, diff
 *   case.c      case, next, prev (and the case pane's record)
 *   explain.c   explain, whatif, edition (and the case pane's trace)
 */
#ifndef TNMLAB_CMD_H
#define TNMLAB_CMD_H

#include <stddef.h>

#include "cohort.h"
#include "model.h"
#include "rules.h"
#include "sink.h"

struct session;

/* Writes "usage: NAME USAGE" (from the command table) and returns 1. */
int cmd_usage(struct session *s, const char *name);
/* 0 when a cohort with rows is loaded; else writes why and returns 1. */
int cmd_need_cohort(struct session *s);
/* The patient's id (the id column, else "#ROW") of row, in buf. */
const char *cmd_row_id(const model *m, size_t row, char *buf, size_t n);
/* Remembers a rule file the user loaded (absolute path, once), for
 * reload, edit, save and provenance. */
void cmd_remember_rule_file(struct session *s, const char *path);
/* Simulates scenario into the session's cohort (label NULL = "SCENARIO
 * (n=N, seed S)") and remembers the command that recreates it. */
int cmd_simulate_cohort(struct session *s, const char *scenario, long n, long seed,
                        const char *label);

/* Says once which fields the active rule set reads that the cohort lacks
 * (and the cohort's columns of the same family), so that "everyone
 * unknown" has a reason on the screen. */
void cmd_report_needs(struct session *s);

int cmd_load(struct session *s, int argc, char **argv);
int cmd_simulate(struct session *s, int argc, char **argv);
int cmd_rules(struct session *s, int argc, char **argv);
int cmd_use(struct session *s, int argc, char **argv);
int cmd_set(struct session *s, int argc, char **argv);
int cmd_reset(struct session *s, int argc, char **argv);
int cmd_undo(struct session *s, int argc, char **argv);
int cmd_redo(struct session *s, int argc, char **argv);
int cmd_reload(struct session *s, int argc, char **argv);
int cmd_edit(struct session *s, int argc, char **argv);
int cmd_show(struct session *s, int argc, char **argv);
int cmd_hr(struct session *s, int argc, char **argv);
int cmd_plot(struct session *s, int argc, char **argv);
int cmd_diff(struct session *s, int argc, char **argv);
int cmd_case(struct session *s, int argc, char **argv);
int cmd_next(struct session *s, int argc, char **argv);
int cmd_prev(struct session *s, int argc, char **argv);
int cmd_explain(struct session *s, int argc, char **argv);
int cmd_whatif(struct session *s, int argc, char **argv);
int cmd_edition(struct session *s, int argc, char **argv);

#endif
