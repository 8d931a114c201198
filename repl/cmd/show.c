/* show.c - `show`, `hr`, `plot` and `diff`: what the model computed, printed
 * or put on the screen.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "session.h"
#include "view.h"

int cmd_show(session *s, int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "all";
    int saved = s->print_views;
    s->print_views = 0; /* print only what was asked for */
    int bad = session_refresh(s);
    s->print_views = saved;
    if (bad)
        return 1;
    int all = strcmp(what, "all") == 0, any = 0;
    if (all || strcmp(what, "rules") == 0) {
        session_print_view(s, view_rules);
        session_print_view(s, view_rule_items);
        any = 1;
    }
    if (all || strcmp(what, "attrition") == 0) {
        session_print_view(s, view_attrition);
        any = 1;
    }
    if (all || strcmp(what, "outcome") == 0) {
        session_print_view(s, view_outcome);
        any = 1;
    }
    return any ? 0 : cmd_usage(s, "show");
}

int cmd_hr(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return cmd_usage(s, "hr");
    char err[512];
    if (model_want_hr(&s->model, err, sizeof err) != 0) {
        sink_printf(&s->err, "hr: %s\n", err);
        return 1;
    }
    if (s->print_views)
        session_print_view(s, view_outcome);
    return 0;
}

int cmd_plot(session *s, int argc, char **argv) {
    if (argc > 2)
        return cmd_usage(s, "plot");
    if (argc == 2) {
        if (!strcmp(argv[1], "os") || !strcmp(argv[1], "OS"))
            s->plot_endpoint = MODEL_OS;
        else if (!strcmp(argv[1], "pfs") || !strcmp(argv[1], "PFS"))
            s->plot_endpoint = MODEL_PFS;
        else if (!strcmp(argv[1], "ref") || !strcmp(argv[1], "noref")) {
            char err[512];
            if (model_set_ref(&s->model, argv[1][0] == 'r', err, sizeof err) != 0) {
                sink_printf(&s->err, "plot: %s\n", err);
                return 1;
            }
            sink_printf(&s->out, "%s\n",
                        argv[1][0] == 'r'
                            ? "The plot shows all patients' curve too (plot noref takes it away)."
                            : "The plot shows the groups alone.");
        } else
            return cmd_usage(s, "plot");
    }
    s->pane_case = PANE_SHOWS_PLOT;
    s->model.focus = s->plot_endpoint;
    return 0;
}

int cmd_diff(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return cmd_usage(s, "diff");
    if (cmd_need_cohort(s) || session_refresh(s) != 0)
        return 1;
    model *m = &s->model;
    if (!m->prev.valid || strcmp(m->prev.set, m->cur.set) != 0) {
        sink_printf(&s->out, "no previous version of %s to compare with\n", m->set);
        return 0;
    }
    rules_diff d;
    char err[512];
    if (rules_diff_versions(m->rules, m->set, m->cohort, m->prev.version, m->cur.version, &d, err,
                            sizeof err) != 0) {
        sink_printf(&s->err, "diff: %s\n", err);
        return 1;
    }
    sink_printf(&s->out,
                "%s v%d -> v%d: %zu newly selected, %zu no longer selected, %zu changed arm\n",
                m->set, view_set_version(m, &m->prev), view_set_version(m, &m->cur), d.gained,
                d.lost, d.arm_changed);
    for (size_t i = 0; i < d.nmoves; i++)
        sink_printf(&s->out, "  %-12s -> %-12s %zu\n", d.moves[i].from, d.moves[i].to,
                    d.moves[i].count);
    size_t show = d.nrows < 20 ? d.nrows : 20;
    for (size_t i = 0; i < show; i++) {
        char id[64];
        sink_printf(&s->out, "%s%s",
                    i ? " " : "  patients: ", cmd_row_id(m, d.rows[i], id, sizeof id));
    }
    if (show)
        sink_printf(&s->out, "%s\n", d.nrows > show ? " ..." : "");
    rules_diff_free(&d);
    return 0;
}
