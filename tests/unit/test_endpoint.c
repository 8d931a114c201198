/* test_endpoint.c - an endpoint's entries sorted once and picked per
 * computation give the curves and tests of the patients' observed outcome,
 * computed here the plain way: each patient's time and event copied from
 * the arm assigned, then km_compute and logrank_compute sorting by
 * themselves.  Random cohorts with ties, missing values, patients with no
 * outcome under an arm, events coded 1/2, and a landmark. */
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
#include "endpoint.h"
#include "km.h"
#include "logrank.h"

static uint64_t rng = 88172645463325252ull;
static double unif(void) { /* xorshift64 */
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static const char *const arms[] = {"radical", "systemic", "observe"};

/* n patients, potential outcomes under three arms; times rounded to 0.5
 * months so that ties are common; some missing times and events; the
 * radical arm missing for a fifth of the patients; the observe arm's
 * events coded 1/2. */
static cohort *random_cohort(size_t n) {
    cohort *c = cohort_new(n);
    for (int a = 0; a < 3; a++) {
        char tn[64], en[64];
        snprintf(tn, sizeof tn, "os_time@%s", arms[a]);
        snprintf(en, sizeof en, "os_event@%s", arms[a]);
        cohort_column *t = cohort_add(c, tn, COHORT_NUM), *e = cohort_add(c, en, COHORT_NUM);
        for (size_t i = 0; i < n; i++) {
            t->v.num[i] = round(unif() * 60) / 2;
            e->v.num[i] = unif() < 0.7;
            if (a == 2)
                e->v.num[i] += 1;
            if (unif() < 0.03)
                t->v.num[i] = NAN;
            if (unif() < 0.03)
                e->v.num[i] = NAN;
            if (a == 0 && unif() < 0.2)
                t->v.num[i] = NAN;
        }
    }
    return c;
}

static void same(double got, double want, const char *what) {
    if (isnan(want) && isnan(got))
        return;
    if (!(fabs(got - want) <= 1e-12 * fmax(1, fabs(want))))
        fail_msg("%s: %.17g, not %.17g", what, got, want);
}

static void compare_fits(const km_fit *got, const km_fit *want) {
    assert_int_equal(got->nstrata, want->nstrata);
    assert_int_equal(got->n_used, want->n_used);
    for (int32_t g = 0; g < want->nstrata; g++) {
        const km_curve *a = &got->strata[g], *b = &want->strata[g];
        assert_int_equal(a->n, b->n);
        assert_int_equal(a->events, b->events);
        assert_int_equal(a->ntime, b->ntime);
        same(a->median, b->median, "median");
        same(a->median_lower, b->median_lower, "median lower");
        same(a->median_upper, b->median_upper, "median upper");
        for (size_t i = 0; i < b->ntime; i++) {
            same(a->time[i], b->time[i], "time");
            same(a->surv[i], b->surv[i], "surv");
            same(a->lower[i], b->lower[i], "lower");
        }
    }
}

/* Patient i's potential outcome under arm. */
static void observed(const cohort *c, const char *arm, size_t i, double *t, double *ev) {
    char tn[64], en[64];
    snprintf(tn, sizeof tn, "os_time@%s", arm);
    snprintf(en, sizeof en, "os_event@%s", arm);
    *t = cohort_find(c, tn)->v.num[i];
    *ev = cohort_find(c, en)->v.num[i];
}

/* KM of the pick and of the plain input agree; returns the plain fit's
 * rows counted missing less the pick's (the pick leaves out the untimed). */
static size_t same_km(const surv_input *pick, const surv_input *plain) {
    km_options ko = {SURV_CONF_LOG, 0.95, 0};
    km_fit *fg = NULL, *fw = NULL;
    char err[256];
    assert_int_equal(km_compute(pick, &ko, &fg, err, sizeof err), 0);
    assert_int_equal(km_compute(plain, &ko, &fw, err, sizeof err), 0);
    compare_fits(fg, fw);
    size_t extra = fw->n_missing - fg->n_missing;
    km_fit_free(fg);
    km_fit_free(fw);
    return extra;
}

static void by_arm__random_assignment__as_observed_outcomes(void **state) {
    (void)state;
    for (int round_i = 0; round_i < 6; round_i++) {
        size_t n = 500 + (size_t)(unif() * 3000);
        cohort *c = random_cohort(n);
        char err[256];
        endpoint_data *d = endpoint_data_new(c, "os_time", "os_event", 1, 1, err, sizeof err);
        assert_non_null(d);
        assert_int_equal(endpoint_narms(d), 3);
        /* the rules' arms in another order than the columns, one unused */
        char names[2][ENDPOINT_ARM_NAME] = {"systemic", "radical"};
        int16_t *arm = malloc(n * sizeof *arm);
        double *t = malloc(n * sizeof *t), *ev = malloc(n * sizeof *ev);
        int32_t *grp = malloc(n * sizeof *grp);
        uint8_t *mask = malloc(n);
        double L = round_i % 2 ? 3.0 : NAN;
        size_t untimed = 0, early = 0;
        for (size_t i = 0; i < n; i++) {
            double u = unif();
            arm[i] = u < 0.1 ? -1 : u < 0.55 ? 0 : 1;
            t[i] = ev[i] = NAN;
            grp[i] = arm[i];
            if (arm[i] >= 0) {
                observed(c, names[arm[i]], i, &t[i], &ev[i]);
                untimed += isnan(t[i]);
            }
            mask[i] = arm[i] >= 0 && !isnan(t[i]) && (isnan(L) || t[i] >= L);
            early += arm[i] >= 0 && !isnan(t[i]) && !isnan(L) && t[i] < L;
        }
        surv_input plain = {
            .nrows = n, .time = t, .event_num = ev, .group = grp, .ngroups = 2, .mask = mask};
        endpoint_choice ch = {.arm = arm,
                              .arm_name = (const char(*)[ENDPOINT_ARM_NAME])names,
                              .narms = 2,
                              .landmark = L};
        endpoint_pick pk;
        assert_int_equal(endpoint_select(d, &ch, &pk, err, sizeof err), 0);
        assert_int_equal(pk.untimed, untimed);
        assert_int_equal(pk.before_landmark, early);
        same_km(&pk.in, &plain);
        logrank_result *lg = NULL, *lw = NULL;
        assert_int_equal(logrank_compute(&pk.in, &lg, err, sizeof err), 0);
        assert_int_equal(logrank_compute(&plain, &lw, err, sizeof err), 0);
        same(lg->chisq, lw->chisq, "log-rank chi-square");
        assert_int_equal(lg->df, lw->df);
        logrank_free(lg);
        logrank_free(lw);
        /* the pooled reverse KM: follow-up */
        km_options rev = {SURV_CONF_NONE, 0.95, 1};
        surv_input pooled = plain;
        pooled.group = NULL;
        pooled.ngroups = 1;
        double mg = 0;
        km_fit *fw = NULL;
        assert_int_equal(km_median(&pk.pooled, &rev, &mg, err, sizeof err), 0);
        assert_int_equal(km_compute(&pooled, &rev, &fw, err, sizeof err), 0);
        same(mg, fw->strata[0].median, "median follow-up");
        km_fit_free(fw);
        /* everybody's outcome under one arm, for a subgroup */
        for (size_t i = 0; i < n; i++) {
            grp[i] = i % 3 == 0 ? 0 : -1;
            t[i] = cohort_find(c, "os_time@observe")->v.num[i];
            ev[i] = cohort_find(c, "os_event@observe")->v.num[i] - 1; /* 1/2 coding */
            mask[i] = i % 3 == 0 && !isnan(t[i]) && (isnan(L) || t[i] >= L);
        }
        plain.ngroups = 1;
        plain.group = NULL;
        endpoint_choice one = {.group = grp, .ngroups = 1, .only_arm = "observe", .landmark = L};
        assert_int_equal(endpoint_select(d, &one, &pk, err, sizeof err), 0);
        same_km(&pk.in, &plain);
        /* the observed outcome (arm assigned) of a subgroup, in one group:
         * three arms in the cohort, two of them in the rules */
        for (size_t i = 0; i < n; i++) {
            grp[i] = i % 4 == 1 ? 0 : -1;
            t[i] = ev[i] = NAN;
            if (arm[i] >= 0)
                observed(c, names[arm[i]], i, &t[i], &ev[i]);
            mask[i] = grp[i] == 0 && arm[i] >= 0 && !isnan(t[i]) && (isnan(L) || t[i] >= L);
        }
        endpoint_choice sub = ch;
        sub.group = grp;
        sub.ngroups = 1;
        assert_int_equal(endpoint_select(d, &sub, &pk, err, sizeof err), 0);
        same_km(&pk.in, &plain);
        free(arm), free(t), free(ev), free(grp), free(mask);
        endpoint_data_free(d);
        cohort_free(c);
    }
}

static void real_cohort__groups__as_plain_fit(void **state) {
    (void)state;
    size_t n = 2000;
    cohort *c = cohort_new(n);
    cohort_column *t = cohort_add(c, "os_time", COHORT_NUM),
                  *e = cohort_add(c, "os_event", COHORT_BOOL);
    int32_t *grp = malloc(n * sizeof *grp);
    double *tm = malloc(n * sizeof *tm), *ev = malloc(n * sizeof *ev);
    for (size_t i = 0; i < n; i++) {
        t->v.num[i] = unif() < 0.05 ? NAN : round(unif() * 400);
        e->v.b[i] = unif() < 0.05 ? -1 : unif() < 0.6;
        grp[i] = unif() < 0.4;
        tm[i] = t->v.num[i] * (12 / 365.25);
        ev[i] = e->v.b[i] < 0 ? NAN : e->v.b[i];
    }
    char err[256];
    endpoint_data *d = endpoint_data_new(c, "os_time", "os_event", 0, 12 / 365.25, err, sizeof err);
    assert_non_null(d);
    endpoint_choice ch = {.group = grp, .ngroups = 2, .landmark = NAN};
    endpoint_pick pk;
    assert_int_equal(endpoint_select(d, &ch, &pk, err, sizeof err), 0);
    surv_input plain = {.nrows = n, .time = tm, .event_num = ev, .group = grp, .ngroups = 2};
    /* the plain fit counts the rows with no time as missing; the pick
     * leaves them out and counts them in untimed */
    assert_int_equal(same_km(&pk.in, &plain), pk.untimed);
    endpoint_data_free(d);
    free(grp), free(tm), free(ev);
    cohort_free(c);
}

static void bad_columns__named_with_row(void **state) {
    (void)state;
    char err[256];
    cohort *c = cohort_new(4);
    cohort_column *t = cohort_add(c, "os_time@radical", COHORT_NUM);
    cohort_column *e = cohort_add(c, "os_event@radical", COHORT_NUM);
    for (size_t i = 0; i < 4; i++)
        t->v.num[i] = 1 + (double)i, e->v.num[i] = 1;
    t->v.num[2] = -1;
    assert_null(endpoint_data_new(c, "os_time", "os_event", 1, 1, err, sizeof err));
    assert_non_null(strstr(err, "time column 'os_time@radical', row 3: -1 is not a time"));
    t->v.num[2] = 3;
    e->v.num[3] = 3;
    assert_null(endpoint_data_new(c, "os_time", "os_event", 1, 1, err, sizeof err));
    assert_non_null(strstr(err, "event column 'os_event@radical', row 4: 3 is not 0/1"));
    /* a cohort without the endpoint: NULL and no message */
    assert_null(endpoint_data_new(c, "pfs_time", "pfs_event", 1, 1, err, sizeof err));
    assert_string_equal(err, "");
    e->v.num[3] = 0;
    endpoint_data *d = endpoint_data_new(c, "os_time", "os_event", 1, 1, err, sizeof err);
    assert_non_null(d);
    /* an arm of the rules with no columns */
    int16_t arm[4] = {0, 0, 0, 0};
    char names[1][ENDPOINT_ARM_NAME] = {"surgery"};
    endpoint_choice ch = {.arm = arm,
                          .arm_name = (const char(*)[ENDPOINT_ARM_NAME])names,
                          .narms = 1,
                          .landmark = NAN};
    endpoint_pick pk;
    assert_int_equal(endpoint_select(d, &ch, &pk, err, sizeof err), -1);
    assert_string_equal(err, "no potential outcomes os_time@surgery/os_event@surgery");
    endpoint_data_free(d);
    cohort_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(by_arm__random_assignment__as_observed_outcomes),
        cmocka_unit_test(real_cohort__groups__as_plain_fit),
        cmocka_unit_test(bad_columns__named_with_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
