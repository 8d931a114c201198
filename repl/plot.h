/* plot.h - Kaplan-Meier curves rasterised to a character grid: Unicode
 * braille (2x4 dots a cell) or ASCII, with axes, units and the number at
 * risk.  Plain C, no curses: the screen copies the grid, tests read it.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_PLOT_H
#define TNMLAB_PLOT_H

#include <stddef.h>
#include <stdint.h>

enum { PLOT_MAX_CURVES = 8, PLOT_MAX_TICKS = 1000 };

typedef struct plot_curve {
    const char *label;  /* legend text, e.g. "selected" */
    const double *time; /* event times, ascending (n of them) */
    const double *surv; /* survival just after each time */
    size_t n;
    const double *censor; /* censoring times (ncensor), for tick marks */
    size_t ncensor;
    /* number at risk at each x tick, or NULL; nticks values */
    const int *at_risk;
    int dim;    /* the previous version's curve: dimmed and dashed, one legend entry for all */
    int dotted; /* a reference curve (the whole cohort): dotted */
} plot_curve;

typedef struct plot_spec {
    const plot_curve *curves;
    int ncurves;
    double tmax;      /* right end of the time axis (> 0) */
    double tick;      /* spacing of x ticks, e.g. 12 (months) */
    const char *unit; /* "months" or "days" */
    int ascii;        /* 1: ASCII fallback instead of braille */
} plot_spec;

/* One cell of the output: a Unicode code point and the curve that owns it
 * (-1 for axes and labels, used by the screen to pick a colour). */
typedef struct plot_cell {
    uint32_t ch;
    int8_t curve;
    uint8_t dim;
} plot_cell;

typedef struct plot_grid {
    int w, h;
    plot_cell *cells; /* h rows of w cells, row 0 at the top */
} plot_grid;

/* Number of x ticks spec gives (0, tick, 2*tick, ... <= tmax), at most
 * PLOT_MAX_TICKS. */
int plot_nticks(const plot_spec *spec);

/* Draws the plot into a new w x h grid: y axis 0-100% with labels, the
 * curves as step functions with censoring ticks (the previous version's
 * dashed, two cells drawn and two left out, a reference curve dotted, so
 * that they are told apart without colour, in braille and in ASCII), an x axis with tick
 * labels and the unit, and one number-at-risk row per curve that has
 * at_risk.  Returns 0, or -1 if w x h is too small (w < 30 or h < 6) or on
 * ENOMEM.  The caller frees out->cells. */
int plot_render(const plot_spec *spec, int w, int h, plot_grid *out);

/* Writes row y of the grid as UTF-8 into buf (NUL-terminated); returns the
 * byte length.  For tests and for plain-text output. */
size_t plot_row_utf8(const plot_grid *g, int y, char *buf, size_t n);

#endif
