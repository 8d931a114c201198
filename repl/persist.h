/* persist.h - the session on disk: rules, params, cohort source, edition
 * and case, written as the REPL commands that recreate them.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session file is a plain list of commands (load, simulate, use, set,
 * edition, case, plot) that `restore` replays, so a person can read and
 * edit it.  Every name and value is written as one double-quoted word
 * (commands_quote), so a rule-set name, path or text param holding a
 * quote or a newline cannot end the line and start a command of its own;
 * files from before that, with bare words, read as they always did.  Files are written atomically
 * (temporary file, fsync, rename). The autosave that uses these files is autosave.c's.
 */
#ifndef TNMLAB_PERSIST_H
#define TNMLAB_PERSIST_H

#include <stddef.h>

struct session;

/* Where tnmlab keeps file `name` of its state: $XDG_STATE_HOME/tnmlab/name,
 * else ~/.local/state/tnmlab/name; "" when neither variable is set. */
void persist_state_path(const char *name, char *out, size_t n);

/* Writes the session to path.  closed marks a clean end.  Returns 0, or -1
 * with err filled (the old file, if any, is then untouched). */
int persist_save(struct session *s, const char *path, int closed, char *err, size_t errlen);

/* Replays a session file.  Lines that fail are reported with file:line and
 * skipped; returns the number of failed lines, or -1 if the file cannot be
 * read, is already being replayed (a file that restores itself, directly
 * or in a cycle) or nests deeper than SESSION_MAX_NESTING (err filled). */
int persist_restore(struct session *s, const char *path, char *err, size_t errlen);

/* The session as the text of a session file (malloc'd, the caller frees
 * it), or NULL when out of memory. */
char *persist_text(struct session *s, int closed);

/* Writes len bytes to path atomically (temporary file beside it, fsync,
 * rename; the temporary file is removed on failure).  Returns 0, or -1
 * with err filled and any old file untouched. */
int persist_write(const char *path, const char *data, size_t len, char *err, size_t errlen);

/* Creates the state folder (persist_state_path("")) and its parents, as
 * far as it can; a failure shows when a file in it is written. */
void persist_make_state_dir(void);

int persist_cmd_save(struct session *s, int argc, char **argv);
int persist_cmd_restore(struct session *s, int argc, char **argv);

#endif
