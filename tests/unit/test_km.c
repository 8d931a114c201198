/* test_km.c - Kaplan-Meier against R's survival 3.5-3 output.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expected number comes from R: tests/fixtures/r/lung_reference.tsv and
 * lung_km_by_sex_R.csv (both made by lung_reference.R) and
 * edge_reference.tsv (made by edge_reference.R in the same directory).
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

#include "km.h"
#include "surv_fixture.h"

#define REL 1e-6

/* ---- NCCTG lung data ------------------------------------------------ */

typedef struct lung {
    fx_csv *csv;
    const double *time, *status, *sex;
    int32_t *sexcode; /* 1 -> 0, 2 -> 1 (R's factor order) */
} lung;

static lung *lung_load(void) {
    lung *l = calloc(1, sizeof *l);
    l->csv = fx_csv_read("ncctg_lung.csv");
    l->time = l->csv->num[fx_csv_col(l->csv, "time")];
    l->status = l->csv->num[fx_csv_col(l->csv, "status")];
    l->sex = l->csv->num[fx_csv_col(l->csv, "sex")];
    l->sexcode = malloc(l->csv->nrows * sizeof *l->sexcode);
    for (size_t i = 0; i < l->csv->nrows; i++)
        l->sexcode[i] = (int32_t)l->sex[i] - 1;
    return l;
}

static void lung_free(lung *l) {
    fx_csv_free(l->csv);
    free(l->sexcode);
    free(l);
}

static surv_conf_type ct_of(const char *s) {
    if (strcmp(s, "log") == 0)
        return SURV_CONF_LOG;
    if (strcmp(s, "log-log") == 0)
        return SURV_CONF_LOGLOG;
    if (strcmp(s, "plain") == 0)
        return SURV_CONF_PLAIN;
    fail_msg("unknown conf type %s", s);
    return SURV_CONF_NONE;
}

static km_fit *lung_fit(const lung *l, int by_sex, surv_conf_type ct, double level, int reverse) {
    surv_input in = {.nrows = l->csv->nrows,
                     .time = l->time,
                     .event_num = l->status,
                     .event_12 = 1,
                     .group = by_sex ? l->sexcode : NULL,
                     .ngroups = by_sex ? 2 : 1};
    km_options o = {ct, level, reverse};
    km_fit *f = NULL;
    char err[256];
    int rc = km_compute(&in, &o, &f, err, sizeof err);
    if (rc != 0)
        fail_msg("km_compute: %s", err);
    return f;
}

static void check(const char *key, double got, double want) {
    if (!fx_close(got, want, REL))
        fail_msg("%s: tnmlab %.12g, R %.12g", key, got, want);
}

/* Value of a summary field (km|... and followup|... keys). */
static double stratum_field(const km_curve *c, const char *field) {
    if (strcmp(field, "n") == 0)
        return (double)c->n;
    if (strcmp(field, "events") == 0)
        return (double)c->events;
    if (strcmp(field, "median") == 0)
        return c->median;
    if (strcmp(field, "median_lower") == 0)
        return c->median_lower;
    if (strcmp(field, "median_upper") == 0)
        return c->median_upper;
    if (strncmp(field, "rmean", 5) == 0) {
        char *end;
        double tau = strtod(field + 5, &end);
        double m, se;
        assert_int_equal(km_rmean(c, tau, &m, &se), 0);
        return strcmp(end, "_se") == 0 ? se : m;
    }
    fail_msg("unknown field %s", field);
    return NAN;
}

static double point_field(const km_point *p, const char *field) {
    if (strcmp(field, "surv") == 0)
        return p->surv;
    if (strcmp(field, "std_err") == 0)
        return p->std_err;
    if (strcmp(field, "lower") == 0)
        return p->lower;
    if (strcmp(field, "upper") == 0)
        return p->upper;
    if (strcmp(field, "n_risk") == 0)
        return p->n_risk;
    fail_msg("unknown field %s", field);
    return NAN;
}

static void lung_reference__every_km_figure__matches_r(void **state) {
    (void)state;
    lung *l = lung_load();
    fx_kv *kv = fx_kv_read("lung_reference.tsv");
    int checked = 0;
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[8];
        int nf = fx_split(kv->key[i], buf, sizeof buf, f, 8);
        double want = fx_num(kv->val[i]);
        if (strcmp(f[0], "km") == 0 && nf == 4) {
            int all = strcmp(f[2], "all") == 0;
            km_fit *fit = lung_fit(l, !all, ct_of(f[1]), 0.95, 0);
            const km_curve *c = &fit->strata[all ? 0 : atoi(f[2]) - 1];
            check(kv->key[i], stratum_field(c, f[3]), want);
            km_fit_free(fit);
            checked++;
        } else if (strcmp(f[0], "at") == 0 && nf == 5) {
            km_fit *fit = lung_fit(l, 1, ct_of(f[1]), 0.95, 0);
            double t = atof(f[3]);
            km_point p;
            km_at(&fit->strata[atoi(f[2]) - 1], &t, 1, 0, &p);
            assert_true(p.in_range);
            check(kv->key[i], point_field(&p, f[4]), want);
            km_fit_free(fit);
            checked++;
        }
    }
    assert_int_equal(checked, 3 * (2 * 7 + 2 * 3 * 4) + 3);
    fx_kv_free(kv);
    lung_free(l);
}

static void lung_by_sex__full_event_table__matches_r(void **state) {
    (void)state;
    lung *l = lung_load();
    fx_csv *r = fx_csv_read("lung_km_by_sex_R.csv");
    km_fit *fit = lung_fit(l, 1, SURV_CONF_LOG, 0.95, 0);
    int cs = fx_csv_col(r, "strata");
    size_t row = 0;
    for (int g = 0; g < 2; g++) {
        const km_curve *c = &fit->strata[g];
        double censored = 0;
        for (size_t j = 0; j < c->ntime; j++) {
            censored += c->n_censor[j];
            if (c->n_event[j] == 0)
                continue; /* summary() shows event times */
            assert_true(row < r->nrows);
            char want_strata[16];
            snprintf(want_strata, sizeof want_strata, "sex=%d", g + 1);
            assert_string_equal(r->text[cs][row], want_strata);
            check("time", c->time[j], r->num[fx_csv_col(r, "time")][row]);
            check("n.risk", c->n_risk[j], r->num[fx_csv_col(r, "n.risk")][row]);
            check("n.event", c->n_event[j], r->num[fx_csv_col(r, "n.event")][row]);
            check("n.censor", censored, r->num[fx_csv_col(r, "n.censor")][row]);
            check("surv", c->surv[j], r->num[fx_csv_col(r, "surv")][row]);
            check("std.err", c->std_err[j] * c->surv[j], r->num[fx_csv_col(r, "std.err")][row]);
            check("lower", c->lower[j], r->num[fx_csv_col(r, "lower")][row]);
            check("upper", c->upper[j], r->num[fx_csv_col(r, "upper")][row]);
            censored = 0;
            row++;
        }
    }
    assert_int_equal(row, r->nrows);
    km_fit_free(fit);
    fx_csv_free(r);
    lung_free(l);
}

/* ---- edge cases (edge_reference.R) ------------------------------------ */

typedef struct edge {
    char name[64];
    fx_csv *csv;
    char **levels;
    int32_t *codes;
    int nlev;
} edge;

static edge *edge_load(const char *name) {
    edge *e = calloc(1, sizeof *e);
    char file[128];
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(file, sizeof file, "edge_%s.csv", name);
    e->csv = fx_csv_read(file);
    e->nlev = fx_levels(e->csv, fx_csv_col(e->csv, "group"), &e->levels, &e->codes);
    return e;
}

static void edge_free(edge *e) {
    for (int k = 0; k < e->nlev; k++)
        free(e->levels[k]);
    free(e->levels), free(e->codes);
    fx_csv_free(e->csv);
    free(e);
}

static km_fit *edge_fit(const edge *e, surv_conf_type ct, double level, int reverse) {
    int multi = e->nlev > 1;
    surv_input in = {.nrows = e->csv->nrows,
                     .time = e->csv->num[fx_csv_col(e->csv, "time")],
                     .event_num = e->csv->num[fx_csv_col(e->csv, "status")],
                     .group = multi ? e->codes : NULL,
                     .ngroups = multi ? e->nlev : 1};
    km_options o = {ct, level, reverse};
    km_fit *f = NULL;
    char err[256];
    if (km_compute(&in, &o, &f, err, sizeof err) != 0)
        fail_msg("%s: %s", e->name, err);
    return f;
}

static const km_curve *edge_stratum(const edge *e, const km_fit *f, const char *name) {
    if (strcmp(name, "all") == 0)
        return &f->strata[0];
    for (int k = 0; k < e->nlev; k++)
        if (strcmp(e->levels[k], name) == 0)
            return &f->strata[k];
    fail_msg("%s: no stratum %s", e->name, name);
    return NULL;
}

static double curve_field(const km_curve *c, size_t j, const char *field) {
    if (strcmp(field, "time") == 0)
        return c->time[j];
    if (strcmp(field, "n_risk") == 0)
        return c->n_risk[j];
    if (strcmp(field, "n_event") == 0)
        return c->n_event[j];
    if (strcmp(field, "n_censor") == 0)
        return c->n_censor[j];
    if (strcmp(field, "surv") == 0)
        return c->surv[j];
    if (strcmp(field, "std_err") == 0)
        return c->std_err[j];
    if (strcmp(field, "lower") == 0)
        return c->lower[j];
    if (strcmp(field, "upper") == 0)
        return c->upper[j];
    fail_msg("unknown curve field %s", field);
    return NAN;
}

static void edge_cases__km_curve_median_rmean_at__match_r(void **state) {
    (void)state;
    fx_kv *kv = fx_kv_read("edge_reference.tsv");
    edge *e = NULL;
    int counts[4] = {0};
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[12];
        int nf = fx_split(kv->key[i], buf, sizeof buf, f, 12);
        int kind = strcmp(f[0], "km") == 0         ? 0
                   : strcmp(f[0], "curve") == 0    ? 1
                   : strcmp(f[0], "at") == 0       ? 2
                   : strcmp(f[0], "followup") == 0 ? 3
                                                   : -1;
        if (kind < 0)
            continue;
        if (kind == 3 && strncmp(f[1], "lung", 4) == 0)
            continue; /* lung: other test */
        if (!e || strcmp(e->name, f[1]) != 0) {
            if (e)
                edge_free(e);
            e = edge_load(f[1]);
        }
        double want = fx_num(kv->val[i]);
        km_fit *fit;
        if (kind == 3) {
            fit = edge_fit(e, SURV_CONF_LOG, 0.95, 1);
            check(kv->key[i], stratum_field(edge_stratum(e, fit, f[2]), f[3]), want);
        } else {
            fit = edge_fit(e, ct_of(f[2]), atof(f[3]), 0);
            if (kind == 0) {
                assert_int_equal(nf, 6);
                check(kv->key[i], stratum_field(edge_stratum(e, fit, f[4]), f[5]), want);
            } else if (kind == 1) {
                const km_curve *c = edge_stratum(e, fit, f[4]);
                if (nf == 6) {
                    check(kv->key[i], (double)c->ntime, want);
                } else {
                    size_t j = (size_t)atoi(f[5]) - 1;
                    assert_true(j < c->ntime);
                    check(kv->key[i], curve_field(c, j, f[6]), want);
                }
            } else {
                const km_curve *c = edge_stratum(e, fit, f[5]);
                double t = atof(f[6]);
                km_point p;
                km_at(c, &t, 1, strcmp(f[4], "ext") == 0, &p);
                if (!p.in_range)
                    fail_msg("%s: R reports time %g, tnmlab says out of range", kv->key[i], t);
                check(kv->key[i], point_field(&p, f[7]), want);
            }
        }
        counts[kind]++;
        km_fit_free(fit);
    }
    if (e)
        edge_free(e);
    fx_kv_free(kv);
    for (int k = 0; k < 4; k++)
        assert_true(counts[k] > 10);
}

/* R's summary(times=) drops a time past the last observation unless
 * extend = TRUE; tnmlab keeps the slot, marked out of range. */
static void at__past_last_observation__out_of_range_unless_extend(void **state) {
    (void)state;
    edge *e = edge_load("to_zero");
    km_fit *f = edge_fit(e, SURV_CONF_LOG, 0.95, 0);
    double t[3] = {100, 1, NAN};
    km_point p[3];
    km_at(&f->strata[0], t, 3, 0, p);
    assert_false(p[0].in_range);
    assert_true(isnan(p[0].surv));
    assert_true(p[1].in_range);
    assert_false(p[2].in_range);
    km_at(&f->strata[0], t, 1, 1, p);
    assert_true(p[0].in_range);
    assert_true(p[0].surv == 0 && p[0].n_risk == 0);
    km_fit_free(f);
    edge_free(e);
}

static void followup__lung_reverse_km__matches_r(void **state) {
    (void)state;
    lung *l = lung_load();
    fx_kv *kv = fx_kv_read("edge_reference.tsv");
    int checked = 0;
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[8];
        int nf = fx_split(kv->key[i], buf, sizeof buf, f, 8);
        if (nf != 4 || strcmp(f[0], "followup") != 0 || strncmp(f[1], "lung", 4) != 0)
            continue;
        int by = strcmp(f[1], "lung_sex") == 0;
        km_fit *fit = lung_fit(l, by, SURV_CONF_LOG, 0.95, 1);
        const km_curve *c = &fit->strata[by ? atoi(f[2]) - 1 : 0];
        check(kv->key[i], stratum_field(c, f[3]), fx_num(kv->val[i]));
        km_fit_free(fit);
        checked++;
    }
    assert_int_equal(checked, 3 * 7);
    fx_kv_free(kv);
    lung_free(l);
}

/* km_median (the outcome's follow-up) gives the median of the pooled
 * curve km_compute fits, itself checked against R above, on every edge
 * case (plateaus at exactly 0.5, ties, zero times, missing values), plain
 * and through an order and keys built for the strata read as one. */
static void median__edge_cases_pooled__equals_fitted_curve(void **state) {
    (void)state;
    static const char *const names[] = {
        "all_censored", "missing",     "near_ties",    "no_events_stratum", "one_censored",
        "one_patient",  "plateau_end", "plateau_long", "plateau_mid",       "three_groups",
        "ties",         "to_zero",     "zero_times"};
    int checked = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        edge *e = edge_load(names[i]);
        for (int rev = 0; rev <= 1; rev++) {
            surv_input in = {.nrows = e->csv->nrows,
                             .time = e->csv->num[fx_csv_col(e->csv, "time")],
                             .event_num = e->csv->num[fx_csv_col(e->csv, "status")],
                             .ngroups = 1};
            km_options o = {SURV_CONF_LOG, 0.95, rev};
            km_fit *f = NULL;
            char err[256];
            if (km_compute(&in, &o, &f, err, sizeof err) != 0)
                fail_msg("%s: %s", e->name, err);
            double want = f->strata[0].median, got = 0;
            km_fit_free(f);
            assert_int_equal(km_median(&in, &o, &got, err, sizeof err), 0);
            if (!(isnan(want) && isnan(got)))
                assert_true(got == want);
            /* the refresh path: keys for the strata, read pooled (a row
             * with a missing stratum is dropped there, so by a mask here) */
            uint8_t *known = malloc(in.nrows + 1);
            for (size_t r = 0; r < in.nrows; r++)
                known[r] = e->codes[r] >= 0;
            in.mask = known;
            assert_int_equal(km_compute(&in, &o, &f, err, sizeof err), 0);
            want = f->strata[0].median;
            km_fit_free(f);
            in.mask = NULL;
            free(known);
            surv_order *ord = NULL;
            assert_int_equal(surv_order_build(in.time, in.nrows, &ord, err, sizeof err), 0);
            surv_input ks = in;
            ks.order = ord;
            ks.group = e->codes;
            ks.ngroups = e->nlev;
            surv_keys *keys = NULL;
            assert_int_equal(surv_keys_build(&ks, &keys, err, sizeof err), 0);
            keys->pooled = 1;
            ks.group = NULL;
            ks.ngroups = 1;
            ks.keys = keys;
            assert_int_equal(km_median(&ks, &o, &got, err, sizeof err), 0);
            if (!(isnan(want) && isnan(got)))
                if (got != want)
                    fail_msg("%s reverse %d: %g, not %g", e->name, rev, got, want);
            assert_int_equal(km_compute(&ks, &o, &f, err, sizeof err), 0);
            if (!(isnan(want) && isnan(f->strata[0].median)))
                assert_true(f->strata[0].median == want);
            km_fit_free(f);
            surv_keys_free(keys);
            surv_order_free(ord);
            checked++;
        }
        edge_free(e);
    }
    assert_int_equal(checked, 26);
}

/* ---- bad input and the cached-order path ------------------------------ */

static void km__negative_time__rejected_with_row(void **state) {
    (void)state;
    double t[3] = {1, -2, 3}, e[3] = {1, 0, 1};
    surv_input in = {.nrows = 3, .time = t, .event_num = e, .ngroups = 1};
    km_fit *f = NULL;
    char err[256] = "";
    assert_int_equal(km_compute(&in, NULL, &f, err, sizeof err), -1);
    assert_null(f);
    assert_non_null(strstr(err, "negative"));
    assert_non_null(strstr(err, "row 2"));
}

static void km__event_code_three__rejected(void **state) {
    (void)state;
    double t[3] = {1, 2, 3}, e[3] = {1, 3, 0};
    surv_input in = {.nrows = 3, .time = t, .event_num = e, .ngroups = 1};
    km_fit *f = NULL;
    char err[256] = "";
    assert_int_equal(km_compute(&in, NULL, &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "row 2"));
}

/* The edge "missing" case: R drops NA time/status/group rows (same figures
 * are checked above); here the count of dropped rows. */
static void km__missing_values__dropped_and_counted(void **state) {
    (void)state;
    edge *e = edge_load("missing");
    km_fit *f = edge_fit(e, SURV_CONF_LOG, 0.95, 0);
    assert_int_equal(f->n_missing, 3);
    assert_int_equal(f->n_used, 7);
    km_fit_free(f);
    edge_free(e);
}

/* A mask over a cached order gives the same curve as the subset itself. */
static void km__mask_with_cached_order__equals_subset(void **state) {
    (void)state;
    lung *l = lung_load();
    size_t n = l->csv->nrows;
    surv_order *ord = NULL;
    char err[256];
    assert_int_equal(surv_order_build(l->time, n, &ord, err, sizeof err), 0);
    uint8_t *mask = calloc(n, 1);
    double *t2 = malloc(n * sizeof *t2), *s2 = malloc(n * sizeof *s2);
    int32_t *g2 = malloc(n * sizeof *g2);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double age = l->csv->num[fx_csv_col(l->csv, "age")][i];
        if (age >= 60) {
            mask[i] = 1;
            t2[m] = l->time[i], s2[m] = l->status[i], g2[m] = l->sexcode[i];
            m++;
        }
    }
    surv_input a = {.nrows = n,
                    .time = l->time,
                    .order = ord,
                    .event_num = l->status,
                    .event_12 = 1,
                    .group = l->sexcode,
                    .ngroups = 2,
                    .mask = mask};
    surv_input b = {
        .nrows = m, .time = t2, .event_num = s2, .event_12 = 1, .group = g2, .ngroups = 2};
    km_fit *fa = NULL, *fb = NULL;
    assert_int_equal(km_compute(&a, NULL, &fa, err, sizeof err), 0);
    assert_int_equal(km_compute(&b, NULL, &fb, err, sizeof err), 0);
    surv_keys *keys = NULL;
    assert_int_equal(surv_keys_build(&a, &keys, err, sizeof err), 0);
    a.keys = keys;
    km_fit *fk = NULL;
    assert_int_equal(km_compute(&a, NULL, &fk, err, sizeof err), 0);
    for (int g = 0; g < 2; g++) {
        assert_int_equal(fk->strata[g].ntime, fb->strata[g].ntime);
        for (size_t j = 0; j < fk->strata[g].ntime; j++)
            assert_true(fk->strata[g].surv[j] == fb->strata[g].surv[j]);
    }
    km_fit_free(fk);
    surv_keys_free(keys);
    for (int g = 0; g < 2; g++) {
        assert_int_equal(fa->strata[g].ntime, fb->strata[g].ntime);
        for (size_t j = 0; j < fa->strata[g].ntime; j++) {
            assert_true(fa->strata[g].time[j] == fb->strata[g].time[j]);
            assert_true(fa->strata[g].surv[j] == fb->strata[g].surv[j]);
        }
        assert_true(fx_close(fa->strata[g].median, fb->strata[g].median, 0));
    }
    km_fit_free(fa), km_fit_free(fb);
    free(mask), free(t2), free(s2), free(g2);
    surv_order_free(ord);
    lung_free(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lung_reference__every_km_figure__matches_r),
        cmocka_unit_test(lung_by_sex__full_event_table__matches_r),
        cmocka_unit_test(edge_cases__km_curve_median_rmean_at__match_r),
        cmocka_unit_test(at__past_last_observation__out_of_range_unless_extend),
        cmocka_unit_test(followup__lung_reverse_km__matches_r),
        cmocka_unit_test(km__negative_time__rejected_with_row),
        cmocka_unit_test(km__event_code_three__rejected),
        cmocka_unit_test(km__missing_values__dropped_and_counted),
        cmocka_unit_test(km__mask_with_cached_order__equals_subset),
        cmocka_unit_test(median__edge_cases_pooled__equals_fitted_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
