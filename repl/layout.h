/* layout.h - where each pane of the full-screen REPL goes, as plain
 * arithmetic that a test can check without a terminal.
 *
 * Part of tnmlab (repl layer, no curses).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_LAYOUT_H
#define TNMLAB_LAYOUT_H

enum { LAYOUT_MIN_COLS = 80, LAYOUT_MIN_ROWS = 24 };

typedef struct rect {
    int y, x, h, w;
} rect;

typedef enum {
    PANE_STATUS,
    PANE_RULES,
    PANE_OUTCOME,
    PANE_PLOT,
    PANE_LOG,
    PANE_INPUT,
    PANE_COUNT
} pane_id;

typedef struct layout {
    rect pane[PANE_COUNT];
    int cols, rows;
} layout;

/* Lays out a cols x rows screen: a status line on top, the rules pane on
 * the left, outcome above plot on the right, the log and the input line at
 * the bottom.  Panes tile the screen without overlap.  Returns 0, or -1 when
 * the screen is smaller than LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS (then *out is
 * left unchanged and the caller shows a message instead). */
int layout_compute(int cols, int rows, layout *out);

#endif
