/* textlog.h - the scrollback of the full-screen REPL: a bounded list of
 * UTF-8 lines, each with a style, fed by byte writes from a sink.
 *
 * Part of tnmlab (repl layer, no curses).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_TEXTLOG_H
#define TNMLAB_TEXTLOG_H

#include <stddef.h>

#include "sink.h"

typedef enum { TL_NORMAL = 0, TL_INPUT, TL_ERROR, TL_NOTE } tl_style;

typedef struct tl_line {
    char *text; /* UTF-8, no newline, owned */
    tl_style style;
} tl_line;

typedef struct textlog {
    tl_line *lines; /* ring of cap lines; oldest at head */
    size_t cap, head, count;
    char *partial; /* bytes after the last newline, not yet a line */
    size_t plen, pcap;
    tl_style pstyle;
    size_t scroll; /* lines scrolled back from the bottom */
} textlog;

/* Initialises an empty log keeping at most cap lines (cap >= 1). */
int textlog_init(textlog *t, size_t cap);
/* A sink that appends to t in the normal style (panes, the case text). */
sink textlog_sink(textlog *t);
void textlog_free(textlog *t);

/* Appends bytes, control characters made visible (visible.h); each '\n'
 * ends a line in the given style.  Returns 0 or -1 on ENOMEM (the bytes
 * are then dropped). */
int textlog_write(textlog *t, const char *data, size_t len, tl_style style);
/* Ends a pending partial line, if any. */
void textlog_flush(textlog *t);

/* Line i counted from the oldest kept line (0 <= i < count). */
const tl_line *textlog_get(const textlog *t, size_t i);

/* Splits one UTF-8 line into display rows of at most width columns
 * (wcwidth-aware; invalid bytes count as one column).  Writes the byte
 * offset where each row starts into starts (at most max) and returns the
 * number of rows (>= 1). */
size_t textlog_wrap(const char *text, int width, size_t *starts, size_t max);

/* Display width of the first n bytes of a UTF-8 string, as the terminal
 * shows it in the current locale (wcwidth; an invalid byte counts as one
 * column, a control character as none). */
int text_width(const char *s, size_t n);

#endif
