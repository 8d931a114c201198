/* lesson.h - teaching walkthroughs from scripts/lessons/NAME.lua.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lesson file is data only (it runs with an empty environment):
 *   return { title = "...", steps = {
 *     { title = "...", text = [[what to say and to look at]],
 *       run = { "use deruysscher2012", "set max_lesions 1" } }, ... } }
 * `lesson NAME` shows step 1 and runs its commands; `lesson next`,
 * `lesson prev`, `lesson again`, `lesson stop`; `lesson` alone lists them.
 */
#ifndef TNMLAB_LESSON_H
#define TNMLAB_LESSON_H

struct session;

#include "sink.h"

int lesson_cmd(struct session *s, int argc, char **argv);

/* The current step's title and text, for the full screen's lesson pane. */
void lesson_write_step(struct session *s, sink *out);

/* "lesson 2/7: Tighten the rule", or "" when no lesson runs; for the status line. */
const char *lesson_status(struct session *s, char *buf, unsigned n);

#endif
