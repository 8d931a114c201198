/* export_ids.c - who is selected: `list [N]` on the screen and
 * `export ids FILE.csv|.md|.json` in a file, each patient with the arm and
 * the values the active rule set's criteria read.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "export.h"
#include "export_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtable.h"
#include "session.h"

enum { IDS_MAX_FIELDS = 64 };

/* The selected patients of the active rule set as a table (at most max
 * rows; 0 for all): row, id (when the cohort has one), arm, then each field
 * the set reads that the cohort has.  *nsel gets how many are selected.
 * 0, or -1 with err. */
static int selected_table(model *m, rtable *t, size_t max, size_t *nsel, char *err, size_t errlen) {
    rules_eval *ev = model_evaluation(m, err, errlen);
    if (ev == NULL) {
        if (!err[0])
            snprintf(err, errlen, "needs a cohort and an active rule set");
        return -1;
    }
    const cohort *c = m->cohort;
    const char *reads[IDS_MAX_FIELDS];
    int nr = rules_set_reads(m->rules, m->set, reads, IDS_MAX_FIELDS);
    const cohort_column *cols[IDS_MAX_FIELDS];
    int nc = 0;
    for (int i = 0; i < nr; i++)
        if ((cols[nc] = cohort_find(c, reads[i])) != NULL && strcmp(reads[i], "id") != 0)
            nc++;
    const cohort_column *id = cohort_find(c, "id");
    if (rtable_init(t, (size_t)nc + 3) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rtable_col_set(t, 0, "row", RTABLE_COUNT, NULL, 0);
    rtable_col_set(t, 1, "id", RTABLE_TEXT, NULL, 1);
    rtable_col_set(t, 2, "arm", RTABLE_TEXT, NULL, 1);
    for (int j = 0; j < nc; j++)
        rtable_col_set(t, (size_t)j + 3, cols[j]->name,
                       cols[j]->type == COHORT_NUM    ? RTABLE_NUM
                       : cols[j]->type == COHORT_BOOL ? RTABLE_BOOL
                                                      : RTABLE_TEXT,
                       NULL, cols[j]->type == COHORT_STR);
    const uint8_t *sel = rules_eval_selected(ev);
    const int16_t *arm = rules_eval_arms(ev);
    size_t n = cohort_nrows(c);
    *nsel = 0;
    for (size_t i = 0; i < n; i++) {
        if (sel[i] != EXPR_TRUE)
            continue;
        if (max && (*nsel)++ >= max)
            continue;
        if (!max)
            (*nsel)++;
        size_t r = rtable_add_row(t);
        rtable_set_num(t, r, 0, (double)(i + 1));
        if (id && id->type == COHORT_STR)
            rtable_set_text(t, r, 1, cohort_str(id, i));
        else if (id && id->type == COHORT_NUM)
            rtable_set_textf(t, r, 1, "%.15g", id->v.num[i]);
        if (arm[i] >= 0)
            rtable_set_text(t, r, 2, rules_eval_arm_name(ev, (size_t)arm[i]));
        for (int j = 0; j < nc; j++) {
            const cohort_column *col = cols[j];
            if (col->type == COHORT_STR)
                rtable_set_text(t, r, (size_t)j + 3, cohort_str(col, i));
            else if (col->type == COHORT_NUM)
                rtable_set_num(t, r, (size_t)j + 3, col->v.num[i]);
            else
                rtable_set_num(t, r, (size_t)j + 3, col->v.b[i] < 0 ? NAN : col->v.b[i]);
        }
    }
    return 0;
}

int list_cmd(session *s, int argc, char **argv) {
    long max = 20;
    if (argc > 2 || (argc == 2 && (max = strtol(argv[1], NULL, 10)) <= 0)) {
        sink_printf(&s->err, "usage: list [N]  (the first N selected patients, 20 by default)\n");
        return 1;
    }
    char err[1024] = "";
    rtable t;
    size_t nsel = 0;
    if (selected_table(&s->model, &t, (size_t)max, &nsel, err, sizeof err) != 0) {
        sink_printf(&s->err, "list: %s\n", err);
        return 1;
    }
    sink_printf(&s->out, "%zu selected by %s%s (export ids FILE.csv writes them all):\n", nsel,
                s->model.set, nsel > (size_t)max ? "; the first shown" : "");
    char *text = rtable_text(&t);
    for (char *line = text; line && *line;) {
        size_t n = strcspn(line, "\n");
        sink_printf(&s->out, "  %.*s\n", (int)n, line);
        line += n + (line[n] == '\n');
    }
    free(text);
    rtable_free(&t);
    return 0;
}

static int write_ids(FILE *f, const model *m, const void *req, const export_provenance *p,
                     char *err, size_t errlen) {
    export_format fmt = *(const export_format *)req;
    rtable t;
    size_t nsel;
    if (selected_table((model *)m, &t, 0, &nsel, err, errlen) != 0)
        return -1;
    int rc = export_rtable(f, fmt, &t, "selected", p);
    rtable_free(&t);
    if (rc != 0)
        snprintf(err, errlen, "cannot write");
    return rc;
}

int do_export_ids(session *s, const char *path, char *err, size_t errlen) {
    export_format fmt = export_format_of(path);
    if (fmt != EXPORT_CSV && fmt != EXPORT_MD && fmt != EXPORT_JSON) {
        snprintf(err, errlen, "export ids: %s: the list is written as .csv, .md or .json", path);
        return -1;
    }
    return export_write(s, path, "export ids", write_ids, &fmt, err, errlen);
}
