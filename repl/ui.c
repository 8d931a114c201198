/* ui.c - the full-screen REPL (see ui.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readline runs through its callback interface with curses in charge of the
 * terminal (the pattern of ulfalizer's readline-and-ncurses): curses reads
 * keys, hands them to readline one at a time through rl_getc_function, and
 * readline's redisplay draws rl_line_buffer into the input line.  Readline
 * never prepares or restores the terminal itself.  Everything the program
 * prints while the screen is up (print, io.write, stray stderr) lands in the
 * log pane.
 */
#define _GNU_SOURCE
#include "config.h"

#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "autosave.h"
#include "commands.h"
#include "complete.h"
#include "interrupt.h"
#include "lab.h"
#include "lesson.h"
#include "persist.h"
#include "layout.h"
#include "lineedit.h"
#include "plot.h"
#include "textlog.h"
#include "view.h"
#include "visible.h"

#include <langinfo.h>
#include <math.h>
#include <time.h>

enum { PAIR_TITLE = 1, PAIR_ERROR, PAIR_INPUT, PAIR_NOTE, PAIR_STATUS, PAIR_CURVE0 };

typedef struct ui {
    session *s;
    sink saved_out, saved_err;
    layout lay;
    int small; /* the screen is below the minimum size */
    WINDOW *win[PANE_COUNT];
    textlog log;
    char *pending;   /* unfinished multi-line chunk */
    int key;         /* the byte readline reads next */
    int key_avail;
    int done;
    int capture_fd;  /* stdout and stderr while the screen is up */
    int saved_fd1, saved_fd2;
    FILE *tty;
    SCREEN *screen;
    int colors;
    int utf8; /* the locale can show braille and box drawing */
    double last_ms; /* Enter to finished redraw for the last line, -1 before any */
    int big_log;    /* F2: the transcript fills the screen */
} ui;

/* Readline's hooks take no user data; they reach the UI through this. */
static ui *active;

/* --- output into the log ------------------------------------------------- */

/* Moves whatever went to fd 1/2 since the last call into the log. */
static void drain_capture(ui *u) {
    fflush(stdout);
    fflush(stderr);
    off_t end = lseek(u->capture_fd, 0, SEEK_END);
    if (end <= 0)
        return;
    lseek(u->capture_fd, 0, SEEK_SET);
    char buf[8192];
    ssize_t n;
    while ((n = read(u->capture_fd, buf, sizeof buf)) > 0)
        textlog_write(&u->log, buf, (size_t)n, TL_NORMAL);
    if (ftruncate(u->capture_fd, 0) != 0) { /* nothing better to do */
    }
    lseek(u->capture_fd, 0, SEEK_SET);
}

/* Sink writes first drain the captured fd 1/2 output, so print() and
 * io.write() appear in the order they happened. */
static void log_out(sink *sk, const char *data, size_t len) {
    drain_capture(sk->ud);
    textlog_write(&((ui *)sk->ud)->log, data, len, TL_NORMAL);
}

static void log_err(sink *sk, const char *data, size_t len) {
    drain_capture(sk->ud);
    textlog_write(&((ui *)sk->ud)->log, data, len, TL_ERROR);
}

/* --- drawing --------------------------------------------------------------- */

static attr_t style_attr(ui *u, tl_style st) {
    switch (st) {
    case TL_ERROR:
        return u->colors ? COLOR_PAIR(PAIR_ERROR) | A_BOLD : A_BOLD;
    case TL_INPUT:
        return u->colors ? COLOR_PAIR(PAIR_INPUT) | A_BOLD : A_BOLD;
    case TL_NOTE:
        return u->colors ? COLOR_PAIR(PAIR_NOTE) : A_DIM;
    default:
        return A_NORMAL;
    }
}

static void frame(ui *u, WINDOW *w, const char *title) {
    werase(w);
    box_set(w, WACS_VLINE, WACS_HLINE);
    wattron(w, A_BOLD | (u->colors ? COLOR_PAIR(PAIR_TITLE) : 0));
    char t[256];
    int room = getmaxx(w) - 6; /* the title never runs into the corner */
    snprintf(t, sizeof t, " %.*s ", room > 0 ? room : 0, title);
    mvwaddstr(w, 0, 2, t);
    wattroff(w, A_BOLD | (u->colors ? COLOR_PAIR(PAIR_TITLE) : 0));
}

/* Writes a UTF-8 string at (y, x), clipped to the window's inner width,
 * its control characters made visible (the status line shows rule-set and
 * cohort names as they came). */
static void put(WINDOW *w, int y, int x, const char *text) {
    int maxx = getmaxx(w) - 1;
    if (x >= maxx)
        return;
    char *safe = NULL;
    size_t len = strlen(text);
    if (visible_needed(text, len) && (safe = visible_escape(text, len, &len)) != NULL)
        text = safe;
    wmove(w, y, x);
    size_t starts[2];
    size_t rows = textlog_wrap(text, maxx - x, starts, 2);
    size_t n = rows > 1 ? starts[1] : strlen(text);
    waddnstr(w, text, (int)n);
    free(safe);
}

static void draw_status(ui *u) {
    WINDOW *w = u->win[PANE_STATUS];
    werase(w);
    wbkgd(w, u->colors ? COLOR_PAIR(PAIR_STATUS) : A_REVERSE);
    lua_State *L = u->s->L;
    int staging = 0;
    lua_getglobal(L, "tnm8");
    staging += lua_istable(L, -1);
    lua_getglobal(L, "tnm9");
    staging += lua_istable(L, -1);
    lua_pop(L, 2);
    model *m = &u->s->model;
    char line[1024], les[128];
    lesson_status(u->s, les, sizeof les);
    /* Most important first: what is on screen, then how to drive it. */
    char took[32] = "";
    if (u->last_ms >= 0)
        snprintf(took, sizeof took, " | %.0f ms", u->last_ms);
    snprintf(line, sizeof line, " %s%s | %s v%d | TNM %d%s%s%s%s%s",
             m->cohort ? m->cohort_name : "no cohort",
             m->cohort ? (m->simulated ? " (simulated)" : " (observational: selection only)") : "",
             m->set[0] ? m->set : "no rules", rules_version(m->rules), u->s->edition == 9 ? 9 : 8,
             les[0] ? " | " : "", les, took,
             u->s->save_failed || u->s->history_failed ? " | NOT AUTOSAVED" : "",
             COLS >= 110 ? " | F2 transcript, PgUp/PgDn, Ctrl-D" : " | F2 transcript");
    (void)staging;
    put(w, 0, 0, line);
}

/* A sink that appends to a textlog, for the panes. */
static void textlog_sink_write(sink *sk, const char *data, size_t len) {
    textlog_write(sk->ud, data, len, TL_NORMAL);
}

/* Draws the lines of t inside the frame of w, from row y, clipped. */
static int draw_lines(ui *u, WINDOW *w, int y, textlog *t) {
    int h = getmaxy(w) - 1;
    textlog_flush(t);
    for (size_t i = 0; i < t->count && y < h; i++, y++) {
        const tl_line *l = textlog_get(t, i);
        attr_t a = style_attr(u, l->style);
        wattron(w, a);
        put(w, y, 2, l->text);
        wattroff(w, a);
    }
    return y;
}

typedef void (*view_fn)(const model *, textlog *, int);

static int draw_view(ui *u, WINDOW *w, int y, view_fn fn) {
    textlog t;
    if (textlog_init(&t, 200) != 0)
        return y;
    fn(&u->s->model, &t, getmaxx(w) - 4);
    y = draw_lines(u, w, y, &t);
    textlog_free(&t);
    return y;
}

static void draw_rules(ui *u) {
    WINDOW *w = u->win[PANE_RULES];
    frame(u, w, "Rules");
    int y = draw_view(u, w, 1, view_rules);
    if (u->s->model.cur.valid && y + 3 < getmaxy(w)) {
        wattron(w, A_BOLD);
        put(w, y + 1, 2, "Attrition");
        wattroff(w, A_BOLD);
        draw_view(u, w, y + 2, view_attrition);
    }
}

static void draw_outcome(ui *u) {
    WINDOW *w = u->win[PANE_OUTCOME];
    frame(u, w, "Outcome");
    draw_view(u, w, 1, view_outcome);
}

static void draw_case(ui *u) {
    WINDOW *w = u->win[PANE_PLOT];
    frame(u, w, "Case  (plot: back to the curves)");
    textlog t;
    if (textlog_init(&t, 400) != 0)
        return;
    sink sk = {textlog_sink_write, &t};
    lab_write_explain(u->s, &sk);
    lab_write_case(u->s, &sk);
    draw_lines(u, w, 1, &t);
    textlog_free(&t);
}

/* Curve data for the plot, kept alive while the grid is drawn. */
typedef struct plot_data {
    double *time, *surv, *cens;
    int *risk;
} plot_data;

static int curve_from(const km_curve *c, const plot_spec *sp, const char *label, int dim,
                      plot_curve *out, plot_data *pd) {
    int nt = plot_nticks(sp);
    pd->time = malloc((c->ntime + 1) * sizeof(double));
    pd->surv = malloc((c->ntime + 1) * sizeof(double));
    pd->cens = malloc((c->ntime + 1) * sizeof(double));
    pd->risk = malloc((size_t)(nt + 1) * sizeof(int));
    if (!pd->time || !pd->surv || !pd->cens || !pd->risk)
        return -1;
    size_t ne = 0, nc = 0;
    for (size_t i = 0; i < c->ntime; i++) {
        if (c->n_event[i]) {
            pd->time[ne] = c->time[i];
            pd->surv[ne++] = c->surv[i];
        }
        if (c->n_censor[i])
            pd->cens[nc++] = c->time[i];
    }
    double *ticks = malloc((size_t)(nt + 1) * sizeof(double));
    km_point *pt = malloc((size_t)(nt + 1) * sizeof(km_point));
    if (ticks && pt) {
        for (int k = 0; k < nt; k++)
            ticks[k] = sp->tick * k;
        km_at(c, ticks, (size_t)nt, 1, pt);
        for (int k = 0; k < nt; k++)
            pd->risk[k] = (int)pt[k].n_risk;
    }
    free(ticks);
    free(pt);
    plot_curve pc = {label, pd->time, pd->surv, ne, pd->cens, nc, pd->risk, dim};
    *out = pc;
    return 0;
}

/* Display width of the first n bytes of a UTF-8 string. */
static int text_width(const char *s, size_t n) {
    int width = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t i = 0;
    while (i < n) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + i, n - i, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            memset(&st, 0, sizeof st);
            k = 1;
            width++;
        } else {
            int cw = wcwidth(wc);
            width += cw > 0 ? cw : 0;
        }
        i += k;
    }
    return width;
}

static void draw_lesson(ui *u) {
    WINDOW *w = u->win[PANE_PLOT];
    frame(u, w, "Lesson");
    textlog t;
    if (textlog_init(&t, 400) != 0)
        return;
    sink sk = {textlog_sink_write, &t};
    lesson_write_step(u->s, &sk);
    textlog_flush(&t);
    /* Reflow each paragraph and wrap it at spaces: a teacher reads this
     * from the wall, so no word is cut in two. */
    int y = 1, h = getmaxy(w) - 1, width = getmaxx(w) - 4;
    char para[4096];
    size_t plen = 0;
    int first = 1;
    for (size_t i = 0; i <= t.count && y < h; i++) {
        const char *text = i < t.count ? textlog_get(&t, i)->text : "";
        if (*text && plen + strlen(text) + 2 < sizeof para) {
            if (plen)
                para[plen++] = ' ';
            memcpy(para + plen, text, strlen(text));
            plen += strlen(text);
            if (i + 1 < t.count)
                continue;
        }
        para[plen] = '\0';
        /* Greedy fill: words up to the pane's width. */
        const char *p = para;
        while (*p && y < h) {
            const char *line_end = p, *q = p;
            int used = 0;
            while (*q) {
                const char *word = q;
                while (*q && *q != ' ')
                    q++;
                int ww = text_width(word, (size_t)(q - word));
                if (used && used + 1 + ww > width)
                    break;
                if (!used && ww > width) { /* a word longer than the pane */
                    q = word + (size_t)width;
                    ww = width;
                }
                used += (used ? 1 : 0) + ww;
                line_end = q;
                while (*q == ' ')
                    q++;
            }
            if (first)
                wattron(w, A_BOLD);
            mvwaddnstr(w, y++, 2, p, (int)(line_end - p));
            wattroff(w, A_BOLD);
            p = line_end;
            while (*p == ' ')
                p++;
        }
        if (plen && y < h && i < t.count)
            y++; /* blank line between paragraphs */
        first = 0;
        plen = 0;
    }
    textlog_free(&t);
}

static void draw_plot(ui *u) {
    WINDOW *w = u->win[PANE_PLOT];
    if (u->s->pane_case == PANE_SHOWS_CASE) {
        draw_case(u);
        return;
    }
    if (u->s->pane_case == PANE_SHOWS_LESSON) {
        draw_lesson(u);
        return;
    }
    model *m = &u->s->model;
    int e = u->s->plot_endpoint;
    const model_endpoint *ep = &m->cur.ep[e], *pp = &m->prev.ep[e];
    char title[96];
    int wide = getmaxx(w) > 70;
    /* The time unit is in the title too: a narrow axis has no room for it. */
    snprintf(title, sizeof title, "Kaplan-Meier %s, months%s",
             e == MODEL_OS ? (wide ? "overall survival" : "OS")
                           : (wide ? "progression-free survival" : "PFS"),
             m->prev.valid ? (wide ? "  (dotted: before the last change)" : " (dotted: before)")
                           : "");
    frame(u, w, title);
    if (!m->cur.valid || !ep->available || ep->fit == NULL) {
        put(w, 1, 2, m->cur.valid ? ep->message : "Curves appear once a cohort and a rule set are active.");
        return;
    }
    plot_curve curves[PLOT_MAX_CURVES];
    plot_data data[PLOT_MAX_CURVES];
    memset(data, 0, sizeof data);
    plot_spec sp = {curves, 0, 36, 12, "months", !u->utf8};
    /* The time axis covers the follow-up, in whole years, at least 3. */
    double tmax = 36;
    for (int g = 0; g < ep->ngroups; g++) {
        const km_curve *c = &ep->fit->strata[g];
        if (c->ntime && c->time[c->ntime - 1] > tmax)
            tmax = c->time[c->ntime - 1];
    }
    sp.tmax = ceil(tmax / 12) * 12;
    if (sp.tmax > 120)
        sp.tmax = 120;
    sp.tick = sp.tmax > 72 ? 24 : 12;
    int have_prev = m->prev.valid && pp->available && pp->fit && strcmp(m->prev.set, m->cur.set) == 0;
    for (int pass = 0; pass < 2; pass++) {
        const model_endpoint *src = pass ? pp : ep;
        if (pass && !have_prev)
            break;
        for (int g = 0; g < src->ngroups && sp.ncurves < PLOT_MAX_CURVES; g++) {
            if (src->fit->strata[g].n == 0)
                continue;
            if (curve_from(&src->fit->strata[g], &sp, src->g[g].label, pass,
                           &curves[sp.ncurves], &data[sp.ncurves]) == 0)
                sp.ncurves++;
        }
    }
    plot_grid g;
    int pw = getmaxx(w) - 2, ph = getmaxy(w) - 2;
    if (plot_render(&sp, pw, ph, &g) == 0) {
        for (int y = 0; y < g.h; y++)
            for (int x = 0; x < g.w; x++) {
                plot_cell *c = &g.cells[(size_t)y * g.w + x];
                attr_t a = A_NORMAL;
                short pair = 0;
                if (c->curve >= 0) {
                    int base = c->curve % ep->ngroups; /* before/after share colours */
                    if (u->colors)
                        pair = (short)(PAIR_CURVE0 + base % 4);
                    else
                        a = base ? A_BOLD : A_NORMAL; /* monochrome: weight tells them apart */
                    if (c->dim)
                        a = A_DIM;
                }
                cchar_t cc;
                wchar_t wc[2] = {(wchar_t)c->ch, 0};
                /* The colour pair goes in setcchar's own argument: a
                 * COLOR_PAIR() inside the attributes would be overridden. */
                setcchar(&cc, wc, a, pair, NULL);
                mvwadd_wch(w, 1 + y, 1 + x, &cc);
            }
        free(g.cells);
    } else {
        put(w, 1, 2, "The plot needs a larger window.");
    }
    for (int i = 0; i < PLOT_MAX_CURVES; i++) {
        free(data[i].time);
        free(data[i].surv);
        free(data[i].cens);
        free(data[i].risk);
    }
}

static void draw_log(ui *u) {
    WINDOW *w = u->win[PANE_LOG];
    werase(w);
    int h = getmaxy(w), width = getmaxx(w);
    whline_set(w, WACS_HLINE, width);
    if (u->log.scroll) {
        char note[64];
        snprintf(note, sizeof note, " scrolled back %zu lines (PgDn) ", u->log.scroll);
        mvwaddstr(w, 0, 2, note);
    } else if (u->big_log) {
        mvwaddstr(w, 0, 2, " transcript (F2: back to the panes; PgUp/PgDn scroll) ");
    }
    /* Fill from the bottom up, wrapping long lines. */
    int y = h - 1;
    size_t total = u->log.count;
    size_t skip = u->log.scroll < total ? u->log.scroll : total;
    for (size_t i = total - skip; i-- > 0 && y >= 1;) {
        const tl_line *l = textlog_get(&u->log, i);
        size_t starts[64];
        size_t rows = textlog_wrap(l->text, width, starts, 64);
        if (rows > 64)
            rows = 64;
        wattron(w, style_attr(u, l->style));
        for (size_t r = rows; r-- > 0 && y >= 1;) {
            size_t end = r + 1 < rows ? starts[r + 1] : strlen(l->text);
            mvwaddnstr(w, y--, 0, l->text + starts[r], (int)(end - starts[r]));
        }
        wattroff(w, style_attr(u, l->style));
    }
}


/* rl_redisplay_function: the prompt and the line, scrolled sideways so the
 * cursor stays visible; the cursor column counts display cells (wcwidth). */
static void draw_input(void) {
    ui *u = active;
    if (u == NULL || u->small)
        return;
    WINDOW *w = u->win[PANE_INPUT];
    werase(w);
    const char *prompt = rl_display_prompt ? rl_display_prompt : "";
    int width = getmaxx(w);
    int pw = text_width(prompt, strlen(prompt));
    int cursor = text_width(rl_line_buffer, (size_t)rl_point);
    /* Skip whole characters from the left until the cursor fits. */
    size_t from = 0;
    int skipped = 0;
    while (pw + cursor - skipped >= width - 1 && from < (size_t)rl_point) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        wchar_t wc;
        size_t k = mbrtowc(&wc, rl_line_buffer + from, (size_t)rl_end - from, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
            k = 1;
        skipped += text_width(rl_line_buffer + from, k);
        from += k;
    }
    wattron(w, A_BOLD);
    mvwaddstr(w, 0, 0, prompt);
    wattroff(w, A_BOLD);
    waddnstr(w, rl_line_buffer + from, -1);
    wmove(w, 0, pw + cursor - skipped);
    wnoutrefresh(w);
    doupdate();
}

static void draw_small(void) {
    erase();
    char msg[128];
    snprintf(msg, sizeof msg, "tnmlab needs at least %dx%d; this terminal is %dx%d.",
             LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, COLS, LINES);
    mvaddnstr(LINES / 2, 0, msg, COLS);
    mvaddnstr(LINES / 2 + 1, 0, "Enlarge the window (or Ctrl-D to quit).", COLS);
    refresh();
}

static void draw_all(ui *u) {
    char err[512];
    if (model_update(&u->s->model, err, sizeof err) != 0)
        textlog_write(&u->log, err, strlen(err), TL_ERROR), textlog_write(&u->log, "\n", 1, TL_ERROR);
    if (u->small) {
        draw_small();
        return;
    }
    draw_status(u);
    if (!u->big_log) {
        draw_rules(u);
        draw_outcome(u);
        draw_plot(u);
    }
    draw_log(u);
    for (int i = 0; i < PANE_COUNT; i++)
        if (i != PANE_INPUT && u->win[i])
            wnoutrefresh(u->win[i]);
    draw_input();
}

static void free_windows(ui *u) {
    for (int i = 0; i < PANE_COUNT; i++) {
        if (u->win[i])
            delwin(u->win[i]);
        u->win[i] = NULL;
    }
}

/* (Re)creates the pane windows for the current terminal size. */
static void relayout(ui *u) {
    free_windows(u);
    u->small = layout_compute(COLS, LINES, &u->lay) != 0;
    clearok(curscr, TRUE);
    if (u->small)
        return;
    if (u->big_log) { /* F2: the transcript takes the whole body */
        rect r = {1, 0, LINES - 2, COLS};
        u->lay.pane[PANE_LOG] = r;
    }
    for (int i = 0; i < PANE_COUNT; i++) {
        if (u->big_log && (i == PANE_RULES || i == PANE_OUTCOME || i == PANE_PLOT))
            continue;
        rect r = u->lay.pane[i];
        u->win[i] = newwin(r.h, r.w, r.y, r.x);
    }
    keypad(u->win[PANE_INPUT], TRUE);
    wtimeout(u->win[PANE_INPUT], 100);
    rl_set_screen_size(1, u->lay.pane[PANE_INPUT].w);
}

/* --- readline hooks -------------------------------------------------------- */

static int rl_getc_hook(FILE *f) {
    (void)f;
    active->key_avail = 0;
    return active->key;
}

static int rl_avail_hook(void) { return active->key_avail; }

static void rl_noop_prep(int meta) { (void)meta; }
static void rl_noop_deprep(void) {}

static void feed_byte(ui *u, int c) {
    u->key = c;
    u->key_avail = 1;
    rl_callback_read_char();
}

static void feed_bytes(ui *u, const char *s) {
    while (*s)
        feed_byte(u, (unsigned char)*s++);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_line(char *line) {
    ui *u = active;
    if (line == NULL) { /* Ctrl-D on an empty line */
        u->done = 1;
        return;
    }
    double t0 = now_ms();
    textlog_write(&u->log, rl_display_prompt ? rl_display_prompt : "", strlen(rl_display_prompt ? rl_display_prompt : ""), TL_INPUT);
    textlog_write(&u->log, line, strlen(line), TL_INPUT);
    textlog_write(&u->log, "\n", 1, TL_INPUT);
    u->log.scroll = 0;
    feed_status st = lineedit_accept(u->s, &u->pending, line);
    free(line);
    drain_capture(u);
    textlog_flush(&u->log);
    rl_set_prompt(lineedit_prompt(st));
    if (u->s->quit)
        u->done = 1;
    draw_all(u);
    /* How long the change took to reach the screen, shown on the status
     * line (and read by bench/ui_redraw.sh). */
    u->last_ms = now_ms() - t0;
    if (!u->small) {
        draw_status(u);
        wnoutrefresh(u->win[PANE_STATUS]);
        draw_input();
    }
    if (st != FEED_MORE) /* the screen first, then the disk */
        lineedit_save(u->s);
}

/* Shows a list of candidates in the log instead of printing over the screen. */
static void show_matches(char **matches, int n, int maxlen) {
    (void)maxlen;
    ui *u = active;
    char line[1024];
    size_t o = 0;
    for (int i = 1; i <= n; i++) {
        int k = snprintf(line + o, sizeof line - o, "%s%s", o ? "  " : "", matches[i]);
        if (k < 0 || (size_t)k >= sizeof line - o)
            break;
        o += (size_t)k;
    }
    textlog_write(&u->log, line, o, TL_NOTE);
    textlog_write(&u->log, "\n", 1, TL_NOTE);
    draw_all(u);
}

/* --- the loop -------------------------------------------------------------- */

/* Curses reports some keys as KEY_* codes; readline wants the escape
 * sequences a terminal would send. */
static const char *key_sequence(int key) {
    switch (key) {
    case KEY_LEFT: return "\033[D";
    case KEY_RIGHT: return "\033[C";
    case KEY_UP: return "\033[A";
    case KEY_DOWN: return "\033[B";
    case KEY_HOME: return "\033[H";
    case KEY_END: return "\033[F";
    case KEY_DC: return "\033[3~";
    case KEY_BACKSPACE: return "\177";
    case KEY_ENTER: return "\r";
    default: return NULL;
    }
}

static void clear_line(ui *u) {
    free(u->pending);
    u->pending = NULL;
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    rl_set_prompt(lineedit_prompt(FEED_DONE));
    rl_callback_handler_remove();
    rl_callback_handler_install(lineedit_prompt(FEED_DONE), on_line);
    textlog_write(&u->log, "^C\n", 3, TL_NOTE);
    draw_all(u);
}

static void handle_key(ui *u, int kind, wint_t ch) {
    if (kind == KEY_CODE_YES) {
        if (ch == KEY_RESIZE) {
            relayout(u);
            draw_all(u);
            return;
        }
        if (ch == KEY_F(2)) { /* the transcript full size, and back */
            u->big_log = !u->big_log;
            relayout(u);
            draw_all(u);
            return;
        }
        if (ch == KEY_PPAGE || ch == KEY_NPAGE) {
            int page = u->small ? 1 : u->lay.pane[PANE_LOG].h - 2;
            if (ch == KEY_PPAGE)
                u->log.scroll += (size_t)page;
            else
                u->log.scroll = u->log.scroll > (size_t)page ? u->log.scroll - (size_t)page : 0;
            if (u->log.scroll >= u->log.count)
                u->log.scroll = u->log.count ? u->log.count - 1 : 0;
            draw_all(u);
            return;
        }
        const char *seq = key_sequence((int)ch);
        if (seq)
            feed_bytes(u, seq);
        return;
    }
    /* A wide character: hand readline its UTF-8 bytes. */
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)ch, &st);
    if (n == (size_t)-1)
        return;
    for (size_t i = 0; i < n; i++)
        feed_byte(u, (unsigned char)mb[i]);
}

static int setup(ui *u) {
    /* curses draws on a duplicate of the terminal; fd 1 and 2 go to an
     * anonymous file that is drained into the log after each command. */
    u->saved_fd1 = dup(STDOUT_FILENO);
    u->saved_fd2 = dup(STDERR_FILENO);
    u->capture_fd = memfd_create("tnmlab-output", 0);
    if (u->saved_fd1 < 0 || u->saved_fd2 < 0 || u->capture_fd < 0)
        return -1;
    u->tty = fdopen(dup(u->saved_fd1), "w");
    if (u->tty == NULL)
        return -1;
    u->screen = newterm(NULL, u->tty, stdin);
    if (u->screen == NULL)
        return -1;
    fflush(stdout);
    fflush(stderr);
    dup2(u->capture_fd, STDOUT_FILENO);
    dup2(u->capture_fd, STDERR_FILENO);
    cbreak();
    noecho();
    nonl();
    u->colors = has_colors();
    u->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    if (u->colors) {
        start_color();
        use_default_colors();
        init_pair(PAIR_TITLE, COLOR_CYAN, -1);
        init_pair(PAIR_ERROR, COLOR_RED, -1);
        init_pair(PAIR_INPUT, COLOR_YELLOW, -1);
        init_pair(PAIR_NOTE, COLOR_GREEN, -1);
        init_pair(PAIR_STATUS, COLOR_BLACK, COLOR_CYAN);
        /* Curves: colours that stay apart on a projector. */
        init_pair(PAIR_CURVE0, COLOR_CYAN, -1);
        init_pair(PAIR_CURVE0 + 1, COLOR_YELLOW, -1);
        init_pair(PAIR_CURVE0 + 2, COLOR_MAGENTA, -1);
        init_pair(PAIR_CURVE0 + 3, COLOR_GREEN, -1);
    }
    return 0;
}

static void teardown(ui *u) {
    free_windows(u);
    if (u->screen) {
        endwin();
        delscreen(u->screen);
    }
    if (u->tty)
        fclose(u->tty);
    fflush(stdout);
    fflush(stderr);
    if (u->saved_fd1 >= 0) {
        dup2(u->saved_fd1, STDOUT_FILENO);
        close(u->saved_fd1);
    }
    if (u->saved_fd2 >= 0) {
        dup2(u->saved_fd2, STDERR_FILENO);
        close(u->saved_fd2);
    }
    if (u->capture_fd >= 0)
        close(u->capture_fd);
}

/* Hands the terminal to another program (the editor) and takes it back. */
static void suspend_screen(session *s, int resume) {
    ui *u = active;
    (void)s;
    if (u == NULL)
        return;
    if (!resume) {
        def_prog_mode();
        endwin();
        drain_capture(u);
        fflush(stdout);
        fflush(stderr);
        dup2(u->saved_fd1, STDOUT_FILENO);
        dup2(u->saved_fd2, STDERR_FILENO);
    } else {
        fflush(stdout);
        fflush(stderr);
        dup2(u->capture_fd, STDOUT_FILENO);
        dup2(u->capture_fd, STDERR_FILENO);
        reset_prog_mode();
        clearok(curscr, TRUE);
        relayout(u);
        draw_all(u);
    }
}

int ui_run(session *s) {
    ui u;
    memset(&u, 0, sizeof u);
    u.s = s;
    u.saved_fd1 = u.saved_fd2 = u.capture_fd = -1;
    u.last_ms = -1;
    if (textlog_init(&u.log, 5000) != 0)
        return -1;
    if (setup(&u) != 0) {
        teardown(&u);
        textlog_free(&u.log);
        sink_printf(&s->err, "tnmlab: cannot set up the full-screen terminal; try --plain\n");
        return -1;
    }
    active = &u;
    u.saved_out = s->out;
    u.saved_err = s->err;
    s->out.write = log_out;
    s->out.ud = &u;
    s->err.write = log_err;
    s->err.ud = &u;
    s->suspend = suspend_screen;
    s->defer_save = 1;

    rl_readline_name = "tnmlab";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_prep_term_function = rl_noop_prep;
    rl_deprep_term_function = rl_noop_deprep;
    rl_getc_function = rl_getc_hook;
    rl_input_available_hook = rl_avail_hook;
    rl_redisplay_function = draw_input;
    complete_install(s);
    rl_completion_display_matches_hook = show_matches;
    lineedit_history_load(s);

    textlog_write(&u.log, "tnmlab " PACKAGE_VERSION " (" LUA_RELEASE
                          "): type help for commands, Lua for anything else.\n", 
                  strlen("tnmlab " PACKAGE_VERSION " (" LUA_RELEASE
                         "): type help for commands, Lua for anything else.\n"), TL_NOTE);
    autosave_recover(s);
    drain_capture(&u);
    relayout(&u);
    rl_callback_handler_install(lineedit_prompt(FEED_DONE), on_line);
    draw_all(&u);

    while (!u.done) {
        wint_t ch;
        WINDOW *in = u.small ? stdscr : u.win[PANE_INPUT];
        if (u.small)
            timeout(100);
        int kind = wget_wch(in, &ch);
        if (tnm_interrupted()) { /* Ctrl-C at the prompt: clear the line */
            tnm_interrupt_clear();
            clear_line(&u);
        }
        if (kind == ERR)
            continue; /* a key read with the Ctrl-C still counts below */
        handle_key(&u, kind, ch);
    }

    rl_callback_handler_remove();
    complete_reset();
    free(u.pending);
    teardown(&u);
    s->out = u.saved_out;
    s->err = u.saved_err;
    s->suspend = NULL;
    s->defer_save = 0;
    active = NULL;
    textlog_free(&u.log);
    return 0;
}
