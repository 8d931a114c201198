/* test_staging.c - staging inside rule sets: derived T, N, M and stage from
 * scripts/staging, the classify cache, explain's why lines, edition diffs.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The expected stages are read off the published grids (IASLC 8th edition,
 * Goldstraw 2016; 9th edition, Rami-Porta 2024) as doc/domain.md#tnm-8-stages
 * and #tnm-9-stages give them, one record per
 * grid cell chosen, with t_invasion and t_nodules "none" so that T is the
 * size band alone.
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

#include "cohort.h"
#include "rules.h"

enum { F = EXPR_FALSE, U = EXPR_UNKNOWN, T = EXPR_TRUE, NROWS = 10 };

/*  row size stations side m_sites      8th: T   N   M   stage | 9th: N    M    stage
 *   1  2.5  none     R    none              T1c N0  M0  IA3   |      N0   M0   IA3
 *   2  0.8  10R      R    none              T1a N1  M0  IIB   |      N1   M0   IIA
 *   3  1.5  4R       R    none              T1b N2  M0  IIIA  |      N2a  M0   IIB
 *   4  6.2  4R       R    none              T3  N2  M0  IIIB  |      N2a  M0   IIIA
 *   5  2.5  4R       R    brain:1           T1c N2  M1b IVA   |      N2a  M1b  IVA
 *   6  3.5  none     L    brain:2;bone:1    T2a N0  M1c IVB   |      N0   M1c2 IVB
 *   7  4.5  4R;7     R    none              T2b N2  M0  IIIA  |      N2b  M0   IIIB
 *   8  2.5  4L       R    none              T1c N3  M0  IIIB  |      N3   M0   IIIB
 *   9  (no T data)   none R  brain:1        T1a..T4 N0 M1b IVA |    N0   M1b  IVA
 *  10  as row 1 (a repeated combination)
 * A T that the record leaves open is its candidates, "T1a|T1b|...|T4".
 * 4R is ipsilateral mediastinal (N2) for a right-sided tumour, 4L
 * contralateral (N3); 10R ipsilateral hilar (N1); 7 N2 on either side.
 * M1b/M1c: any T, any N -> IVA/IVB.  8th -> 9th: rows 2, 3, 4 and 7 move
 * (IIB->IIA, IIIA->IIB, IIIB->IIIA, IIIA->IIIB). */
static const double size[NROWS] = {2.5, 0.8, 1.5, 6.2, 2.5, 3.5, 4.5, 2.5, NAN, 2.5};
static const char *const stations[NROWS] = {"none", "10R",  "4R", "4R",   "4R",
                                            "none", "4R;7", "4L", "none", "none"};
static const char *const sides[NROWS] = {"R", "R", "R", "R", "R", "L", "R", "R", "R", "R"};
static const char *const sites[NROWS] = {"none",           "none", "none", "none",    "brain:1",
                                         "brain:2;bone:1", "none", "none", "brain:1", "none"};
static const char *const want8[NROWS][4] = {{"IA3", "T1c", "N0", "M0"},
                                            {"IIB", "T1a", "N1", "M0"},
                                            {"IIIA", "T1b", "N2", "M0"},
                                            {"IIIB", "T3", "N2", "M0"},
                                            {"IVA", "T1c", "N2", "M1b"},
                                            {"IVB", "T2a", "N0", "M1c"},
                                            {"IIIA", "T2b", "N2", "M0"},
                                            {"IIIB", "T1c", "N3", "M0"},
                                            {"IVA", "T1a|T1b|T1c|T2a|T2b|T3|T4", "N0", "M1b"},
                                            {"IA3", "T1c", "N0", "M0"}};
static const char *const want9[NROWS] = {"IA3", "IIA",  "IIB",  "IIIA", "IVA",
                                         "IVB", "IIIB", "IIIB", "IVA",  "IA3"};

static const char *rule_src =
    "ruleset \"staged\" {\n" /* 1 */
    "  param { \"tnm\", \"tnm8\", choices = {\"tnm8\", \"tnm9\"} },\n"
    "  param { \"max_ecog\", 1, min = 0, max = 4 },\n"
    "  derive { \"stage\", staging = \"tnm\" },\n" /* 4 */
    "  criterion { \"stage_iv\", \"stage IV\", [[within(stage, \"IV\")]] },\n"
    "  criterion { \"ecog\", \"ECOG <= max_ecog\", \"ecog <= max_ecog\" },\n"
    "  arm { \"radical\", when = [[eligible and m == \"M1b\"]] },\n"
    "  arm { \"systemic\" },\n"
    "}\n";

static void set_str(cohort_column *col, size_t row, const char *s) {
    col->v.str[row] = s ? cohort_intern(col, s, strlen(s)) : COHORT_NA;
}

static cohort *grid_cohort(void) {
    cohort *c = cohort_new(NROWS);
    cohort_column *z = cohort_add(c, "t_size_cm", COHORT_NUM);
    cohort_column *inv = cohort_add(c, "t_invasion", COHORT_STR);
    cohort_column *nod = cohort_add(c, "t_nodules", COHORT_STR);
    cohort_column *n = cohort_add(c, "n_stations", COHORT_STR);
    cohort_column *s = cohort_add(c, "side", COHORT_STR);
    cohort_column *m = cohort_add(c, "m_sites", COHORT_STR);
    cohort_column *e = cohort_add(c, "ecog", COHORT_NUM);
    /* no malignant effusion recorded as such: an unrecorded one would
     * leave M0 or M1a open */
    cohort_column *eff = cohort_add(c, "m_pleural_effusion", COHORT_BOOL);
    for (size_t i = 0; i < NROWS; i++) {
        z->v.num[i] = size[i];
        set_str(inv, i, i == 8 ? NULL : "none");
        set_str(nod, i, i == 8 ? NULL : "none");
        set_str(n, i, stations[i]);
        set_str(s, i, sides[i]);
        set_str(m, i, sites[i]);
        e->v.num[i] = i % 4 == 3 ? 2 : 0; /* rows 4 and 8 */
        eff->v.b[i] = 0;
    }
    return c;
}

static rules *engine(const char *src) {
    char err[700];
    rules *r = rules_new(0, 0, err, sizeof err);
    assert_non_null(r);
    const char *top = getenv("top_srcdir");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/scripts/staging", top ? top : ".");
    assert_int_equal(rules_set_staging_dir(r, dir), 0);
    if (src && rules_load_string(r, src, "staged.lua", err, sizeof err) != 0)
        fail_msg("%s", err);
    return r;
}

static void run(rules_eval *ev) {
    char err[700];
    if (rules_eval_run(ev, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* The 'd' item of the staging derive must start with the four values. */
static void check_row(rules_eval *ev, size_t row, const char *const want[4]) {
    char err[700], head[200];
    rules_trace tr;
    if (rules_explain(ev, row, &tr, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_true(tr.n > 0);
    assert_int_equal(tr.items[0].kind, 'd');
    char t[64];
    snprintf(t, sizeof t, want[1] ? "\"%s\"" : "unknown", want[1]);
    snprintf(head, sizeof head, "stage = \"%s\", t = %s, n = \"%s\", m = \"%s\"", want[0], t,
             want[2], want[3]);
    if (strncmp(tr.items[0].values, head, strlen(head)) != 0)
        fail_msg("row %zu: '%s', want '%s...'", row + 1, tr.items[0].values, head);
    rules_trace_free(&tr);
}

static void derive__grid_records__stages_of_the_domain_tables(void **state) {
    (void)state;
    char err[700];
    cohort *c = grid_cohort();
    rules *r = engine(rule_src);
    rules_eval *ev = rules_eval_new(r, "staged", c, err, sizeof err);
    assert_non_null(ev);
    run(ev);
    for (size_t i = 0; i < NROWS; i++)
        check_row(ev, i, want8[i]);
    /* criteria read the derived text: stage IV rows 5, 6, 9 */
    const uint8_t *iv = rules_eval_criterion(ev, 0);
    for (size_t i = 0; i < NROWS; i++)
        assert_int_equal(iv[i], i == 4 || i == 5 || i == 8 ? T : F);
    /* arms: eligible (stage IV, ECOG <= 1: rows 5, 6, 9) and M1b -> radical:
     * rows 5 and 9; row 6 (M1c) systemic */
    const int16_t *arm = rules_eval_arms(ev);
    assert_int_equal(arm[4], 0);
    assert_int_equal(arm[8], 0);
    assert_int_equal(arm[5], 1);
    assert_int_equal(rules_eval_nselected(ev), 3);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

static void explain__staged_row__shows_the_grid_row_that_gave_it(void **state) {
    (void)state;
    char err[700];
    cohort *c = grid_cohort();
    rules *r = engine(rule_src);
    rules_eval *ev = rules_eval_new(r, "staged", c, err, sizeof err);
    run(ev);
    rules_trace tr;
    assert_int_equal(rules_explain(ev, 2, &tr, err, sizeof err), 0);
    int grid = 0, size_line = 0, n2 = 0;
    for (size_t i = 0; i < tr.n; i++) {
        if (tr.items[i].kind != 'w')
            continue;
        assert_string_equal(tr.items[i].name, "stage");
        grid |= strstr(tr.items[i].reason, "row T1b, column N2") != NULL;
        size_line |= strstr(tr.items[i].reason, "T1b") != NULL &&
                     strstr(tr.items[i].reason, "1.5 cm") != NULL;
        n2 |= strstr(tr.items[i].reason, "4R") != NULL;
    }
    assert_true(grid && size_line && n2);
    assert_non_null(strstr(tr.items[0].values, "t_size_cm = 1.5"));
    assert_non_null(strstr(tr.items[0].values, "staged with tnm8"));
    assert_string_equal(tr.items[0].where, "staged.lua:4");
    rules_trace_free(&tr);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

static void cache__unrelated_param_and_edition_back__no_lua_runs(void **state) {
    (void)state;
    char err[700];
    cohort *c = grid_cohort();
    rules *r = engine(rule_src);
    rules_eval *ev = rules_eval_new(r, "staged", c, err, sizeof err);
    run(ev);
    /* the column program: a call per distinct item word, part tuple and
     * finish combination; fewer than one per row */
    unsigned long first = rules_staging_calls(r);
    assert_true(first > 0);
    assert_int_equal(rules_set_param(r, "staged", "max_ecog", 2, NULL, err, sizeof err), 0);
    run(ev);
    assert_int_equal(rules_staging_calls(r), first);
    /* the ecog criterion and the arm reading eligible; not the staging */
    assert_int_equal(rules_eval_recomputed(ev), 2);
    assert_int_equal(rules_set_param(r, "staged", "tnm", 0, "tnm9", err, sizeof err), 0);
    run(ev);
    unsigned long both = rules_staging_calls(r);
    assert_true(both > first);
    assert_int_equal(rules_set_param(r, "staged", "tnm", 0, "tnm8", err, sizeof err), 0);
    run(ev);
    assert_int_equal(rules_staging_calls(r), both);
    /* another evaluation of the same values (a new cohort object) hits the memo */
    cohort *c2 = grid_cohort();
    rules_eval *ev2 = rules_eval_new(r, "staged", c2, err, sizeof err);
    run(ev2);
    assert_int_equal(rules_staging_calls(r), both);
    /* explain runs classify once more, for the why lines of one row */
    check_row(ev, 1, want8[1]);
    assert_int_equal(rules_staging_calls(r), both + 1);
    /* a change to a column classify reads: only the new combination runs */
    cohort_column *z = cohort_find(c, "t_size_cm");
    z->v.num[1] = 3.5; /* T1a -> T2a: T2a N1 M0 is IIB in the 8th edition */
    z->generation++;
    unsigned long before = rules_staging_calls(r);
    run(ev);
    /* the new size band's T part and its finish */
    assert_true(rules_staging_calls(r) > before && rules_staging_calls(r) <= before + 2);
    static const char *const moved[4] = {"IIB", "T2a", "N1", "M0"};
    check_row(ev, 1, moved);
    rules_eval_free(ev2);
    cohort_free(c2);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

static size_t move_count(const rules_diff *d, const char *from, const char *to) {
    for (size_t i = 0; i < d->nstage_moves; i++)
        if (strcmp(d->stage_moves[i].from, from) == 0 && strcmp(d->stage_moves[i].to, to) == 0)
            return d->stage_moves[i].count;
    return 0;
}

static void diff__edition_switch__stage_moves_per_direction(void **state) {
    (void)state;
    char err[700];
    cohort *c = grid_cohort();
    rules *r = engine(rule_src);
    int v8 = rules_version(r);
    assert_int_equal(rules_set_param(r, "staged", "tnm", 0, "tnm9", err, sizeof err), 0);
    rules_eval *ev = rules_eval_new(r, "staged", c, err, sizeof err);
    run(ev);
    for (size_t i = 0; i < NROWS; i++)
        assert_string_equal(cohort_str(cohort_find(c, "m_sites"), i), sites[i]);
    rules_diff d;
    if (rules_diff_versions(r, "staged", c, v8, 0, &d, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(d.stage_changed, 4);
    assert_int_equal(d.nstage_moves, 4);
    assert_int_equal(move_count(&d, "IIB", "IIA"), 1);
    assert_int_equal(move_count(&d, "IIIA", "IIB"), 1);
    assert_int_equal(move_count(&d, "IIIB", "IIIA"), 1);
    assert_int_equal(move_count(&d, "IIIA", "IIIB"), 1);
    assert_int_equal(d.gained + d.lost, 0); /* stage IV is the same in both */
    assert_int_equal(d.nrows, 4);
    assert_int_equal(d.rows[0], 1);
    /* both editions were classified before: the diff ran no Lua */
    unsigned long calls = rules_staging_calls(r);
    rules_diff_free(&d);
    assert_int_equal(rules_diff_versions(r, "staged", c, v8, 0, &d, err, sizeof err), 0);
    assert_int_equal(rules_staging_calls(r), calls);
    rules_diff_free(&d);
    /* the 9th-edition stages themselves */
    rules_trace tr;
    for (size_t i = 0; i < NROWS; i++) {
        assert_int_equal(rules_explain(ev, i, &tr, err, sizeof err), 0);
        char head[40];
        snprintf(head, sizeof head, "stage = \"%s\",", want9[i]);
        if (strncmp(tr.items[0].values, head, strlen(head)) != 0)
            fail_msg("row %zu: %s, want %s", i + 1, tr.items[0].values, want9[i]);
        rules_trace_free(&tr);
    }
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
}

static void load__staging_errors__name_the_derive(void **state) {
    (void)state;
    char err[700];
    rules *r = engine(NULL);
    assert_int_equal(rules_load_string(r,
                                       "ruleset \"x\" {\n"
                                       "  derive { \"stage\", staging = \"tnm7\" },\n"
                                       "}\n",
                                       "x.lua", err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "x.lua:2: derive 'stage': staging module 'tnm7' not found"));
    assert_int_equal(rules_load_string(r,
                                       "ruleset \"x\" {\n"
                                       "  param { \"ed\", \"tnm8\" },\n"
                                       "  derive { \"stage\", staging = \"ed\" },\n"
                                       "}\n",
                                       "x.lua", err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "x.lua:3: derive 'stage': staging param 'ed' must be "
                                "text with choices"));
    assert_int_equal(rules_load_string(r,
                                       "ruleset \"x\" {\n"
                                       "  derive { \"stage\", \"1\", staging = \"tnm8\" },\n"
                                       "}\n",
                                       "x.lua", err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "both an expression and staging"));
    /* another name: s9 with s9_t, s9_n, s9_m */
    if (rules_load_string(r,
                          "ruleset \"y\" {\n"
                          "  derive { \"s9\", staging = \"tnm9\" },\n"
                          "  criterion { \"n2b\", \"N2b\", [[s9_n == \"N2b\"]] },\n"
                          "}\n",
                          "y.lua", err, sizeof err) != 0)
        fail_msg("%s", err);
    cohort *c = grid_cohort();
    rules_eval *ev = rules_eval_new(r, "y", c, err, sizeof err);
    run(ev);
    const uint8_t *x = rules_eval_criterion(ev, 0);
    for (size_t i = 0; i < NROWS; i++)
        assert_int_equal(x[i], i == 6 ? T : i == 8 ? F : F);
    rules_eval_free(ev);
    cohort_free(c);
    assert_int_equal(rules_version(r), 1); /* the failed loads changed nothing */
    rules_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(derive__grid_records__stages_of_the_domain_tables),
        cmocka_unit_test(explain__staged_row__shows_the_grid_row_that_gave_it),
        cmocka_unit_test(cache__unrelated_param_and_edition_back__no_lua_runs),
        cmocka_unit_test(diff__edition_switch__stage_moves_per_direction),
        cmocka_unit_test(load__staging_errors__name_the_derive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
