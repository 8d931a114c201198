/* ui_int.h - private to ui*.c: the full screen's state and what its files share.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ui.c owns the terminal, readline and the loop (keys, resize, Ctrl-C, the
 * editor's suspend); ui_panes.c draws the screen from the session's model.
 * These files, and no other, include curses.
 */
#ifndef TNMLAB_UI_INT_H
#define TNMLAB_UI_INT_H

#include <curses.h>
#include <stddef.h>
#include <stdio.h>

#include "layout.h"
#include "session.h"
#include "sink.h"
#include "textlog.h"

enum { PAIR_TITLE = 1, PAIR_ERROR, PAIR_INPUT, PAIR_NOTE, PAIR_STATUS, PAIR_CURVE0 };

typedef struct ui {
    session *s;
    sink saved_out, saved_err;
    layout lay;
    int small; /* the screen is below the minimum size */
    WINDOW *win[PANE_COUNT];
    textlog log;
    char *pending; /* unfinished multi-line chunk */
    int key;       /* the byte readline reads next */
    int key_avail;
    int done;
    int capture_fd; /* stdout and stderr while the screen is up */
    int saved_fd1, saved_fd2;
    FILE *tty;
    SCREEN *screen;
    int colors;
    int utf8;         /* the locale can show braille and box drawing */
    double last_ms;   /* Enter to finished redraw for the last line, -1 before any */
    int big_log;      /* F2: the transcript fills the screen */
    size_t cmd_start; /* the last command's first line in the log */
} ui;

/* ui_panes.c */

/* The status line (not refreshed). */
void draw_status(ui *u);
/* Brings the model up to date and redraws every pane and the input line. */
void draw_all(ui *u);

/* ui.c */

/* rl_redisplay_function: the prompt and the line, on the input pane. */
void draw_input(void);

#endif
