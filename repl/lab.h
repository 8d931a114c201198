/* lab.h - start-up, the case pane's text and the Lua `lab` table that
 * reaches the commands (repl/cmd/) from scripts.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_LAB_H
#define TNMLAB_LAB_H

#include "sink.h"
#include "textlog.h"

struct session;

/* The current patient's record (data-dictionary fields, not the potential
 * outcomes) written to out. */
void lab_write_case(struct session *s, sink *out);
/* The full explanation of the active rule set for the current patient.
 * Returns 0, or 1 after writing why it could not. */
int lab_write_explain(struct session *s, sink *out);

/* The case pane's text: lab_write_explain then lab_write_case for the
 * current patient, made again only when the cohort (or a cell of it), the
 * outcome, the patient or the edition changed since the last call, so a
 * redraw runs no Lua.  NULL when out of memory. */
textlog *lab_case_text(struct session *s);

/* Installs the global table `lab` in the session's Lua state:
 *   lab.cohort()                    the current cohort (or nil)
 *   lab.set_cohort(c [, name [, unit]])  make c the current cohort
 *   lab.run(line)                   run a REPL command; true, or nil + message
 *   lab.now()                       seconds on a monotonic wall clock (benchmarks)
 */
void lab_open(struct session *s);

/* Start-up: loads --rules FILE, or every shipped rule file (with
 * deruysscher2012 active); then --cohort FILE, or in an interactive session
 * the bundled demo (simulated with --seed N when given).  Messages go to
 * s->err; returns 0, or 1 when something did not load. */
int lab_startup(struct session *s, int interactive);

#endif
