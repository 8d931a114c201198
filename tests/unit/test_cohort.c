/* test_cohort.c - the columnar table: columns, interning, subsets, text. */
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

static void add__new_columns__filled_with_missing(void **state) {
    (void)state;
    cohort *c = cohort_new(3);
    assert_non_null(c);
    cohort_column *n = cohort_add(c, "age", COHORT_NUM);
    cohort_column *s = cohort_add(c, "sex", COHORT_STR);
    cohort_column *b = cohort_add(c, "t_insitu", COHORT_BOOL);
    assert_non_null(n);
    assert_non_null(s);
    assert_non_null(b);
    for (size_t i = 0; i < 3; i++) {
        assert_true(isnan(n->v.num[i]));
        assert_int_equal(s->v.str[i], COHORT_NA);
        assert_null(cohort_str(s, i));
        assert_int_equal(b->v.b[i], COHORT_NA);
    }
    assert_int_equal(cohort_missing(n, 3), 3);
    assert_int_equal(cohort_ncols(c), 3);
    assert_int_equal(cohort_nrows(c), 3);
    assert_ptr_equal(cohort_find(c, "sex"), s);
    assert_ptr_equal(cohort_col(c, 2), b);
    assert_null(cohort_col(c, 3));
    assert_null(cohort_find(c, "Sex")); /* names are exact */
    cohort_free(c);
}

static void add__duplicate_name__refused(void **state) {
    (void)state;
    cohort *c = cohort_new(1);
    assert_non_null(cohort_add(c, "id", COHORT_STR));
    assert_null(cohort_add(c, "id", COHORT_NUM));
    assert_int_equal(cohort_ncols(c), 1);
    cohort_free(c);
}

static void remove__middle_column__others_keep_order(void **state) {
    (void)state;
    cohort *c = cohort_new(2);
    cohort_add(c, "a", COHORT_NUM);
    cohort_add(c, "b", COHORT_NUM);
    cohort_add(c, "c", COHORT_NUM);
    assert_int_equal(cohort_remove(c, "b"), 0);
    assert_int_equal(cohort_remove(c, "b"), -1);
    assert_string_equal(cohort_col(c, 0)->name, "a");
    assert_string_equal(cohort_col(c, 1)->name, "c");
    assert_int_equal(cohort_ncols(c), 2);
    cohort_free(c);
}

static void intern__same_text__same_code_first_seen_order(void **state) {
    (void)state;
    cohort *c = cohort_new(4);
    cohort_column *s = cohort_add(c, "histology", COHORT_STR);
    assert_int_equal(cohort_intern(s, "squamous", 8), 0);
    assert_int_equal(cohort_intern(s, "adeno", 5), 1);
    assert_int_equal(cohort_intern(s, "squamous cell", 8), 0); /* only 8 bytes read */
    assert_int_equal(cohort_intern(s, "adenoX", 5), 1);
    assert_int_equal(cohort_intern(s, "", 0), 2);
    assert_int_equal(cohort_intern(s, "none", 4), 3);
    assert_int_equal(s->nlevels, 4);
    assert_string_equal(s->levels[0], "squamous");
    assert_string_equal(s->levels[2], "");
    /* a prefix is not the same level */
    assert_int_equal(cohort_intern(s, "squam", 5), 4);
    cohort_free(c);
}

/* 200,000 distinct ids survive several table growths and stay findable. */
static void intern__many_levels__all_found_again(void **state) {
    (void)state;
    enum { N = 200000 };
    cohort *c = cohort_new(N);
    cohort_column *s = cohort_add(c, "id", COHORT_STR);
    char buf[32];
    for (int i = 0; i < N; i++) {
        int len = snprintf(buf, sizeof buf, "P%07d", i * 7);
        s->v.str[i] = cohort_intern(s, buf, (size_t)len);
        assert_int_equal(s->v.str[i], i);
    }
    for (int i = N - 1; i >= 0; i -= 997) {
        int len = snprintf(buf, sizeof buf, "P%07d", i * 7);
        assert_int_equal(cohort_intern(s, buf, (size_t)len), i);
        assert_string_equal(cohort_str(s, (size_t)i), buf);
    }
    assert_int_equal(s->nlevels, N);
    /* memory: codes + one pointer, hash slot, hash and text per level;
     * well under 64 bytes per distinct 8-byte id */
    assert_true(cohort_memory(c) < (size_t)N * 64);
    cohort_free(c);
}

static cohort *small_cohort(void) {
    cohort *c = cohort_new(5);
    cohort_column *age = cohort_add(c, "age", COHORT_NUM);
    cohort_column *sex = cohort_add(c, "sex", COHORT_STR);
    cohort_column *ins = cohort_add(c, "t_insitu", COHORT_BOOL);
    const double ages[5] = {63, NAN, 71.5, 58, 80};
    const char *sexes[5] = {"male", "female", NULL, "female", "male"};
    const int8_t b[5] = {1, 0, -1, 1, 0};
    for (size_t i = 0; i < 5; i++) {
        age->v.num[i] = ages[i];
        sex->v.str[i] = sexes[i] ? cohort_intern(sex, sexes[i], strlen(sexes[i])) : COHORT_NA;
        ins->v.b[i] = b[i];
    }
    return c;
}

static void select__index_vector__rows_and_levels_copied(void **state) {
    (void)state;
    cohort *c = small_cohort();
    const uint32_t idx[3] = {4, 1, 2};
    cohort *s = cohort_select(c, idx, 3);
    assert_non_null(s);
    assert_int_equal(cohort_nrows(s), 3);
    assert_int_equal(cohort_ncols(s), 3);
    cohort_column *age = cohort_find(s, "age"), *sex = cohort_find(s, "sex"),
                  *ins = cohort_find(s, "t_insitu");
    assert_true(age->v.num[0] == 80);
    assert_true(isnan(age->v.num[1]));
    assert_true(age->v.num[2] == 71.5);
    assert_string_equal(cohort_str(sex, 0), "male");
    assert_string_equal(cohort_str(sex, 1), "female");
    assert_null(cohort_str(sex, 2));
    assert_int_equal(ins->v.b[0], 0);
    assert_int_equal(ins->v.b[2], -1);
    /* the same levels in the same order: codes mean the same thing */
    assert_int_equal(sex->nlevels, 2);
    assert_string_equal(sex->levels[0], "male");
    cohort_free(s);
    cohort_free(c);
}

static void mask__set_bits__count_and_index(void **state) {
    (void)state;
    cohort_mask *m = cohort_mask_new(130, 0);
    assert_int_equal(cohort_mask_count(m), 0);
    cohort_mask_set(m, 0, 1);
    cohort_mask_set(m, 64, 1);
    cohort_mask_set(m, 129, 1);
    cohort_mask_set(m, 5, 1);
    cohort_mask_set(m, 5, 0);
    assert_int_equal(cohort_mask_count(m), 3);
    assert_true(cohort_mask_get(m, 64));
    assert_false(cohort_mask_get(m, 63));
    size_t n;
    uint32_t *idx = cohort_mask_index(m, &n);
    assert_int_equal(n, 3);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 64);
    assert_int_equal(idx[2], 129);
    free(idx);
    cohort_mask_free(m);

    m = cohort_mask_new(130, 1);
    assert_int_equal(cohort_mask_count(m), 130); /* no stray bits past the end */
    cohort_mask_free(m);
}

static void summary__small_cohort__rows_types_missing(void **state) {
    (void)state;
    cohort *c = small_cohort();
    char *s = cohort_summary_text(c);
    assert_non_null(s);
    assert_non_null(strstr(s, "5 rows x 3 columns"));
    assert_non_null(strstr(s, "age "));
    /* age: number, 1 missing, 58 .. 80 */
    const char *line = strstr(s, "  age");
    assert_non_null(line);
    char type[16];
    unsigned long miss;
    assert_int_equal(sscanf(line, " age %15s %lu", type, &miss), 2);
    assert_string_equal(type, "number");
    assert_int_equal(miss, 1);
    assert_non_null(strstr(line, "58 .. 80"));
    line = strstr(s, "  t_insitu");
    assert_int_equal(sscanf(line, " t_insitu %15s %lu", type, &miss), 2);
    assert_string_equal(type, "bool");
    assert_int_equal(miss, 1);
    assert_non_null(strstr(line, "2 true, 2 false"));
    free(s);
    cohort_free(c);
}

static void format_rows__first_rows__missing_as_NA(void **state) {
    (void)state;
    cohort *c = small_cohort();
    char *s = cohort_format_rows(c, 0, 3);
    assert_non_null(s);
    /* header plus three rows */
    int lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);
    assert_non_null(strstr(s, "71.5"));
    assert_non_null(strstr(s, "NA"));
    assert_null(strstr(s, "80")); /* row 5 not shown */
    free(s);
    s = cohort_format_rows(c, 10, 3); /* past the end: header only */
    assert_non_null(s);
    free(s);
    cohort_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add__new_columns__filled_with_missing),
        cmocka_unit_test(add__duplicate_name__refused),
        cmocka_unit_test(remove__middle_column__others_keep_order),
        cmocka_unit_test(intern__same_text__same_code_first_seen_order),
        cmocka_unit_test(intern__many_levels__all_found_again),
        cmocka_unit_test(select__index_vector__rows_and_levels_copied),
        cmocka_unit_test(mask__set_bits__count_and_index),
        cmocka_unit_test(summary__small_cohort__rows_types_missing),
        cmocka_unit_test(format_rows__first_rows__missing_as_NA),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
