/* sink.h - where output goes: a terminal, a curses pane, a log or a test buffer.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Commands and the Lua `print` write through a sink, never to stdout
 * directly, so the same command renders in every front end.  Every write
 * is made visible first (visible.h): a control character from a rule file
 * or a cohort never reaches the terminal raw.
 */
#ifndef TNMLAB_SINK_H
#define TNMLAB_SINK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct sink sink;
struct sink {
    /* Writes len bytes; may be called with partial lines. */
    void (*write)(sink *s, const char *data, size_t len);
    void *ud; /* FILE * for file sinks, the front end's state otherwise */
};

/* A sink over a stdio stream (borrowed, not closed). */
sink sink_file(FILE *f);

void sink_write(sink *s, const char *data, size_t len);
void sink_puts(sink *s, const char *str);
void sink_printf(sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sink_vprintf(sink *s, const char *fmt, va_list ap);

#endif
