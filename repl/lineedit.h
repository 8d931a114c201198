/* lineedit.h - the line REPL: GNU readline on a terminal, plain reads on a
 * pipe; the same loop feeds session_feed() in both cases.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_LINEEDIT_H
#define TNMLAB_LINEEDIT_H

#include "session.h"

/* Installs the SIGINT handler that only sets the interrupt flag (never the
 * default action: Ctrl-C must not kill tnmlab). */
void lineedit_install_sigint(void);

/* Finds the history file ($XDG_STATE_HOME/tnmlab/history, else
 * ~/.local/state/tnmlab/history), creates its folder and loads it. */
void lineedit_history_load(session *s);

/* Feeds one line to the session (session_feed) and, when a chunk is
 * complete, adds it whole to the history and saves the history atomically. */
feed_status lineedit_accept(session *s, char **pending, const char *line);

/* Saves the history and the autosave, both atomically.  lineedit_accept
 * does it unless s->defer_save, where the front end calls it once the
 * result is on the screen. */
void lineedit_save(session *s);

/* The prompt to show after a feed with status st. */
const char *lineedit_prompt(feed_status st);

/* Runs the REPL on stdin until quit or end of input.  Returns the exit code:
 * 0, or 1 when input was piped and some line failed (as sqlite3 -bail). */
int lineedit_run(session *s);

#endif
