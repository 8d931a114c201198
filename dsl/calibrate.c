/* calibrate.c - the calibration report (see calibrate.h).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "calibrate.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "cox.h"
#include "expr.h"
#include "interrupt.h"
#include "km.h"
#include "rules.h"
#include "text.h"

/* ---- the values the report computes ---- */

enum {
    /* De Ruysscher selection (era deruysscher2012), from diagnosis; trial n 39 */
    DR_OS_MED,
    DR_OS_1,
    DR_OS_2,
    DR_OS_3,
    DR_PFS_MED,
    DR_PFS_1,
    DR_PFS_2,
    DR_PFS_3,
    DR_SINGLE,
    DR_LOCAL,
    DR_PPS_R,
    DR_PPS_S,
    /* Gomez selection (era gomez2016), from the landmark; trial n 25 + 24 */
    GO_PFS_R,
    GO_PFS_S,
    GO_OS_R,
    GO_OS_S,
    GO_PPS_R,
    GO_PPS_S,
    /* whole population, era deruysscher2012, systemic arm */
    POP_M1A,
    POP_M1B,
    POP_M1C,
    POP_PFS,
    POP_OS,
    POP_HR1,
    POP_HR2,
    POP_HR3,
    POP_HR4,
    NV
};
enum { DR_FIRST = DR_OS_MED, DR_LAST = DR_PPS_S, GO_FIRST = GO_PFS_R, GO_LAST = GO_PPS_S };
enum { DR_TRIAL_N = 39, GO_TRIAL_R = 25, GO_TRIAL_S = 24 };
enum { COX_ROWS = 200000 }; /* rows of the population the ECOG model is fitted on */

static const char G_DR[] = "De Ruysscher 2012: its selection, radical arm, from diagnosis";
static const char G_DRS[] = "De Ruysscher 2012 selection, systemic arm (no trial arm)";
static const char G_GO[] = "Gomez 2019: its selection, from randomisation at the landmark";
static const char G_POP[] = "Whole population, systemic arm (IASLC and the era's trials)";

static const struct figdef {
    const char *group, *label;
    calib_role role;
    calib_test test;
    calib_unit unit;
    int value;
    double paper, paper_hi, tol;
} figdef[] = {
    {G_DR, "OS median", CALIB_FITTED, CALIB_ABS, CALIB_MONTHS, DR_OS_MED, 13.5, 0, 0.7},
    {G_DR, "OS 1-year", CALIB_FITTED, CALIB_ABS, CALIB_PERCENT, DR_OS_1, 56.4, 0, 1.5},
    {G_DR, "OS 2-year", CALIB_FITTED, CALIB_ABS, CALIB_PERCENT, DR_OS_2, 23.3, 0, 1.5},
    {G_DR, "OS 3-year", CALIB_FITTED, CALIB_ABS, CALIB_PERCENT, DR_OS_3, 17.5, 0, 1.5},
    {G_DR, "PFS median", CALIB_FITTED, CALIB_ABS, CALIB_MONTHS, DR_PFS_MED, 12.1, 0, 0.7},
    {G_DR, "PFS 1-year", CALIB_FITTED, CALIB_ABS, CALIB_PERCENT, DR_PFS_1, 51.3, 0, 1.5},
    {G_DR, "PFS 2-year", CALIB_FITTED, CALIB_ABS, CALIB_PERCENT, DR_PFS_2, 13.6, 0, 1.5},
    {G_DR, "PFS 3-year", CALIB_FITTED, CALIB_ABS, CALIB_PERCENT, DR_PFS_3, 13.6, 0, 1.5},
    {G_DR, "single metastasis", CALIB_FITTED, CALIB_ABS, CALIB_PERCENT, DR_SINGLE, 87, 0, 3},
    {G_DR, "local recurrence (2 of 39)", CALIB_FITTED, CALIB_ABS, CALIB_PERCENT, DR_LOCAL,
     100.0 * 2 / 39, 0, 1},
    {G_DR, "survival after progression", CALIB_CHECK, CALIB_AT_LEAST, CALIB_MONTHS, DR_PPS_R, 3, 0,
     0},
    {G_DRS, "survival after progression", CALIB_CHECK, CALIB_AT_LEAST, CALIB_MONTHS, DR_PPS_S, 3, 0,
     0},
    {G_GO, "PFS median, LCT", CALIB_PREDICTED, CALIB_IN_RANGE, CALIB_MONTHS, GO_PFS_R, 14.2, 0, 0},
    {G_GO, "PFS median, maintenance", CALIB_PREDICTED, CALIB_IN_RANGE, CALIB_MONTHS, GO_PFS_S, 4.4,
     0, 0},
    {G_GO, "OS median, LCT", CALIB_PREDICTED, CALIB_IN_RANGE, CALIB_MONTHS, GO_OS_R, 41.2, 0, 0},
    {G_GO, "OS median, maintenance", CALIB_PREDICTED, CALIB_IN_RANGE, CALIB_MONTHS, GO_OS_S, 17.0,
     0, 0},
    {G_GO, "survival after progression, LCT", CALIB_PREDICTED, CALIB_IN_RANGE, CALIB_MONTHS,
     GO_PPS_R, 37.6, 0, 0},
    {G_GO, "survival after progression, control", CALIB_PREDICTED, CALIB_IN_RANGE, CALIB_MONTHS,
     GO_PPS_S, 9.4, 0, 0},
    {G_GO, "post-progression median >= 3, LCT", CALIB_CHECK, CALIB_AT_LEAST, CALIB_MONTHS, GO_PPS_R,
     3, 0, 0},
    {G_GO, "post-progression median >= 3, control", CALIB_CHECK, CALIB_AT_LEAST, CALIB_MONTHS,
     GO_PPS_S, 3, 0, 0},
    {G_POP, "OS median, M1a", CALIB_FITTED, CALIB_ABS, CALIB_MONTHS, POP_M1A, 11.5, 0, 1.0},
    {G_POP, "OS median, M1b", CALIB_FITTED, CALIB_ABS, CALIB_MONTHS, POP_M1B, 11.4, 0, 1.0},
    {G_POP, "OS median, M1c", CALIB_FITTED, CALIB_ABS, CALIB_MONTHS, POP_M1C, 6.3, 0, 1.0},
    {G_POP, "PFS median, all", CALIB_FITTED, CALIB_BETWEEN, CALIB_MONTHS, POP_PFS, 4, 5.5, 0},
    {G_POP, "OS median, all", CALIB_CHECK, CALIB_BETWEEN, CALIB_MONTHS, POP_OS, 8, 11, 0},
    {G_POP, "OS hazard ratio, ECOG 1 vs 0", CALIB_STATED, CALIB_REL, CALIB_RATIO, POP_HR1, 1.3, 0,
     0.15},
    {G_POP, "OS hazard ratio, ECOG 2 vs 0", CALIB_STATED, CALIB_REL, CALIB_RATIO, POP_HR2, 2.0, 0,
     0.15},
    {G_POP, "OS hazard ratio, ECOG 3 vs 0", CALIB_STATED, CALIB_REL, CALIB_RATIO, POP_HR3, 3.0, 0,
     0.15},
    {G_POP, "OS hazard ratio, ECOG 4 vs 0", CALIB_STATED, CALIB_REL, CALIB_RATIO, POP_HR4, 4.5, 0,
     0.15},
};
enum { NFIG = sizeof figdef / sizeof figdef[0] };

/* ---- patients of a selection: both arms' outcomes ---- */

typedef struct arm_out {
    double *os_t, *os_e, *pfs_t, *pfs_e;
} arm_out;

typedef struct pool {
    size_t n;
    arm_out a[2]; /* 0 radical, 1 systemic */
    size_t *row;  /* each patient's row of the simulated cohort */
    uint8_t *single;
    uint8_t *local; /* a local relapse after radical therapy (local_relapse@radical = 1) */
} pool;

static int pool_alloc(pool *p, size_t n) {
    memset(p, 0, sizeof *p);
    for (int k = 0; k < 2; k++) {
        double **f[4] = {&p->a[k].os_t, &p->a[k].os_e, &p->a[k].pfs_t, &p->a[k].pfs_e};
        for (int j = 0; j < 4; j++)
            if (!(*f[j] = malloc((n ? n : 1) * sizeof(double))))
                return -1;
    }
    p->row = malloc((n ? n : 1) * sizeof *p->row);
    p->single = calloc(n ? n : 1, 1);
    p->local = calloc(n ? n : 1, 1);
    return p->row && p->single && p->local ? 0 : -1;
}

static void pool_free(pool *p) {
    for (int k = 0; k < 2; k++) {
        free(p->a[k].os_t);
        free(p->a[k].os_e);
        free(p->a[k].pfs_t);
        free(p->a[k].pfs_e);
    }
    free(p->row);
    free(p->single);
    free(p->local);
}

/* Scratch arrays for one Kaplan-Meier input. */
typedef struct scratch {
    double *t, *e;
} scratch;

/* Median and survival (percent) at at[0..nat) of n (time, event) pairs;
 * NaN when n is 0 or the median is not reached. */
static int km_figs(const double *t, const double *e, size_t n, const double *at, size_t nat,
                   double *median, double *surv, char *err, size_t errlen) {
    *median = NAN;
    for (size_t i = 0; i < nat; i++)
        surv[i] = NAN;
    if (n == 0)
        return 0;
    surv_input in = {.nrows = n, .time = t, .event_num = e, .ngroups = 1};
    km_options o = {.conf_type = SURV_CONF_LOG};
    km_fit *f;
    if (km_compute(&in, &o, &f, err, errlen) < 0)
        return -1;
    const km_curve *c = &f->strata[0];
    *median = c->median;
    km_point pt[4];
    km_at(c, at, nat, 1, pt);
    for (size_t i = 0; i < nat; i++)
        surv[i] = 100 * pt[i].surv;
    km_fit_free(f);
    return 0;
}

/* Rows k of the index list (all rows when idx is NULL). */
#define ROW(idx, i) ((idx) ? (idx)[i] : (i))

/* Median and survival at 12/24/36 months of one arm's OS (pfs = 0) or PFS. */
static int arm_figs(const arm_out *a, const size_t *idx, size_t n, int pfs, scratch *s, double *med,
                    double *surv3, char *err, size_t errlen) {
    for (size_t i = 0; i < n; i++) {
        size_t k = ROW(idx, i);
        s->t[i] = pfs ? a->pfs_t[k] : a->os_t[k];
        s->e[i] = pfs ? a->pfs_e[k] : a->os_e[k];
    }
    static const double at[3] = {12, 24, 36};
    return km_figs(s->t, s->e, n, at, 3, med, surv3, err, errlen);
}

/* Median survival after progression: from a progression (a PFS event
 * before death or censoring) to death, among the patients who progressed. */
static int pps_median(const arm_out *a, const size_t *idx, size_t n, scratch *s, double *med,
                      char *err, size_t errlen) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = ROW(idx, i);
        if (a->pfs_e[k] == 1 && a->pfs_t[k] < a->os_t[k]) {
            s->t[m] = a->os_t[k] - a->pfs_t[k];
            s->e[m++] = a->os_e[k];
        }
    }
    double dummy;
    return km_figs(s->t, s->e, m, NULL, 0, med, &dummy, err, errlen);
}

static int dr_values(const pool *p, const size_t *idx, size_t n, scratch *s, double *v, char *err,
                     size_t errlen) {
    if (arm_figs(&p->a[0], idx, n, 0, s, &v[DR_OS_MED], &v[DR_OS_1], err, errlen) < 0 ||
        arm_figs(&p->a[0], idx, n, 1, s, &v[DR_PFS_MED], &v[DR_PFS_1], err, errlen) < 0 ||
        pps_median(&p->a[0], idx, n, s, &v[DR_PPS_R], err, errlen) < 0 ||
        pps_median(&p->a[1], idx, n, s, &v[DR_PPS_S], err, errlen) < 0)
        return -1;
    size_t k = 0, kl = 0;
    for (size_t i = 0; i < n; i++) {
        k += p->single[ROW(idx, i)];
        kl += p->local[ROW(idx, i)];
    }
    v[DR_SINGLE] = n ? 100.0 * (double)k / (double)n : NAN;
    v[DR_LOCAL] = n ? 100.0 * (double)kl / (double)n : NAN;
    return 0;
}

static int go_values(const pool *p, const size_t *ir, size_t nr, const size_t *is, size_t ns,
                     scratch *s, double *v, char *err, size_t errlen) {
    double sv[3];
    if (arm_figs(&p->a[0], ir, nr, 1, s, &v[GO_PFS_R], sv, err, errlen) < 0 ||
        arm_figs(&p->a[1], is, ns, 1, s, &v[GO_PFS_S], sv, err, errlen) < 0 ||
        arm_figs(&p->a[0], ir, nr, 0, s, &v[GO_OS_R], sv, err, errlen) < 0 ||
        arm_figs(&p->a[1], is, ns, 0, s, &v[GO_OS_S], sv, err, errlen) < 0 ||
        pps_median(&p->a[0], ir, nr, s, &v[GO_PPS_R], err, errlen) < 0 ||
        pps_median(&p->a[1], is, ns, s, &v[GO_PPS_S], err, errlen) < 0)
        return -1;
    return 0;
}

/* ---- simulation and selection ---- */

static int set_err(char *err, size_t errlen, const char *what) {
    if (strstr(err, "interrupted") || tnm_interrupted())
        snprintf(err, errlen, "calibrate: interrupted");
    else {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", err);
        snprintf(err, errlen, "calibrate: %s: %s", what, tmp);
    }
    return -1;
}

/* Simulates era's population until `want` patients meet rule set `set`
 * (a cohort of n patients is the first n of any larger one, so growing it
 * keeps the patients already drawn). */
static int simulate_selected(const sim_params *p, const char *era, rules *r, const char *set,
                             size_t want, uint64_t seed, cohort **cout, rules_eval **evout,
                             char *err, size_t errlen) {
    size_t n = want < 50000 ? 50000 : want;
    for (;;) {
        cohort *c = NULL;
        if (sim_generate(p, era, n, seed, &c, err, errlen) < 0)
            return set_err(err, errlen, era);
        rules_eval *ev = rules_eval_new(r, set, c, err, errlen);
        if (!ev || rules_eval_run(ev, 1, err, errlen) < 0) {
            rules_eval_free(ev);
            cohort_free(c);
            return set_err(err, errlen, set);
        }
        size_t k = rules_eval_nselected(ev);
        if (k >= want) {
            *cout = c;
            *evout = ev;
            return 0;
        }
        rules_eval_free(ev);
        cohort_free(c);
        size_t next = k ? (size_t)((double)n * (double)want / (double)k * 1.05) + 1000 : n * 4;
        if (next > 40000000) {
            snprintf(err, errlen,
                     "calibrate: %zu of %zu simulated patients meet %s: too few for %zu", k, n, set,
                     want);
            return -1;
        }
        n = next;
    }
}

static const double *num_col(const cohort *c, const char *name) {
    const cohort_column *col = cohort_find(c, name);
    return col && col->type == COHORT_NUM ? col->v.num : NULL;
}

/* Copies the outcomes of the first want selected rows (with a radical
 * outcome) into pool, times shifted by -shift. */
static int fill_pool(pool *p, const cohort *c, const uint8_t *sel, size_t want, double shift,
                     char *err, size_t errlen) {
    static const char *const arm[2] = {"radical", "systemic"};
    const double *col[2][4];
    for (int a = 0; a < 2; a++) {
        char name[4][32];
        snprintf(name[0], 32, "os_time@%s", arm[a]);
        snprintf(name[1], 32, "os_event@%s", arm[a]);
        snprintf(name[2], 32, "pfs_time@%s", arm[a]);
        snprintf(name[3], 32, "pfs_event@%s", arm[a]);
        for (int j = 0; j < 4; j++)
            if (!(col[a][j] = num_col(c, name[j]))) {
                snprintf(err, errlen, "calibrate: the simulated cohort has no %s", name[j]);
                return -1;
            }
    }
    const double *local = num_col(c, "local_relapse@radical");
    size_t nrows = cohort_nrows(c), m = 0;
    for (size_t i = 0; i < nrows && m < want; i++) {
        if (sel[i] != EXPR_TRUE || isnan(col[0][0][i]))
            continue;
        p->row[m] = i;
        p->local[m] = local && local[i] == 1;
        for (int a = 0; a < 2; a++) {
            p->a[a].os_t[m] = col[a][0][i] - shift;
            p->a[a].os_e[m] = col[a][1][i];
            p->a[a].pfs_t[m] = col[a][2][i] - shift;
            p->a[a].pfs_e[m] = col[a][3][i];
        }
        m++;
    }
    p->n = m;
    return 0;
}

/* The population figures: OS medians by TNM 8 M category (staged by the
 * staging module), PFS and OS medians, the ECOG hazard ratios. */
static int pop_values(rules *r, const cohort *c, double *v, char *err, size_t errlen) {
    size_t n = cohort_nrows(c);
    const double *t = num_col(c, "os_time@systemic"), *e = num_col(c, "os_event@systemic");
    const double *pt = num_col(c, "pfs_time@systemic"), *pe = num_col(c, "pfs_event@systemic");
    const double *ecog = num_col(c, "ecog");
    if (!t || !e || !pt || !pe || !ecog) {
        snprintf(err, errlen, "calibrate: the simulated cohort lacks the systemic outcomes");
        return -1;
    }
    cohort *st = cohort_new(n);
    int32_t *group = malloc(n * sizeof *group), *codes = malloc(n * sizeof *codes);
    uint8_t *mask = malloc(n);
    int rc = -1;
    km_fit *f = NULL;
    cox_result *cr = NULL;
    if (!st || !group || !codes || !mask) {
        snprintf(err, errlen, "calibrate: out of memory");
        goto out;
    }
    if (rules_stage_cohort(r, 8, c, st, err, errlen) < 0) {
        set_err(err, errlen, "staging");
        goto out;
    }
    const cohort_column *m = cohort_find(st, "m");
    int32_t map[256];
    int32_t nl = m && m->nlevels < 256 ? m->nlevels : 0;
    for (int32_t l = 0; l < nl; l++) {
        const char *s = m->levels[l];
        map[l] = !strcmp(s, "M1a") ? 0 : !strcmp(s, "M1b") ? 1 : !strcmp(s, "M1c") ? 2 : -1;
    }
    for (size_t i = 0; i < n; i++)
        group[i] = m && m->v.str[i] >= 0 && m->v.str[i] < nl ? map[m->v.str[i]] : -1;
    surv_input in = {.nrows = n, .time = t, .event_num = e, .group = group, .ngroups = 3};
    km_options o = {.conf_type = SURV_CONF_LOG};
    if (km_compute(&in, &o, &f, err, errlen) < 0)
        goto out;
    for (int k = 0; k < 3; k++)
        v[POP_M1A + k] = f->strata[k].median;
    double sv;
    if (km_figs(pt, pe, n, NULL, 0, &v[POP_PFS], &sv, err, errlen) < 0 ||
        km_figs(t, e, n, NULL, 0, &v[POP_OS], &sv, err, errlen) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        codes[i] = isnan(ecog[i]) ? -1 : (int32_t)ecog[i];
        mask[i] = i < COX_ROWS;
    }
    static const char *const levels[5] = {"0", "1", "2", "3", "4"};
    cox_covariate cov = {.name = "ecog", .codes = codes, .levels = levels, .nlevels = 5};
    surv_input cin = {.nrows = n, .time = t, .event_num = e, .ngroups = 1, .mask = mask};
    cox_options co = {.ties = COX_EFRON};
    if (cox_fit(&cin, &cov, 1, &co, &cr, err, errlen) < 0)
        goto out;
    for (int k = 0; k < 4; k++)
        v[POP_HR1 + k] = (size_t)k < cr->p ? cr->hr[k] : NAN;
    rc = 0;
out:
    cox_free(cr);
    km_fit_free(f);
    cohort_free(st);
    free(group);
    free(codes);
    free(mask);
    return rc;
}

/* ---- resampled trials ---- */

static int run_trials(const pool *dr, const pool *go, int ntrials, uint64_t seed, scratch *s,
                      double *lo, double *hi, char *err, size_t errlen) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *vals = malloc((size_t)ntrials * NV * sizeof *vals);
    int rc = -1;
    if (!r || !vals) {
        snprintf(err, errlen, "calibrate: out of memory");
        goto out;
    }
    gsl_rng_set(r, (unsigned long)(seed ^ 0x5eed5eedu));
    for (int t = 0; t < ntrials; t++) {
        if (tnm_interrupted()) {
            snprintf(err, errlen, "calibrate: interrupted");
            goto out;
        }
        size_t idr[DR_TRIAL_N], ir[GO_TRIAL_R], is[GO_TRIAL_S];
        for (size_t i = 0; i < DR_TRIAL_N; i++)
            idr[i] = gsl_rng_uniform_int(r, dr->n);
        for (size_t i = 0; i < GO_TRIAL_R; i++)
            ir[i] = gsl_rng_uniform_int(r, go->n);
        for (size_t i = 0; i < GO_TRIAL_S; i++)
            is[i] = gsl_rng_uniform_int(r, go->n);
        double v[NV];
        if (dr_values(dr, idr, DR_TRIAL_N, s, v, err, errlen) < 0 ||
            go_values(go, ir, GO_TRIAL_R, is, GO_TRIAL_S, s, v, err, errlen) < 0)
            goto out;
        for (int k = DR_FIRST; k <= GO_LAST; k++)
            vals[(size_t)k * (size_t)ntrials + (size_t)t] = isnan(v[k]) ? INFINITY : v[k];
    }
    for (int k = DR_FIRST; k <= GO_LAST; k++) {
        double *x = vals + (size_t)k * (size_t)ntrials;
        qsort(x, (size_t)ntrials, sizeof *x, tnm_dbl_cmp);
        lo[k] = tnm_quantile7(x, (size_t)ntrials, 0.025);
        hi[k] = tnm_quantile7(x, (size_t)ntrials, 0.975);
    }
    rc = 0;
out:
    gsl_rng_free(r);
    free(vals);
    return rc;
}

/* ---- the report ---- */

static int load_set(rules *r, const char *scripts_dir, const char *set, char *err, size_t errlen) {
    char path[4200];
    snprintf(path, sizeof path, "%s/selection/%s.lua", scripts_dir, set);
    if (rules_load(r, path, err, errlen) < 0)
        return set_err(err, errlen, "rules");
    return 0;
}

static int fig_ok(const calib_fig *g) {
    switch (g->test) {
    case CALIB_ABS:
        return fabs(g->sim - g->paper) <= g->tol;
    case CALIB_REL:
        return fabs(g->sim / g->paper - 1) <= g->tol;
    case CALIB_BETWEEN:
        return g->paper <= g->sim && g->sim <= g->paper_hi;
    case CALIB_AT_LEAST:
        return g->sim >= g->paper;
    case CALIB_IN_RANGE:
        return g->lo <= g->paper && g->paper <= g->hi;
    }
    return 0;
}

static void split_group(calib_group *g, const char *name, const arm_out *a, const size_t *idx,
                        size_t n, scratch *s, char *err, size_t errlen, int *rc) {
    double sv[3];
    g->name = name;
    g->n = n;
    if (arm_figs(a, idx, n, 0, s, &g->os_median, sv, err, errlen) < 0)
        *rc = -1;
    g->os_2y = sv[1];
    if (arm_figs(a, idx, n, 1, s, &g->pfs_median, sv, err, errlen) < 0)
        *rc = -1;
    g->pfs_2y = sv[1];
}

int calib_run(const sim_params *p, const char *scripts_dir, size_t n_selected, uint64_t seed,
              int ntrials, calib_report *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (sim_params_check(p, err, errlen) < 0)
        return -1;
    if (sim_era_find(p, "deruysscher2012") < 0 || sim_era_find(p, "gomez2016") < 0) {
        snprintf(err, errlen,
                 "calibrate: the scenario needs the eras deruysscher2012 and gomez2016");
        return -1;
    }
    if (n_selected < 100 || n_selected > 10000000 || ntrials < 0 || ntrials > 100000) {
        snprintf(err, errlen, "calibrate: n must be in [100, 1e7] and trials in [0, 1e5]");
        return -1;
    }
    int rc = -1;
    cohort *cdr = NULL, *cgo = NULL;
    rules_eval *evdr = NULL, *evgo = NULL;
    pool dr, go;
    memset(&dr, 0, sizeof dr);
    memset(&go, 0, sizeof go);
    scratch s = {0};
    size_t *idx = NULL;
    double v[NV], lo[NV], hi[NV];
    for (int k = 0; k < NV; k++)
        v[k] = lo[k] = hi[k] = NAN;
    rules *r = rules_new(0, 0, err, errlen);
    if (!r)
        return -1;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/staging", scripts_dir);
    if (rules_set_staging_dir(r, dir) < 0 ||
        load_set(r, scripts_dir, "deruysscher2012", err, errlen) < 0 ||
        load_set(r, scripts_dir, "gomez2016", err, errlen) < 0)
        goto done;
    if (simulate_selected(p, "deruysscher2012", r, "deruysscher2012", n_selected, seed, &cdr, &evdr,
                          err, errlen) < 0 ||
        simulate_selected(p, "gomez2016", r, "gomez2016", n_selected, seed + 1, &cgo, &evgo, err,
                          errlen) < 0)
        goto done;
    out->pop_dr = cohort_nrows(cdr);
    out->pop_gomez = cohort_nrows(cgo);
    size_t big = out->pop_dr > n_selected ? out->pop_dr : n_selected;
    if (pool_alloc(&dr, n_selected) < 0 || pool_alloc(&go, n_selected) < 0 ||
        !(s.t = malloc(big * sizeof *s.t)) || !(s.e = malloc(big * sizeof *s.e)) ||
        !(idx = malloc(big * sizeof *idx))) {
        snprintf(err, errlen, "calibrate: out of memory");
        goto done;
    }
    /* the De Ruysscher selection and the Gomez one, from its landmark */
    const uint8_t *sel = rules_eval_selected(evdr);
    double L = rules_eval_landmark(evgo);
    if (fill_pool(&dr, cdr, sel, n_selected, 0, err, errlen) < 0 ||
        fill_pool(&go, cgo, rules_eval_selected(evgo), n_selected, isnan(L) ? 0 : L, err, errlen) <
            0)
        goto done;
    /* the split's not selected, over the population drawn */
    size_t nns = 0;
    for (size_t i = 0; i < out->pop_dr; i++)
        if (sel[i] != EXPR_TRUE)
            idx[nns++] = i;
    /* the single-metastasis patients: the rule set itself with max_lesions = 1 */
    if (rules_set_param(r, "deruysscher2012", "max_lesions", 1, NULL, err, errlen) < 0 ||
        rules_eval_run(evdr, 0, err, errlen) < 0) {
        set_err(err, errlen, "deruysscher2012");
        goto done;
    }
    sel = rules_eval_selected(evdr);
    for (size_t m = 0; m < dr.n; m++)
        dr.single[m] = sel[dr.row[m]] == EXPR_TRUE;
    rules_undo(r);

    arm_out pop_sys = {
        (double *)num_col(cdr, "os_time@systemic"), (double *)num_col(cdr, "os_event@systemic"),
        (double *)num_col(cdr, "pfs_time@systemic"), (double *)num_col(cdr, "pfs_event@systemic")};
    int src = 0;
    split_group(&out->split[2], "not selected, systemic arm", &pop_sys, idx, nns, &s, err, errlen,
                &src);
    split_group(&out->split[0], "selected, radical arm", &dr.a[0], NULL, dr.n, &s, err, errlen,
                &src);
    split_group(&out->split[1], "selected, systemic arm", &dr.a[1], NULL, dr.n, &s, err, errlen,
                &src);
    if (src < 0)
        goto done;

    if (dr_values(&dr, NULL, dr.n, &s, v, err, errlen) < 0 ||
        go_values(&go, NULL, go.n, NULL, go.n, &s, v, err, errlen) < 0 ||
        pop_values(r, cdr, v, err, errlen) < 0)
        goto done;
    if (ntrials > 0 && run_trials(&dr, &go, ntrials, seed, &s, lo, hi, err, errlen) < 0)
        goto done;

    out->n_selected = n_selected;
    out->ntrials = ntrials;
    out->nfig = NFIG;
    for (int f = 0; f < NFIG; f++) {
        const struct figdef *d = &figdef[f];
        calib_fig *g = &out->fig[f];
        g->group = d->group;
        g->label = d->label;
        g->role = d->role;
        g->test = d->test;
        g->unit = d->unit;
        g->paper = d->paper;
        g->paper_hi = d->paper_hi;
        g->tol = d->tol;
        g->sim = v[d->value];
        int trial = d->value <= GO_LAST && ntrials > 0;
        g->trial_n = !trial                ? 0
                     : d->value <= DR_LAST ? DR_TRIAL_N
                     : d->value == GO_PFS_S || d->value == GO_OS_S || d->value == GO_PPS_S
                         ? GO_TRIAL_S
                         : GO_TRIAL_R;
        g->lo = trial ? lo[d->value] : NAN;
        g->hi = trial ? hi[d->value] : NAN;
        g->ok = d->test == CALIB_IN_RANGE && !trial ? 1 : fig_ok(g);
    }
    rc = 0;
done:
    if (rc < 0 && tnm_interrupted())
        snprintf(err, errlen, "calibrate: interrupted");
    rules_eval_free(evdr);
    rules_eval_free(evgo);
    rules_free(r);
    cohort_free(cdr);
    cohort_free(cgo);
    pool_free(&dr);
    pool_free(&go);
    free(s.t);
    free(s.e);
    free(idx);
    return rc;
}

int calib_all_ok(const calib_report *r) {
    for (int f = 0; f < r->nfig; f++)
        if (!r->fig[f].ok)
            return 0;
    return r->nfig > 0;
}

const char *calib_role_name(calib_role role) {
    static const char *const names[] = {"fitted", "stated", "predicted", "check"};
    return (unsigned)role < 4 ? names[role] : "?";
}

static void fmt_val(char *buf, size_t len, double v, calib_unit u) {
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (isinf(v))
        snprintf(buf, len, "NR");
    else if (u == CALIB_PERCENT)
        snprintf(buf, len, "%.1f%%", v);
    else if (u == CALIB_RATIO)
        snprintf(buf, len, "%.2f", v);
    else
        snprintf(buf, len, "%.1f", v);
}

static void fmt_test(char *buf, size_t len, const calib_fig *g) {
    switch (g->test) {
    case CALIB_ABS:
        snprintf(buf, len, "within %g%s", g->tol, g->unit == CALIB_PERCENT ? " pt" : "");
        break;
    case CALIB_REL:
        snprintf(buf, len, "within %g%%", 100 * g->tol);
        break;
    case CALIB_BETWEEN:
        snprintf(buf, len, "in %g-%g", g->paper, g->paper_hi);
        break;
    case CALIB_AT_LEAST:
        snprintf(buf, len, "at least %g", g->paper);
        break;
    case CALIB_IN_RANGE:
        snprintf(buf, len, "paper in range");
        break;
    }
}

char *calib_format(const calib_report *r) {
    tnm_text b = {0};
    tnm_text_printf(&b,
                    "Calibration: %zu selected patients per trial (De Ruysscher from %zu and "
                    "Gomez from %zu simulated),\n"
                    "selected by the shipped rule sets deruysscher2012 and gomez2016; %d "
                    "resampled trials of the papers' sizes.\n"
                    "Months. fitted: a target of tools/fit_sim; stated: a scenario input that "
                    "must come out as stated;\n"
                    "predicted: never fitted; check: a plausibility bound. range: 2.5-97.5%% of "
                    "the resampled trials\n"
                    "(NR: median not reached). doc/model.md explains each figure.\n",
                    r->n_selected, r->pop_dr, r->pop_gomez, r->ntrials);
    const char *last = "";
    for (int f = 0; f < r->nfig; f++) {
        const calib_fig *g = &r->fig[f];
        if (strcmp(g->group, last) != 0) {
            tnm_text_printf(&b, "\n%s\n  %-38s %-9s %9s %9s %-13s %-15s\n", g->group, "figure",
                            "role", "paper", "simulated", "trial range", "test");
            last = g->group;
        }
        char pv[32], sv[32], lo[32], hi[32], range[64], test[40];
        if (g->test == CALIB_BETWEEN)
            snprintf(pv, sizeof pv, "%g-%g", g->paper, g->paper_hi);
        else if (g->test == CALIB_AT_LEAST)
            snprintf(pv, sizeof pv, "-");
        else
            fmt_val(pv, sizeof pv, g->paper, g->unit);
        fmt_val(sv, sizeof sv, g->sim, g->unit);
        if (g->trial_n) {
            fmt_val(lo, sizeof lo, g->lo, g->unit);
            fmt_val(hi, sizeof hi, g->hi, g->unit);
            snprintf(range, sizeof range, "%s-%s", lo, hi);
        } else {
            snprintf(range, sizeof range, "-");
        }
        fmt_test(test, sizeof test, g);
        tnm_text_printf(&b, "  %-38s %-9s %9s %9s %-13s %-15s %s\n", g->label,
                        calib_role_name(g->role), pv, sv, range, test, g->ok ? "ok" : "OFF");
    }
    tnm_text_printf(&b,
                    "\nSelection vs treatment (De Ruysscher era and selection, from diagnosis)\n"
                    "  %-28s %8s %10s %7s %11s %7s\n",
                    "group", "n", "OS median", "OS 2y", "PFS median", "PFS 2y");
    for (int g = 0; g < 3; g++) {
        const calib_group *s = &r->split[g];
        char om[32], pm[32];
        fmt_val(om, sizeof om, s->os_median, CALIB_MONTHS);
        fmt_val(pm, sizeof pm, s->pfs_median, CALIB_MONTHS);
        tnm_text_printf(&b, "  %-28s %8zu %10s %6.1f%% %11s %6.1f%%\n", s->name, s->n, om, s->os_2y,
                        pm, s->pfs_2y);
    }
    const calib_group *sr = &r->split[0], *ss = &r->split[1], *ns = &r->split[2];
    tnm_text_printf(&b,
                    "  selection (selected vs not, both systemic):  OS median %+.1f months, "
                    "OS 2y %+.1f points\n"
                    "  treatment (radical vs systemic, selected):   OS median %+.1f months, "
                    "OS 2y %+.1f points\n",
                    ss->os_median - ns->os_median, ss->os_2y - ns->os_2y,
                    sr->os_median - ss->os_median, sr->os_2y - ss->os_2y);
    int off = 0;
    for (int f = 0; f < r->nfig; f++)
        off += !r->fig[f].ok;
    if (off)
        tnm_text_printf(&b, "\n%d of %d figures OFF.\n", off, r->nfig);
    else
        tnm_text_printf(&b, "\nAll %d figures pass.\n", r->nfig);
    return tnm_text_take(&b);
}
