/* ui_panes.c - the panes of the full screen, drawn from the session's model.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The status line, the rules and attrition pane, the outcome pane, the
 * lower-right pane (Kaplan-Meier plot, case or lesson) and the log, and
 * draw_all() that puts them on the screen.  The terminal, readline, the
 * input line and the loop are ui.c's (see ui_int.h).
 */
#define _GNU_SOURCE
#include "config.h"

#include "ui_int.h"

#include <curses.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "lab.h"
#include "lesson.h"
#include "layout.h"
#include "plot.h"
#include "textlog.h"
#include "view.h"
#include "visible.h"

#include <math.h>

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

void draw_status(ui *u) {
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
    lesson_status(u->s, les, sizeof les, COLS < 110);
    /* Most important first: what is on screen, then how to drive it. */
    char took[32] = "";
    if (u->last_ms >= 0)
        snprintf(took, sizeof took, " | %.0f ms", u->last_ms);
    /* A narrow screen: the cohort's name without its details, so that the
     * rule set, its version and the lesson stay on the line. */
    int narrow = COLS < 110;
    char cname[64];
    snprintf(cname, sizeof cname, "%.*s", narrow ? (int)strcspn(m->cohort_name, " (") : 63,
             m->cohort_name);
    snprintf(
        line, sizeof line, " %s%s | %s v%d | TNM %d%s%s%s%s%s", m->cohort ? cname : "no cohort",
        m->cohort ? (m->simulated ? (narrow ? " (sim.)" : " (simulated)")
                                  : (narrow ? " (obs.)" : " (observational: selection only)"))
                  : "",
        m->set[0] ? m->set : "no rules", m->set[0] ? rules_set_version(m->rules, m->set, 0) : 0,
        rules_edition(u->s->model.rules), les[0] ? " | " : "", les, took,
        u->s->save_failed || u->s->history_failed ? " | NOT AUTOSAVED" : "",
        COLS >= 110 ? " | F2 transcript, PgUp/PgDn, Ctrl-D" : " | F2 transcript");
    (void)staging;
    put(w, 0, 0, line);
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

static void draw_lesson(ui *u);

static void draw_rules(ui *u) {
    int k, n;
    const char *a, *b, *c;
    if (lesson_current(u->s, &k, &n, &a, &b, &c)) {
        draw_lesson(u);
        return;
    }
    WINDOW *w = u->win[PANE_RULES];
    frame(u, w, "Rules");
    /* A short pane keeps the whole attrition: the params then go on few
     * lines, without the set's description. */
    int inner = getmaxy(w) - 2, width = getmaxx(w) - 4, full = 0, steps = 0;
    textlog t;
    if (textlog_init(&t, 200) == 0) {
        view_rules(&u->s->model, &t, width);
        textlog_flush(&t);
        full = (int)t.count;
        textlog_free(&t);
    }
    if (u->s->model.cur.valid)
        steps = (int)u->s->model.cur.nsteps + 3; /* blank, title, header */
    int y = draw_view(u, w, 1, full + steps > inner ? view_rules_brief : view_rules);
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
    textlog *t = lab_case_text(u->s); /* made with the model, not by the draw */
    if (t)
        draw_lines(u, w, 1, t);
}

/* Curve data for the plot, kept alive while the grid is drawn. */
typedef struct plot_data {
    double *time, *surv, *cens;
    int *risk;
} plot_data;

static int curve_from(const km_curve *c, const plot_spec *sp, const char *label, int dim,
                      int dotted, plot_curve *out, plot_data *pd) {
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
    plot_curve pc = {label, pd->time, pd->surv, ne, pd->cens, nc, pd->risk, dim, dotted};
    *out = pc;
    return 0;
}

/* Reflows text (paragraphs split by blank lines, single newlines read as
 * spaces) into lines of at most width columns, breaking at spaces (a
 * teacher reads this from the wall: no word is cut in two unless it is
 * longer than the pane), a blank line between paragraphs.  Appends them
 * to t; returns the number appended. */
static int reflow(const char *text, int width, textlog *t) {
    int n = 0;
    const char *p = text;
    while (*p) {
        /* one paragraph: up to a blank line */
        const char *end = strstr(p, "\n\n");
        if (end == NULL)
            end = p + strlen(p);
        char line[512];
        int used = 0; /* bytes in line; cols counted by text_width */
        int cols = 0;
        const char *q = p;
        while (q < end) {
            while (q < end && (*q == ' ' || *q == '\n'))
                q++;
            const char *word = q;
            while (q < end && *q != ' ' && *q != '\n')
                q++;
            size_t wl = (size_t)(q - word);
            if (wl == 0)
                break;
            int ww = text_width(word, wl);
            if (cols && cols + 1 + ww > width) {
                textlog_write(t, line, (size_t)used, TL_NORMAL);
                textlog_write(t, "\n", 1, TL_NORMAL);
                n++;
                used = cols = 0;
            }
            if (used && used + 1 < (int)sizeof line)
                line[used++] = ' ', cols++;
            if (wl > sizeof line - 1 - (size_t)used)
                wl = sizeof line - 1 - (size_t)used;
            memcpy(line + used, word, wl);
            used += (int)wl;
            cols += ww;
        }
        if (used) {
            textlog_write(t, line, (size_t)used, TL_NORMAL);
            textlog_write(t, "\n", 1, TL_NORMAL);
            n++;
        }
        p = end;
        while (*p == '\n')
            p++;
        if (*p) {
            textlog_write(t, "\n", 1, TL_NORMAL);
            n++;
        }
    }
    textlog_flush(t);
    return n;
}

/* A running lesson takes the left pane: its title, the step's text a page
 * at a time (F3 turns the page; the frame says when there is more), the
 * question pinned below it, and the attrition beneath when there is room.
 * The outcome and the plot stay where they are. */
static void draw_lesson(ui *u) {
    WINDOW *w = u->win[PANE_RULES];
    int k, n;
    const char *title, *text, *question;
    lesson_current(u->s, &k, &n, &title, &text, &question);
    char head[96];
    snprintf(head, sizeof head, "Lesson %d/%d", k, n);
    frame(u, w, head);
    int h = getmaxy(w), width = getmaxx(w) - 4;
    textlog tt, tx, tq;
    if (textlog_init(&tt, 50) != 0)
        return;
    if (textlog_init(&tx, 400) != 0) {
        textlog_free(&tt);
        return;
    }
    if (textlog_init(&tq, 50) != 0) {
        textlog_free(&tt);
        textlog_free(&tx);
        return;
    }
    int nt = reflow(title, width, &tt), nx = reflow(text, width, &tx);
    char qbuf[1200];
    snprintf(qbuf, sizeof qbuf, "%s%s", *question ? "Q: " : "", question);
    int nq = *question ? reflow(qbuf, width, &tq) : 0;
    /* rows inside the frame: title, a blank, the text page, a blank, the
     * question */
    int inner = h - 2, room = inner - nt - 1 - (nq ? nq + 1 : 0);
    if (room < 3) { /* a tiny pane: the question first */
        nt = nt > 1 ? 1 : nt;
        room = inner - nt - (nq ? nq : 0);
    }
    if (room < 1)
        room = 1;
    int pages = (nx + room - 1) / (room ? room : 1);
    if (pages < 1)
        pages = 1;
    int page = u->s->lesson_page % pages;
    int y = 1;
    wattron(w, A_BOLD);
    for (int i = 0; i < nt && y < h - 1; i++)
        put(w, y++, 2, textlog_get(&tt, (size_t)i)->text);
    wattroff(w, A_BOLD);
    if (y < h - 1 && nt)
        y++;
    int shown = 0;
    for (int i = page * room; i < nx && shown < room && y < h - 1; i++, shown++)
        put(w, y++, 2, textlog_get(&tx, (size_t)i)->text);
    if (nq && y < h - 1) {
        if (pages > 1 || nx)
            y++;
        wattron(w, A_BOLD | (u->colors ? COLOR_PAIR(PAIR_TITLE) : 0));
        for (int i = 0; i < nq && y < h - 1; i++)
            put(w, y++, 2, textlog_get(&tq, (size_t)i)->text);
        wattroff(w, A_BOLD | (u->colors ? COLOR_PAIR(PAIR_TITLE) : 0));
    }
    if (pages > 1) { /* in the bottom border: where we are, how to go on */
        char more[64];
        snprintf(more, sizeof more, " page %d/%d: F3 %s ", page + 1, pages,
                 page + 1 < pages ? "more" : "back to page 1");
        wattron(w, A_BOLD);
        mvwaddstr(w, h - 1, 2, more);
        wattroff(w, A_BOLD);
    } else if (u->s->model.cur.valid && y + 3 + (int)u->s->model.cur.nsteps + 1 <= h - 1) {
        /* the attrition whole, or not at all (show attrition prints it) */
        wattron(w, A_BOLD);
        put(w, y + 1, 2, "Attrition");
        wattroff(w, A_BOLD);
        draw_view(u, w, y + 2, view_attrition);
    }
    textlog_free(&tt);
    textlog_free(&tx);
    textlog_free(&tq);
}

static void draw_plot(ui *u) {
    WINDOW *w = u->win[PANE_PLOT];
    if (u->s->pane_case == PANE_SHOWS_CASE) {
        draw_case(u);
        return;
    }
    model *m = &u->s->model;
    int e = u->s->plot_endpoint;
    const model_endpoint *ep = view_plot_endpoint(m, &m->cur, e);
    char title[160], by[80] = "";
    int wide = getmaxx(w) > 70;
    if (ep != &m->cur.ep[e]) { /* the column's name only: the legend names the groups */
        size_t len = strcspn(m->cur.by, " ");
        snprintf(by, sizeof by, " by %.*s", (int)(len < 60 ? len : 60), m->cur.by);
    }
    /* The time unit is in the title too: a narrow axis has no room for it. */
    snprintf(title, sizeof title, "Kaplan-Meier %s%s, months%s",
             e == MODEL_OS ? (wide ? "overall survival" : "OS")
                           : (wide ? "progression-free survival" : "PFS"),
             by, "");
    frame(u, w, title);
    if (!m->cur.valid || !ep->available || ep->fit == NULL) {
        put(w, 1, 2,
            m->cur.valid ? ep->message : "Curves appear once a cohort and a rule set are active.");
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
    view_curve vc[PLOT_MAX_CURVES];
    int nvc = view_plot_curves(m, e, 1, vc, PLOT_MAX_CURVES), ref = -1;
    for (int k = 0; k < nvc; k++)
        if (vc[k].km->n > 0 &&
            curve_from(vc[k].km, &sp, vc[k].ref ? "all" : vc[k].g->label, vc[k].dim, vc[k].ref,
                       &curves[sp.ncurves], &data[sp.ncurves]) == 0) {
            if (vc[k].ref)
                ref = sp.ncurves;
            sp.ncurves++;
        }
    plot_grid g;
    int pw = getmaxx(w) - 2, ph = getmaxy(w) - 2;
    if (plot_render(&sp, pw, ph, &g) == 0) {
        for (int y = 0; y < g.h; y++)
            for (int x = 0; x < g.w; x++) {
                plot_cell *c = &g.cells[(size_t)y * g.w + x];
                attr_t a = A_NORMAL;
                short pair = 0;
                if (c->curve >= 0 && c->curve == ref) {
                    a = A_BOLD; /* all patients: the terminal's own colour, dotted */
                } else if (c->curve >= 0) {
                    int base = c->curve % ep->ngroups; /* before/after share colours */
                    if (u->colors) {
                        pair = (short)(PAIR_CURVE0 + base % 8);
                        if (base % 8 == 7)
                            a = A_BOLD; /* the second cyan, bold */
                    } else
                        a = base ? A_BOLD : A_NORMAL; /* monochrome: weight tells them apart */
                    if (c->dim)
                        a = A_DIM; /* and dashed */
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
    size_t first_shown = total - skip;
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
        if (y >= 0)
            first_shown = i;
    }
    /* The last command's output longer than the pane: say how much of it
     * is above, and how to read it (its end, the conclusion, stays in
     * view). */
    if (!u->log.scroll && !u->big_log && first_shown > u->cmd_start && u->cmd_start < total) {
        char note[80];
        snprintf(note, sizeof note, " %zu more lines above: PgUp (F2: all) ",
                 first_shown - u->cmd_start);
        wattron(w, A_BOLD);
        mvwaddstr(w, 0, 2, note);
        wattroff(w, A_BOLD);
    }
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

void draw_all(ui *u) {
    char err[512];
    if (model_update(&u->s->model, err, sizeof err) != 0)
        textlog_write(&u->log, err, strlen(err), TL_ERROR),
            textlog_write(&u->log, "\n", 1, TL_ERROR);
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
