/* layout.c - pane geometry (see layout.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "layout.h"

static rect mk(int y, int x, int h, int w) {
    rect r = {y, x, h, w};
    return r;
}

int layout_compute(int cols, int rows, layout *out) {
    if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS)
        return -1;
    layout l;
    l.cols = cols;
    l.rows = rows;
    /* The log keeps a fifth of the height (at least 4 rows): enough to read
     * a result, while the outcome stays the main thing on screen. */
    int log_h = rows / 5;
    if (log_h < 4)
        log_h = 4;
    int body_y = 1, body_h = rows - 2 - log_h;
    /* Rules on the left: about 40% of the width, between 34 and 44
     * columns; the right side keeps at least 46 for the compact outcome
     * table, and from 120 columns on gets the 76 of the full one. */
    int left_w = cols * 2 / 5;
    if (left_w < 34)
        left_w = 34;
    if (left_w > 44)
        left_w = 44;
    int right_w = cols - left_w;
    /* Outcome table: half the height, from 9 rows (one endpoint, two
     * groups with their changes) to 16 (both endpoints); the plot gets the
     * rest. */
    int out_h = body_h / 2;
    if (out_h < 9)
        out_h = 9;
    if (out_h > 16)
        out_h = 16;
    if (out_h > body_h - 8)
        out_h = body_h - 8;
    l.pane[PANE_STATUS] = mk(0, 0, 1, cols);
    l.pane[PANE_RULES] = mk(body_y, 0, body_h, left_w);
    l.pane[PANE_OUTCOME] = mk(body_y, left_w, out_h, right_w);
    l.pane[PANE_PLOT] = mk(body_y + out_h, left_w, body_h - out_h, right_w);
    l.pane[PANE_LOG] = mk(body_y + body_h, 0, log_h, cols);
    l.pane[PANE_INPUT] = mk(rows - 1, 0, 1, cols);
    *out = l;
    return 0;
}
