/* plot.c - Kaplan-Meier curves on a character grid (see plot.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Braille dot bits for (column 0-1, row 0-3) inside a cell. */
static const uint8_t braille_bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

int plot_nticks(const plot_spec *spec) {
    if (!(spec->tick > 0) || !(spec->tmax > 0))
        return 1;
    /* a huge or infinite tmax over a tiny tick: a bound, not an int overflow */
    double n = floor(spec->tmax / spec->tick + 1e-9) + 1;
    return n < PLOT_MAX_TICKS ? (int)n : PLOT_MAX_TICKS;
}

typedef struct canvas {
    plot_grid *g;
    int x0, y0;    /* top-left cell of the drawing area */
    int pw, ph;    /* drawing area in cells */
    int sx, sy;    /* dots per cell: 2x4 braille, 1x1 ASCII */
    uint8_t *dots; /* braille bits per drawing cell */
    int ascii;
} canvas;

static plot_cell *cell(plot_grid *g, int x, int y) {
    return &g->cells[(size_t)y * g->w + x];
}

static void put_text(plot_grid *g, int x, int y, const char *s) {
    for (; *s && x < g->w; s++, x++)
        if (x >= 0) {
            cell(g, x, y)->ch = (unsigned char)*s;
            cell(g, x, y)->curve = -1;
        }
}

/* Sets one dot (px, py) of the drawing area for curve c. */
static void dot(canvas *cv, int px, int py, int c, int dim, uint32_t ascii_ch) {
    if (px < 0 || py < 0 || px >= cv->pw * cv->sx || py >= cv->ph * cv->sy)
        return;
    int cx = px / cv->sx, cy = py / cv->sy;
    plot_cell *pc = cell(cv->g, cv->x0 + cx, cv->y0 + cy);
    if (cv->ascii) {
        /* '+' (censoring) and '|' (a drop) win over a flat '-'. */
        if (pc->ch == ' ' || ascii_ch != '-' || pc->curve < 0)
            pc->ch = ascii_ch;
    } else {
        uint8_t *b = &cv->dots[(size_t)cy * cv->pw + cx];
        *b |= braille_bit[py % 4][px % 2];
        pc->ch = 0x2800u + *b;
    }
    /* A live curve wins a shared cell over a dimmed one. */
    if (pc->curve < 0 || pc->dim || !dim) {
        pc->curve = (int8_t)c;
        pc->dim = (uint8_t)dim;
    }
}

/* Survival at time t for a step function starting at 1. */
static double surv_at(const plot_curve *c, double t) {
    double s = 1.0;
    size_t lo = 0, hi = c->n;
    while (lo < hi) { /* first index with time > t */
        size_t mid = (lo + hi) / 2;
        if (c->time[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0)
        s = c->surv[lo - 1];
    return s;
}

static int y_of(const canvas *cv, double s) {
    int Y = cv->ph * cv->sy;
    if (s < 0)
        s = 0;
    if (s > 1)
        s = 1;
    return (int)lround((1.0 - s) * (Y - 1));
}

static void draw_curve(canvas *cv, const plot_spec *spec, int c) {
    const plot_curve *cu = &spec->curves[c];
    double end = 0;
    if (cu->n)
        end = cu->time[cu->n - 1];
    if (cu->ncensor && cu->censor[cu->ncensor - 1] > end)
        end = cu->censor[cu->ncensor - 1];
    int X = cv->pw * cv->sx;
    int prev = -1;
    for (int px = 0; px < X; px++) {
        double t = spec->tmax * px / (X - 1);
        if (t > end + spec->tmax / (X - 1) * 0.5 && px > 0)
            break;
        int py = y_of(cv, surv_at(cu, t));
        /* The previous version's curve is dashed (two cells on, two off)
         * and a reference curve dotted (one on, one off): they stay apart
         * from the live ones on a monochrome screen, where dim may not
         * show, and in braille, where a thinner line would not. */
        int cellx = px / cv->sx;
        if ((cu->dim && cellx % 4 >= 2) || (cu->dotted && cellx % 2 == 1)) {
            prev = py;
            continue;
        }
        if (prev >= 0 && py != prev) {
            int a = prev < py ? prev : py, b = prev < py ? py : prev;
            for (int y = a; y <= b; y++)
                dot(cv, px, y, c, cu->dim, '|');
        } else {
            dot(cv, px, py, c, cu->dim, '-');
        }
        prev = py;
    }
    /* More censorings than pixel columns would paint a solid band under
     * the curve; the ticks then tell nothing, so they are left out. */
    if (cu->ncensor > (size_t)X)
        return;
    for (size_t i = 0; i < cu->ncensor; i++) {
        double t = cu->censor[i];
        if (t > spec->tmax)
            break;
        int px = (int)lround(t / spec->tmax * (X - 1));
        int py = y_of(cv, surv_at(cu, t));
        if (cv->ascii) {
            dot(cv, px, py, c, cu->dim, '+');
        } else {
            dot(cv, px, py - 1, c, cu->dim, 0);
            dot(cv, px, py + 1, c, cu->dim, 0);
        }
    }
}

/* At-risk counts fit under their tick: exact below 10,000, then in
 * thousands or millions ("61k", "1.2M"). */
static void fmt_count(char *buf, size_t n, int v) {
    if (v >= 1000000)
        snprintf(buf, n, "%.1fM", v / 1e6);
    else if (v >= 10000)
        snprintf(buf, n, "%.0fk", v / 1e3);
    else
        snprintf(buf, n, "%d", v);
}

int plot_render(const plot_spec *spec, int w, int h, plot_grid *out) {
    if (w < 30 || h < 6 || spec->ncurves > PLOT_MAX_CURVES || !(spec->tmax > 0))
        return -1;
    int nrisk = 0;
    size_t label_w = 4;
    for (int c = 0; c < spec->ncurves; c++) {
        if (spec->curves[c].at_risk && !spec->curves[c].dim)
            nrisk++;
        size_t l = spec->curves[c].label ? strlen(spec->curves[c].label) : 0;
        if (l > label_w)
            label_w = l;
    }
    if (label_w > 10)
        label_w = 10;
    int ph = h - 1 - 2 - nrisk; /* legend, axis + tick labels, at-risk rows */
    if (ph < 4) {               /* a small window: the curves matter more than the table */
        nrisk = 0;
        ph = h - 3;
    }
    int margin = (int)label_w + 1; /* y labels "100%" or at-risk labels */
    plot_grid g = {w, h, calloc((size_t)w * h, sizeof(plot_cell))};
    if (g.cells == NULL)
        return -1;
    for (int i = 0; i < w * h; i++) {
        g.cells[i].ch = ' ';
        g.cells[i].curve = -1;
    }
    canvas cv = {&g,   margin + 1, 1, w - margin - 1, ph, spec->ascii ? 1 : 2, spec->ascii ? 1 : 4,
                 NULL, spec->ascii};
    cv.dots = calloc((size_t)cv.pw * cv.ph, 1);
    if (cv.dots == NULL) {
        free(g.cells);
        return -1;
    }

    /* Legend on the top row: each live curve; the previous version's as
     * one entry (colours tell its groups apart); the reference dotted. */
    int lx = margin + 1, before_done = 0;
    /* Too long for the row: first the marks shortened to one cell with no
     * gap ("━radical ╍before"), then every label cut to the same share of
     * the row, so that each entry shows rather than the last ones falling
     * off. */
    int entries = 0, labels = 0, seen_dim = 0, avail = w - lx;
    for (int c = 0; c < spec->ncurves; c++) {
        const plot_curve *cu = &spec->curves[c];
        if (cu->dim && seen_dim++)
            continue;
        entries++;
        labels += (int)strlen(cu->dim ? "before" : cu->label ? cu->label : "");
    }
    int compact = labels + 5 * entries > avail, cut = 60;
    if (compact && labels + 2 * entries > avail && entries)
        cut = avail / entries - 2;
    if (cut < 3)
        cut = 3;
    for (int c = 0; c < spec->ncurves && lx < w; c++) {
        const plot_curve *cu = &spec->curves[c];
        char text[96];
        if (cu->dim && before_done)
            continue;
        const char *mark = spec->ascii  ? (cu->dim      ? "- -"
                                           : cu->dotted ? ". ."
                                                        : "--")
                           : cu->dim    ? "\xe2\x95\x8d\xe2\x95\x8d"  /* U+254D */
                           : cu->dotted ? "\xe2\x94\x88\xe2\x94\x88"  /* U+2508 */
                                        : "\xe2\x94\x81\xe2\x94\x81"; /* U+2501 */
        if (compact) /* one cell of the mark: its first code point */
            snprintf(text, sizeof text, "%.*s%.*s ", spec->ascii ? 1 : 3, mark, cut,
                     cu->dim     ? "before"
                     : cu->label ? cu->label
                                 : "");
        else
            snprintf(text, sizeof text, "%s %s  ", mark,
                     cu->dim     ? "before"
                     : cu->label ? cu->label
                                 : "");
        before_done |= cu->dim;
        /* Copy UTF-8 as code points so the legend line takes one cell each. */
        const unsigned char *p = (const unsigned char *)text;
        while (*p && lx < w) {
            uint32_t cp = *p;
            int k = 1;
            if (cp >= 0xe0 && p[1] && p[2]) {
                cp = ((cp & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
                k = 3;
            }
            plot_cell *pc = cell(&g, lx++, 0);
            pc->ch = cp;
            pc->curve = cu->dim ? -1 : (int8_t)c; /* "before": the axes' colour */
            pc->dim = (uint8_t)cu->dim;
            p += k;
        }
    }

    /* Y axis with 0, 50 and 100% (25 and 75 when there is room). */
    for (int y = 0; y < ph; y++)
        cell(&g, margin, 1 + y)->ch = spec->ascii ? '|' : 0x2502;
    int step = ph >= 9 ? 25 : 50;
    for (int pct = 0; pct <= 100; pct += step) {
        int row = y_of(&cv, pct / 100.0) / cv.sy;
        char lab[16];
        snprintf(lab, sizeof lab, "%3d%%", pct);
        put_text(&g, margin - (int)strlen(lab), 1 + row, lab);
    }

    /* X axis and tick labels. */
    int axis = 1 + ph;
    cell(&g, margin, axis)->ch = spec->ascii ? '+' : 0x2514;
    for (int x = margin + 1; x < w; x++)
        cell(&g, x, axis)->ch = spec->ascii ? '-' : 0x2500;
    int nt = plot_nticks(spec), X = cv.pw * cv.sx, last_end = -1;
    int tick_col[64];
    for (int k = 0; k < nt && k < 64; k++) {
        double t = spec->tick * k;
        int col = margin + 1 + (int)lround(t / spec->tmax * (X - 1)) / cv.sx;
        tick_col[k] = col;
        if (col < w)
            cell(&g, col, axis)->ch = spec->ascii ? '+' : 0x252c;
        char lab[16];
        snprintf(lab, sizeof lab, "%g", t);
        int len = (int)strlen(lab);
        int start = col - len / 2;
        if (start > last_end && start + len <= w) {
            put_text(&g, start, axis + 1, lab);
            last_end = start + len;
        }
    }
    if (spec->unit) {
        int len = (int)strlen(spec->unit);
        if (w - len > last_end + 1)
            put_text(&g, w - len, axis + 1, spec->unit);
    }

    /* Number at risk under the ticks, one row per live curve. */
    int row = axis + 2;
    for (int c = 0; c < spec->ncurves && nrisk; c++) {
        const plot_curve *cu = &spec->curves[c];
        if (!cu->at_risk || cu->dim || row >= h)
            continue;
        char lab[16];
        snprintf(lab, sizeof lab, "%.*s", (int)label_w, cu->label ? cu->label : "");
        put_text(&g, 0, row, lab);
        for (int x = 0; x < (int)strlen(lab); x++)
            cell(&g, x, row)->curve = (int8_t)c;
        int end_prev = margin;
        for (int k = 0; k < nt && k < 64; k++) {
            char num[16];
            fmt_count(num, sizeof num, cu->at_risk[k]);
            int len = (int)strlen(num), start = tick_col[k] - len / 2;
            if (start <= end_prev)
                start = end_prev + 1;
            if (start + len <= w) {
                put_text(&g, start, row, num);
                end_prev = start + len;
            }
        }
        row++;
    }

    /* Dimmed curves first, so live curves own shared cells. */
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < spec->ncurves; c++)
            if (spec->curves[c].dim == !pass)
                draw_curve(&cv, spec, c);
    free(cv.dots);
    *out = g;
    return 0;
}

size_t plot_row_utf8(const plot_grid *g, int y, char *buf, size_t n) {
    size_t o = 0;
    for (int x = 0; x < g->w; x++) {
        uint32_t cp = g->cells[(size_t)y * g->w + x].ch;
        char enc[4];
        int k;
        if (cp < 0x80) {
            enc[0] = (char)cp;
            k = 1;
        } else if (cp < 0x800) {
            enc[0] = (char)(0xc0 | (cp >> 6));
            enc[1] = (char)(0x80 | (cp & 0x3f));
            k = 2;
        } else {
            enc[0] = (char)(0xe0 | (cp >> 12));
            enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
            enc[2] = (char)(0x80 | (cp & 0x3f));
            k = 3;
        }
        if (o + (size_t)k + 1 > n)
            break;
        memcpy(buf + o, enc, (size_t)k);
        o += (size_t)k;
    }
    if (n)
        buf[o] = '\0';
    return o;
}
