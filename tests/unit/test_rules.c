/* test_rules.c - rule sets: attrition by hand, incremental == from scratch,
 * explain, versions and diff, landmark warnings, load errors.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "cohort.h"
#include "lcohort.h"
#include "lrules.h"
#include "rules.h"

enum { F = EXPR_FALSE, U = EXPR_UNKNOWN, T = EXPR_TRUE };

static void set_str(cohort_column *col, size_t row, const char *s) {
    col->v.str[row] = s ? cohort_intern(col, s, strlen(s)) : COHORT_NA;
}

static const char *hand_rules =
    "ruleset \"hand\" {\n" /* 1 */
    "  doc = \"a small rule set whose counts are worked out by hand\",\n"
    "  param { \"max_ecog\", 1, min = 0, max = 4, doc = \"highest ECOG\" },\n"
    "  param { \"max_lesions\", 4, min = 1, max = 20 },\n"
    "  derive { \"lesions\", \"lesions(m_sites)\" },\n" /* 5 */
    "  criterion { \"stage_iv\", \"distant metastases\", \"lesions >= 1\" },\n"
    "  criterion { \"few\", \"at most max_lesions metastases\", \"lesions <= max_lesions\" },\n"
    "  criterion { \"ecog\", \"ECOG <= max_ecog\", \"ecog <= max_ecog\" },\n"
    "  criterion { \"treatable\", \"every site treatable\", \"m_all_treatable\" },\n"
    "  arm { \"radical\", when = \"eligible\" },\n" /* 10 */
    "  arm { \"systemic\" },\n"
    "}\n";

/* Ten patients.  lesions(m_sites) per row: 1 3 1 1 0 ? 5 2 1 4.
 *  row ecog m_sites                m_all_treatable
 *   1   0   brain:1                true
 *   2   1   bone:2;liver:1         true
 *   3   2   brain:1                true
 *   4   ?   adrenal:1              true
 *   5   0   none                   true
 *   6   0   (empty: unknown)       true
 *   7   1   bone:5                 true
 *   8   0   brain:1;bone:1         (unknown)
 *   9   1   lung_contralateral:1   false
 *  10   0   brain:2;adrenal:2      true
 * Attrition by hand:
 *  stage_iv  lesions >= 1 : before 10, pass 8, fail 1 (5), unknown 1 (6) -> 8
 *  few       lesions <= 4 : before 8, pass 7, fail 1 (7: 5 lesions)      -> 7
 *  ecog      ecog <= 1    : before 7, pass 5, fail 1 (3), unknown 1 (4)  -> 5
 *  treatable              : before 5, pass 3 (1,2,10), fail 1 (9),
 *                           unknown 1 (8)                                -> 3
 * Selected: rows 1, 2, 10 -> arm radical; everyone else systemic.
 * With max_lesions = 3, row 10 (4 lesions) fails `few`: 2 selected, and the
 * diff shows one patient lost, radical -> systemic. */
static cohort *hand_cohort(void) {
    static const double ecog[10] = {0, 1, 2, NAN, 0, 0, 1, 0, 1, 0};
    static const char *const sites[10] = {
        "brain:1",          "bone:2;liver:1", "brain:1",
        "adrenal:1",        "none",           NULL,
        "bone:5",           "brain:1;bone:1", "lung_contralateral:1",
        "brain:2;adrenal:2"};
    static const int8_t treat[10] = {1, 1, 1, 1, 1, 1, 1, -1, 0, 1};
    cohort *c = cohort_new(10);
    cohort_column *e = cohort_add(c, "ecog", COHORT_NUM);
    cohort_column *m = cohort_add(c, "m_sites", COHORT_STR);
    cohort_column *t = cohort_add(c, "m_all_treatable", COHORT_BOOL);
    for (int i = 0; i < 10; i++) {
        e->v.num[i] = ecog[i];
        set_str(m, (size_t)i, sites[i]);
        t->v.b[i] = treat[i];
    }
    return c;
}

static rules *load(const char *src, const char *name) {
    char err[600];
    rules *r = rules_new(0, 0, err, sizeof err);
    assert_non_null(r);
    if (rules_load_string(r, src, name, err, sizeof err) != 0)
        fail_msg("%s", err);
    return r;
}

static void attrition__hand_cohort__counts_worked_out_by_hand(void **state) {
    (void)state;
    char err[600];
    cohort *c = hand_cohort();
    rules *r = load(hand_rules, "hand.lua");
    rules_eval *ev = rules_eval_new(r, "hand", c, err, sizeof err);
    assert_non_null(ev);
    if (rules_eval_run(ev, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
    rules_step st[8];
    assert_int_equal(rules_eval_attrition(ev, st, 8), 4);
    static const size_t want[4][5] = {/* before pass fail unknown after */
                                      {10, 8, 1, 1, 8},
                                      {8, 7, 1, 0, 7},
                                      {7, 5, 1, 1, 5},
                                      {5, 3, 1, 1, 3}};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(st[k].before, want[k][0]);
        assert_int_equal(st[k].pass, want[k][1]);
        assert_int_equal(st[k].fail, want[k][2]);
        assert_int_equal(st[k].unknown, want[k][3]);
        assert_int_equal(st[k].after, want[k][4]);
    }
    assert_string_equal(st[2].reason, "ECOG <= max_ecog");
    assert_int_equal(rules_eval_nselected(ev), 3);
    const uint8_t *sel = rules_eval_selected(ev);
    const int16_t *arm = rules_eval_arms(ev);
    for (int i = 0; i < 10; i++) {
        int in = i == 0 || i == 1 || i == 9;
        assert_int_equal(sel[i], in ? T : F);
        assert_string_equal(rules_eval_arm_name(ev, (size_t)arm[i]), in ? "radical" : "systemic");
    }

    /* a param change recomputes `few` and the arm that reads eligible only */
    assert_int_equal(rules_set_param(r, "hand", "max_lesions", 3, NULL, err, sizeof err), 0);
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), 0);
    assert_int_equal(rules_eval_recomputed(ev), 2);
    assert_int_equal(rules_eval_nselected(ev), 2);
    assert_int_equal(rules_set_param(r, "hand", "max_lesions", 30, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "between 1 and 20"));
    assert_int_equal(rules_set_param(r, "hand", "max_ecog", 1.5, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "whole number"));

    /* diff between the versions: row 10 lost, radical -> systemic */
    rules_diff d;
    assert_int_equal(rules_diff_versions(r, "hand", c, 1, 2, &d, err, sizeof err), 0);
    assert_int_equal(d.lost, 1);
    assert_int_equal(d.gained, 0);
    assert_int_equal(d.nrows, 1);
    assert_int_equal(d.rows[0], 9);
    assert_int_equal(d.nmoves, 1);
    assert_string_equal(d.moves[0].from, "radical");
    assert_string_equal(d.moves[0].to, "systemic");
    rules_diff_free(&d);

    /* undo restores the result, redo brings the change back */
    assert_string_equal(rules_version_label(r, 2), "hand.max_lesions 4 -> 3");
    assert_int_equal(rules_undo(r), 0);
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), 0);
    assert_int_equal(rules_eval_nselected(ev), 3);
    assert_int_equal(rules_redo(r), 0);
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), 0);
    assert_int_equal(rules_eval_nselected(ev), 2);
    assert_int_equal(rules_redo(r), -1);

    /* a column change recomputes what reads it */
    cohort_column *e = cohort_find(c, "ecog");
    e->v.num[2] = 1; /* row 3 now passes ecog */
    e->generation++;
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), 0);
    assert_int_equal(rules_eval_recomputed(ev), 2); /* ecog + radical */
    assert_int_equal(rules_eval_nselected(ev), 3);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

static void explain__one_patient__criteria_values_and_arm(void **state) {
    (void)state;
    char err[600];
    cohort *c = hand_cohort();
    rules *r = load(hand_rules, "hand.lua");
    rules_eval *ev = rules_eval_new(r, "hand", c, err, sizeof err);
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), 0);
    rules_trace t;
    assert_int_equal(rules_explain(ev, 3, &t, err, sizeof err), 0); /* row 4 */
    assert_int_equal(t.selected, 0);
    assert_string_equal(t.arm, "systemic");
    int found = 0;
    for (size_t i = 0; i < t.n; i++) {
        const rules_trace_item *it = &t.items[i];
        if (it->kind == 'c' && strcmp(it->name, "ecog") == 0) {
            found++;
            assert_int_equal(it->result, U);
            assert_string_equal(it->reason, "ECOG <= max_ecog");
            assert_string_equal(it->values, "ecog = missing, max_ecog = 1");
            assert_string_equal(it->where, "hand.lua:8");
        }
        if (it->kind == 'd') {
            found++;
            assert_string_equal(it->values, "lesions = 1 (from m_sites = \"adrenal:1\")");
        }
        if (it->kind == 's') {
            found++;
            assert_non_null(strstr(it->reason, "step 3, 'ecog': unknown"));
        }
    }
    assert_int_equal(found, 3);
    rules_trace_free(&t);
    assert_int_equal(rules_explain(ev, 10, &t, err, sizeof err), -1);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

/* ---- incremental == from scratch */

static uint64_t rng = 88172645463325252ull;
static uint64_t xr(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *random_rules =
    "ruleset \"rand\" {\n"
    "  unknown = \"exclude\",\n"
    "  param { \"min_age\", 18, min = 0, max = 100 },\n"
    "  param { \"max_age\", 80, min = 0, max = 120 },\n"
    "  param { \"max_ecog\", 1, min = 0, max = 4 },\n"
    "  param { \"max_lesions\", 4, min = 0, max = 20 },\n"
    "  param { \"max_organs\", 3, min = 0, max = 10 },\n"
    "  param { \"need_treatable\", true },\n"
    "  param { \"site\", \"brain\", choices = {\"brain\", \"bone\", \"liver\"} },\n"
    "  derive { \"les\", \"lesions_except(m_sites, {\\\"pleura\\\"})\" },\n"
    "  derive { \"few\", \"les <= max_lesions\" },\n"
    "  criterion { \"age\", \"age in range\", \"age >= min_age and age <= max_age\" },\n"
    "  criterion { \"ecog\", \"ECOG\", \"ecog <= max_ecog\", unknown = \"include\" },\n"
    "  criterion { \"lesions\", \"few lesions\", \"few and les >= 1\" },\n"
    "  criterion { \"organs\", \"few organs\", \"organs(m_sites) <= max_organs\" },\n"
    "  criterion { \"treat\", \"treatable\", \"m_all_treatable or not need_treatable\" },\n"
    "  criterion { \"site\", \"site\", \"not contains(m_sites, site) or sex == \\\"female\\\"\" "
    "},\n"
    "  arm { \"radical\", when = \"eligible and ecog <= 1\" },\n"
    "  arm { \"sbrt\", when = \"eligible\" },\n"
    "  arm { \"systemic\", when = \"known(ecog)\" },\n"
    "}\n";

static cohort *random_cohort(size_t n) {
    static const char *const sites[] = {"brain", "bone", "liver", "adrenal", "pleura"};
    cohort *c = cohort_new(n);
    cohort_column *age = cohort_add(c, "age", COHORT_NUM);
    cohort_column *ecog = cohort_add(c, "ecog", COHORT_NUM);
    cohort_column *m = cohort_add(c, "m_sites", COHORT_STR);
    cohort_column *sex = cohort_add(c, "sex", COHORT_STR);
    cohort_column *tr = cohort_add(c, "m_all_treatable", COHORT_BOOL);
    for (size_t i = 0; i < n; i++) {
        age->v.num[i] = xr() % 20 == 0 ? NAN : (double)(30 + xr() % 60);
        ecog->v.num[i] = xr() % 15 == 0 ? NAN : (double)(xr() % 5);
        char buf[128] = "";
        int k = (int)(xr() % 5);
        if (xr() % 25 == 0) {
            set_str(m, i, NULL);
        } else {
            for (int j = 0; j < k; j++) {
                size_t l = strlen(buf);
                snprintf(buf + l, sizeof buf - l, "%s%s:%d", j ? ";" : "", sites[xr() % 5],
                         (int)(1 + xr() % 3));
            }
            set_str(m, i, k ? buf : "none");
        }
        set_str(sex, i, xr() % 10 == 0 ? NULL : xr() % 2 ? "male" : "female");
        tr->v.b[i] = (int8_t)((int)(xr() % 3) - 1);
    }
    return c;
}

static void same_results(rules_eval *a, rules_eval *b, size_t n) {
    assert_int_equal(rules_eval_ncriteria(a), rules_eval_ncriteria(b));
    for (size_t k = 0; k < rules_eval_ncriteria(a); k++)
        assert_memory_equal(rules_eval_criterion(a, k), rules_eval_criterion(b, k), n);
    assert_memory_equal(rules_eval_selected(a), rules_eval_selected(b), n);
    assert_memory_equal(rules_eval_arms(a), rules_eval_arms(b), n * sizeof(int16_t));
    rules_step sa[16], sb[16];
    size_t ns = rules_eval_attrition(a, sa, 16);
    assert_int_equal(ns, rules_eval_attrition(b, sb, 16));
    for (size_t k = 0; k < ns; k++) {
        assert_int_equal(sa[k].before, sb[k].before);
        assert_int_equal(sa[k].pass, sb[k].pass);
        assert_int_equal(sa[k].unknown, sb[k].unknown);
        assert_int_equal(sa[k].after, sb[k].after);
    }
}

static void incremental__random_edits__same_as_from_scratch(void **state) {
    (void)state;
    char err[600];
    size_t n = 3001;
    cohort *c = random_cohort(n);
    rules *r = load(random_rules, "rand.lua");
    rules_eval *inc = rules_eval_new(r, "rand", c, err, sizeof err);
    assert_int_equal(rules_eval_run(inc, 0, err, sizeof err), 0);
    size_t partial = 0;
    for (int step = 0; step < 300; step++) {
        int what = (int)(xr() % 10);
        if (what < 6) {
            rules_param_info pi;
            size_t np = rules_nparams(r, "rand");
            size_t i = xr() % np;
            assert_int_equal(rules_param(r, "rand", i, &pi), 0);
            static const char *const choice[] = {"brain", "bone", "liver"};
            double v = pi.type == RULES_P_BOOLEAN ? (double)(xr() % 2)
                       : pi.type == RULES_P_TEXT
                           ? 0
                           : pi.min + (double)(xr() % (uint64_t)(pi.max - pi.min + 1));
            int rc =
                rules_set_param(r, "rand", pi.name, v,
                                pi.type == RULES_P_TEXT ? choice[xr() % 3] : NULL, err, sizeof err);
            if (rc != 0)
                fail_msg("%s", err);
        } else if (what == 6) {
            rules_undo(r);
        } else if (what == 7) {
            rules_redo(r);
        } else {
            /* change a few cells of one column */
            cohort_column *col = cohort_col(c, xr() % cohort_ncols(c));
            for (int j = 0; j < 5; j++) {
                size_t row = xr() % n;
                if (col->type == COHORT_NUM)
                    col->v.num[row] = xr() % 4 == 0 ? NAN : (double)(xr() % 90);
                else if (col->type == COHORT_BOOL)
                    col->v.b[row] = (int8_t)((int)(xr() % 3) - 1);
                else
                    col->v.str[row] = (int32_t)(xr() % (uint64_t)(col->nlevels + 1)) - 1;
            }
            col->generation++;
        }
        if (rules_eval_run(inc, 0, err, sizeof err) != 0)
            fail_msg("%s", err);
        if (rules_eval_recomputed(inc) < 6)
            partial++;
        rules_eval *fresh = rules_eval_new(r, "rand", c, err, sizeof err);
        assert_int_equal(rules_eval_run(fresh, 1, err, sizeof err), 0);
        same_results(inc, fresh, n);
        rules_eval_free(fresh);
    }
    assert_true(partial > 100); /* most edits really were incremental */
    rules_eval_free(inc);
    rules_free(r);
    cohort_free(c);
}

/* ---- loading */

static void load_error(const char *src, const char *needle) {
    char err[600] = "";
    rules *r = load(hand_rules, "hand.lua");
    int v = rules_version(r);
    if (rules_load_string(r, src, "bad.lua", err, sizeof err) == 0)
        fail_msg("accepted: %s", src);
    if (strstr(err, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err, needle);
    assert_int_equal(rules_version(r), v); /* the previous version stays */
    assert_int_equal(rules_nsets(r), 1);
    rules_free(r);
}

static void load__errors__name_file_line_and_rule(void **state) {
    (void)state;
    load_error("ruleset \"x\" {\n criterion { \"a\", resaon = \"r\", \"ecog > 1\" } }",
               "bad.lua:2: criterion 'a': unknown field 'resaon'");
    load_error("ruleset \"x\" {\n\n criterion { \"a\", \"r\", \"ecog >\" } }",
               "bad.lua:3: criterion 'a': in \"ecog >\": at 7:");
    load_error("ruleset \"x\" { param { \"age\", 3 } }", "name of a patient field");
    load_error("ruleset \"x\" { param { \"k\", 30, min = 1, max = 20 } }", "outside min..max");
    load_error("ruleset \"x\" {\n criterion { \"a\", \"r\" } }",
               "bad.lua:2: criterion 'a': needs a condition");
    load_error("ruleset \"x\" { 42 }", "item 1 is not a param");
    load_error("ruleset \"x\" {", "bad.lua:1:");
    load_error("local x = 1", "no rule set declared");
    load_error("while true do end", "rule 'bad.lua' stopped");
    load_error("ruleset \"hand\" { }", "already defined by hand.lua");
    load_error("os.exit(1)", "unknown name 'os'");
}

static void bind__type_error__named_at_evaluation(void **state) {
    (void)state;
    char err[600];
    cohort *c = hand_cohort();
    rules *r =
        load("ruleset \"t\" {\n criterion { \"s\", \"r\", \"lesions(m_sites)\" } }", "t.lua");
    rules_eval *ev = rules_eval_new(r, "t", c, err, sizeof err);
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "t.lua:2: criterion 's'"));
    assert_non_null(strstr(err, "needs a condition"));
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

static void landmark__post_baseline_field__warning_or_first_step(void **state) {
    (void)state;
    char err[600];
    rules *r = load("ruleset \"gomez\" {\n"
                    "  criterion { \"response\", \"no progression after induction\",\n"
                    "              \"induction_response ~= \\\"progression\\\"\" } }\n"
                    "ruleset \"gomez_lm\" { landmark = 3,\n"
                    "  criterion { \"response\", \"no progression after induction\",\n"
                    "              \"induction_response ~= \\\"progression\\\"\" } }\n",
                    "gomez.lua");
    const char *w = rules_set_warning(r, "gomez", 0);
    assert_non_null(w);
    assert_non_null(strstr(w, "'induction_response'"));
    assert_non_null(strstr(w, "no landmark"));
    assert_null(rules_set_warning(r, "gomez_lm", 0));
    /* with the landmark, patients with os_time < 3 are excluded and counted */
    cohort *c = cohort_new(4);
    cohort_column *t = cohort_add(c, "os_time", COHORT_NUM);
    cohort_column *ir = cohort_add(c, "induction_response", COHORT_STR);
    double times[4] = {1, 5, 10, NAN};
    const char *resp[4] = {"response", "progression", "stable", "response"};
    for (int i = 0; i < 4; i++) {
        t->v.num[i] = times[i];
        set_str(ir, (size_t)i, resp[i]);
    }
    rules_eval *ev = rules_eval_new(r, "gomez_lm", c, err, sizeof err);
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), 0);
    rules_step st[4];
    assert_int_equal(rules_eval_attrition(ev, st, 4), 2);
    assert_string_equal(st[0].name, "landmark");
    assert_int_equal(st[0].fail, 1);    /* died/censored at 1 month */
    assert_int_equal(st[0].unknown, 1); /* no follow-up time */
    assert_int_equal(rules_eval_nselected(ev), 1);
    assert_true(rules_eval_landmark(ev) == 3);
    assert_int_equal(rules_set_param(r, "gomez_lm", "landmark", 6, NULL, err, sizeof err), 0);
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), 0);
    assert_int_equal(rules_eval_nselected(ev), 1); /* row 3 (10 months, stable) */
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

static void lua_criterion__per_patient__works_and_budget_names_it(void **state) {
    (void)state;
    char err[600];
    cohort *c = hand_cohort();
    rules *r =
        load("ruleset \"f\" {\n param { \"limit\", 1 },\n"
             " criterion { \"odd\", \"a rule no expression says\",\n"
             "   function(p, P) if p.ecog == nil then return nil end\n"
             "     return p.ecog <= P.limit end, reads = {\"ecog\"} } }\n"
             "ruleset \"loop\" {\n"
             " criterion { \"spin\", \"never ends\", function(p) while true do end end } }\n",
             "f.lua");
    rules_eval *ev = rules_eval_new(r, "f", c, err, sizeof err);
    if (rules_eval_run(ev, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
    const uint8_t *x = rules_eval_criterion(ev, 0);
    assert_int_equal(x[0], T);
    assert_int_equal(x[2], F);
    assert_int_equal(x[3], U);
    assert_int_equal(rules_eval_nselected(ev), 8); /* rows 3 (ECOG 2), 4 (?) out */
    rules_eval_free(ev);
    ev = rules_eval_new(r, "loop", c, err, sizeof err);
    assert_int_equal(rules_eval_run(ev, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "criterion 'spin'"));
    assert_non_null(strstr(err, "rule 'spin' stopped"));
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

/* A Lua criterion sees a whole number as the record shows it (2, as R and
 * `case` print it, not 2.0) and a missing value as nil. */
static void lua_criterion__whole_number__integer_as_case_shows(void **state) {
    (void)state;
    char err[600];
    cohort *c = hand_cohort();
    rules *r = load("ruleset \"t\" {\n"
                    " criterion { \"two\", \"ECOG reads as 2\",\n"
                    "   function(p) return tostring(p.ecog) == \"2\" and math.type(p.ecog) ==\n"
                    "     \"integer\" end, reads = {\"ecog\"} } }\n",
                    "t.lua");
    rules_eval *ev = rules_eval_new(r, "t", c, err, sizeof err);
    if (rules_eval_run(ev, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
    const uint8_t *x = rules_eval_criterion(ev, 0);
    assert_int_equal(x[2], T); /* ECOG 2 */
    assert_int_equal(x[0], F); /* ECOG 0 */
    assert_int_equal(x[3], F); /* missing: nil, "nil" */
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

/* `set` and `sweep` read a param's text the same way: yes/no/1/0 for a
 * boolean, a finite number otherwise, and name the param when they cannot. */
static void param_read__words__same_for_every_front_end(void **state) {
    (void)state;
    char err[200];
    double v = -1;
    rules_param_info b = {.name = "flag", .type = RULES_P_BOOLEAN};
    rules_param_info n = {.name = "max_ecog", .type = RULES_P_INTEGER, .min = 0, .max = 4};
    const char *yes[] = {"true", "yes", "1"}, *no[] = {"false", "no", "0"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rules_param_read(&b, yes[i], &v, err, sizeof err), 0);
        assert_true(v == 1);
        assert_int_equal(rules_param_read(&b, no[i], &v, err, sizeof err), 0);
        assert_true(v == 0);
    }
    assert_int_equal(rules_param_read(&b, "maybe", &v, err, sizeof err), -1);
    assert_string_equal(err, "flag is true or false, not 'maybe'");
    assert_int_equal(rules_param_read(&n, "2", &v, err, sizeof err), 0);
    assert_true(v == 2);
    /* 2^53 + 1 has no double of its own: refused, not rounded to 2^53 */
    assert_int_equal(rules_param_read(&n, "9007199254740993", &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "below 2^53"));
    const char *bad[] = {"abc", "", "2x", "inf", "nan", "1e999"};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(rules_param_read(&n, bad[i], &v, err, sizeof err), -1);
        assert_non_null(strstr(err, "max_ecog wants a number"));
    }
}

/* A field name with a typo is refused at load, naming file:line and the
 * field meant; a field of the user's own cohort loads once the rule set
 * declares it, and so does every name a derive, param or arm provides. */
static void load__unknown_field__error_with_did_you_mean(void **state) {
    (void)state;
    load_error("ruleset \"t\" {\n criterion { \"e\", \"r\", \"ecgo <= 2\" } }\n",
               "bad.lua:2: criterion 'e': reads 'ecgo'");
    load_error("ruleset \"t\" {\n criterion { \"e\", \"r\", \"ecgo <= 2\" } }\n",
               "(did you mean 'ecog'?)");
    load_error("ruleset \"t\" {\n param { \"max_ecog\", 1 },\n"
               " criterion { \"e\", \"r\", \"ecog <= max_ecgo\" } }\n",
               "(did you mean 'max_ecog'?)");
    load_error("ruleset \"t\" {\n criterion { \"e\", \"r\", function(p) return true end,\n"
               "   reads = {\"agee\"} } }\n",
               "reads 'agee'");
    load_error("ruleset \"t\" {\n arm { \"a\", when = \"eligble\" } }\n",
               "arm 'a': reads 'eligble'");
    load_error("ruleset \"t\" { fields = \"x\",\n criterion { \"e\", \"r\", \"x\" } }\n",
               "fields must be a list of field names");
    load_error("ruleset \"t\" {\n criterion { \"e\", \"r\", \"lesion_except(m_sites, {'brain'}) >= "
               "1\" } }\n",
               "unknown function 'lesion_except' (did you mean 'lesions_except'?)");
    rules *r = load("ruleset \"t\" { fields = {\"smoker\"},\n"
                    " param { \"max_ecog\", 1 },\n"
                    " derive { \"old\", \"age >= 70\" },\n"
                    " criterion { \"e\", \"r\", \"ecog <= max_ecog and not old and smoker\" },\n"
                    " arm { \"a\", when = \"eligible and old\" } }\n",
                    "ok.lua");
    assert_int_equal(rules_nsets(r), 1);
    rules_free(r);
}

static void load__include_file__same_folder(void **state) {
    (void)state;
    const char *top = getenv("top_srcdir");
    char path[1024], err[600];
    snprintf(path, sizeof path, "%s/tests/fixtures/rules/include_main.lua", top ? top : ".");
    rules *r = rules_new(0, 0, err, sizeof err);
    if (rules_load(r, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(rules_set_name(r, 0), "included");
    rules_param_info pi;
    assert_int_equal(rules_param(r, "included", 0, &pi), 0);
    assert_string_equal(pi.name, "max_ecog");
    assert_non_null(strstr(pi.file, "include_main.lua"));
    /* reloading keeps a changed param whose declaration did not change */
    assert_int_equal(rules_set_param(r, "included", "max_ecog", 2, NULL, err, sizeof err), 0);
    assert_int_equal(rules_load(r, path, err, sizeof err), 0);
    assert_int_equal(rules_param(r, "included", 0, &pi), 0);
    assert_true(pi.value == 2);
    assert_int_equal(rules_nversions(r), 3);
    rules_free(r);
}

static void binding__lua_api__load_eval_attrition_explain_undo(void **state) {
    (void)state;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushcfunction(L, dsl_open_cohort);
    lua_call(L, 0, 0);
    lua_pushcfunction(L, dsl_open_rules);
    lua_call(L, 0, 0);
    lcohort_push(L, hand_cohort());
    lua_setglobal(L, "c");
    lua_pushstring(L, hand_rules);
    lua_setglobal(L, "src");
    const char *chunk = "local path = os.tmpname()\n"
                        "local f = assert(io.open(path, 'w')) f:write(src) f:close()\n"
                        "assert(rules.load(path) == 1)\n"
                        "assert(rules.list()[1] == 'hand')\n"
                        "assert(rules.eval('hand', c).selected == 3)\n"
                        "local a = rules.attrition('hand', c)\n"
                        "assert(#a == 4 and a[3].unknown == 1 and a[4].after == 3)\n"
                        "assert(rules.set('hand', 'max_lesions', 3) == 2)\n"
                        "assert(rules.get('hand', 'max_lesions') == 3)\n"
                        "assert(rules.eval('hand', c).selected == 2)\n"
                        "local d = rules.diff('hand', c)\n"
                        "assert(d.lost == 1 and d.rows[1] == 10 and d.moves[1].to == 'systemic')\n"
                        "local e = rules.explain('hand', c, 4)\n"
                        "assert(e.arm == 'systemic' and not e.selected)\n"
                        "assert(rules.undo() == 1 and rules.eval('hand', c).selected == 3)\n"
                        "assert(rules.arms('hand', c)[1] == 'radical')\n"
                        "assert(not pcall(rules.set, 'hand', 'max_lesions', 99))\n"
                        "os.remove(path)\n";
    if (luaL_dostring(L, chunk) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
    lua_close(L);
}

/* The hand cohort with m_all_treatable stored as 0/1 numbers, as a CSV
 * gives it: the same attrition as with a boolean column (the counts worked
 * out by hand above), not a bind error. */
static void bool01__numeric_treatable__same_attrition_as_boolean(void **state) {
    (void)state;
    char err[600];
    cohort *c = hand_cohort();
    cohort_column *b = cohort_find(c, "m_all_treatable");
    int8_t v[10];
    memcpy(v, b->v.b, sizeof v);
    cohort_remove(c, "m_all_treatable");
    cohort_column *t = cohort_add(c, "m_all_treatable", COHORT_NUM);
    for (int i = 0; i < 10; i++)
        t->v.num[i] = v[i] < 0 ? NAN : v[i];
    rules *r = load(hand_rules, "hand.lua");
    rules_eval *ev = rules_eval_new(r, "hand", c, err, sizeof err);
    if (rules_eval_run(ev, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
    rules_step st[8];
    assert_int_equal(rules_eval_attrition(ev, st, 8), 4);
    assert_int_equal(st[3].before, 5);
    assert_int_equal(st[3].pass, 3);
    assert_int_equal(st[3].fail, 1);
    assert_int_equal(st[3].unknown, 1);
    assert_int_equal(rules_eval_nselected(ev), 3);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

/* unknown = "include" per criterion, and the unknown literal in a rule:
 * "ecog <= max_ecog or unknown" never fails a patient, it leaves unknown. */
static void unknown_literal__in_a_criterion__kleene(void **state) {
    (void)state;
    char err[600];
    cohort *c = hand_cohort();
    rules *r = load("ruleset \"u\" {\n"
                    "  param { \"max_ecog\", 1 },\n"
                    "  criterion { \"ecog\", \"ECOG <= max_ecog, else undecided\",\n"
                    "              \"ecog <= max_ecog or unknown\" },\n"
                    "}\n",
                    "u.lua");
    rules_eval *ev = rules_eval_new(r, "u", c, err, sizeof err);
    if (rules_eval_run(ev, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
    /* ecog 0 1 2 ? 0 0 1 0 1 0 -> T T U U T T T T T T */
    const uint8_t *x = rules_eval_criterion(ev, 0);
    static const uint8_t want[10] = {T, T, U, U, T, T, T, T, T, T};
    assert_memory_equal(x, want, 10);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(attrition__hand_cohort__counts_worked_out_by_hand),
        cmocka_unit_test(explain__one_patient__criteria_values_and_arm),
        cmocka_unit_test(incremental__random_edits__same_as_from_scratch),
        cmocka_unit_test(load__errors__name_file_line_and_rule),
        cmocka_unit_test(bind__type_error__named_at_evaluation),
        cmocka_unit_test(landmark__post_baseline_field__warning_or_first_step),
        cmocka_unit_test(lua_criterion__per_patient__works_and_budget_names_it),
        cmocka_unit_test(lua_criterion__whole_number__integer_as_case_shows),
        cmocka_unit_test(param_read__words__same_for_every_front_end),
        cmocka_unit_test(load__unknown_field__error_with_did_you_mean),
        cmocka_unit_test(load__include_file__same_folder),
        cmocka_unit_test(binding__lua_api__load_eval_attrition_explain_undo),
        cmocka_unit_test(bool01__numeric_treatable__same_attrition_as_boolean),
        cmocka_unit_test(unknown_literal__in_a_criterion__kleene),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
