/* rules_fuzz.c - libFuzzer target for the rule loader and engine.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 * Build and run: fuzz/run-rules-fuzz.sh [SECONDS]
 *
 * The input is a rule file.  It goes through rules_load_string into a
 * sandbox with small limits; when it loads, every rule set is evaluated on
 * a fixed eight-patient cohort (descriptors for staging, numbers, text, a
 * 0/1 number column, missing cells), each row explained, each param moved
 * to a bound and the versions diffed.  Whatever the input, this must never
 * crash, leak or trip a sanitizer; errors are fine.  TNMLAB_STAGING names
 * the staging folder (scripts/staging), so seeds with derive{staging=}
 * reach the staging code.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#ifndef TNMLAB_STAGING
#define TNMLAB_STAGING "scripts/staging"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void set_str(cohort_column *col, size_t row, const char *s) {
    col->v.str[row] = s ? cohort_intern(col, s, strlen(s)) : COHORT_NA;
}

static cohort *fixed_cohort(void) {
    enum { N = 8 };
    static const double ecog[N] = {0, 1, 2, NAN, 0, 1, 4, 0};
    static const double size[N] = {2.5, 6.2, 0.8, NAN, 3.0, 12, 4.5, 2.5};
    static const double age[N] = {60, 71, 45, 80, NAN, 55, 66, 60};
    static const double treat01[N] = {1, 0, 1, NAN, 1, 0, 1, 1};
    static const char *const sites[N] = {"brain:1",   "bone:2;liver:1", "none",    NULL,
                                         "adrenal:1", "pleura:1",       "brain:?", "brain:1"};
    static const char *const stations[N] = {"4R", "none",  "7;10L", NULL,
                                            "1R", "2L;4L", "11R",   "4R"};
    static const char *const side[N] = {"R", "L", "R", NULL, "L", "R", "R", "R"};
    static const char *const none[N] = {"none",       "none", "none", NULL,
                                        "chest_wall", "none", "none", "none"};
    static const char *const sex[N] = {"male", "female", "female", NULL,
                                       "male", "male",   "female", "male"};
    static const int8_t eff[N] = {0, 0, 1, -1, 0, 1, 0, 0};
    cohort *c = cohort_new(N);
    if (c == NULL)
        abort();
    cohort_column *e = cohort_add(c, "ecog", COHORT_NUM);
    cohort_column *z = cohort_add(c, "t_size_cm", COHORT_NUM);
    cohort_column *a = cohort_add(c, "age", COHORT_NUM);
    cohort_column *t = cohort_add(c, "m_all_treatable", COHORT_NUM);
    cohort_column *m = cohort_add(c, "m_sites", COHORT_STR);
    cohort_column *n = cohort_add(c, "n_stations", COHORT_STR);
    cohort_column *s = cohort_add(c, "side", COHORT_STR);
    cohort_column *inv = cohort_add(c, "t_invasion", COHORT_STR);
    cohort_column *nod = cohort_add(c, "t_nodules", COHORT_STR);
    cohort_column *x = cohort_add(c, "sex", COHORT_STR);
    cohort_column *f = cohort_add(c, "m_pleural_effusion", COHORT_BOOL);
    cohort_column *os = cohort_add(c, "os_time", COHORT_NUM);
    if (!e || !z || !a || !t || !m || !n || !s || !inv || !nod || !x || !f || !os)
        abort();
    for (size_t i = 0; i < N; i++) {
        e->v.num[i] = ecog[i];
        z->v.num[i] = size[i];
        a->v.num[i] = age[i];
        t->v.num[i] = treat01[i];
        os->v.num[i] = (double)i * 2.5;
        set_str(m, i, sites[i]);
        set_str(n, i, stations[i]);
        set_str(s, i, side[i]);
        set_str(inv, i, none[i]);
        set_str(nod, i, none[i]);
        set_str(x, i, sex[i]);
        f->v.b[i] = eff[i];
    }
    return c;
}

static void exercise(rules *r, const cohort *c, const char *set) {
    char err[600];
    rules_eval *ev = rules_eval_new(r, set, c, err, sizeof err);
    if (ev == NULL)
        return;
    if (rules_eval_run(ev, 0, err, sizeof err) == 0) {
        rules_step st[64];
        rules_eval_attrition(ev, st, 64);
        for (size_t row = 0; row < cohort_nrows(c); row++) {
            rules_trace tr;
            if (rules_explain(ev, row, &tr, err, sizeof err) == 0)
                rules_trace_free(&tr);
        }
    }
    int v0 = rules_version(r);
    size_t np = rules_nparams(r, set);
    for (size_t i = 0; i < np && i < 8; i++) {
        rules_param_info p;
        if (rules_param(r, set, i, &p) != 0)
            continue;
        char name[128];
        snprintf(name, sizeof name, "%s", p.name);
        if (p.type == RULES_P_TEXT)
            rules_set_param(r, set, name, 0, p.nchoices ? p.choices[p.nchoices - 1] : "x", err,
                            sizeof err);
        else
            rules_set_param(r, set, name, isfinite(p.max) ? p.max : p.value + 1, NULL, err,
                            sizeof err);
        rules_eval_run(ev, 0, err, sizeof err); /* incremental after the change */
    }
    rules_diff d;
    if (rules_diff_versions(r, set, c, v0, 0, &d, err, sizeof err) == 0)
        rules_diff_free(&d);
    rules_undo(r);
    rules_eval_run(ev, 0, err, sizeof err);
    rules_eval_free(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static cohort *c;
    if (c == NULL)
        c = fixed_cohort();
    char *src = malloc(size + 1);
    if (src == NULL)
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    char err[600];
    /* small limits keep each input fast; they are what is being tested */
    rules *r = rules_new(16u << 20, 2 * 1000 * 1000, err, sizeof err);
    if (r == NULL || rules_set_staging_dir(r, TNMLAB_STAGING) != 0)
        abort();
    if (rules_load_string(r, src, "fuzz.lua", err, sizeof err) == 0) {
        size_t n = rules_nsets(r);
        char names[8][128];
        for (size_t i = 0; i < n && i < 8; i++)
            snprintf(names[i], sizeof names[i], "%s", rules_set_name(r, i));
        for (size_t i = 0; i < n && i < 8; i++)
            exercise(r, c, names[i]);
    }
    rules_free(r);
    free(src);
    return 0;
}
