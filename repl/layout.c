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
    /* The log keeps about a quarter of the height (at least 6 rows): enough
     * to read a result, while the outcome stays the main thing on screen. */
    int log_h = rows / 4;
    if (log_h < 6)
        log_h = 6;
    int body_y = 1, body_h = rows - 2 - log_h;
    /* Rules on the left: about 40% of the width, between 32 and 60 columns. */
    int left_w = cols * 2 / 5;
    if (left_w < 32)
        left_w = 32;
    if (left_w > 60)
        left_w = 60;
    int right_w = cols - left_w;
    /* Outcome table: 9 rows fit OS and PFS for two groups; the plot gets
     * the rest of the height. */
    int out_h = body_h * 2 / 5;
    if (out_h < 9)
        out_h = 9;
    if (out_h > body_h - 6)
        out_h = body_h - 6;
    l.pane[PANE_STATUS] = mk(0, 0, 1, cols);
    l.pane[PANE_RULES] = mk(body_y, 0, body_h, left_w);
    l.pane[PANE_OUTCOME] = mk(body_y, left_w, out_h, right_w);
    l.pane[PANE_PLOT] = mk(body_y + out_h, left_w, body_h - out_h, right_w);
    l.pane[PANE_LOG] = mk(body_y + body_h, 0, log_h, cols);
    l.pane[PANE_INPUT] = mk(rows - 1, 0, 1, cols);
    *out = l;
    return 0;
}
