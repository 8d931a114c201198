/* export_svg.c - Kaplan-Meier plots as SVG for papers and slides (see
 * export.h).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sized for a slide or a journal column at 960 px wide: 18-24 px text and
 * 3 px curves stay readable when projected or printed at 8 cm.  The curves
 * are drawn as R's plot.survfit draws them (steps, "+"-like vertical ticks
 * at censoring times, ending at the last observation); the number at risk
 * is the count with time >= the tick, as summary(fit, times) gives it.
 */
#include "export.h"
#include "view.h"

#include <math.h>
#include <string.h>

#include "survival_data.h"

/* Okabe-Ito, ordered so that neighbours differ in lightness too: blue
 * (dark) and orange (light) stay apart in greyscale. */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                      "#D55E00", "#56B4E9", "#000000", "#F0E442"};
static const char *const dim_colour = "#8C8C8C";

/* The previous version dashed, the whole cohort dotted, the rest solid. */
static const char *dash_of(const export_curve *cu) {
    return cu->dim ? " stroke-dasharray=\"9 6\"" : cu->dotted ? " stroke-dasharray=\"2 5\"" : "";
}
static const char *const font = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

enum { W = 960, LEFT = 190, RIGHT = 40, TOP = 80, PH = 440, ROW = 30 };
enum { MAX_TICKS = 200 }; /* on the time axis; auto_tick makes at most 9 */

typedef struct frame {
    double tmax, tick;
    double x0, x1, y0, y1; /* plot area: x0 left, y0 top */
} frame;

/* t / tmax first: times near DBL_MAX must not overflow to an inf coordinate */
static double X(const frame *fr, double t) {
    return fr->x0 + (fr->x1 - fr->x0) * (t / fr->tmax);
}
static double Y(const frame *fr, double s) {
    if (s < 0)
        s = 0;
    if (s > 1)
        s = 1;
    return fr->y1 - (fr->y1 - fr->y0) * s;
}

/* Tick spacing: months in 3, 6, 12, 24... months; other units in 1, 2, 5
 * times a power of ten.  At most 8 intervals. */
static double auto_tick(double tmax, const char *unit) {
    if (unit && strncmp(unit, "months", 6) == 0) {
        static const double m[] = {1, 2, 3, 6, 12, 24, 36, 60, 120, 240};
        for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
            if (tmax / m[i] <= 8)
                return m[i];
    }
    double p = pow(10, floor(log10(tmax / 8)));
    static const double k[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (tmax / (k[i] * p) <= 8)
            return k[i] * p;
    return 10 * p;
}

static void tick_label(char *buf, size_t n, double v) {
    if (fabs(v) < 1e15 && fabs(v - round(v)) < 1e-9) /* 2.5e+307, not 308 digits */
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%g", v);
}

static double curve_end(const km_curve *c) {
    return c->ntime ? c->time[c->ntime - 1] : 0;
}

/* The step path of s over times, from (0, 1) to the last time (or tmax).
 * Steps closer than a fifth of a pixel share one vertical move. */
static void step_path(FILE *f, const frame *fr, const km_curve *c) {
    double lastx = X(fr, 0);
    fprintf(f, "M%.2f %.2f", lastx, Y(fr, 1));
    for (size_t i = 0; i < c->ntime; i++) {
        double t = c->time[i];
        if (t > fr->tmax) {
            fprintf(f, "H%.2f", X(fr, fr->tmax));
            return;
        }
        if (i > 0 && c->surv[i] == c->surv[i - 1] && i + 1 < c->ntime)
            continue; /* a censoring only: no step */
        double x = X(fr, t);
        if (x - lastx >= 0.2)
            fprintf(f, "H%.2f", x);
        fprintf(f, "V%.2f", Y(fr, c->surv[i]));
        lastx = x;
    }
    if (c->ntime)
        fprintf(f, "H%.2f", X(fr, curve_end(c) < fr->tmax ? curve_end(c) : fr->tmax));
}

/* Confidence band: one polygon per run of rows with both bounds defined
 * (R leaves the band out where the bound is NA, e.g. once S reaches 0). */
static void band(FILE *f, const frame *fr, const km_curve *c, const char *colour) {
    size_t n = c->ntime;
    size_t i = 0;
    while (i < n) {
        while (i < n && (isnan(c->lower[i]) || isnan(c->upper[i])))
            i++;
        if (i >= n || c->time[i] > fr->tmax)
            break;
        size_t j = i;
        while (j < n && !isnan(c->lower[j]) && !isnan(c->upper[j]) && c->time[j] <= fr->tmax)
            j++;
        /* rows i..j-1: the band holds from time[i] to time[j] (or the end) */
        double tend = j < n ? c->time[j] : curve_end(c);
        if (tend > fr->tmax)
            tend = fr->tmax;
        /* Before the first event the band is the point 1: start at time 0. */
        double tstart = i == 0 ? 0 : c->time[i];
        fprintf(f, "<path d=\"M%.2f %.2f", X(fr, tstart), Y(fr, i == 0 ? 1 : c->upper[i]));
        if (i == 0)
            fprintf(f, "H%.2fV%.2f", X(fr, c->time[0]), Y(fr, c->upper[0]));
        for (size_t k = i + 1; k < j; k++)
            fprintf(f, "H%.2fV%.2f", X(fr, c->time[k]), Y(fr, c->upper[k]));
        fprintf(f, "H%.2fV%.2f", X(fr, tend), Y(fr, c->lower[j - 1]));
        for (size_t k = j - 1; k > i; k--)
            fprintf(f, "H%.2fV%.2f", X(fr, c->time[k]), Y(fr, c->lower[k - 1]));
        if (i == 0)
            fprintf(f, "H%.2fV%.2f", X(fr, c->time[0]), Y(fr, 1));
        fprintf(f, "H%.2fZ\" fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", X(fr, tstart),
                colour);
        i = j;
    }
}

/* Censoring ticks: one short vertical line per censoring time (one per
 * pixel column when they crowd), as one path. */
static void censor_marks(FILE *f, const frame *fr, const km_curve *c, const char *colour,
                         double width) {
    double lastx = -1;
    int any = 0;
    for (size_t i = 0; i < c->ntime; i++) {
        if (c->n_censor[i] == 0)
            continue;
        if (c->time[i] > fr->tmax)
            break;
        double x = X(fr, c->time[i]);
        if (x - lastx < 1.0)
            continue;
        if (!any)
            fprintf(f, "<path d=\"");
        any = 1;
        fprintf(f, "M%.2f %.2fv14", x, Y(fr, c->surv[i]) - 7);
        lastx = x;
    }
    if (any)
        fprintf(f, "\" stroke=\"%s\" stroke-width=\"%.1f\" fill=\"none\"/>\n", colour, width);
}

int export_svg_write(FILE *f, const export_plot *plot, const export_provenance *p, char *err,
                     size_t errlen) {
    int nc = plot->ncurves;
    if (nc < 1 || nc > 8) {
        snprintf(err, errlen, "a plot takes 1 to 8 curves, not %d", nc);
        return -1;
    }
    /* tmax and tick may be a user's numbers: finite, and few enough ticks */
    if (!isfinite(plot->tmax) || !isfinite(plot->tick)) {
        snprintf(err, errlen, "the time axis needs finite numbers, not tmax %g and tick %g",
                 plot->tmax, plot->tick);
        return -1;
    }
    frame fr;
    double last = 0;
    for (int c = 0; c < nc; c++)
        if (curve_end(plot->curves[c].km) > last)
            last = curve_end(plot->curves[c].km);
    if (!isfinite(last)) {
        snprintf(err, errlen, "a curve's last time is %g: times must be finite", last);
        return -1;
    }
    fr.tmax = plot->tmax > 0 ? plot->tmax : last > 0 ? last : 1;
    fr.tick = plot->tick > 0 ? plot->tick : auto_tick(fr.tmax, plot->unit);
    if (plot->tmax <= 0) { /* end the axis on a tick, unless that overflows */
        double end = ceil(fr.tmax / fr.tick - 1e-9) * fr.tick;
        if (isfinite(end))
            fr.tmax = end;
    }
    if (!(fr.tmax / fr.tick <= MAX_TICKS)) {
        snprintf(err, errlen, "a tick of %g up to %g makes more than %d ticks", fr.tick, fr.tmax,
                 MAX_TICKS);
        return -1;
    }
    fr.x0 = LEFT;
    fr.x1 = W - RIGHT;
    fr.y0 = TOP;
    fr.y1 = TOP + PH;
    int nticks = (int)floor(fr.tmax / fr.tick + 1e-9) + 1;
    int H = TOP + PH + 104 + 40 + ROW * nc + 16;

    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\">\n",
            W, H, W, H, font);
    fputs("<title>", f);
    export_xml_str(f, plot->title ? plot->title : "Kaplan-Meier plot");
    fputs("</title>\n", f);
    if (p)
        export_provenance_write(f, EXPORT_SVG, p);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);
    if (plot->title) {
        /* Bold sans at 24 px is about 0.58 em a character: shrink a long
         * title to the width rather than let it run off the edge. */
        double fs = 24, room = W - 40, need = 0.58 * fs * (double)strlen(plot->title);
        if (need > room)
            fs = fs * room / need < 14 ? 14 : fs * room / need;
        fprintf(f, "<text x=\"20\" y=\"%d\" font-size=\"%.1f\" font-weight=\"bold\">", TOP - 40,
                fs);
        export_xml_str(f, plot->title);
        fputs("</text>\n", f);
    }
    /* grid and y axis */
    fputs("<g id=\"axes\" stroke-linecap=\"square\">\n", f);
    for (int k = 0; k <= 5; k++) {
        double y = Y(&fr, k / 5.0);
        if (k > 0)
            fprintf(f,
                    "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#E6E6E6\" "
                    "stroke-width=\"1\"/>\n",
                    fr.x0, y, fr.x1, y);
        fprintf(f,
                "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000\" "
                "stroke-width=\"1.5\"/>\n",
                fr.x0 - 8, y, fr.x0, y);
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"18\" text-anchor=\"end\">%d</text>\n",
                fr.x0 - 14, y + 6, 20 * k);
    }
    fprintf(f,
            "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000\" "
            "stroke-width=\"1.5\"/>\n",
            fr.x0, fr.y0, fr.x0, fr.y1);
    fprintf(f,
            "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000\" "
            "stroke-width=\"1.5\"/>\n",
            fr.x0, fr.y1, fr.x1, fr.y1);
    for (int k = 0; k < nticks; k++) {
        double t = k * fr.tick, x = X(&fr, t);
        char lab[32];
        tick_label(lab, sizeof lab, t);
        fprintf(f,
                "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000\" "
                "stroke-width=\"1.5\"/>\n",
                x, fr.y1, x, fr.y1 + 8);
        fprintf(f,
                "<text x=\"%.2f\" y=\"%.2f\" font-size=\"18\" text-anchor=\"middle\">%s</text>\n",
                x, fr.y1 + 30, lab);
    }
    fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"20\" text-anchor=\"middle\">Time (",
            (fr.x0 + fr.x1) / 2, fr.y1 + 62);
    export_xml_str(f, plot->unit ? plot->unit : "months");
    fputs(")</text>\n", f);
    fprintf(f,
            "<text transform=\"translate(%d %.2f) rotate(-90)\" font-size=\"20\" "
            "text-anchor=\"middle\">",
            LEFT - 70, (fr.y0 + fr.y1) / 2);
    export_xml_str(f, plot->ylabel ? plot->ylabel : "Survival (%)");
    fputs("</text>\n</g>\n", f);

    /* curves: the previous version first, so that the current one is on top */
    fprintf(f,
            "<clipPath id=\"area\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
            "height=\"%.2f\"/></clipPath>\n",
            fr.x0 - 2, fr.y0 - 10, fr.x1 - fr.x0 + 4, fr.y1 - fr.y0 + 20);
    fputs("<g id=\"curves\" clip-path=\"url(#area)\" fill=\"none\" stroke-linejoin=\"miter\">\n",
          f);
    const char *colour[8];
    for (int c = 0, k = 0; c < nc; c++)
        colour[c] = plot->curves[c].dim      ? dim_colour
                    : plot->curves[c].dotted ? "#000000"
                                             : palette[k++];
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < nc; c++) {
            const export_curve *cu = &plot->curves[c];
            if ((pass == 0) != (cu->dim != 0))
                continue;
            if (plot->ci && !cu->dim)
                band(f, &fr, cu->km, colour[c]);
            fprintf(f, "<path class=\"km\" d=\"");
            step_path(f, &fr, cu->km);
            fprintf(f, "\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n", colour[c],
                    cu->dim ? "2.5" : "3", dash_of(cu));
            censor_marks(f, &fr, cu->km, colour[c], cu->dim ? 1.5 : 2);
        }
    fputs("</g>\n", f);

    /* legend, top right, on white */
    double lw = 0;
    for (int c = 0; c < nc; c++) {
        double w = 10.5 * (double)strlen(plot->curves[c].label ? plot->curves[c].label : "");
        if (w > lw)
            lw = w;
    }
    if (plot->note) {
        double w = 9.5 * (double)strlen(plot->note);
        if (w - 60 > lw)
            lw = w - 60;
    }
    double lx = fr.x1 - lw - 90, ly = fr.y0 + 12;
    int lines = nc + (plot->note ? 1 : 0);
    fprintf(f,
            "<g id=\"legend\" font-size=\"18\">\n<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
            "height=\"%d\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"none\"/>\n",
            lx - 10, ly - 4, lw + 90, 28 * lines + 8);
    for (int c = 0; c < nc; c++) {
        const export_curve *cu = &plot->curves[c];
        double y = ly + 14 + 28 * c;
        fprintf(f,
                "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                "stroke-width=\"3\"%s/>\n",
                lx, y, lx + 44, y, colour[c], dash_of(cu));
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", lx + 56, y + 6);
        export_xml_str(f, cu->label ? cu->label : "");
        fputs("</text>\n", f);
    }
    if (plot->note) {
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"17\">", lx, ly + 20 + 28 * nc);
        export_xml_str(f, plot->note);
        fputs("</text>\n", f);
    }
    fputs("</g>\n", f);

    /* number at risk */
    double ry = fr.y1 + 104;
    fprintf(f,
            "<g id=\"at-risk\" font-size=\"18\">\n<text x=\"20\" y=\"%.2f\" "
            "font-weight=\"bold\">Number at risk</text>\n",
            ry);
    for (int c = 0; c < nc; c++) {
        const export_curve *cu = &plot->curves[c];
        double y = ry + 34 + ROW * c;
        fprintf(f,
                "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\" fill=\"%s\" "
                "font-weight=\"bold\">",
                fr.x0 - 40, y, colour[c]);
        const char *sl = cu->short_label ? cu->short_label : cu->label ? cu->label : "";
        char lab[40];
        if (strlen(sl) <= 13)
            snprintf(lab, sizeof lab, "%s", sl);
        else
            snprintf(lab, sizeof lab, "%.12s.", sl);
        export_xml_str(f, lab);
        fputs("</text>\n", f);
        for (int k = 0; k < nticks; k++) {
            double t = k * fr.tick;
            km_point pt;
            km_at(cu->km, &t, 1, 1, &pt);
            double nr = t > curve_end(cu->km) ? 0 : pt.n_risk;
            fprintf(f,
                    "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" fill=\"%s\">%.0f</text>\n",
                    X(&fr, t), y, colour[c], nr);
        }
    }
    fputs("</g>\n</svg>\n", f);
    return 0;
}

int export_svg_model(FILE *f, const model *m, int endpoint, int ci, int before, const char *title,
                     const export_provenance *p, char *err, size_t errlen) {
    if (endpoint != MODEL_OS && endpoint != MODEL_PFS) {
        snprintf(err, errlen, "the endpoint is OS or PFS");
        return -1;
    }
    const model_outcome *o = &m->cur;
    const model_endpoint *ep = view_plot_endpoint(m, o, endpoint);
    if (!o->valid) {
        snprintf(err, errlen, "no outcome to plot (load a cohort and a rule set first)");
        return -1;
    }
    if (!ep->available || ep->fit == NULL) {
        snprintf(err, errlen, "%s is not available: %s", endpoint == MODEL_OS ? "OS" : "PFS",
                 ep->message);
        return -1;
    }
    view_curve vc[8];
    export_curve cv[8];
    char labels[8][160], shorts[8][32];
    int nc = view_plot_curves(m, endpoint, before, vc, 8);
    for (int k = 0; k < nc; k++) {
        const model_group *g = vc[k].g;
        if (vc[k].dim) {
            snprintf(labels[k], sizeof labels[k], "%s, %s v%d", g->label, m->prev.set,
                     vc[k].version);
            snprintf(shorts[k], sizeof shorts[k], "%.9s v%d", g->label, vc[k].version);
        } else {
            snprintf(labels[k], sizeof labels[k], "%s (n = %zu)", g->label, g->n);
            snprintf(shorts[k], sizeof shorts[k], "%.31s", g->label);
        }
        cv[k] = (export_curve){vc[k].km, labels[k], vc[k].dim, shorts[k], vc[k].ref};
    }
    char note[200] = "", ptxt[32];
    if (!isnan(ep->p)) {
        surv_format_p(ep->p, 4, ptxt, sizeof ptxt);
        snprintf(note, sizeof note, "Log-rank p %s%s", ptxt[0] == '<' ? "" : "= ", ptxt);
        if (!isnan(ep->hr)) {
            size_t k = strlen(note);
            snprintf(note + k, sizeof note - k, "; HR %.2f (95%% CI %.2f-%.2f)", ep->hr,
                     ep->hr_lower, ep->hr_upper);
        }
    }
    char tbuf[1024];
    if (title == NULL) {
        char by[MODEL_BY_SPEC + 8] = "";
        if (ep != &o->ep[endpoint])
            snprintf(by, sizeof by, " by %s", o->by);
        snprintf(tbuf, sizeof tbuf, "%s%s: %s v%d, %s",
                 endpoint == MODEL_OS ? "Overall survival" : "Progression-free survival", by,
                 o->set, view_set_version(m, o), m->cohort_name[0] ? m->cohort_name : "cohort");
        title = tbuf;
    }
    double tmax = 0;
    export_plot plot = {.curves = cv,
                        .ncurves = nc,
                        .title = title,
                        .ylabel = endpoint == MODEL_OS ? "Overall survival (%)"
                                                       : "Progression-free survival (%)",
                        .unit = isnan(o->landmark) ? "months" : "months from the landmark",
                        .tmax = tmax,
                        .ci = ci,
                        .note = note[0] ? note : NULL};
    return export_svg_write(f, &plot, p, err, errlen);
}
