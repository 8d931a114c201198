/* atomic_file.h - a file written whole or not at all: a temporary file
 * beside the target, renamed onto it once everything is on disk.
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file tnmlab writes for a person (CSV cohorts, exports, session
 * files) goes through here: a reader of the target sees the old file or
 * the new one, never half of one, and a failed write (a full disk) leaves
 * the old file and no temporary file behind.
 */
#ifndef TNMLAB_ATOMIC_FILE_H
#define TNMLAB_ATOMIC_FILE_H

#include <stdio.h>

typedef struct atomic_file {
    FILE *f;         /* write here between open and commit */
    char path[4096]; /* the target */
    char tmp[4112];  /* the temporary file beside it ("" when none) */
    int error;       /* after a failure: the errno that says why */
} atomic_file;

/* Creates a temporary file in path's folder (the mode of the file it
 * replaces, else 0666 less the umask; a symbolic link is written through)
 * and opens it for writing.  Returns 0, or -1 with x->error set (EISDIR:
 * path is a folder; ENAMETOOLONG; what mkstemp said); nothing is created
 * then. */
int atomic_file_open(atomic_file *x, const char *path);
/* Flushes, fsyncs and closes the temporary file, renames it onto the
 * target and fsyncs the folder.  Returns 0, or -1 with x->error (a write
 * error such as ENOSPC); the temporary file is removed and the target left
 * as it was. */
int atomic_file_commit(atomic_file *x);
/* Closes and removes the temporary file; the target is untouched.  Safe to
 * call after a failed open or a commit (then it does nothing). */
void atomic_file_abort(atomic_file *x);

#endif
