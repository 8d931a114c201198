/* test_expr.c - rule expressions: Kleene logic, missing values, list fields,
 * parse and type errors.
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

#include "cohort.h"
#include "expr.h"

enum { F = EXPR_FALSE, U = EXPR_UNKNOWN, T = EXPR_TRUE };

typedef struct env {
    cohort *c;
    double params[4];
    const char *pstr[4];
} env;

static int resolve(void *ud, const char *name, expr_ref *out) {
    env *e = ud;
    static const char *const pnames[] = {"max_ecog", "flag", "site", "zero"};
    static const expr_type ptypes[] = {EXPR_T_NUM, EXPR_T_BOOL, EXPR_T_STR, EXPR_T_NUM};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, pnames[i]) == 0) {
            out->kind = EXPR_REF_PARAM;
            out->index = i;
            out->type = ptypes[i];
            return 0;
        }
    const cohort_column *col = cohort_find(e->c, name);
    if (col) {
        out->kind = EXPR_REF_COLUMN;
        out->col = col;
        out->nrows = cohort_nrows(e->c);
        return 0;
    }
    if (strcmp(name, "stage") == 0) { /* a dictionary field this cohort lacks */
        out->kind = EXPR_REF_ABSENT;
        out->type = EXPR_T_NA;
        return 0;
    }
    return -1;
}

static void set_str(cohort_column *col, size_t row, const char *s) {
    col->v.str[row] = s ? cohort_intern(col, s, strlen(s)) : COHORT_NA;
}

/* 9 rows: a, b run over every pair of {false, unknown, true}. */
static cohort *truth_cohort(void) {
    cohort *c = cohort_new(9);
    cohort_column *a = cohort_add(c, "a", COHORT_BOOL);
    cohort_column *b = cohort_add(c, "b", COHORT_BOOL);
    static const int8_t v[3] = {0, -1, 1}; /* F, U, T in cohort coding */
    for (int i = 0; i < 9; i++) {
        a->v.b[i] = v[i / 3];
        b->v.b[i] = v[i % 3];
    }
    return c;
}

static void eval_str(env *e, const char *src, void *out) {
    char err[300];
    expr *x = expr_parse(src, err, sizeof err);
    if (x == NULL)
        fail_msg("parse %s: %s", src, err);
    expr_prog *p = expr_bind(x, resolve, e, err, sizeof err);
    if (p == NULL)
        fail_msg("bind %s: %s", src, err);
    expr_ctx ctx = {e->params, e->pstr, NULL, NULL};
    assert_int_equal(expr_eval(p, &ctx, 0, cohort_nrows(e->c), out), 0);
    expr_prog_free(p);
    expr_free(x);
}

static void kleene__truth_table__matches_sql_three_valued_logic(void **state) {
    (void)state;
    env e = {truth_cohort(), {0}, {0}};
    uint8_t r[9];
    /* rows: (a,b) = FF FU FT UF UU UT TF TU TT */
    static const uint8_t and_[9] = {F, F, F, F, U, U, F, U, T};
    static const uint8_t or_[9] = {F, U, T, U, U, T, T, T, T};
    static const uint8_t not_a[9] = {T, T, T, U, U, U, F, F, F};
    static const uint8_t eq[9] = {T, U, F, U, U, U, F, U, T};
    eval_str(&e, "a and b", r);
    assert_memory_equal(r, and_, 9);
    eval_str(&e, "a or b", r);
    assert_memory_equal(r, or_, 9);
    eval_str(&e, "not a", r);
    assert_memory_equal(r, not_a, 9);
    eval_str(&e, "a == b", r);
    assert_memory_equal(r, eq, 9);
    eval_str(&e, "known(a)", r);
    static const uint8_t known[9] = {T, T, T, F, F, F, T, T, T};
    assert_memory_equal(r, known, 9);
    cohort_free(e.c);
}

static void compare__missing_number__is_unknown_not_false(void **state) {
    (void)state;
    cohort *c = cohort_new(4);
    cohort_column *ecog = cohort_add(c, "ecog", COHORT_NUM);
    ecog->v.num[0] = 0;
    ecog->v.num[1] = 2;
    ecog->v.num[2] = NAN;
    ecog->v.num[3] = 1;
    env e = {c, {1, 1, 0, 0}, {NULL, NULL, "brain", NULL}};
    uint8_t r[4];
    eval_str(&e, "ecog <= max_ecog", r);
    assert_memory_equal(r, ((uint8_t[]){T, F, U, T}), 4);
    eval_str(&e, "not (ecog > max_ecog)", r);
    assert_memory_equal(r, ((uint8_t[]){T, F, U, T}), 4);
    eval_str(&e, "ecog in {0, 2}", r);
    assert_memory_equal(r, ((uint8_t[]){T, T, U, F}), 4);
    { /* a set longer than one pass of keys: 70 numbers, the match last */
        char src[512] = "ecog in {";
        for (int k = 0; k < 69; k++)
            sprintf(src + strlen(src), "%d, ", 10 + k);
        strcat(src, "1}");
        eval_str(&e, src, r);
        assert_memory_equal(r, ((uint8_t[]){F, F, U, T}), 4);
    }
    eval_str(&e, "ecog <= max_ecog or flag", r); /* flag true: unknown or true */
    assert_memory_equal(r, ((uint8_t[]){T, T, T, T}), 4);
    double d[4];
    eval_str(&e, "ecog / zero", d); /* division by zero gives missing */
    for (int i = 0; i < 4; i++)
        assert_true(isnan(d[i]));
    eval_str(&e, "ecog * 2 + 1 - max_ecog % 3", d);
    assert_true(d[0] == 0 && d[1] == 4 && isnan(d[2]) && d[3] == 2);
    eval_str(&e, "stage == \"IVA\"", r); /* field not in this cohort */
    assert_memory_equal(r, ((uint8_t[]){U, U, U, U}), 4);
    eval_str(&e, "missing(stage)", r);
    assert_memory_equal(r, ((uint8_t[]){T, T, T, T}), 4);
    cohort_free(c);
}

static void lists__m_sites__count_lesions_and_organs(void **state) {
    (void)state;
    cohort *c = cohort_new(6);
    cohort_column *m = cohort_add(c, "m_sites", COHORT_STR);
    cohort_column *sex = cohort_add(c, "sex", COHORT_STR);
    set_str(m, 0, "brain:1;bone:2");
    set_str(m, 1, "none");    /* known: no metastasis */
    set_str(m, 2, NULL);      /* unknown */
    set_str(m, 3, "adrenal"); /* count defaults to 1 */
    set_str(m, 4, "bone:3; bone:1 ;liver:1");
    set_str(m, 5, "brain:x"); /* not a count: unknown */
    set_str(sex, 0, "male");
    set_str(sex, 1, "female");
    set_str(sex, 3, "female");
    set_str(sex, 4, "male");
    set_str(sex, 5, "male");
    env e = {c, {0}, {NULL, NULL, "brain", NULL}};
    double d[6];
    uint8_t r[6];
    eval_str(&e, "lesions(m_sites)", d);
    assert_true(d[0] == 3 && d[1] == 0 && isnan(d[2]) && d[3] == 1 && d[4] == 5 && isnan(d[5]));
    eval_str(&e, "organs(m_sites)", d);
    assert_true(d[0] == 2 && d[1] == 0 && isnan(d[2]) && d[3] == 1 && d[4] == 2);
    eval_str(&e, "count(m_sites)", d);
    assert_true(d[0] == 2 && d[1] == 0 && d[3] == 1 && d[4] == 3);
    eval_str(&e, "lesions_except(m_sites, {\"bone\", \"liver\"})", d);
    assert_true(d[0] == 1 && d[1] == 0 && d[3] == 1 && d[4] == 0);
    eval_str(&e, "lesions(m_sites, \"bone\")", d);
    assert_true(d[0] == 2 && d[4] == 4);
    eval_str(&e, "contains(m_sites, site)", r); /* text param */
    assert_memory_equal(r, ((uint8_t[]){T, F, U, F, F, U}), 6);
    eval_str(&e, "sex == \"female\"", r);
    assert_memory_equal(r, ((uint8_t[]){F, T, U, T, F, F}), 6);
    eval_str(&e, "sex ~= \"female\" and lesions(m_sites) <= 3", r);
    assert_memory_equal(r, ((uint8_t[]){T, F, U, F, F, U}), 6);
    eval_str(&e, "sex in {\"female\", \"other\"}", r);
    assert_memory_equal(r, ((uint8_t[]){F, T, U, T, F, F}), 6);
    eval_str(&e, "known(sex)", r);
    assert_memory_equal(r, ((uint8_t[]){T, T, F, T, T, T}), 6);
    cohort_free(c);
}

/* Cells a hand-made or hostile CSV may hold: every list function reads them
 * the same way at every bind and after a text param changes. */
enum { NH = 16 };
static cohort *hostile_cohort(void) {
    cohort *c = cohort_new(NH);
    cohort_column *m = cohort_add(c, "m_sites", COHORT_STR);
    static const char *const cells[NH] = {"brain:1;brain:2",
                                          " none ",
                                          "   ",
                                          "bone:0;liver",
                                          "brain:inf",
                                          "brain:1e0; x:0x2",
                                          ":3;brain",
                                          ";;none;brain; ;",
                                          "brain:-1",
                                          "brain:nan",
                                          "brain:",
                                          NULL /* row 11: 70 sites, below */,
                                          "Brain:1",
                                          NULL,
                                          "liver:2;brain:1;liver:1",
                                          "bone: 2 ;  bone :1"};
    char many[1024] = "";
    for (int i = 1; i <= 70; i++)
        sprintf(many + strlen(many), "a%d;", i);
    strcat(many, "a1;a70"); /* past 64 distinct sites a repeat counts again */
    for (int i = 0; i < NH; i++)
        set_str(m, (size_t)i, i == 11 ? many : cells[i]);
    return c;
}

static void expect_num(env *e, const char *src, const double *want) {
    double d[NH];
    eval_str(e, src, d);
    for (int i = 0; i < NH; i++)
        if (!(d[i] == want[i] || (isnan(d[i]) && isnan(want[i]))))
            fail_msg("%s, row %d: %g, not %g", src, i, d[i], want[i]);
}

static void lists__hostile_cells__read_alike_at_every_bind(void **state) {
    (void)state;
    env e = {hostile_cohort(), {0}, {NULL, NULL, "brain", NULL}};
    const double N = NAN, I = INFINITY;
    for (int pass = 0; pass < 2; pass++) { /* the second binds again */
        expect_num(&e, "count(m_sites)",
                   (double[NH]){2, 0, N, 2, 1, 2, 2, 1, N, N, N, 72, 1, N, 3, 2});
        expect_num(&e, "lesions(m_sites)",
                   (double[NH]){3, 0, N, 1, I, 3, 4, 1, N, N, N, 72, 1, N, 4, 3});
        expect_num(&e, "organs(m_sites)",
                   (double[NH]){1, 0, N, 1, 1, 2, 2, 1, N, N, N, 71, 1, N, 2, 1});
        expect_num(&e, "lesions(m_sites, \"brain\")",
                   (double[NH]){3, 0, N, 0, I, 1, 1, 1, N, N, N, 0, 0, N, 1, 0});
        expect_num(&e, "lesions(m_sites, \"zzz\")",
                   (double[NH]){0, 0, N, 0, 0, 0, 0, 0, N, N, N, 0, 0, N, 0, 0});
        expect_num(&e, "organs_except(m_sites, {\"brain\", \"\"})",
                   (double[NH]){0, 0, N, 1, 0, 1, 0, 0, N, N, N, 71, 1, N, 1, 1});
        expect_num(&e, "lesions_except(m_sites, {\"brain\", \"brain\"})",
                   (double[NH]){0, 0, N, 1, 0, 2, 3, 0, N, N, N, 72, 1, N, 3, 3});
        expect_num(&e, "organs(m_sites, {\"bone\", \"a70\"})",
                   (double[NH]){0, 0, N, 0, 0, 0, 0, 0, N, N, N, 1, 0, N, 0, 1});
    }
    /* one program, its key a text param that changes between evaluations */
    char err[300];
    expr *x = expr_parse("contains(m_sites, site)", err, sizeof err);
    assert_non_null(x);
    expr_prog *p = expr_bind(x, resolve, &e, err, sizeof err);
    assert_non_null(p);
    expr_ctx ctx = {e.params, e.pstr, NULL, NULL};
    uint8_t r[NH];
    assert_int_equal(expr_eval(p, &ctx, 0, NH, r), 0);
    assert_memory_equal(r, ((uint8_t[NH]){T, F, U, F, T, T, T, T, U, U, U, F, F, U, T, F}), NH);
    e.pstr[2] = "a70";
    assert_int_equal(expr_eval(p, &ctx, 0, NH, r), 0);
    assert_memory_equal(r, ((uint8_t[NH]){F, F, U, F, F, F, F, F, U, U, U, T, F, U, F, F}), NH);
    e.pstr[2] = "";
    assert_int_equal(expr_eval(p, &ctx, 0, NH, r), 0);
    assert_memory_equal(r, ((uint8_t[NH]){F, F, U, F, F, F, T, F, U, U, U, F, F, U, F, F}), NH);
    e.pstr[2] = NULL;
    assert_int_equal(expr_eval(p, &ctx, 0, NH, r), 0);
    assert_memory_equal(r, ((uint8_t[NH]){F, F, U, F, F, F, F, F, U, U, U, F, F, U, F, F}), NH);
    expr_prog_free(p);
    expr_free(x);
    cohort_free(e.c);
}

/* The parsed cells of a list column are kept by the column: every bind
 * reuses them, keys never add to them, and a changed, removed or replaced
 * column is never read through them. */
static void lists__parsed_cells__kept_by_column_until_it_changes(void **state) {
    (void)state;
    env e = {hostile_cohort(), {0}, {NULL, NULL, "brain", NULL}};
    cohort_column *m = cohort_find(e.c, "m_sites");
    assert_null(m->aux);
    double d[NH];
    uint8_t r[NH];
    eval_str(&e, "lesions(m_sites)", d);
    void *kept = m->aux;
    assert_non_null(kept);
    assert_non_null(m->aux_free);
    for (int i = 0; i < 1000; i++) { /* a rule file's keys: looked up, not kept */
        char src[64];
        snprintf(src, sizeof src, "contains(m_sites, \"site%d\")", i);
        eval_str(&e, src, r);
        assert_int_equal(r[0], F);
        assert_ptr_equal(m->aux, kept);
    }
    /* a bound program, then a new level in the column: read afresh */
    char err[300];
    expr *x = expr_parse("lesions(m_sites)", err, sizeof err);
    expr_prog *p = expr_bind(x, resolve, &e, err, sizeof err);
    assert_non_null(p);
    expr_ctx ctx = {e.params, e.pstr, NULL, NULL};
    set_str(m, 1, "liver:5;bone");
    assert_int_equal(expr_eval(p, &ctx, 0, NH, d), 0);
    assert_true(d[0] == 3 && d[1] == 6 && d[3] == 1);
    /* codes changed, no new level (as a recode does): read afresh */
    m->v.str[3] = m->v.str[0];
    m->generation++;
    assert_int_equal(expr_eval(p, &ctx, 0, NH, d), 0);
    assert_true(d[3] == 3 && d[1] == 6);
    expr_prog_free(p);
    /* the column replaced by another of the same name */
    assert_int_equal(cohort_remove(e.c, "m_sites"), 0);
    m = cohort_add(e.c, "m_sites", COHORT_STR);
    for (size_t i = 0; i < NH; i++)
        set_str(m, i, i % 2 ? "bone:7" : "brain:1;liver:1");
    assert_null(m->aux);
    assert_int_equal(expr_eval(p = expr_bind(x, resolve, &e, err, sizeof err), &ctx, 0, NH, d), 0);
    for (size_t i = 0; i < NH; i++)
        assert_true(d[i] == (i % 2 ? 7 : 2));
    assert_non_null(m->aux);
    expr_prog_free(p);
    expr_free(x);
    /* a copy of the cohort starts without it; freeing frees it */
    cohort *sub = cohort_select(e.c, (uint32_t[]){1, 2}, 2);
    assert_null(cohort_find(sub, "m_sites")->aux);
    cohort_free(sub);
    cohort_free(e.c);
}

static void blocks__long_cohort__same_as_row_by_row(void **state) {
    (void)state;
    size_t n = 5000; /* several blocks and a ragged end */
    cohort *c = cohort_new(n);
    cohort_column *age = cohort_add(c, "age", COHORT_NUM);
    for (size_t i = 0; i < n; i++)
        age->v.num[i] = i % 7 == 0 ? NAN : (double)(i % 90);
    env e = {c, {50}, {0}};
    uint8_t *r = malloc(n);
    eval_str(&e, "age >= max_ecog and age < 80", r);
    for (size_t i = 0; i < n; i++) {
        double a = age->v.num[i];
        uint8_t want = isnan(a) ? U : (a >= 50 && a < 80) ? T : F;
        assert_int_equal(r[i], want);
    }
    free(r);
    cohort_free(c);
}

static void check_error(env *e, const char *src, const char *needle) {
    char err[300] = "";
    expr *x = expr_parse(src, err, sizeof err);
    expr_prog *p = x ? expr_bind(x, resolve, e, err, sizeof err) : NULL;
    if (p != NULL)
        fail_msg("'%s' was accepted", src);
    if (strstr(err, needle) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", src, err, needle);
    expr_free(x);
}

static void errors__bad_expressions__named_with_position(void **state) {
    (void)state;
    cohort *c = cohort_new(1);
    cohort_add(c, "ecog", COHORT_NUM)->v.num[0] = 3; /* not a 0/1 column */
    cohort_add(c, "sex", COHORT_STR);
    env e = {c, {0}, {0}};
    check_error(&e, "ecog <= ", "at 9: unexpected 'end of expression'");
    check_error(&e, "ecog = 1", "use == to compare");
    check_error(&e, "ecog <= max_ecg", "unknown name 'max_ecg'");
    check_error(&e, "sex + 1", "'sex' is text");
    check_error(&e, "sex == 1", "cannot compare text");
    check_error(&e, "not ecog == 1", "'not' needs a condition");
    check_error(&e, "ecog and true", "'ecog' is a number");
    check_error(&e, "ecog in 3", "'in' needs a set");
    check_error(&e, "count(ecog)", "needs a list field");
    check_error(&e, "frobnicate(ecog)", "unknown function 'frobnicate'");
    check_error(&e, "\"open", "unfinished text");
    check_error(&e, "(ecog > 1", "expected ')'");
    check_error(&e, "ecog == unknown", "write missing(x)");
    check_error(&e, "nil ~= a", "write missing(x)");
    check_error(&e, "within(ecog, \"IV\")", "needs a text field");
    cohort_free(c);
}

/* unknown (and nil) is the third truth value: with a = F, U, T,
 * and: F U U (false and unknown = false), or: U U T, not unknown = unknown;
 * where a number is wanted it is a missing number. */
static void unknown__literal__kleene_truth_table(void **state) {
    (void)state;
    env e = {truth_cohort(), {2, 1, 0, 0}, {0}};
    uint8_t r[9];
    /* rows 0, 3, 6: a = F, U, T (b = F) */
    static const char *const srcs[] = {"a and unknown", "a or unknown",       "not unknown",
                                       "unknown",       "a and nil",          "known(unknown)",
                                       "missing(nil)",  "max_ecog <= unknown"};
    static const uint8_t want[][3] = {{F, U, U}, {U, U, T}, {U, U, U}, {U, U, U},
                                      {F, U, U}, {F, F, F}, {T, T, T}, {U, U, U}};
    for (size_t k = 0; k < sizeof srcs / sizeof srcs[0]; k++) {
        eval_str(&e, srcs[k], r);
        for (int i = 0; i < 3; i++)
            if (r[i * 3] != want[k][i])
                fail_msg("%s, a = %d: %d, want %d", srcs[k], i, r[i * 3], want[k][i]);
    }
    double d[9];
    eval_str(&e, "max(max_ecog, unknown)", d);
    assert_true(isnan(d[0]));
    cohort_free(e.c);
}

/* A boolean stored as 0/1 numbers (a CSV column) is a condition where one
 * is needed; a number column with other values is not. */
static void bool01__number_column__reads_as_condition(void **state) {
    (void)state;
    cohort *c = cohort_new(3);
    cohort_column *t = cohort_add(c, "m_all_treatable", COHORT_NUM);
    cohort_column *g = cohort_add(c, "ecog", COHORT_NUM);
    static const double tv[3] = {0, 1, NAN}, gv[3] = {0, 2, 1};
    for (int i = 0; i < 3; i++) {
        t->v.num[i] = tv[i];
        g->v.num[i] = gv[i];
    }
    env e = {c, {1, 1, 0, 0}, {0}};
    uint8_t r[3];
    eval_str(&e, "m_all_treatable and true", r);
    assert_memory_equal(r, ((uint8_t[]){F, T, U}), 3);
    eval_str(&e, "not m_all_treatable", r);
    assert_memory_equal(r, ((uint8_t[]){T, F, U}), 3);
    eval_str(&e, "m_all_treatable == flag", r); /* flag: a true param */
    assert_memory_equal(r, ((uint8_t[]){F, T, U}), 3);
    double d[3];
    eval_str(&e, "m_all_treatable + 1", d); /* still a number where one is wanted */
    assert_true(d[0] == 1 && d[1] == 2 && isnan(d[2]));
    check_error(&e, "ecog and true", "'ecog' is a number");
    /* at the root of a criterion: expr_bind_condition */
    char err[300];
    expr *x = expr_parse("m_all_treatable", err, sizeof err);
    expr_prog *p = expr_bind_condition(x, resolve, &e, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(expr_prog_type(p), EXPR_T_BOOL);
    expr_ctx ctx = {e.params, e.pstr, NULL, NULL};
    assert_int_equal(expr_eval(p, &ctx, 0, 3, r), 0);
    assert_memory_equal(r, ((uint8_t[]){F, T, U}), 3);
    expr_prog_free(p);
    expr_free(x);
    x = expr_parse("ecog", err, sizeof err); /* 0, 2, 1: stays a number */
    p = expr_bind_condition(x, resolve, &e, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(expr_prog_type(p), EXPR_T_NUM);
    expr_prog_free(p);
    expr_free(x);
    cohort_free(c);
}

/* within(): a code lies within a broader group (doc/domain.md#stage-names: IVA
 * and IVB are stage IV; IA1-IA3 are IA, and IA is I; M1c1 is M1c). */
static void within__stage_groups__broader_group_contains_its_members(void **state) {
    (void)state;
    cohort *c = cohort_new(7);
    cohort_column *s = cohort_add(c, "m_sites", COHORT_STR);
    static const char *const v[7] = {"IVA", "IIIA", "IA2", "IV", NULL, "M1c1", "IIB"};
    for (int i = 0; i < 7; i++)
        set_str(s, (size_t)i, v[i]);
    env e = {c, {0}, {0}};
    uint8_t r[7];
    eval_str(&e, "within(m_sites, \"IV\")", r);
    assert_memory_equal(r, ((uint8_t[]){T, F, F, T, U, F, F}), 7);
    eval_str(&e, "within(m_sites, \"I\")", r);
    assert_memory_equal(r, ((uint8_t[]){F, F, T, F, U, F, F}), 7);
    eval_str(&e, "within(m_sites, {\"III\", \"II\", \"M1\"})", r);
    assert_memory_equal(r, ((uint8_t[]){F, T, F, F, U, T, T}), 7);
    eval_str(&e, "m_sites == \"iva\"", r); /* text is case-sensitive */
    assert_int_equal(r[0], F);
    cohort_free(c);
}

static void names__read_set__lists_fields_and_params(void **state) {
    (void)state;
    char err[200];
    expr *x =
        expr_parse("ecog <= max_ecog and lesions(m_sites) <= 4 and ecog >= 0", err, sizeof err);
    assert_non_null(x);
    assert_int_equal(expr_nnames(x), 3);
    assert_string_equal(expr_name(x, 0), "ecog");
    assert_string_equal(expr_name(x, 1), "max_ecog");
    assert_string_equal(expr_name(x, 2), "m_sites");
    expr_free(x);
}

/* Deep or huge expressions are refused with a message, never a stack
 * overflow in the recursive parser, binder or evaluator. */
static char *repeat(const char *a, size_t n, const char *mid, const char *b) {
    size_t la = strlen(a), lm = strlen(mid), lb = strlen(b);
    char *s = malloc(n * (la + lb) + lm + 1), *p = s;
    for (size_t i = 0; i < n; i++, p += la)
        memcpy(p, a, la);
    memcpy(p, mid, lm);
    p += lm;
    for (size_t i = 0; i < n; i++, p += lb)
        memcpy(p, b, lb);
    *p = '\0';
    return s;
}

static void parse__beyond_limits__refused(void **state) {
    (void)state;
    static const struct {
        const char *a, *mid, *b;
        size_t n;
        const char *msg;
    } cases[] = {
        {"(", "x", ")", 100000, "nested too deeply"},
        {"not ", "true", "", 100000, "nested too deeply"},
        {"-", "1", "", 100000, "nested too deeply"},
        {"x + ", "x", "", 100000, "split it into derives"},
        {"min(x, ", "x", ")", 100000, "nested too deeply"},
        {"{", "1", "}", 100000, "nested too deeply"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *src = repeat(cases[i].a, cases[i].n, cases[i].mid, cases[i].b), err[300] = "";
        expr *e = expr_parse(src, err, sizeof err);
        if (e != NULL || strstr(err, cases[i].msg) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
        free(src);
    }
    /* a wide but shallow expression within the limits still parses */
    char *ok = repeat("x + ", 200, "x", ""), err[300];
    expr *e = expr_parse(ok, err, sizeof err);
    assert_non_null(e);
    expr_free(e);
    free(ok);
    char *set = repeat("1, ", 3000, "2", ""), *in = malloc(strlen(set) + 16);
    sprintf(in, "x in {%s}", set);
    e = expr_parse(in, err, sizeof err);
    assert_non_null(e);
    expr_free(e);
    free(set);
    free(in);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kleene__truth_table__matches_sql_three_valued_logic),
        cmocka_unit_test(compare__missing_number__is_unknown_not_false),
        cmocka_unit_test(lists__m_sites__count_lesions_and_organs),
        cmocka_unit_test(lists__hostile_cells__read_alike_at_every_bind),
        cmocka_unit_test(lists__parsed_cells__kept_by_column_until_it_changes),
        cmocka_unit_test(blocks__long_cohort__same_as_row_by_row),
        cmocka_unit_test(errors__bad_expressions__named_with_position),
        cmocka_unit_test(names__read_set__lists_fields_and_params),
        cmocka_unit_test(unknown__literal__kleene_truth_table),
        cmocka_unit_test(bool01__number_column__reads_as_condition),
        cmocka_unit_test(within__stage_groups__broader_group_contains_its_members),
        cmocka_unit_test(parse__beyond_limits__refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
