/* complete.h - Tab completion for both front ends: commands, their
 * arguments (params, rule sets, columns, lessons, files) and Lua names.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_COMPLETE_H
#define TNMLAB_COMPLETE_H

struct session;

/* Installs the completion for GNU readline on session s (readline's hooks
 * take no user data: the session is kept in this module). */
void complete_install(struct session *s);

/* Frees what the last completion kept. */
void complete_reset(void);

/* Candidates for word text given the line before it (for tests):
 * fills at most max entries of out (caller frees each) and returns their
 * number; -1 means "complete file names". */
int complete_candidates(struct session *s, const char *before, const char *text, char **out,
                        int max);

#endif
