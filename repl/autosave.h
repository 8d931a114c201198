/* autosave.h - the session kept on disk while tnmlab runs, and brought back
 * after a crash.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The autosave is a session file (persist.h) in the state folder, rewritten
 * after every line that changed the state; its first line says whether the
 * session ended cleanly.  One process at a time owns session.tnm: it holds
 * an flock on session.lock for as long as it runs.  A second process with
 * the same state folder autosaves to session-PID.tnm instead, so neither
 * takes over nor loses the other's work.
 *
 * At an interactive start the unfinished session files nobody runs (the
 * owned session.tnm, session-PID.tnm of processes that are gone) are
 * candidates; the newest is replayed, older ones are moved aside.  Before
 * the replay a marker FILE.replaying (holding our pid) is written, and it
 * is removed after: a start that finds the marker of a process that is
 * gone knows that the replay crashed or hung, moves the file aside to
 * FILE.failed-TIME and starts clean, so a poisoned session never locks a
 * person out.  Messages name every file moved aside.
 */
#ifndef TNMLAB_AUTOSAVE_H
#define TNMLAB_AUTOSAVE_H

struct session;

/* At an interactive start, once the front end can show messages: picks
 * this process's session file (s->autosave_path), replays the newest
 * unfinished session when s->recover is set (and clears it), or with
 * s->recover clear (--no-restore, --cohort, --rules) keeps unfinished
 * sessions aside unreplayed; then writes the autosave.  Returns 1 if it
 * restored something.  Does nothing unless s->autosave is set. */
int autosave_recover(struct session *s);

/* Rewrites the autosave if the state changed since the last write.  The
 * first failure is reported on s->err (and marked in s->save_failed for
 * the status line), later ones are not, until a write works again. */
void autosave_save(struct session *s);

/* At a clean end: marks the autosave closed and gives up the lock. */
void autosave_close(struct session *s);

#endif
