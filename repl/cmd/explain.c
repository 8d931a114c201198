/* explain.c - `explain`, `whatif` and `edition`: why a patient is (not) selected,
 * and what changes if one of their values did.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The staging line comes from the staging module of the session's edition
 * (tnm8 / tnm9 in scripts/staging), run in the rules' sandbox as selection
 * runs it (rules_stage_record), never from a copy in the trusted state.
 */
#include "cmd.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "lcell.h"
#include "luastate.h"
#include "session.h"
#include "text.h"

static const char *result_word(int r) {
    return r == EXPR_TRUE ? "pass" : r == EXPR_FALSE ? "FAIL" : "unknown";
}

static void text_line(void *ud, const char *text) {
    tnm_text_printf(ud, "    %s\n", text);
}

/* Staging of one record with the session's edition: T, N, M, stage and the
 * module's reasoning, from the same sandboxed modules selection uses. */
static void write_staging(session *s, const cohort *c, size_t row, sink *out) {
    char cells[4][200], err[600];
    int ed = rules_edition(s->model.rules);
    /* the cells first, then the reasoning: run once into a buffer */
    tnm_text why = {0};
    if (rules_stage_record(s->model.rules, ed, c, row, cells, text_line, &why, err, sizeof err) !=
        0) {
        sink_printf(out, "  staging: %s\n", err);
        free(why.s);
        return;
    }
    for (int k = 0; k < 4; k++)
        if (!cells[k][0])
            snprintf(cells[k], sizeof cells[k], "?");
    sink_printf(out, "  staging (TNM %d): %s %s %s -> stage %s\n", ed, cells[0], cells[1], cells[2],
                cells[3]);
    if (why.s)
        sink_printf(out, "%s", why.s);
    free(why.s);
}

/* The rule trace of row of the cohort evaluated by ev. */
static int write_trace(session *s, rules_eval *ev, size_t row, sink *out, int *selected, char *arm,
                       size_t armlen) {
    rules_trace tr;
    char err[512];
    if (rules_explain(ev, row, &tr, err, sizeof err) != 0) {
        sink_printf(out, "explain: %s\n", err);
        return 1;
    }
    (void)s;
    for (size_t i = 0; i < tr.n; i++) {
        const rules_trace_item *it = &tr.items[i];
        if (it->kind == 'd')
            sink_printf(out, "  derived  %-16s %s\n", it->name, it->values);
        else if (it->kind == 'c' || it->kind == 'a')
            sink_printf(out, "  %-8s %-16s %s%s%s%s\n",
                        it->kind == 'c' ? result_word(it->result) : "arm", it->name, it->reason,
                        it->values[0] ? "  [" : "", it->values, it->values[0] ? "]" : "");
        else
            sink_printf(out, "  %s\n", it->reason);
    }
    sink_printf(out, "  => %s%s%s\n", tr.selected ? "selected" : "not selected",
                tr.arm[0] ? ", arm " : "", tr.arm);
    if (selected)
        *selected = tr.selected;
    if (arm)
        snprintf(arm, armlen, "%s", tr.arm);
    rules_trace_free(&tr);
    return 0;
}

int lab_write_explain(session *s, sink *out) {
    model *m = &s->model;
    if (m->cohort == NULL || m->case_row >= cohort_nrows(m->cohort)) {
        sink_printf(out, "no case selected (case ID, next, prev)\n");
        return 1;
    }
    char id[64];
    sink_printf(out, "patient %s under %s (version %d)", cmd_row_id(m, m->case_row, id, sizeof id),
                m->set[0] ? m->set : "no rule set",
                m->set[0] ? rules_set_version(m->rules, m->set, 0) : 0);
    char err[512];
    rules_eval *ev = model_evaluation(m, err, sizeof err);
    if (ev) { /* the verdict first: the pane may not show the whole trace */
        int sel = rules_eval_selected(ev)[m->case_row] == EXPR_TRUE;
        int16_t a = rules_eval_arms(ev)[m->case_row];
        sink_printf(out, ": %s%s%s", sel ? "selected" : "not selected", a >= 0 ? ", arm " : "",
                    a >= 0 ? rules_eval_arm_name(ev, (size_t)a) : "");
    }
    sink_printf(out, "\n");
    write_staging(s, m->cohort, m->case_row, out);
    if (ev == NULL) {
        sink_printf(out, "  %s\n", err[0] ? err : "no rule set is active");
        return 1;
    }
    return write_trace(s, ev, m->case_row, out, NULL, NULL, 0);
}

/* Sets field=value in row 0 of a one-row cohort; an empty value is missing. */
static int apply_whatif(session *s, cohort *one, const char *assign) {
    const char *eq = strchr(assign, '=');
    if (eq == NULL || eq == assign) {
        sink_printf(&s->err, "whatif: '%s' is not FIELD=VALUE\n", assign);
        return 1;
    }
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(eq - assign), assign);
    const char *val = eq + 1;
    cohort_column *col = cohort_find(one, name);
    char *end;
    double num = strtod(val, &end);
    int is_num = *val && *end == '\0';
    int is_bool = !strcmp(val, "true") || !strcmp(val, "false");
    if (col == NULL) { /* a field the cohort lacks: add it */
        if (!rules_known_field(name))
            sink_printf(&s->err,
                        "whatif: '%s' is not a data-dictionary field; no rule reads it "
                        "unless a rule file names it\n",
                        name);
        col = cohort_add(one, name, is_num ? COHORT_NUM : is_bool ? COHORT_BOOL : COHORT_STR);
    }
    if (col == NULL) {
        sink_printf(&s->err, "whatif: cannot add field '%s'\n", name);
        return 1;
    }
    if (col->type == COHORT_NUM) {
        if (*val && !is_num) {
            sink_printf(&s->err, "whatif: %s is a number, not '%s'\n", name, val);
            return 1;
        }
        col->v.num[0] = *val ? num : NAN;
    } else if (col->type == COHORT_BOOL) {
        if (*val && !is_bool && strcmp(val, "1") && strcmp(val, "0")) {
            sink_printf(&s->err, "whatif: %s is true or false, not '%s'\n", name, val);
            return 1;
        }
        col->v.b[0] = (int8_t)(!*val ? COHORT_NA : (!strcmp(val, "true") || !strcmp(val, "1")));
    } else {
        col->v.str[0] = *val ? cohort_intern(col, val, strlen(val)) : COHORT_NA;
    }
    col->generation++;
    return 0;
}

int cmd_whatif(session *s, int argc, char **argv) {
    if (argc < 2)
        return cmd_usage(s, "whatif");
    if (cmd_need_cohort(s) || session_refresh(s) != 0)
        return 1;
    model *m = &s->model;
    uint32_t row = (uint32_t)m->case_row;
    cohort *one = cohort_select(m->cohort, &row, 1);
    if (one == NULL) {
        sink_printf(&s->err, "whatif: out of memory\n");
        return 1;
    }
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++)
        rc = apply_whatif(s, one, argv[i]);
    if (rc == 0) {
        char id[64];
        sink_printf(&s->out, "what if patient %s had", cmd_row_id(m, m->case_row, id, sizeof id));
        for (int i = 1; i < argc; i++)
            sink_printf(&s->out, " %s", argv[i]);
        sink_printf(&s->out, " (the cohort is not changed):\n");
        write_staging(s, one, 0, &s->out);
        if (m->set[0]) {
            char err[512];
            rules_eval *ev = rules_eval_new(m->rules, m->set, one, err, sizeof err);
            rules_eval *was = ev ? model_evaluation(m, err, sizeof err) : NULL;
            if (ev == NULL || was == NULL || rules_eval_run(ev, 1, err, sizeof err) != 0) {
                sink_printf(&s->err, "whatif: %s\n", err);
                rc = 1;
            } else {
                int sel_now = 0, sel_was = rules_eval_selected(was)[row] == EXPR_TRUE;
                char arm_now[64] = "", arm_was[64] = "";
                const int16_t *arms = rules_eval_arms(was);
                if (arms[row] >= 0)
                    snprintf(arm_was, sizeof arm_was, "%s",
                             rules_eval_arm_name(was, (size_t)arms[row]));
                rc = write_trace(s, ev, 0, &s->out, &sel_now, arm_now, sizeof arm_now);
                if (rc == 0)
                    sink_printf(&s->out, "  compared with the record: %s -> %s, arm %s -> %s\n",
                                sel_was ? "selected" : "not selected",
                                sel_now ? "selected" : "not selected",
                                arm_was[0] ? arm_was : "none", arm_now[0] ? arm_now : "none");
            }
            rules_eval_free(ev);
        }
    }
    cohort_free(one);
    return rc;
}

int cmd_edition(session *s, int argc, char **argv) {
    if (argc == 1) {
        sink_printf(&s->out, "staging with the TNM %dth edition\n", rules_edition(s->model.rules));
        return 0;
    }
    if (argc != 2 || (strcmp(argv[1], "8") && strcmp(argv[1], "9")))
        return cmd_usage(s, "edition");
    char err[256];
    int rc = rules_set_edition(s->model.rules, atoi(argv[1]), err, sizeof err);
    if (rc < 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    sink_printf(&s->out, "staging with the TNM %dth edition%s\n", rules_edition(s->model.rules),
                rc == 0 ? " (already)"
                        : "; every rule set that reads t, n, m or stage is staged again");
    return rc == 0 ? 0 : session_refresh(s);
}

int cmd_explain(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return cmd_usage(s, "explain");
    if (cmd_need_cohort(s) || session_refresh(s) != 0)
        return 1;
    s->pane_case = PANE_SHOWS_CASE;
    return lab_write_explain(s, &s->out);
}
