/* visible.h - untrusted text made safe to print: control characters shown,
 * never sent to the terminal.
 *
 * Part of tnmlab (repl layer, no curses).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Names, docs and reasons from rule files and cells from CSV files reach
 * every front end.  A raw ESC in them could move the cursor, recolour or
 * retitle the terminal, or worse, so the sink (every line REPL, batch and
 * test output) and the full screen's text log and panes pass all text
 * through here once.  Newline (also as CR LF) and tab stay: they are how
 * output is laid out, and they only move the cursor.  Every other C0 character and
 * DEL becomes \xNN (ESC is \x1b), a C1 control written in UTF-8 becomes
 * \u00NN, and a byte that is not UTF-8 becomes \xNN.  Escaped text holds
 * only printable characters, so escaping it again changes nothing.
 */
#ifndef TNMLAB_VISIBLE_H
#define TNMLAB_VISIBLE_H

#include <stddef.h>

/* Nonzero when data[0..len-1] would change under visible_escape. */
int visible_needed(const char *data, size_t len);

/* The visible form of data[0..len-1] (malloc'd, NUL-terminated, length in
 * *outlen; the caller frees it), or NULL when out of memory.  A UTF-8
 * sequence cut short by the end of data is kept as it is: the next write
 * may hold the rest. */
char *visible_escape(const char *data, size_t len, size_t *outlen);

#endif
