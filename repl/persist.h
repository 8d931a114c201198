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
 * files from before that, with bare words, read as they always did.  Files are written atomically (temporary file, fsync, rename).
 * The autosave ($XDG_STATE_HOME/tnmlab/session.tnm) is rewritten after
 * every line that changed the state; its first line says whether the
 * session ended cleanly, and a session that did not (a crash, kill -9) is
 * restored at the next interactive start.
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

/* Rewrites the autosave if the state changed since the last write. */
void persist_autosave(struct session *s);

/* At an interactive start, once the front end can show messages: if
 * s->recover is set, clears it, restores the autosave when the last
 * session did not end cleanly, and writes the autosave anew.  Returns 1 if
 * it restored something. */
int persist_recover(struct session *s);

/* At a clean end: marks the autosave closed. */
void persist_close(struct session *s);

int persist_cmd_save(struct session *s, int argc, char **argv);
int persist_cmd_restore(struct session *s, int argc, char **argv);

#endif
