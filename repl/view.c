/* view.c - the model as text (see view.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "view.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "survival_data.h"

static void line(textlog *out, tl_style st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void line(textlog *out, tl_style st, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof buf)
        n = sizeof buf - 1;
    buf[n] = '\n';
    textlog_write(out, buf, (size_t)n + 1, st);
}

void view_group_cells(const model_group *g, int pct_decimals, char *ci, size_t cin,
                      char surv[MODEL_NTIMES][24]) {
    view_median_ci(g, ci, cin);
    for (int k = 0; k < MODEL_NTIMES; k++) {
        if (g->n == 0 || isnan(g->surv[k]))
            snprintf(surv[k], 24, "-");
        else
            snprintf(surv[k], 24, "%.*f%%", pct_decimals, 100 * g->surv[k]);
    }
}

const char *view_median_ci(const model_group *g, char *buf, size_t n) {
    if (g->n == 0) { /* no patients: nothing to estimate, not "not reached" */
        snprintf(buf, n, "-");
        return buf;
    }
    char med[24], lo[24], hi[24];
    view_num(g->median, 1, "n.r.", med, sizeof med);
    view_num(g->median_lower, 1, "NA", lo, sizeof lo);
    view_num(g->median_upper, 1, "NA", hi, sizeof hi);
    snprintf(buf, n, "%s (%s-%s)", med, lo, hi);
    return buf;
}

const char *view_num(double x, int d, const char *nan_text, char *buf, size_t n) {
    if (isnan(x))
        snprintf(buf, n, "%s", nan_text);
    else
        snprintf(buf, n, "%.*f", d, x);
    return buf;
}

/* A signed change "+1.2" / "-3", or "" when there is nothing to compare. */
static const char *delta(double now, double before, int d, int have_prev, char *buf, size_t n) {
    if (!have_prev || isnan(now) || isnan(before)) {
        buf[0] = '\0';
        return buf;
    }
    double dv = now - before;
    if (fabs(dv) < 0.5 * pow(10, -d)) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, n, "%+.*f", d, dv);
    return buf;
}

int view_set_version(const model *m, const model_outcome *o) {
    int v = rules_set_version(m->rules, o->set, o->version);
    return v ? v : o->version;
}

int view_prev_version(const model *m) {
    return view_set_version(m, m->prev.valid ? &m->prev : &m->cur);
}

void view_rules_brief(const model *m, textlog *out, int width) {
    if (!m->set[0]) {
        view_rules(m, out, width);
        return;
    }
    line(out, TL_INPUT, "%s  (version %d)", m->set, rules_set_version(m->rules, m->set, 0));
    /* the params as name=value, as many to a line as fit; * marks a change */
    char buf[256] = "";
    size_t np = rules_nparams(m->rules, m->set), used = 0;
    for (size_t i = 0; i < np; i++) {
        rules_param_info p;
        if (rules_param(m->rules, m->set, i, &p) != 0)
            continue;
        char item[160];
        int changed = p.type == RULES_P_TEXT
                          ? strcmp(p.text ? p.text : "", p.text_def ? p.text_def : "") != 0
                          : p.value != p.def;
        if (p.type == RULES_P_TEXT)
            snprintf(item, sizeof item, "%s%s=%s", changed ? "*" : "", p.name,
                     p.text ? p.text : "");
        else if (p.type == RULES_P_BOOLEAN)
            snprintf(item, sizeof item, "%s%s=%s", changed ? "*" : "", p.name,
                     p.value != 0 ? "true" : "false");
        else
            snprintf(item, sizeof item, "%s%s=%g", changed ? "*" : "", p.name, p.value);
        size_t len = strlen(item);
        if (used && (int)(used + 1 + len) > width) {
            line(out, TL_NORMAL, "%s", buf);
            used = 0;
        }
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", used ? " " : "", item);
        if (used >= sizeof buf)
            used = sizeof buf - 1;
    }
    if (used)
        line(out, TL_NORMAL, "%s", buf);
}

void view_rules(const model *m, textlog *out, int width) {
    if (!m->set[0]) {
        line(out, TL_NOTE, "No rule set is active.");
        line(out, TL_NOTE, "load rules FILE, then use NAME.");
        return;
    }
    line(out, TL_INPUT, "%s  (version %d)", m->set, rules_set_version(m->rules, m->set, 0));
    const char *doc = rules_set_doc(m->rules, m->set);
    if (doc && *doc) {
        char first[256];
        size_t k = strcspn(doc, "\n");
        int room = width > 8 ? width : 200;
        if (k > (size_t)room) /* a narrow pane: cut at a word, mark the cut */
            for (k = (size_t)room - 1; k > 0 && doc[k] != ' '; k--)
                ;
        snprintf(first, sizeof first, "%.*s%s", (int)(k < 200 ? k : 200), doc,
                 k < strcspn(doc, "\n") ? " ..." : "");
        line(out, TL_NOTE, "%s", first);
    }
    size_t np = rules_nparams(m->rules, m->set);
    if (np)
        line(out, TL_NORMAL, "Params:");
    int pw = 4; /* names padded to the longest */
    for (size_t i = 0; i < np; i++) {
        rules_param_info p;
        if (rules_param(m->rules, m->set, i, &p) == 0 && (int)strlen(p.name) > pw)
            pw = (int)strlen(p.name);
    }
    for (size_t i = 0; i < np; i++) {
        rules_param_info p;
        if (rules_param(m->rules, m->set, i, &p) != 0)
            continue;
        char val[64], def[64];
        int changed;
        if (p.type == RULES_P_TEXT) {
            snprintf(val, sizeof val, "%s", p.text ? p.text : "");
            snprintf(def, sizeof def, "%s", p.text_def ? p.text_def : "");
            changed = strcmp(val, def) != 0;
        } else if (p.type == RULES_P_BOOLEAN) {
            snprintf(val, sizeof val, "%s", p.value != 0 ? "true" : "false");
            snprintf(def, sizeof def, "%s", p.def != 0 ? "true" : "false");
            changed = p.value != p.def;
        } else {
            snprintf(val, sizeof val, "%g", p.value);
            snprintf(def, sizeof def, "%g", p.def);
            changed = p.value != p.def;
        }
        if (changed)
            line(out, TL_INPUT, " * %-*s = %s (default %s)", pw, p.name, val, def);
        else
            line(out, TL_NORMAL, "   %-*s = %s", pw, p.name, val);
    }
    for (size_t i = 0;; i++) {
        const char *w = rules_set_warning(m->rules, m->set, i);
        if (w == NULL)
            break;
        line(out, TL_ERROR, "warning: %s", w);
    }
}

void view_attrition(const model *m, textlog *out, int width) {
    const model_outcome *o = &m->cur, *p = &m->prev;
    if (!o->valid) {
        line(out, TL_NOTE, "No evaluation yet.");
        return;
    }
    int have_prev = p->valid && strcmp(p->set, o->set) == 0 && p->nsteps == o->nsteps;
    /* Names get what the numbers leave: 22 columns of numbers when narrow. */
    int narrow = width < 40;
    int nw = width - (narrow ? 23 : 28);
    if (nw < 8)
        nw = 8;
    if (nw > 28)
        nw = 28;
    if (narrow)
        line(out, TL_NORMAL, "%-*s %6s %5s %4s %4s", nw, "step", "left", "out", "unk", "chg");
    else
        line(out, TL_NORMAL, "%-*s %7s %6s %5s %5s", nw, "step", "left", "out", "unk", "chg");
    line(out, TL_NORMAL, narrow ? "%-*.*s %6zu" : "%-*.*s %7zu", nw, nw, "cohort", o->n);
    for (size_t k = 0; k < o->nsteps; k++) {
        const rules_step *s = &o->steps[k];
        char d[32];
        delta((double)s->after, have_prev ? (double)p->steps[k].after : NAN, 0, have_prev, d,
              sizeof d);
        line(out, TL_NORMAL, narrow ? "%-*.*s %6zu %5zu %4zu %4s" : "%-*.*s %7zu %6zu %5zu %5s", nw,
             nw, s->name, s->after, s->fail, s->unknown, d);
    }
}

static void endpoint_lines(const model *m, int e, textlog *out, int compact, int wide) {
    const model_endpoint *ep = &m->cur.ep[e];
    const model_endpoint *pp = &m->prev.ep[e];
    /* Changes only against the same rule set with the same time origin:
     * another rule set, or a landmark, makes the figures incomparable. */
    int same_origin =
        isnan(m->prev.landmark) ? isnan(m->cur.landmark) : m->prev.landmark == m->cur.landmark;
    int have_prev = m->prev.valid && pp->available && pp->ngroups == ep->ngroups &&
                    strcmp(m->prev.set, m->cur.set) == 0 && same_origin;
    if (!ep->available) {
        line(out, TL_NOTE, "%s: %s", e == MODEL_OS ? "OS" : "PFS",
             ep->message[0] ? ep->message : "not available");
        return;
    }
    if (compact)
        line(out, TL_INPUT, "%-8s%5s %-16s%4s%4s%4s", ep->name, "N", "median (95% CI)", "1y", "2y",
             "3y");
    else if (wide)
        line(out, TL_INPUT, "%-4s %-12s %6s %6s  %-17s %-17s %-17s %s", ep->name, "", "N", "events",
             "median (95% CI)", "1y % (95% CI)", "2y %", "3y %");
    else
        line(out, TL_INPUT, "%-4s %-12s %6s %6s  %-17s %6s %6s %6s", ep->name, "", "N", "events",
             "median (95% CI)", "1y", "2y", "3y");
    for (int g = 0; g < ep->ngroups; g++) {
        const model_group *gr = &ep->g[g];
        char ci[96], s[MODEL_NTIMES][24];
        view_group_cells(gr, compact ? 0 : 1, ci, sizeof ci, s);
        if (compact) {
            /* Large cohorts: N takes room from the label, never runs into it. */
            char num[32];
            int nw = snprintf(num, sizeof num, "%zu", gr->n);
            int lw = nw > 4 ? 12 - nw : 8; /* label, a space, N: 13 columns */
            line(out, TL_NORMAL, "%-*.*s %*s %-16s%4s%4s%4s", lw, lw, gr->label, 12 - lw, num, ci,
                 s[0], s[1], s[2]);
        } else if (wide) { /* room for the survival intervals too */
            char w3[MODEL_NTIMES][96];
            for (int k = 0; k < MODEL_NTIMES; k++)
                if (isnan(gr->surv[k]) || isnan(gr->lower[k]) || isnan(gr->upper[k]))
                    snprintf(w3[k], sizeof w3[k], "%s", s[k]);
                else
                    snprintf(w3[k], sizeof w3[k], "%.1f (%.1f-%.1f)", 100 * gr->surv[k],
                             100 * gr->lower[k], 100 * gr->upper[k]);
            line(out, TL_NORMAL, "     %-12.12s %6zu %6zu  %-17s %-17s %-17s %s", gr->label, gr->n,
                 gr->events, ci, w3[0], w3[1], w3[2]);
        } else {
            line(out, TL_NORMAL, "     %-12.12s %6zu %6zu  %-17s %6s %6s %6s", gr->label, gr->n,
                 gr->events, ci, s[0], s[1], s[2]);
        }
        if (have_prev) {
            const model_group *pg = &pp->g[g];
            char dn[16], dm[16], ds[3][16];
            delta((double)gr->n, (double)pg->n, 0, 1, dn, sizeof dn);
            delta(gr->median, pg->median, 1, 1, dm, sizeof dm);
            for (int k = 0; k < MODEL_NTIMES; k++)
                delta(100 * gr->surv[k], 100 * pg->surv[k], compact ? 0 : 1, 1, ds[k],
                      sizeof ds[k]);
            if (!(dn[0] || dm[0] || ds[0][0] || ds[1][0] || ds[2][0]))
                continue;
            if (compact)
                line(out, TL_NOTE, "%-8s%5s %-16s%4s%4s%4s", " change", dn, dm, ds[0], ds[1],
                     ds[2]);
            else if (wide)
                line(out, TL_NOTE, "     %-12s %6s %6s  %-17s %-17s %-17s %s", "  change", dn, "",
                     dm, ds[0], ds[1], ds[2]);
            else
                line(out, TL_NOTE, "     %-12s %6s %6s  %-17s %6s %6s %6s", "  change", dn, "", dm,
                     ds[0], ds[1], ds[2]);
        }
    }
    char pbuf[32] = "", hr[96] = "", fu[32];
    if (!isnan(ep->p))
        surv_format_p(ep->p, 4, pbuf, sizeof pbuf);
    if (!isnan(ep->hr))
        snprintf(hr, sizeof hr, compact ? "  HR %.2f (%.2f-%.2f)" : "   HR %.2f (%.2f-%.2f)",
                 ep->hr, ep->hr_lower, ep->hr_upper);
    else if (ep->hr_skipped)
        snprintf(hr, sizeof hr, "%s", compact ? "  HR: type hr" : "   HR: type hr to compute");
    view_num(ep->followup, 1, "NA", fu, sizeof fu);
    if (compact)
        line(out, TL_NORMAL, "p %s%s%s  f/u %s", pbuf[0] == '<' ? "" : "= ", pbuf[0] ? pbuf : "NA",
             hr, fu);
    else
        line(out, TL_NORMAL, "     log-rank p %s%s%s   follow-up %s mo", pbuf[0] == '<' ? "" : "= ",
             pbuf[0] ? pbuf : "NA", hr, fu);
    /* two groups: the difference of their restricted means, with its 95%
     * CI from the two standard errors (independent groups) */
    if (!compact && ep->ngroups == 2 && !isnan(ep->g[0].rmst) && !isnan(ep->g[1].rmst) &&
        !isnan(ep->g[0].rmst_se) && !isnan(ep->g[1].rmst_se)) {
        double d = ep->g[0].rmst - ep->g[1].rmst;
        double se = sqrt(ep->g[0].rmst_se * ep->g[0].rmst_se + ep->g[1].rmst_se * ep->g[1].rmst_se);
        double z = surv_zval(0.95);
        line(out, TL_NORMAL, "     RMST to %g mo: %.1f vs %.1f, difference %+.1f (%.1f to %.1f) mo",
             m->horizon, ep->g[0].rmst, ep->g[1].rmst, d, d - z * se, d + z * se);
    }
    if (ep->n_dropped)
        line(out, TL_NOTE, "     %zu patients without %s time/event%s left out", ep->n_dropped,
             ep->name, isnan(m->cur.landmark) ? "" : " or before the landmark");
}

void view_outcome(const model *m, textlog *out, int width) {
    int compact = width < 72;
    if (m->cohort == NULL) {
        line(out, TL_NOTE, "No cohort is loaded (load cohort FILE, or simulate).");
        return;
    }
    const model_outcome *o = &m->cur;
    if (compact) /* the status line says simulated / observational */
        ;
    else
        line(out, TL_NORMAL, "%s: %zu patients, %s%s", m->cohort_name, cohort_nrows(m->cohort),
             m->simulated ? "simulated (outcomes follow the assigned arm)"
                          : "observational: selection only",
             strcmp(m->time_unit, "months") ? " (times converted from days)" : "");
    if (!o->valid) {
        line(out, TL_NOTE, "No rule set is active: use NAME (type `rules` for the list).");
        return;
    }
    char d[32];
    int have_prev = m->prev.valid && strcmp(m->prev.set, o->set) == 0;
    delta((double)o->nselected, (double)m->prev.nselected, 0, have_prev, d, sizeof d);
    char arms[256] = "";
    for (size_t a = 0; a < o->narms; a++) {
        size_t len = strlen(arms);
        snprintf(arms + len, sizeof arms - len, "  %s %zu", o->arm_name[a], o->arm_count[a]);
    }
    line(out, TL_INPUT, "selected %zu of %zu (%.1f%%)%s%s%s%s%s", o->nselected, o->n,
         o->n ? 100.0 * (double)o->nselected / (double)o->n : 0.0, d[0] ? " [" : "", d,
         d[0] ? "]" : "", compact ? "" : "   arms:", compact ? "" : arms);
    /* Selected is not always treated: say where the difference went. */
    if (m->simulated && o->narms >= 2 && o->nselected > o->arm_count[0])
        line(out, TL_NOTE, "%zu selected kept on %s by the arm rules (split shows them)",
             o->nselected - o->arm_count[0], o->arm_name[o->narms - 1]);
    if (!isnan(o->landmark))
        line(out, TL_NOTE,
             compact ? "times from the %g-month landmark"
                     : "landmark %g months: outcomes counted from there",
             o->landmark);
    if (o->warning[0])
        line(out, TL_ERROR, "warning: %s", o->warning);
    /* The endpoint in focus (the one plotted) comes first; a narrow pane
     * has room for that one only, and says how to see the other. */
    for (int k = 0; k < (compact ? 1 : MODEL_NENDPOINTS); k++)
        endpoint_lines(m, (m->focus + k) % MODEL_NENDPOINTS, out, compact, width >= 100);
    if (compact) {
        int other = (m->focus + 1) % MODEL_NENDPOINTS;
        const model_outcome *po = m->prev.valid ? &m->prev : o;
        if (strcmp(po->set, o->set) == 0)
            line(out, TL_NOTE, "months; change: vs v%d; %s: plot %s", view_prev_version(m),
                 other == MODEL_OS ? "OS" : "PFS", other == MODEL_OS ? "os" : "pfs");
        else /* the change rows compare with another rule set's outcome */
            line(out, TL_NOTE, "months; change: vs %.16s v%d; %s: plot %s", po->set,
                 view_prev_version(m), other == MODEL_OS ? "OS" : "PFS",
                 other == MODEL_OS ? "os" : "pfs");
        return;
    }
    line(out, TL_NOTE, "times in months; 1y = 12 months; [..] and change rows: against %s v%d",
         m->prev.valid ? m->prev.set : o->set, view_prev_version(m));
}

const model_endpoint *view_plot_endpoint(const model *m, const model_outcome *o, int e) {
    if (m->by[0] && strcmp(o->by, m->by) == 0 && o->by_ep[e].fit)
        return &o->by_ep[e];
    return m->by[0] && o == &m->prev ? NULL : &o->ep[e];
}

int view_plot_curves(const model *m, int e, int before, view_curve *out, int max) {
    const model_endpoint *ep = view_plot_endpoint(m, &m->cur, e);
    const model_endpoint *pe = view_plot_endpoint(m, &m->prev, e);
    if (!m->cur.valid || !ep || !ep->available || ep->fit == NULL)
        return 0;
    int prev = before && m->prev.valid && pe && pe->available && pe->fit &&
               strcmp(m->prev.set, m->cur.set) == 0;
    int n = 0;
    for (int pass = 0; pass <= prev; pass++) {
        const model_endpoint *src = pass ? pe : ep;
        for (int g = 0; g < src->ngroups && n < max; g++)
            out[n++] = (view_curve){&src->fit->strata[g], &src->g[g], pass,
                                    view_set_version(m, pass ? &m->prev : &m->cur), 0};
    }
    const model_endpoint *re = &m->cur.ref_ep[e];
    if (m->ref && re->available && re->fit && re->ngroups == 1 && n < max)
        out[n++] = (view_curve){&re->fit->strata[0], &re->g[0], 0, view_set_version(m, &m->cur), 1};
    return n;
}

void view_rule_items(const model *m, textlog *out, int width) {
    (void)width;
    size_t n = m->set[0] ? rules_nitems(m->rules, m->set) : 0;
    char last = 0;
    for (size_t i = 0; i < n; i++) {
        rules_item_info it;
        if (rules_item(m->rules, m->set, i, &it) != 0)
            continue;
        if (it.kind != last)
            line(out, TL_NORMAL, "%s",
                 it.kind == 'd'   ? "Derived:"
                 : it.kind == 'c' ? "Criteria, in order:"
                                  : "Arms, the first that holds:");
        last = it.kind;
        if (it.kind == 'c')
            line(out, TL_NORMAL, "  %s: %s%s", it.name, it.text ? it.text : "",
                 it.unknown_keep ? "  (unknown passes)" : "");
        else
            line(out, TL_NORMAL, "  %s%s%s", it.name, it.text && *it.text ? ": " : "",
                 it.text ? it.text : "");
        if (it.expr)
            line(out, TL_NOTE, "      %s", it.expr);
        else if (it.staging)
            line(out, TL_NOTE, "      staged by %s", it.staging);
        else
            line(out, TL_NOTE, "      %s",
                 it.kind == 'c'   ? "(a Lua function)"
                 : it.kind == 'a' ? "(everybody left)"
                                  : "");
    }
}
