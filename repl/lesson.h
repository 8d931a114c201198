/* lesson.h - teaching walkthroughs from scripts/lessons/NAME.lua.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lesson file is data only (it runs with an empty environment):
 *   return { title = "...", steps = {
 *     { title = "...", text = [[what to say and to look at]],
 *       question = "what the class answers before the next step",
 *       run = { "use deruysscher2012", "set max_lesions 1" } }, ... } }
 * `lesson NAME` shows step 1 and runs its commands; `lesson next`,
 * `lesson prev` go on or back (and run that step's commands); `lesson
 * again` shows the step once more without running anything (the rule
 * versions stay); `lesson run` runs the step's commands again; `lesson
 * stop` ends it; `lesson` alone lists them.
 */
#ifndef TNMLAB_LESSON_H
#define TNMLAB_LESSON_H

struct session;

#include "sink.h"

int lesson_cmd(struct session *s, int argc, char **argv);

/* The current step's title and text, for the full screen's lesson pane. */
void lesson_write_step(struct session *s, sink *out);

/* The current step: its number k of n, title, text (leading newlines
 * skipped) and question ("" when it has none); the strings belong to the
 * lesson.  0 when no lesson runs. */
int lesson_current(struct session *s, int *k, int *n, const char **title, const char **text,
                   const char **question);

/* "lesson selection_bias 2/7" ("lesson 2/7" when narrow: the lesson pane
 * names it), or "" when no lesson runs; for the status line. */
const char *lesson_status(struct session *s, char *buf, unsigned n, int narrow);

/* export lesson DIR: runs every step of the running lesson in turn (its
 * commands act on the session, as stepping through would) and writes
 * DIR/index.md, a handout (each step's text, question, outcome and
 * attrition as the screen shows them, and its plot), and each step's plot
 * as DIR/step-NN.svg and DIR/step-NN.png (slides).
 * 0, or -1 with err. */
int lesson_export(struct session *s, const char *dir, char *err, unsigned long errlen);

#endif
