/* ui.h - the full-screen REPL (ncurses, with GNU readline on the input line).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_UI_H
#define TNMLAB_UI_H

#include "session.h"

/* Runs the full-screen REPL on the terminal until quit or Ctrl-D.
 * While it runs, the session's sinks and the process's stdout/stderr go to
 * the log pane; they are restored before it returns.  Returns 0, or -1 with
 * a message on s->err when the terminal cannot be set up. */
int ui_run(session *s);

#endif
