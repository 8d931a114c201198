/* sim_calib.c - the calibration report (see sim_calib.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sim_calib.h"
#include "text.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "sim_internal.h"

/* ---- trial selections (to be replaced by scripts/selection rule sets) ---- */

int sim_sel_deruysscher(const sim_patient *pt) {
    return pt->lesions >= 1 && pt->lesions <= 4 && !pt->effusion && pt->treatable && pt->ecog <= 2;
}

int sim_sel_gomez_baseline(const sim_patient *pt) {
    return pt->lesions >= 1 && pt->lesions <= 3 && !pt->effusion && pt->treatable && pt->ecog <= 2;
}

/* ---- a small Kaplan-Meier ---- */

typedef struct te {
    double t, e;
} te;

static int cmp_te(const void *a, const void *b) {
    double x = ((const te *)a)->t, y = ((const te *)b)->t;
    return (x > y) - (x < y);
}

int sim_km_figures(const double *time, const double *event, size_t n, const double *at, size_t nt,
                   double *median, double *surv_at) {
    te *d = malloc((n ? n : 1) * sizeof *d);
    if (!d)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(time[i]) && !isnan(event[i]))
            d[m++] = (te){time[i], event[i]};
    qsort(d, m, sizeof *d, cmp_te);
    for (size_t j = 0; j < nt; j++)
        surv_at[j] = 1;
    /* median as print.survfit's minmin(): first time the curve is below
     * 0.5 (+ tolerance); at exactly 0.5, the midpoint to the next drop */
    const double tol = 1.4901161193847656e-08; /* sqrt(DBL_EPSILON) */
    double s = 1, med = NAN, flat_t = NAN, flat_s = NAN;
    size_t i = 0, at_risk = m;
    while (i < m) {
        size_t j = i, ev = 0;
        while (j < m && d[j].t == d[i].t)
            ev += d[j++].e != 0;
        if (ev) {
            s *= 1.0 - (double)ev / (double)at_risk;
            if (isnan(med)) {
                if (!isnan(flat_t) && s < flat_s) {
                    med = (flat_t + d[i].t) / 2;
                } else if (isnan(flat_t) && s < 0.5 + tol) {
                    if (fabs(s - 0.5) < tol) {
                        flat_t = d[i].t;
                        flat_s = s;
                    } else {
                        med = d[i].t;
                    }
                }
            }
        }
        for (size_t k = 0; k < nt; k++)
            if (d[i].t <= at[k])
                surv_at[k] = s;
        at_risk -= j - i;
        i = j;
    }
    if (isnan(med) && !isnan(flat_t))
        med = flat_t; /* flat at 0.5 to the end: R gives that time */
    *median = med;
    free(d);
    return 0;
}

/* ---- growable outcome arrays ---- */

typedef struct vec {
    double *t, *e;
    size_t n, cap;
} vec;

static int vec_push(vec *v, double t, double e) {
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        double *nt = realloc(v->t, cap * sizeof *nt);
        if (!nt)
            return -1;
        v->t = nt;
        double *ne = realloc(v->e, cap * sizeof *ne);
        if (!ne)
            return -1;
        v->e = ne;
        v->cap = cap;
    }
    v->t[v->n] = t;
    v->e[v->n++] = e;
    return 0;
}

static void vec_free(vec *v) {
    free(v->t);
    free(v->e);
}

/* Pools the calibration draws from. */
enum {
    DR_OS,
    DR_PFS,
    DR_SYS_OS,
    DR_SYS_PFS,
    NS_OS,
    NS_PFS,
    GO_R_PFS,
    GO_R_OS,
    GO_S_PFS,
    GO_S_OS,
    M1A,
    M1B,
    M1C,
    ALL_OS,
    ALL_PFS,
    NPOOL
};

static int push_obs(vec *os, vec *pfs, const sim_obs *o, double shift) {
    return vec_push(os, o->os_time - shift, o->os_event) ||
           vec_push(pfs, o->pfs_time - shift, o->pfs_event);
}

static int draw_pools(const sim_params *p, size_t n, uint64_t seed, vec *pool,
                      sim_calib_report *rep) {
    int edr = sim_era_find(p, "deruysscher2012"), ego = sim_era_find(p, "gomez2016");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return -1;
    gsl_rng_set(r, (unsigned long)seed);
    const double L = p->landmark;
    size_t ndr = 0, ngo = 0;
    sim_prep prep;
    sim_prepare(p, &prep);
    int rc = 0;
    for (size_t k = 0; rc == 0 && (ndr < n || ngo < n); k++) {
        sim_patient pt;
        if ((k & (SIM_POLL - 1)) == 0 && tnm_interrupted()) {
            rc = -2;
            break;
        }
        sim_latent lt;
        sim_obs o[SIM_NARMS];
        sim_draw(p, &prep, r, &pt);
        if (ndr < n) {
            rep->pop_dr++;
            sim_latent_times(p, &p->eras[edr], &pt, &lt);
            sim_observe(&pt, &lt, SIM_SYSTEMIC, &o[SIM_SYSTEMIC]);
            rc |= vec_push(&pool[M1A + pt.mcat], o[SIM_SYSTEMIC].os_time, o[SIM_SYSTEMIC].os_event);
            rc |= push_obs(&pool[ALL_OS], &pool[ALL_PFS], &o[SIM_SYSTEMIC], 0);
            if (sim_sel_deruysscher(&pt)) {
                sim_observe(&pt, &lt, SIM_RADICAL, &o[SIM_RADICAL]);
                rc |= push_obs(&pool[DR_OS], &pool[DR_PFS], &o[SIM_RADICAL], 0);
                rc |= push_obs(&pool[DR_SYS_OS], &pool[DR_SYS_PFS], &o[SIM_SYSTEMIC], 0);
                ndr++;
            } else {
                rc |= push_obs(&pool[NS_OS], &pool[NS_PFS], &o[SIM_SYSTEMIC], 0);
            }
        }
        if (ngo < n) {
            rep->pop_gomez++;
            if (sim_sel_gomez_baseline(&pt)) {
                sim_latent_times(p, &p->eras[ego], &pt, &lt);
                if (sim_response(p, &pt, &lt) >= 1) {
                    for (int a = 0; a < SIM_NARMS; a++)
                        sim_observe(&pt, &lt, a, &o[a]);
                    rc |= push_obs(&pool[GO_R_OS], &pool[GO_R_PFS], &o[SIM_RADICAL], L);
                    rc |= push_obs(&pool[GO_S_OS], &pool[GO_S_PFS], &o[SIM_SYSTEMIC], L);
                    ngo++;
                }
            }
        }
    }
    gsl_rng_free(r);
    return rc == -2 ? -2 : rc ? -1 : 0;
}

/* Figure definitions: pool, KM time (0 = median), paper value, tolerance. */
static const struct {
    const char *trial, *label;
    int pool;
    double at, paper, tol;
} figdef[] = {
    {"De Ruysscher 2012, radical", "OS median", DR_OS, 0, 13.5, 0.7},
    {"De Ruysscher 2012, radical", "OS 1-year", DR_OS, 12, 56.4, 1.5},
    {"De Ruysscher 2012, radical", "OS 2-year", DR_OS, 24, 23.3, 1.5},
    {"De Ruysscher 2012, radical", "OS 3-year", DR_OS, 36, 17.5, 1.5},
    {"De Ruysscher 2012, radical", "PFS median", DR_PFS, 0, 12.1, 0.7},
    {"De Ruysscher 2012, radical", "PFS 1-year", DR_PFS, 12, 51.3, 1.5},
    {"De Ruysscher 2012, radical", "PFS 2-year", DR_PFS, 24, 13.6, 1.5},
    {"De Ruysscher 2012, radical", "PFS 3-year", DR_PFS, 36, 13.6, 1.5},
    {"Gomez 2019, from randomisation", "PFS median, LCT", GO_R_PFS, 0, 14.2, 1.5},
    {"Gomez 2019, from randomisation", "PFS median, maintenance", GO_S_PFS, 0, 4.4, 1.5},
    {"Gomez 2019, from randomisation", "OS median, LCT", GO_R_OS, 0, 41.2, 1.5},
    {"Gomez 2019, from randomisation", "OS median, maintenance", GO_S_OS, 0, 17.0, 1.5},
};
enum { NFIG = sizeof figdef / sizeof figdef[0] };

/* Trial sizes: De Ruysscher 39 evaluable; Gomez 25 LCT + 24 maintenance. */
static size_t trial_size(int pool) {
    return pool <= DR_PFS ? 39 : (pool == GO_R_PFS || pool == GO_R_OS) ? 25 : 24;
}

/* Median or survival (percent) of a pool's sample. */
static int figure(const double *t, const double *e, size_t n, double at, double *out) {
    double med, s;
    if (sim_km_figures(t, e, n, &at, 1, &med, &s) < 0)
        return -1;
    *out = at == 0 ? med : 100 * s;
    return 0;
}

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile (type 7) of sorted v[0..n-1]. */
static double quantile(const double *v, size_t n, double q) {
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return v[n - 1];
    if (isinf(v[lo]) || isinf(v[lo + 1]))
        return h - (double)lo < 1e-12 ? v[lo] : v[lo + 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

static int run_trials(const vec *pool, int ntrials, uint64_t seed, sim_calib_report *rep) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *vals = malloc((size_t)ntrials * NFIG * sizeof *vals);
    double *bt = malloc(64 * sizeof *bt), *be = malloc(64 * sizeof *be);
    int rc = -1;
    if (!r || !vals || !bt || !be)
        goto out;
    gsl_rng_set(r, (unsigned long)(seed ^ 0x5eed5eedu));
    for (int t = 0; t < ntrials; t++) {
        /* one draw of patients per arm and trial; OS and PFS of the same patients */
        size_t idx[3][39];
        const int arms[3][2] = {{DR_OS, DR_PFS}, {GO_R_OS, GO_R_PFS}, {GO_S_OS, GO_S_PFS}};
        for (int a = 0; a < 3; a++)
            for (size_t i = 0; i < trial_size(arms[a][0]); i++)
                idx[a][i] = gsl_rng_uniform_int(r, pool[arms[a][0]].n);
        for (int f = 0; f < NFIG; f++) {
            int pl = figdef[f].pool, a = pl <= DR_PFS                        ? 0
                                         : (pl == GO_R_PFS || pl == GO_R_OS) ? 1
                                                                             : 2;
            size_t m = trial_size(pl);
            for (size_t i = 0; i < m; i++) {
                bt[i] = pool[pl].t[idx[a][i]];
                be[i] = pool[pl].e[idx[a][i]];
            }
            double v;
            if (figure(bt, be, m, figdef[f].at, &v) < 0)
                goto out;
            vals[(size_t)f * (size_t)ntrials + (size_t)t] = isnan(v) ? INFINITY : v;
        }
    }
    for (int f = 0; f < NFIG; f++) {
        double *v = vals + (size_t)f * (size_t)ntrials;
        qsort(v, (size_t)ntrials, sizeof *v, cmp_dbl);
        rep->fig[f].lo = quantile(v, (size_t)ntrials, 0.025);
        rep->fig[f].hi = quantile(v, (size_t)ntrials, 0.975);
        rep->fig[f].in_range =
            rep->fig[f].lo <= rep->fig[f].paper && rep->fig[f].paper <= rep->fig[f].hi;
    }
    rc = 0;
out:
    gsl_rng_free(r);
    free(vals);
    free(bt);
    free(be);
    return rc;
}

int sim_calibrate(const sim_params *p, size_t n_selected, uint64_t seed, int ntrials,
                  sim_calib_report *out, char *err, size_t errlen) {
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
    vec pool[NPOOL];
    memset(pool, 0, sizeof pool);
    int rc = -1;
    out->n_selected = n_selected;
    out->ntrials = ntrials;
    int drc = draw_pools(p, n_selected, seed, pool, out);
    if (drc == -2)
        goto interrupted;
    if (drc < 0)
        goto nomem;
    out->nfig = NFIG;
    for (int f = 0; f < NFIG; f++) {
        sim_calib_fig *g = &out->fig[f];
        g->trial = figdef[f].trial;
        g->label = figdef[f].label;
        g->is_median = figdef[f].at == 0;
        g->paper = figdef[f].paper;
        g->tol = figdef[f].tol;
        const vec *v = &pool[figdef[f].pool];
        if (figure(v->t, v->e, v->n, figdef[f].at, &g->sim) < 0)
            goto nomem;
        g->ok = fabs(g->sim - g->paper) <= g->tol;
        g->lo = g->hi = NAN;
        g->in_range = 1;
    }
    static const char *const gname[3] = {"selected, radical arm", "selected, systemic arm",
                                         "not selected, systemic arm"};
    const int gpool[3][2] = {{DR_OS, DR_PFS}, {DR_SYS_OS, DR_SYS_PFS}, {NS_OS, NS_PFS}};
    for (int g = 0; g < 3; g++) {
        sim_calib_group *s = &out->split[g];
        double at = 24, sv;
        s->name = gname[g];
        s->n = pool[gpool[g][0]].n;
        if (sim_km_figures(pool[gpool[g][0]].t, pool[gpool[g][0]].e, s->n, &at, 1, &s->os_median,
                           &sv) < 0)
            goto nomem;
        s->os_2y = 100 * sv;
        if (sim_km_figures(pool[gpool[g][1]].t, pool[gpool[g][1]].e, s->n, &at, 1, &s->pfs_median,
                           &sv) < 0)
            goto nomem;
        s->pfs_2y = 100 * sv;
    }
    for (int m = 0; m < 3; m++) {
        double at = 12, sv;
        if (sim_km_figures(pool[M1A + m].t, pool[M1A + m].e, pool[M1A + m].n, &at, 1,
                           &out->m_median[m], &sv) < 0)
            goto nomem;
    }
    {
        double at = 12, sv;
        if (sim_km_figures(pool[ALL_OS].t, pool[ALL_OS].e, pool[ALL_OS].n, &at, 1,
                           &out->all_os_median, &sv) < 0 ||
            sim_km_figures(pool[ALL_PFS].t, pool[ALL_PFS].e, pool[ALL_PFS].n, &at, 1,
                           &out->all_pfs_median, &sv) < 0)
            goto nomem;
    }
    if (ntrials > 0 && run_trials(pool, ntrials, seed, out) < 0)
        goto nomem;
    rc = 0;
    goto done;
nomem:
    snprintf(err, errlen, "calibrate: out of memory");
    goto done;
interrupted:
    snprintf(err, errlen, "calibrate: interrupted");
done:
    for (int i = 0; i < NPOOL; i++)
        vec_free(&pool[i]);
    return rc;
}

/* ---- the text report ---- */

static void fmt_val(char *buf, size_t len, double v, int is_median) {
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (isinf(v))
        snprintf(buf, len, "NR");
    else
        snprintf(buf, len, is_median ? "%.1f" : "%.1f%%", v);
}

char *sim_calib_format(const sim_calib_report *r) {
    tnm_text b = {0};
    tnm_text_printf(
        &b,
        "Calibration: %zu selected patients per trial (from %zu and %zu simulated), "
        "%d resampled trials of the papers' sizes.\n"
        "Months; 1 year = 12 months.  tol: allowed |simulated - paper|; range: 2.5-97.5%% "
        "of the resampled trials (NR = median not reached).\n",
        r->n_selected, r->pop_dr, r->pop_gomez, r->ntrials);
    const char *last = "";
    int allok = 1;
    for (int f = 0; f < r->nfig; f++) {
        const sim_calib_fig *g = &r->fig[f];
        if (strcmp(g->trial, last) != 0) {
            if (f == 0)
                tnm_text_printf(&b,
                                "\nDe Ruysscher 2012: De Ruysscher selection, radical arm, from "
                                "diagnosis (trial n = 39)\n");
            else
                tnm_text_printf(&b, "\nGomez 2016/2019: Gomez selection, from randomisation at the "
                                    "landmark (trial n = 25 LCT + 24 maintenance)\n");
            tnm_text_printf(&b, "  %-26s %8s %10s %6s  %-18s\n", "figure", "paper", "simulated",
                            "tol", "trial range");
            last = g->trial;
        }
        char pv[24], sv[24], lo[24], hi[24], range[64];
        fmt_val(pv, sizeof pv, g->paper, g->is_median);
        fmt_val(sv, sizeof sv, g->sim, g->is_median);
        fmt_val(lo, sizeof lo, g->lo, g->is_median);
        fmt_val(hi, sizeof hi, g->hi, g->is_median);
        if (r->ntrials > 0)
            snprintf(range, sizeof range, "%s - %s%s", lo, hi, g->in_range ? "" : " MISS");
        else
            snprintf(range, sizeof range, "(not run)");
        tnm_text_printf(&b, "  %-26s %8s %10s %6.1f%s %-18s\n", g->label, pv, sv, g->tol,
                        g->ok ? "  " : " !", range);
        allok &= g->ok && g->in_range;
    }
    tnm_text_printf(&b, "\n%s\n",
                    allok ? "All figures within tolerance and inside the trial ranges."
                          : "Some figures are off (marked ! or MISS).");
    tnm_text_printf(
        &b, "\nSelection vs treatment, De Ruysscher selection (a property of this model, not "
            "of the trials:\nDe Ruysscher was single-arm; each patient's outcome under both "
            "arms exists only in the simulation)\n");
    tnm_text_printf(&b, "  %-28s %8s %10s %7s %11s %7s\n", "group", "n", "OS median", "OS 2y",
                    "PFS median", "PFS 2y");
    for (int g = 0; g < 3; g++) {
        const sim_calib_group *s = &r->split[g];
        char om[24], pm[24];
        fmt_val(om, sizeof om, s->os_median, 1);
        fmt_val(pm, sizeof pm, s->pfs_median, 1);
        tnm_text_printf(&b, "  %-28s %8zu %10s %6.1f%% %11s %6.1f%%\n", s->name, s->n, om, s->os_2y,
                        pm, s->pfs_2y);
    }
    const sim_calib_group *sr = &r->split[0], *ss = &r->split[1], *ns = &r->split[2];
    tnm_text_printf(&b,
                    "  selection (selected vs not, both systemic):  OS median %+.1f months, "
                    "OS 2y %+.1f points\n"
                    "  treatment (radical vs systemic, selected):   OS median %+.1f months, "
                    "OS 2y %+.1f points\n",
                    ss->os_median - ns->os_median, ss->os_2y - ns->os_2y,
                    sr->os_median - ss->os_median, sr->os_2y - ss->os_2y);
    tnm_text_printf(&b,
                    "\nPopulation check, whole population, systemic arm, OS median by M category\n"
                    "(Eberhardt 2015 IASLC database, mixed treatments; loosely fitted, not "
                    "asserted):\n"
                    "  M1a %.1f (paper 11.4)   M1b %.1f (paper 11.4)   M1c %.1f (paper 6.3)\n"
                    "  all M categories: OS median %.1f, PFS median %.1f (platinum-doublet trials: "
                    "about 8 and 4-5)\n",
                    r->m_median[0], r->m_median[1], r->m_median[2], r->all_os_median,
                    r->all_pfs_median);
    return tnm_text_take(&b);
}
