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

/* Runs the REPL on stdin until quit or end of input.  Returns the exit code:
 * 0, or 1 when input was piped and some line failed (as sqlite3 -bail). */
int lineedit_run(session *s);

#endif
