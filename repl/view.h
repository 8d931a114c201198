/* view.h - the model as text: the rules, attrition and outcome tables that
 * the panes show and the line REPL prints.  Plain C, no curses.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every figure that changed against the previous version of the rules is
 * followed by its signed change.  p-values print as R prints them.
 */
#ifndef TNMLAB_VIEW_H
#define TNMLAB_VIEW_H

#include "model.h"
#include "textlog.h"

/* The active rule set: name, version, doc, params (changed ones marked
 * with '*' and their default), warnings.  Lines of at most width columns. */
void view_rules(const model *m, textlog *out, int width);

/* Attrition step by step: remaining, excluded, unknown, change. */
void view_attrition(const model *m, textlog *out, int width);

/* Selection counts and OS/PFS by group: N, events, median (95% CI),
 * 1/2/3-year survival, log-rank p, HR, median follow-up. */
void view_outcome(const model *m, textlog *out, int width);

/* The cells of one group's row: "median (lower-upper)" in months ("n.r."
 * when not reached, "NA" for a missing bound) and survival at 1/2/3 years
 * in percent with pct_decimals decimals ("-" beyond follow-up). */
void view_group_cells(const model_group *g, int pct_decimals, char *ci, size_t cin,
                      char surv[MODEL_NTIMES][24]);

/* Formats x with d decimals, or "NA" / "n.r." (not reached) for NaN. */
const char *view_num(double x, int d, const char *nan_text, char *buf, size_t n);
/* "12.5 (11.7-13.6)": a group's median in months with its 95% CI, as every
 * text table shows it: "n.r." for a median not reached, "NA" for a bound
 * that cannot be estimated (R prints NA), "-" for a group of no patients. */
const char *view_median_ci(const model_group *g, char *buf, size_t n);

/* The active rule set's derives, criteria and arms with their expressions
 * as written (for `show rules`; the pane shows only the params). */
void view_rule_items(const model *m, textlog *out, int width);

/* One curve of a Kaplan-Meier plot of the outcome. */
/* The endpoint a plot of e draws from outcome o: its groups by the column
 * of km BY when m->by is set and o has them, else its own groups (arms, or
 * selected / not selected).  NULL when o is the previous outcome and has
 * no groups by m->by (no dimmed curves of another grouping). */
const model_endpoint *view_plot_endpoint(const model *m, const model_outcome *o, int e);

/* The active rule set in few lines, for a short pane: its name and
 * version, then its params as name=value (a * marks one changed from its
 * default), as many to a line as width allows. */
void view_rules_brief(const model *m, textlog *out, int width);

/* The version number of o's rule set (its own count: 1 when loaded, one
 * more at each change of it), and that of the outcome the change rows
 * compare with (the previous one, or the current when there is none). */
int view_set_version(const model *m, const model_outcome *o);
int view_prev_version(const model *m);

typedef struct view_curve {
    const km_curve *km;   /* the group's curve */
    const model_group *g; /* its label, n, ... */
    int dim;              /* 1: the previous version's curve */
    int version;          /* its rule set's version (view_set_version) */
    int ref;              /* 1: the whole cohort's curve (plot ref) */
} view_curve;

/* The curves a Kaplan-Meier plot of endpoint e (MODEL_OS, MODEL_PFS)
 * shows, the same on the screen and in SVG: each group of the current
 * outcome, then, when before is set and the previous outcome is of the
 * same rule set, each of its groups, dimmed.  Returns the count (at most
 * max); 0 when the endpoint has no curves. */
int view_plot_curves(const model *m, int e, int before, view_curve *out, int max);

#endif
