/* test_cox.c - Cox proportional hazards against R's coxph().
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected values: tests/fixtures/r/lung_reference.tsv (lung_reference.R)
 * and edge_reference.tsv (edge_reference.R), R 4.2.2 / survival 3.5-3.
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

#include "cox.h"
#include "surv_fixture.h"

#define REL 1e-6

static void check(const char *key, double got, double want) {
    if (!fx_close(got, want, REL))
        fail_msg("%s: tnmlab %.12g, R %.12g", key, got, want);
}

static double field(const cox_result *r, size_t j, const char *f) {
    if (strcmp(f, "coef") == 0)
        return r->coef[j];
    if (strcmp(f, "se") == 0)
        return r->se[j];
    if (strcmp(f, "hr") == 0)
        return r->hr[j];
    if (strcmp(f, "lower") == 0)
        return r->lower[j];
    if (strcmp(f, "upper") == 0)
        return r->upper[j];
    if (strcmp(f, "p") == 0)
        return r->p_value[j];
    fail_msg("unknown field %s", f);
    return NAN;
}

/* A data set with its columns turned into covariates: numeric columns as
 * numbers, "female" as a boolean, text columns as categorical. */
typedef struct data {
    fx_csv *csv;
    char **lv[16];
    int32_t *codes[16];
    int nlev[16];
    int8_t *flag[16];
} data;

static data *data_load(const char *file) {
    data *d = calloc(1, sizeof *d);
    d->csv = fx_csv_read(file);
    return d;
}

static void data_free(data *d) {
    for (int j = 0; j < 16; j++) {
        for (int k = 0; k < d->nlev[j]; k++)
            free(d->lv[j][k]);
        free(d->lv[j]), free(d->codes[j]), free(d->flag[j]);
    }
    fx_csv_free(d->csv);
    free(d);
}

static cox_covariate term(data *d, const char *name) {
    int j = fx_csv_col(d->csv, name);
    assert_true(j >= 0 && j < 16);
    cox_covariate c = {.name = name};
    const char *first = d->csv->text[j][0];
    if (strcmp(first, "TRUE") == 0 || strcmp(first, "FALSE") == 0) {
        if (!d->flag[j]) {
            d->flag[j] = malloc(d->csv->nrows);
            for (size_t i = 0; i < d->csv->nrows; i++)
                d->flag[j][i] = isnan(d->csv->num[j][i]) ? -1 : (int8_t)d->csv->num[j][i];
        }
        c.flag = d->flag[j];
    } else if (!isnan(d->csv->num[j][0]) || strcmp(name, "wt.loss") == 0 ||
               strcmp(name, "ph.ecog") == 0) {
        c.num = d->csv->num[j];
    } else {
        if (!d->codes[j])
            d->nlev[j] = fx_levels(d->csv, j, &d->lv[j], &d->codes[j]);
        c.codes = d->codes[j];
        c.levels = (const char *const *)d->lv[j];
        c.nlevels = d->nlev[j];
    }
    return c;
}

static cox_result *fit(data *d, const char *formula, cox_ties ties, int status12) {
    cox_covariate cov[8];
    size_t nc = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", formula);
    for (char *t = strtok(buf, "+"); t; t = strtok(NULL, "+"))
        cov[nc++] = term(d, t);
    /* the names point into buf: copy them for the result */
    static char names[8][32];
    for (size_t k = 0; k < nc; k++) {
        snprintf(names[k], sizeof names[k], "%s", cov[k].name);
        cov[k].name = names[k];
    }
    surv_input in = {.nrows = d->csv->nrows,
                     .time = d->csv->num[fx_csv_col(d->csv, "time")],
                     .event_num = d->csv->num[fx_csv_col(d->csv, "status")],
                     .event_12 = status12,
                     .ngroups = 1};
    cox_options o = {ties, 0.95};
    cox_result *r = NULL;
    char err[256];
    if (cox_fit(&in, cov, nc, &o, &r, err, sizeof err) != 0)
        fail_msg("%s: %s", formula, err);
    return r;
}

static void lung_reference__sex_and_sex_age__both_ties__match_r(void **state) {
    (void)state;
    data *d = data_load("ncctg_lung.csv");
    fx_kv *kv = fx_kv_read("lung_reference.tsv");
    int checked = 0;
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[8];
        int nf = fx_split(kv->key[i], buf, sizeof buf, f, 8);
        if (nf != 5 || strcmp(f[0], "cox") != 0)
            continue;
        cox_result *r = fit(d, f[2], strcmp(f[1], "breslow") == 0 ? COX_BRESLOW : COX_EFRON, 1);
        size_t j = 0;
        while (j < r->p && strcmp(r->names[j], f[3]) != 0)
            j++;
        assert_true(j < r->p);
        check(kv->key[i], field(r, j, f[4]), fx_num(kv->val[i]));
        assert_true(r->converged);
        cox_free(r);
        checked++;
    }
    assert_int_equal(checked, 2 * 3 * 6);
    fx_kv_free(kv);
    data_free(d);
}

/* cox|<data>|<ties>|<formula>|<position>|<name>|<field> and
 * cox|<data>|<ties>|<formula>|n / nevent / loglik */
static void edge__categorical_boolean_missing_ties__match_r(void **state) {
    (void)state;
    fx_kv *kv = fx_kv_read("edge_reference.tsv");
    data *lung = data_load("edge_lung_cox.csv");
    data *ties = data_load("edge_ties_cox.csv");
    int checked = 0;
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[8];
        int nf = fx_split(kv->key[i], buf, sizeof buf, f, 8);
        if (strcmp(f[0], "cox") != 0)
            continue;
        int is_lung = strcmp(f[1], "lung") == 0;
        cox_result *r = fit(is_lung ? lung : ties, f[3],
                            strcmp(f[2], "breslow") == 0 ? COX_BRESLOW : COX_EFRON, is_lung);
        double want = fx_num(kv->val[i]);
        if (nf == 5) {
            double got = strcmp(f[4], "n") == 0        ? (double)r->n
                         : strcmp(f[4], "nevent") == 0 ? (double)r->nevent
                                                       : r->loglik;
            check(kv->key[i], got, want);
        } else {
            size_t j = (size_t)atoi(f[4]) - 1;
            assert_true(j < r->p);
            assert_string_equal(r->names[j], f[5]); /* R's name and position */
            check(kv->key[i], field(r, j, f[6]), want);
        }
        cox_free(r);
        checked++;
    }
    assert_true(checked > 150);
    data_free(lung), data_free(ties);
    fx_kv_free(kv);
}

static void constant_covariate__coefficient_is_na(void **state) {
    (void)state;
    /* R: coxph(Surv(time, status) ~ age + k, lung) with k constant gives
     * coef NA for k; checked here as NaN while age still fits. */
    data *d = data_load("ncctg_lung.csv");
    size_t n = d->csv->nrows;
    double *k = malloc(n * sizeof *k);
    for (size_t i = 0; i < n; i++)
        k[i] = 3;
    cox_covariate cov[2] = {term(d, "age"), {.name = "k", .num = k}};
    surv_input in = {.nrows = n,
                     .time = d->csv->num[fx_csv_col(d->csv, "time")],
                     .event_num = d->csv->num[fx_csv_col(d->csv, "status")],
                     .event_12 = 1,
                     .ngroups = 1};
    cox_result *r = NULL;
    char err[256];
    assert_int_equal(cox_fit(&in, cov, 2, NULL, &r, err, sizeof err), 0);
    assert_true(isnan(r->coef[1]) && isnan(r->se[1]) && isnan(r->p_value[1]));
    check("age with constant k", r->coef[0], 0.0187201792046); /* R: coef(...)["age"] */
    cox_free(r);
    free(k);
    data_free(d);
}

static void one_level_categorical__refused(void **state) {
    (void)state;
    double t[3] = {1, 2, 3}, e[3] = {1, 1, 0};
    int32_t codes[3] = {0, 0, 0};
    const char *lv[1] = {"x"};
    cox_covariate c = {.name = "g", .codes = codes, .levels = lv, .nlevels = 1};
    surv_input in = {.nrows = 3, .time = t, .event_num = e, .ngroups = 1};
    cox_result *r = NULL;
    char err[256] = "";
    assert_int_equal(cox_fit(&in, &c, 1, NULL, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "only one level"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lung_reference__sex_and_sex_age__both_ties__match_r),
        cmocka_unit_test(edge__categorical_boolean_missing_ties__match_r),
        cmocka_unit_test(constant_covariate__coefficient_is_na),
        cmocka_unit_test(one_level_categorical__refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
