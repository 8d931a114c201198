/* test_logrank.c - log-rank test and p-value formatting against R.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected values: tests/fixtures/r/lung_reference.tsv (lung_reference.R)
 * and edge_reference.tsv (edge_reference.R), both R 4.2.2 / survival 3.5-3;
 * format.pval strings from the same R.
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

#include "logrank.h"
#include "surv_fixture.h"

#define REL 1e-6

static void check(const char *key, double got, double want) {
    if (!fx_close(got, want, REL))
        fail_msg("%s: tnmlab %.12g, R %.12g", key, got, want);
}

static double lookup(const fx_kv *kv, const char *key) {
    for (size_t i = 0; i < kv->n; i++)
        if (strcmp(kv->key[i], key) == 0)
            return fx_num(kv->val[i]);
    fail_msg("no key %s in fixture", key);
    return NAN;
}

static void lung_by_sex__chisq_and_p__match_r(void **state) {
    (void)state;
    fx_csv *c = fx_csv_read("ncctg_lung.csv");
    fx_kv *kv = fx_kv_read("lung_reference.tsv");
    const double *sex = c->num[fx_csv_col(c, "sex")];
    int32_t *g = malloc(c->nrows * sizeof *g);
    for (size_t i = 0; i < c->nrows; i++)
        g[i] = (int32_t)sex[i] - 1;
    surv_input in = {.nrows = c->nrows,
                     .time = c->num[fx_csv_col(c, "time")],
                     .event_num = c->num[fx_csv_col(c, "status")],
                     .event_12 = 1,
                     .group = g,
                     .ngroups = 2};
    logrank_result *r = NULL;
    char err[256];
    assert_int_equal(logrank_compute(&in, &r, err, sizeof err), 0);
    check("chisq", r->chisq, lookup(kv, "logrank|sex|chisq"));
    check("p", r->p, lookup(kv, "logrank|sex|p"));
    assert_int_equal(r->df, 1);
    /* print(survdiff) in lung_R_reference.txt: observed 112/53, N 138/90 */
    assert_true(r->observed[0] == 112 && r->observed[1] == 53);
    assert_true(r->n[0] == 138 && r->n[1] == 90);
    logrank_free(r);
    free(g);
    fx_kv_free(kv);
    fx_csv_free(c);
}

/* k-group cases: lung by ph.ecog (4 groups, one NA row dropped) and the
 * edge data sets with more than one group. */
static void run_case(const fx_kv *kv, const char *name, const char *file, const char *gcol) {
    fx_csv *c = fx_csv_read(file);
    char **lv;
    int32_t *codes;
    int nlev = fx_levels(c, fx_csv_col(c, gcol), &lv, &codes);
    surv_input in = {.nrows = c->nrows,
                     .time = c->num[fx_csv_col(c, "time")],
                     .event_num = c->num[fx_csv_col(c, "status")],
                     .group = codes,
                     .ngroups = nlev};
    /* lung's status is 1/2 */
    if (strcmp(name, "lung_ecog") == 0)
        in.event_12 = 1;
    logrank_result *r = NULL;
    char err[256], key[256];
    if (logrank_compute(&in, &r, err, sizeof err) != 0)
        fail_msg("%s: %s", name, err);
    snprintf(key, sizeof key, "logrank|%s|chisq", name);
    check(key, r->chisq, lookup(kv, key));
    snprintf(key, sizeof key, "logrank|%s|df", name);
    check(key, r->df, lookup(kv, key));
    snprintf(key, sizeof key, "logrank|%s|p", name);
    check(key, r->p, lookup(kv, key));
    for (int k = 0; k < nlev; k++) {
        snprintf(key, sizeof key, "logrank|%s|%s|observed", name, lv[k]);
        check(key, r->observed[k], lookup(kv, key));
        snprintf(key, sizeof key, "logrank|%s|%s|expected", name, lv[k]);
        check(key, r->expected[k], lookup(kv, key));
    }
    logrank_free(r);
    for (int k = 0; k < nlev; k++)
        free(lv[k]);
    free(lv), free(codes);
    fx_csv_free(c);
}

static void k_groups_and_edge_cases__match_r(void **state) {
    (void)state;
    fx_kv *kv = fx_kv_read("edge_reference.tsv");
    run_case(kv, "lung_ecog", "edge_lung_cox.csv", "ph.ecog");
    const char *cases[] = {"ties", "no_events_stratum", "three_groups", "missing"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char file[64];
        snprintf(file, sizeof file, "edge_%s.csv", cases[i]);
        run_case(kv, cases[i], file, "group");
    }
    fx_kv_free(kv);
}

/* The refresh path (cached order + keys + mask) gives R's figures for lung
 * by sex with every row selected, and a selection equals its copied subset. */
static void cached_order_keys_mask__same_as_plain__lung(void **state) {
    (void)state;
    fx_csv *c = fx_csv_read("ncctg_lung.csv");
    fx_kv *kv = fx_kv_read("lung_reference.tsv");
    const double *sex = c->num[fx_csv_col(c, "sex")];
    int32_t *g = malloc(c->nrows * sizeof *g);
    uint8_t *mask = malloc(c->nrows);
    for (size_t i = 0; i < c->nrows; i++)
        g[i] = (int32_t)sex[i] - 1, mask[i] = 1;
    surv_input in = {.nrows = c->nrows,
                     .time = c->num[fx_csv_col(c, "time")],
                     .event_num = c->num[fx_csv_col(c, "status")],
                     .event_12 = 1,
                     .group = g,
                     .ngroups = 2,
                     .mask = mask};
    char err[256];
    surv_order *ord = NULL;
    surv_keys *keys = NULL;
    assert_int_equal(surv_order_build(in.time, in.nrows, &ord, err, sizeof err), 0);
    in.order = ord;
    assert_int_equal(surv_keys_build(&in, &keys, err, sizeof err), 0);
    in.keys = keys;
    logrank_result *r = NULL;
    assert_int_equal(logrank_compute(&in, &r, err, sizeof err), 0);
    check("chisq", r->chisq, lookup(kv, "logrank|sex|chisq"));
    check("p", r->p, lookup(kv, "logrank|sex|p"));
    logrank_free(r);
    /* a selection: the same as the subset copied out (R figures need not apply) */
    size_t m = 0;
    double *t2 = malloc(c->nrows * sizeof *t2), *s2 = malloc(c->nrows * sizeof *s2);
    int32_t *g2 = malloc(c->nrows * sizeof *g2);
    for (size_t i = 0; i < c->nrows; i++) {
        mask[i] = i % 3 != 0;
        if (mask[i])
            t2[m] = in.time[i], s2[m] = in.event_num[i], g2[m] = g[i], m++;
    }
    surv_input sub = {
        .nrows = m, .time = t2, .event_num = s2, .event_12 = 1, .group = g2, .ngroups = 2};
    logrank_result *ra = NULL, *rb = NULL;
    assert_int_equal(logrank_compute(&in, &ra, err, sizeof err), 0);
    assert_int_equal(logrank_compute(&sub, &rb, err, sizeof err), 0);
    assert_true(fx_close(ra->chisq, rb->chisq, 1e-12));
    assert_true(ra->observed[0] == rb->observed[0] && ra->n[1] == rb->n[1]);
    logrank_free(ra), logrank_free(rb);
    free(t2), free(s2), free(g2);
    surv_keys_free(keys);
    surv_order_free(ord);
    free(g), free(mask);
    fx_kv_free(kv);
    fx_csv_free(c);
}

static void one_group__refused_with_message(void **state) {
    (void)state;
    double t[4] = {1, 2, 3, 4}, e[4] = {1, 0, 1, 1};
    int32_t g[4] = {0, 0, 0, 0};
    surv_input in = {.nrows = 4, .time = t, .event_num = e, .group = g, .ngroups = 2};
    logrank_result *r = NULL;
    char err[256] = "";
    assert_int_equal(logrank_compute(&in, &r, err, sizeof err), -1);
    assert_null(r);
    assert_non_null(strstr(err, "only 1 group"));
}

/* All censored in both groups: R gives chisq 0, df -1, p NaN (with a warning). */
static void all_censored__p_is_na_not_zero(void **state) {
    (void)state;
    double t[6] = {1, 2, 3, 4, 5, 6}, e[6] = {0};
    int32_t g[6] = {0, 0, 0, 1, 1, 1};
    surv_input in = {.nrows = 6, .time = t, .event_num = e, .group = g, .ngroups = 2};
    logrank_result *r = NULL;
    char err[256];
    assert_int_equal(logrank_compute(&in, &r, err, sizeof err), 0);
    assert_true(r->chisq == 0);
    assert_int_equal(r->df, -1);
    assert_true(isnan(r->p));
    logrank_free(r);
}

static void format_pval__every_case__matches_r_format_pval(void **state) {
    (void)state;
    fx_kv *kv = fx_kv_read("edge_reference.tsv");
    int checked = 0;
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[4], got[64];
        if (fx_split(kv->key[i], buf, sizeof buf, f, 4) != 3 || strcmp(f[0], "pval") != 0)
            continue;
        surv_format_p(strtod(f[1], NULL), atoi(f[2]), got, sizeof got);
        if (strcmp(got, kv->val[i]) != 0)
            fail_msg("format.pval(%s, digits=%s): tnmlab \"%s\", R \"%s\"", f[1], f[2], got,
                     kv->val[i]);
        checked++;
    }
    assert_int_equal(checked, 48);
    fx_kv_free(kv);
}

/* printCoefmat context: a tiny p next to wider ones prints "< 2e-16"
 * (R: format.pval(c(1e-20, 0.00149), digits = 3)). */
static void format_pval__vector_context__adds_space(void **state) {
    (void)state;
    double p[2] = {1e-20, 0.00149122920488};
    char out[2][32];
    assert_int_equal(surv_format_pval(p, 2, 3, &out[0][0], 32), 0);
    assert_string_equal(out[0], "< 2e-16");
    assert_string_equal(out[1], "0.00149");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lung_by_sex__chisq_and_p__match_r),
        cmocka_unit_test(k_groups_and_edge_cases__match_r),
        cmocka_unit_test(cached_order_keys_mask__same_as_plain__lung),
        cmocka_unit_test(one_group__refused_with_message),
        cmocka_unit_test(all_censored__p_is_na_not_zero),
        cmocka_unit_test(format_pval__every_case__matches_r_format_pval),
        cmocka_unit_test(format_pval__vector_context__adds_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
