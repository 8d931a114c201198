/* file_open.h - opening an input file that must be a regular file.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cohort files and rule files are read whole.  A FIFO with no writer would
 * block open() and read() for ever, /dev/zero never ends, and neither has a
 * size to check against a limit, so only regular files are inputs.  The
 * file is opened with O_NONBLOCK, so that fstat() sees what the path is
 * before anything can block.
 */
#ifndef TNMLAB_FILE_OPEN_H
#define TNMLAB_FILE_OPEN_H

#include <stddef.h>
#include <sys/stat.h>

/* Opens path for reading and fills *st.  Returns the descriptor (the caller
 * closes it), or -1 with err filled, naming the file as `name`: "cannot
 * open", "cannot read", "is a directory, not <wanted>", or "is a FIFO (named
 * pipe), not a regular file<hint>" and the like for other kinds. */
int file_open_regular(const char *path, const char *name, const char *wanted, const char *hint,
                      struct stat *st, char *err, size_t errlen);

#endif
