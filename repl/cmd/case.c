/* case.c - `case`, `next` and `prev`: the patient on show, and the record the
 * case pane and the line REPL print.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cmd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "session.h"
#include "view.h"

void lab_write_case(session *s, sink *out) {
    model *m = &s->model;
    if (m->cohort == NULL || m->case_row >= cohort_nrows(m->cohort)) {
        sink_printf(out, "no case selected (case ID, next, prev)\n");
        return;
    }
    size_t row = m->case_row;
    char id[64];
    sink_printf(out, "patient %s (row %zu of %zu)\n", cmd_row_id(m, row, id, sizeof id), row + 1,
                cohort_nrows(m->cohort));
    for (size_t j = 0; j < cohort_ncols(m->cohort); j++) {
        const cohort_column *c = cohort_col(m->cohort, j);
        if (strchr(c->name, '@'))
            continue; /* potential outcomes: not part of the record */
        char val[128];
        if (c->type == COHORT_NUM)
            view_num(c->v.num[row], 6, "(unknown)", val, sizeof val);
        else if (c->type == COHORT_BOOL)
            snprintf(val, sizeof val, "%s",
                     c->v.b[row] < 0 ? "(unknown)"
                     : c->v.b[row]   ? "true"
                                     : "false");
        else
            snprintf(val, sizeof val, "%s", cohort_str(c, row) ? cohort_str(c, row) : "(unknown)");
        if (c->type == COHORT_NUM && strchr(val, '.')) { /* trim trailing zeros */
            char *e = val + strlen(val) - 1;
            while (*e == '0')
                *e-- = '\0';
            if (*e == '.')
                *e = '\0';
        }
        /* Times carry their unit: the cohort's, as loaded. */
        int is_time = !strcmp(c->name, "os_time") || !strcmp(c->name, "pfs_time");
        sink_printf(out, "  %-20s %s%s%s\n", c->name, val,
                    is_time && c->type == COHORT_NUM && !isnan(c->v.num[row]) ? " " : "",
                    is_time && c->type == COHORT_NUM && !isnan(c->v.num[row]) ? m->time_unit : "");
    }
}

/* case, next and prev show the record; the full screen shows it in its
 * case pane, the line REPL prints it. */
static int show_case(session *s) {
    s->pane_case = PANE_SHOWS_CASE;
    if (s->print_views)
        lab_write_case(s, &s->out);
    return 0;
}

int cmd_case(session *s, int argc, char **argv) {
    if (argc != 2)
        return cmd_usage(s, "case");
    if (cmd_need_cohort(s))
        return 1;
    model *m = &s->model;
    size_t n = cohort_nrows(m->cohort);
    const char *want = argv[1];
    if (want[0] == '#') {
        char *end;
        long r = strtol(want + 1, &end, 10);
        if (*end || r < 1 || (size_t)r > n) {
            sink_printf(&s->err, "case: row %s is not between #1 and #%zu\n", want, n);
            return 1;
        }
        m->case_row = (size_t)r - 1;
        return show_case(s);
    }
    for (size_t i = 0; i < n; i++) {
        char id[64];
        if (strcmp(cmd_row_id(m, i, id, sizeof id), want) == 0) {
            m->case_row = i;
            return show_case(s);
        }
    }
    sink_printf(&s->err, "case: no patient with id '%s' (use #N for row N)\n", want);
    return 1;
}

int cmd_next(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return cmd_usage(s, "next");
    if (cmd_need_cohort(s))
        return 1;
    if (s->model.case_row + 1 < cohort_nrows(s->model.cohort))
        s->model.case_row++;
    return show_case(s);
}

int cmd_prev(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return cmd_usage(s, "prev");
    if (cmd_need_cohort(s))
        return 1;
    if (s->model.case_row > 0)
        s->model.case_row--;
    return show_case(s);
}
