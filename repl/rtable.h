/* rtable.h - a typed result table, and one renderer per format.
 *
 * Part of tnmlab (repl layer, no terminal).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A result that is a table (attrition, the outcome's group rows, a sweep)
 * is built once as a `table`: columns with a name, a type and a unit,
 * cells that are numbers (NaN = missing) or text (NULL = missing).  Any
 * table is then written by the renderer of the format asked for:
 *   CSV       header + rows; missing NA, booleans TRUE/FALSE, numbers to
 *             12 significant digits (R's read.csv reads it back)
 *   JSON      an array of objects, one per row; missing null
 *   Markdown  a pipe table (text columns left, numbers right)
 *   text      aligned columns for the terminal (same alignment, titles too)
 * A new statistic is a new column of the builder; a new format is a new
 * renderer here.  Tables for people (Markdown, text) are usually built as
 * text cells already rounded ("14.0 (11.4-18.1)") by their builder.
 */
#ifndef TNMLAB_RTABLE_H
#define TNMLAB_RTABLE_H

#include <stddef.h>
#include <stdio.h>

typedef enum {
    RTABLE_TEXT = 1, /* text */
    RTABLE_COUNT,    /* a whole number of patients, events, steps */
    RTABLE_NUM,      /* any other number */
    RTABLE_BOOL      /* 0 or 1 */
} rtable_type;

typedef struct rtable_col {
    char *name; /* CSV header and JSON key, or a people's table's title; owned */
    rtable_type type;
    const char *unit; /* "months", "proportion", ...; NULL when none (static text) */
    int left;         /* Markdown and text: aligned left (else right) */
} rtable_col;

typedef struct rtable_cell {
    double num; /* RTABLE_COUNT, RTABLE_NUM, RTABLE_BOOL; NaN = missing */
    char *text; /* RTABLE_TEXT (or a text cell in a number column); NULL = missing; owned */
} rtable_cell;

typedef struct rtable {
    rtable_col *cols;
    size_t ncols;
    rtable_cell *cells; /* nrows x ncols, row by row */
    size_t nrows, cap;
    int failed; /* out of memory somewhere: renderers refuse the rtable */
} rtable;

/* A table of ncols columns and no rows; 0, or -1 on ENOMEM. */
int rtable_init(rtable *t, size_t ncols);
void rtable_free(rtable *t);
/* Names column j (the name is copied). */
void rtable_col_set(rtable *t, size_t j, const char *name, rtable_type type, const char *unit,
                    int left);
/* Adds a row of missing cells and returns its index (on ENOMEM t->failed
 * is set and later writes to that row are ignored). */
size_t rtable_add_row(rtable *t);
void rtable_set_num(rtable *t, size_t row, size_t j, double v);
/* Sets a text cell (copied; NULL = missing). */
void rtable_set_text(rtable *t, size_t row, size_t j, const char *s);
/* printf into a text cell. */
void rtable_set_textf(rtable *t, size_t row, size_t j, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The renderers.  Each returns 0, or -1 when the table failed to build. */
int rtable_write_csv(FILE *f, const rtable *t);
/* "[\n<indent>  {...},\n<indent>  {...}\n<indent>]": indent is the
 * array's own indentation inside its enclosing object. */
int rtable_write_json(FILE *f, const rtable *t, const char *indent);
int rtable_write_md(FILE *f, const rtable *t);
/* Aligned text: the header, then one line per row; lines end in '\n',
 * without trailing spaces.  NULL on ENOMEM (caller frees). */
char *rtable_text(const rtable *t);

#endif
