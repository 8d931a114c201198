/* histfile.h - the history file shared by every tnmlab on one state folder.
 *
 * Part of tnmlab (repl layer, no readline).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two processes that each wrote their whole in-memory history would undo
 * each other's lines; instead each one merges: under a lock it reads the
 * file as it is now, appends only its own new entries, and writes the
 * result atomically.  The format is readline's: one line per line.
 */
#ifndef TNMLAB_HISTFILE_H
#define TNMLAB_HISTFILE_H

#include <stddef.h>

/* Appends entries[0..n-1] to the history file at path, keeping its last
 * max lines.  Returns 0, or -1 with err filled (the file is then as it
 * was, and no temporary file is left). */
int histfile_append(const char *path, const char *const *entries, size_t n, size_t max, char *err,
                    size_t errlen);

#endif
