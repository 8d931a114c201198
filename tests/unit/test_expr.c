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

static int resolve(void *ud, const char *name, expr_ref *out)
{
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
        return 0;
    }
    if (strcmp(name, "stage") == 0) { /* a dictionary field this cohort lacks */
        out->kind = EXPR_REF_ABSENT;
        out->type = EXPR_T_NA;
        return 0;
    }
    return -1;
}

static void set_str(cohort_column *col, size_t row, const char *s)
{
    col->v.str[row] = s ? cohort_intern(col, s, strlen(s)) : COHORT_NA;
}

/* 9 rows: a, b run over every pair of {false, unknown, true}. */
static cohort *truth_cohort(void)
{
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

static void eval_str(env *e, const char *src, void *out)
{
    char err[300];
    expr *x = expr_parse(src, err, sizeof err);
    if (x == NULL)
        fail_msg("parse %s: %s", src, err);
    expr_prog *p = expr_bind(x, resolve, e, err, sizeof err);
    if (p == NULL)
        fail_msg("bind %s: %s", src, err);
    expr_ctx ctx = {e->params, e->pstr, NULL};
    assert_int_equal(expr_eval(p, &ctx, 0, cohort_nrows(e->c), out), 0);
    expr_prog_free(p);
    expr_free(x);
}

static void kleene__truth_table__matches_sql_three_valued_logic(void **state)
{
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

static void compare__missing_number__is_unknown_not_false(void **state)
{
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

static void lists__m_sites__count_lesions_and_organs(void **state)
{
    (void)state;
    cohort *c = cohort_new(6);
    cohort_column *m = cohort_add(c, "m_sites", COHORT_STR);
    cohort_column *sex = cohort_add(c, "sex", COHORT_STR);
    set_str(m, 0, "brain:1;bone:2");
    set_str(m, 1, "none");          /* known: no metastasis */
    set_str(m, 2, NULL);            /* unknown */
    set_str(m, 3, "adrenal");       /* count defaults to 1 */
    set_str(m, 4, "bone:3; bone:1 ;liver:1");
    set_str(m, 5, "brain:x");       /* not a count: unknown */
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

static void blocks__long_cohort__same_as_row_by_row(void **state)
{
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

static void check_error(env *e, const char *src, const char *needle)
{
    char err[300] = "";
    expr *x = expr_parse(src, err, sizeof err);
    expr_prog *p = x ? expr_bind(x, resolve, e, err, sizeof err) : NULL;
    if (p != NULL)
        fail_msg("'%s' was accepted", src);
    if (strstr(err, needle) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", src, err, needle);
    expr_free(x);
}

static void errors__bad_expressions__named_with_position(void **state)
{
    (void)state;
    cohort *c = cohort_new(1);
    cohort_add(c, "ecog", COHORT_NUM);
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
    cohort_free(c);
}

static void names__read_set__lists_fields_and_params(void **state)
{
    (void)state;
    char err[200];
    expr *x = expr_parse("ecog <= max_ecog and lesions(m_sites) <= 4 and ecog >= 0",
                         err, sizeof err);
    assert_non_null(x);
    assert_int_equal(expr_nnames(x), 3);
    assert_string_equal(expr_name(x, 0), "ecog");
    assert_string_equal(expr_name(x, 1), "max_ecog");
    assert_string_equal(expr_name(x, 2), "m_sites");
    expr_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kleene__truth_table__matches_sql_three_valued_logic),
        cmocka_unit_test(compare__missing_number__is_unknown_not_false),
        cmocka_unit_test(lists__m_sites__count_lesions_and_organs),
        cmocka_unit_test(blocks__long_cohort__same_as_row_by_row),
        cmocka_unit_test(errors__bad_expressions__named_with_position),
        cmocka_unit_test(names__read_set__lists_fields_and_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
