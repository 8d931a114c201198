/* commands.h - the REPL command table: dispatch, help and completion read it.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line whose first word is a command name (optionally with a leading '.',
 * as in the sqlite3 shell) is a command; anything else is Lua.
 */
#ifndef TNMLAB_COMMANDS_H
#define TNMLAB_COMMANDS_H

#include <stddef.h>

struct session;

enum { CMD_MAX_ARGS = 32 };

typedef struct cmd_entry {
    const char *name;
    const char *usage; /* arguments, e.g. "PARAM VALUE" */
    const char *help;  /* one line */
    /* Runs the command; argv[0] is the name.  Returns 0, or 1 on error
     * (after writing the message to the session's error sink). */
    int (*fn)(struct session *s, int argc, char **argv);
    /* What each argument is, for completion (complete.c): kinds separated
     * by spaces, one per position, the last repeated when it ends in '*':
     *   param   a param of the active rule set    set       a rule set
     *   field=  a column of the cohort, with '='   command   a command
     *   column  a column of the cohort
     *   lesson  a lesson, or next/prev/again/stop  scenario  a scenario
     *   file    a file name (readline's)           -         nothing
     *   {a|b}   one of these words; kinds joined by '+' offer both.
     * NULL: no argument is completed. */
    const char *args;
    /* 1: never replayed from a session file (it ends tnmlab, writes files
     * or starts a program; restore skips it). */
    int not_replayed;
} cmd_entry;

extern const cmd_entry commands_table[];

/* The command called name (without a leading '.'), or NULL. */
const cmd_entry *commands_find(const char *name);

/* The command line would run (its first word, as commands_dispatch reads
 * it: any leading white space, a leading '.', any white space after), or
 * NULL when line is Lua.  *start (may be NULL) is where the word begins. */
const cmd_entry *commands_of_line(const char *line, const char **start);

/* If line is a command, runs it and returns 0 (ok) or 1 (error); returns -1
 * when the line is not a command (the caller evaluates it as Lua). */
int commands_dispatch(struct session *s, const char *line);

/* Splits line into at most max words (whitespace-separated; "double quotes"
 * group; inside quotes \n \r \t \xHH are those characters and a backslash
 * before anything else keeps that character) written into buf (size n).
 * Returns the word count, or -1 on an unterminated quote or overflow. */
int commands_split(const char *line, char *buf, int n, char **argv, int max);

/* Writes arg as one double-quoted word that commands_split reads back as
 * arg: quotes and backslashes escaped, control characters as \n \r \t or
 * \xHH, so the result never spans lines.  out (size n) is NUL-terminated
 * and truncated; returns the length needed, as snprintf does. */
size_t commands_quote(const char *arg, char *out, size_t n);

#endif
