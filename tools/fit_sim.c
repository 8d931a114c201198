/* fit_sim.c - fits the stage IV scenario's outcome parameters to the
 * published figures named "fitted" in the calibration report
 * (dsl/calibrate.h, doc/model.md#calibration), and writes them into the
 * scenario file.
 *
 * Part of tnmlab (tools; not run by make check).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   ./tools/fit_sim [--scenario FILE] [--scripts DIR] [--n N] [--iter K]
 *                   [--rounds R] [--seed S] [--dr-weight W] [--write]
 *
 * Draws the population once (covariates and random numbers do not depend
 * on the outcome parameters, so the objective is a deterministic function
 * of them), selects the De Ruysscher patients with the shipped rule set
 * (scripts/selection/deruysscher2012.lua, run by the rule engine on the
 * simulated cohort of the same patients), keeps a population sample, and
 * minimises with GSL's Nelder-Mead simplex (nmsimplex2) the sum of squared
 * scaled differences between simulated and published figures:
 *   De Ruysscher 2012, radical arm: OS median and 1/2/3-year OS, PFS median
 *     and 1/2/3-year PFS (scale 0.5 months / 1 percentage point);
 *   IASLC (Eberhardt 2015) OS medians by M1a/M1b/M1c, whole population,
 *     systemic arm (scale 0.5 months);
 *   the era's systemic PFS median, 4.75 months (scale 0.25), and OS median,
 *     9 months (scale 1.5), whole population;
 *   post-progression survival of trial-eligible patients (ECOG 0-1, whole
 *     population, systemic arm) as OS median - PFS median, 6.5 months
 *     (Hayashi 2012: first-line trials since 2000; scale 0.5);
 *   progression after induction: trial-eligible patients (ECOG 0-1) alive
 *     and progression-free at the landmark, PFS median from it, 3.5 months
 *     (PARAMOUNT: 4.1 on maintenance, 2.8 on placebo; scale 0.4);
 *   (the hazard ratio of each extra lesion, extra_lesion_hr, is fitted with
 *   the rest: it sets the M1c medians against M1b's);
 *   the OS hazard ratios of ECOG 1-4 vs 0 (Cox, Efron, on 30,000 patients of
 *     the population) against the scenario's stated ones (scale 5% on the
 *     log scale): the effects are stated as overall-survival hazard ratios
 *     and must come out as stated;
 * and one-sided penalties: survival after progression at least 3.5 months
 *   in both arms of the De Ruysscher selection, and radical therapy ahead of
 *   systemic therapy alone there (OS median by 1.5 months, 2-year OS by 3
 *   points, 3-year OS by 5 points).
 * The Gomez 2016/2019 figures are not fitted: the calibration report
 * predicts them.  The figures here come from the latent (uncensored) times;
 * the calibration report then checks the written parameters with
 * Kaplan-Meier on censored data.
 * --dr-weight W divides the De Ruysscher scales by W (W < 1 loosens them).
 * Nelder-Mead restarts (--rounds) around the best point until a restart no
 * longer helps.  With --write the block between "-- BEGIN FIT" and
 * "-- END FIT" in the scenario file is replaced (temporary file, rename).
 */
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "cox.h"
#include "expr.h"
#include "lsim.h"
#include "rules.h"
#include "sim.h"
#include "sim_internal.h"

enum { NPAR = 13 };
static const char *const par_names[NPAR] = {
    "prog_scale",  "prog_shape",     "pps_scale",      "pps_shape", "cure_logit",
    "radical_hr",  "radical_shape",  "pps_ttp",        "prog_lp",   "pps_lp",
    "pps_ttp_min", "maintenance_hr", "extra_lesion_hr"};
/* theta is on the log scale except these (a logit, an exponent, weights) */
static int is_linear(int i) {
    return i == 4 || i == 7 || i == 8 || i == 9;
}

typedef struct fit_data {
    sim_params p;
    int edr;
    sim_patient *dr, *pop;
    size_t ndr, npop;
    double *buf[5]; /* scratch for medians */
    double *cox_t, *cox_e;
    int32_t *cox_ecog;
    size_t ncox;
    double extra_lesion_hr;   /* exp(p.eff_extra_lesion): enters the prognostic index */
    double *dr_lp0, *pop_lp0; /* each patient's index without the extra-lesion term */
} fit_data;

static double *par_slot(fit_data *d, int i) {
    double *slot[NPAR] = {&d->p.prog_scale,    &d->p.prog_shape,  &d->p.pps_scale,
                          &d->p.pps_shape,     &d->p.cure_logit,  &d->p.radical_hr,
                          &d->p.radical_shape, &d->p.pps_ttp,     &d->p.prog_lp,
                          &d->p.pps_lp,        &d->p.pps_ttp_min, &d->p.eras[d->edr].maintenance_hr,
                          &d->extra_lesion_hr};
    return slot[i];
}

/* The extra-lesion term of a patient's prognostic index, as sim_draw()
 * adds it. */
static double extra_lesion_term(const sim_params *p, const sim_patient *pt) {
    return pt->lesions > 1 ? p->eff_extra_lesion * fmin(pt->lesions - 1, p->eff_lesion_cap) : 0;
}

/* Each patient's index at the current extra-lesion ratio: derived from the
 * index without that term, kept from the draw. */
static void set_lp(const sim_params *p, sim_patient *pt, const double *lp0, size_t n) {
    for (size_t i = 0; i < n; i++)
        pt[i].lp = lp0[i] + extra_lesion_term(p, &pt[i]);
}

static void set_params(fit_data *d, const double *th) {
    for (int i = 0; i < NPAR; i++)
        *par_slot(d, i) = is_linear(i) ? th[i] : exp(th[i]);
    double old = d->p.eff_extra_lesion;
    d->p.eff_extra_lesion = log(d->extra_lesion_hr);
    if (d->p.eff_extra_lesion != old) {
        set_lp(&d->p, d->dr, d->dr_lp0, d->ndr);
        set_lp(&d->p, d->pop, d->pop_lp0, d->npop);
    }
}

static void get_theta(fit_data *d, double *th) {
    for (int i = 0; i < NPAR; i++)
        th[i] = is_linear(i) ? *par_slot(d, i) : log(*par_slot(d, i));
}

/* k-th smallest of v[0..n-1] (quickselect; reorders v). */
static double kth(double *v, size_t n, size_t k) {
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double piv = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < piv)
                i++;
            while (v[j] > piv)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/* Median of v[0..n-1] (reorders v). */
static double median(double *v, size_t n) {
    if (n == 0)
        return NAN;
    double hi = kth(v, n, n / 2);
    if (n % 2)
        return hi;
    double lo = v[0];
    for (size_t i = 1; i < n / 2; i++)
        if (v[i] > lo)
            lo = v[i];
    return (lo + hi) / 2;
}

static double pct_above(const double *v, size_t n, double t) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += v[i] > t;
    return 100.0 * (double)k / (double)n;
}

enum { NTARGET = 19, NEXTRA = 5 };
static struct {
    const char *name;
    double paper, scale;
} target[NTARGET] = {{"DR OS median", 13.5, 0.5},
                     {"DR OS 1y %", 56.4, 1},
                     {"DR OS 2y %", 23.3, 1},
                     {"DR OS 3y %", 17.5, 1},
                     {"DR PFS median", 12.1, 0.5},
                     {"DR PFS 1y %", 51.3, 1},
                     {"DR PFS 2y %", 13.6, 1},
                     {"DR PFS 3y %", 13.6, 1},
                     {"IASLC M1a OS median", 11.5, 0.5},
                     {"IASLC M1b OS median", 11.4, 0.5},
                     {"IASLC M1c OS median", 6.3, 0.5},
                     {"all-comers PFS median", 4.75, 0.25},
                     {"all-comers OS median", 9.0, 1.5},
                     {"log HR ECOG 1", 0, 0.05},
                     {"log HR ECOG 2", 0, 0.05},
                     {"log HR ECOG 3", 0, 0.05},
                     {"log HR ECOG 4", 0, 0.05},
                     {"ECOG 0-1 OS - PFS median", 6.5, 0.5},
                     {"after induction PFS median", 3.5, 0.4}};

/* fig[NTARGET..]: the De Ruysscher selection's systemic arm (OS median, 2-
 * and 3-year OS) and its survival after progression per arm (radical,
 * systemic): not data, the one-sided penalties of objective(). */
static void figures(fit_data *d, double *fig) {
    double *os = d->buf[0], *pfs = d->buf[1], *a = d->buf[2], *pr = d->buf[3], *ps = d->buf[4];
    sim_latent lt;
    size_t npr = 0, nps = 0;
    for (size_t i = 0; i < d->ndr; i++) {
        sim_latent_times(&d->p, &d->p.eras[d->edr], &d->dr[i], &lt);
        os[i] = lt.death[SIM_RADICAL];
        pfs[i] = fmin(lt.prog[SIM_RADICAL], lt.death[SIM_RADICAL]);
        a[i] = lt.death[SIM_SYSTEMIC];
        if (lt.prog[SIM_RADICAL] < lt.death[SIM_RADICAL])
            pr[npr++] = lt.death[SIM_RADICAL] - lt.prog[SIM_RADICAL];
        if (lt.prog[SIM_SYSTEMIC] < lt.death[SIM_SYSTEMIC])
            ps[nps++] = lt.death[SIM_SYSTEMIC] - lt.prog[SIM_SYSTEMIC];
    }
    fig[NTARGET + 1] = pct_above(a, d->ndr, 24);
    fig[NTARGET + 2] = pct_above(a, d->ndr, 36);
    fig[NTARGET] = median(a, d->ndr);
    fig[NTARGET + 3] = median(pr, npr);
    fig[NTARGET + 4] = median(ps, nps);
    fig[1] = pct_above(os, d->ndr, 12);
    fig[2] = pct_above(os, d->ndr, 24);
    fig[3] = pct_above(os, d->ndr, 36);
    fig[5] = pct_above(pfs, d->ndr, 12);
    fig[6] = pct_above(pfs, d->ndr, 24);
    fig[7] = pct_above(pfs, d->ndr, 36);
    fig[0] = median(os, d->ndr);
    fig[4] = median(pfs, d->ndr);

    size_t k[3] = {0, 0, 0};
    double *mv[3] = {os, pfs, a}, *all = pr, *allp = ps;
    for (size_t i = 0; i < d->npop; i++) {
        sim_latent_times(&d->p, &d->p.eras[d->edr], &d->pop[i], &lt);
        int c = d->pop[i].mcat;
        mv[c][k[c]++] = lt.death[SIM_SYSTEMIC];
        all[i] = lt.death[SIM_SYSTEMIC];
        allp[i] = fmin(lt.prog[SIM_SYSTEMIC], lt.death[SIM_SYSTEMIC]);
        if (i < d->ncox)
            d->cox_t[i] = lt.death[SIM_SYSTEMIC];
    }
    for (int c = 0; c < 3; c++)
        fig[8 + c] = median(mv[c], k[c]);
    fig[12] = median(all, d->npop);
    fig[11] = median(allp, d->npop);
    /* trial-eligible patients (ECOG 0-1): OS median - PFS median, the
     * post-progression survival of first-line trials as Hayashi 2012
     * computed it */
    size_t k01 = 0;
    for (size_t i = 0; i < d->npop; i++) {
        if (d->pop[i].ecog > 1)
            continue;
        sim_latent_times(&d->p, &d->p.eras[d->edr], &d->pop[i], &lt);
        all[k01] = lt.death[SIM_SYSTEMIC];
        allp[k01++] = fmin(lt.prog[SIM_SYSTEMIC], lt.death[SIM_SYSTEMIC]);
    }
    fig[17] = median(all, k01) - median(allp, k01);
    /* after induction: trial-eligible patients alive and progression-free
     * at the landmark, PFS from it (PARAMOUNT: 4.1 months on maintenance,
     * 2.8 on placebo; the control arms mix both) */
    const double L = d->p.landmark;
    size_t kl = 0;
    for (size_t i = 0; i < d->npop; i++) {
        if (d->pop[i].ecog > 1)
            continue;
        sim_latent_times(&d->p, &d->p.eras[d->edr], &d->pop[i], &lt);
        double pf = fmin(lt.prog[SIM_SYSTEMIC], lt.death[SIM_SYSTEMIC]);
        if (pf > L)
            allp[kl++] = pf - L;
    }
    fig[18] = median(allp, kl);

    surv_input in = {.nrows = d->ncox, .time = d->cox_t, .event_num = d->cox_e, .ngroups = 1};
    static const char *const levels[5] = {"0", "1", "2", "3", "4"};
    cox_covariate cov = {.name = "ecog", .codes = d->cox_ecog, .levels = levels, .nlevels = 5};
    cox_options co = {.ties = COX_BRESLOW}; /* continuous latent times: no ties */
    cox_result *cr = NULL;
    char err[256];
    for (int e = 0; e < 4; e++)
        fig[13 + e] = NAN;
    if (cox_fit(&in, &cov, 1, &co, &cr, err, sizeof err) == 0) {
        for (int e = 0; e < 4 && (size_t)e < cr->p; e++)
            fig[13 + e] = cr->coef[e] - d->p.eff_ecog[e + 1];
        cox_free(cr);
    }
}

static double bound_prog_shape = 0.8, bound_pps_shape = 0.4, bound_lp = 0.3;

static double objective(const gsl_vector *x, void *arg) {
    fit_data *d = arg;
    double th[NPAR], fig[NTARGET + NEXTRA];
    for (int i = 0; i < NPAR; i++)
        th[i] = gsl_vector_get(x, (size_t)i);
    /* Keep the simplex inside clinically sensible ranges: progression
     * hazards that do not fall from diagnosis, radical therapy that does
     * not raise the progression hazard, effects applied at most in full. */
    if (th[1] < log(bound_prog_shape) || th[1] > log(3) || /* prog_shape */
        th[3] < log(bound_pps_shape) || th[3] > log(2) ||  /* pps_shape */
        th[6] < log(1.0) || th[6] > log(5) ||              /* radical_shape */
        th[5] > log(1.0) || fabs(th[4]) > 8 ||             /* radical_hr, cure_logit */
        th[7] < 0 || th[7] > 2 ||                          /* pps_ttp */
        th[8] < bound_lp || th[8] > 1.2 || th[9] < bound_lp || th[9] > 1.2 || /* weights */
        th[10] < log(1) || th[10] > log(12) ||                                /* pps_ttp_min */
        th[11] < log(0.5) || th[11] > log(5) ||                               /* maintenance_hr */
        th[12] < log(1) || th[12] > log(1.5))                                 /* extra_lesion_hr */
        return 1e9;
    set_params(d, th);
    figures(d, fig);
    double s = 0;
    for (int i = 0; i < NTARGET; i++) {
        double z = isnan(fig[i]) ? 50 : (fig[i] - target[i].paper) / target[i].scale;
        s += z * z;
    }
    /* radical therapy must not look worse than systemic therapy alone in
     * the De Ruysscher selection: median at least 1.5 months, 2-year OS 3
     * points, 3-year OS (cures) 5 points better */
    const double margin[3] = {1.5, 3, 5}, rad[3] = {fig[0], fig[2], fig[3]};
    const double sc[3] = {0.5, 1, 1};
    for (int i = 0; i < 3; i++) {
        double z = fmax(0, fig[NTARGET + i] - (rad[i] - margin[i])) / sc[i];
        s += z * z;
    }
    /* survival after progression: months, not weeks, in both arms */
    for (int i = 3; i < 5; i++) {
        double z = fmax(0, 3.5 - fig[NTARGET + i]) / 0.25;
        s += z * z;
    }
    return s;
}

static void report(fit_data *d) {
    double fig[NTARGET + NEXTRA];
    figures(d, fig);
    for (int i = 0; i < NTARGET; i++)
        printf("  %-22s paper %6.2f  model %6.2f\n", target[i].name, target[i].paper, fig[i]);
    printf("  DR selection, systemic arm: OS median %.2f, 2y %.2f%%, 3y %.2f%%\n", fig[NTARGET],
           fig[NTARGET + 1], fig[NTARGET + 2]);
    printf("  DR selection, survival after progression: radical %.2f, systemic %.2f\n",
           fig[NTARGET + 3], fig[NTARGET + 4]);
}

static int write_fit(const char *path, fit_data *d, double obj) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            cap = (cap + 4096) * 2;
            char *nt = realloc(text, cap);
            if (!nt) {
                free(text);
                fclose(f);
                return -1;
            }
            text = nt;
        }
        size_t r = fread(text + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0)
            break;
    }
    fclose(f);
    text[len] = '\0';
    char *b = strstr(text, "-- BEGIN FIT"), *e = strstr(text, "-- END FIT");
    if (!b || !e || e < b) {
        fprintf(stderr, "%s: no '-- BEGIN FIT' ... '-- END FIT' block\n", path);
        free(text);
        return -1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *o = fopen(tmp, "w");
    if (!o) {
        perror(tmp);
        free(text);
        return -1;
    }
    double th[NPAR];
    get_theta(d, th);
    fwrite(text, 1, (size_t)(b - text), o);
    fprintf(o, "-- BEGIN FIT (written by tools/fit_sim; objective %.4g, 0 = every target met)\n",
            obj);
    fprintf(o, "local fit = {\n");
    for (int i = 0; i < NPAR; i++) {
        double v = is_linear(i) ? th[i] : exp(th[i]);
        fprintf(o, "  %s = %.6g,\n", par_names[i], v);
    }
    fprintf(o, "}\n");
    fputs(e, o);
    free(text);
    if (fclose(o) != 0 || rename(tmp, path) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* The De Ruysscher selection of the first n patients of seed's stream:
 * the shipped rule set on the simulated cohort of those patients. */
static uint8_t *select_dr(const sim_params *p, const char *scripts, size_t n, unsigned long seed) {
    char err[1024], path[4200];
    cohort *c = NULL;
    if (sim_generate(p, "deruysscher2012", n, seed, &c, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    rules *r = rules_new(0, 0, err, sizeof err);
    snprintf(path, sizeof path, "%s/selection/deruysscher2012.lua", scripts);
    rules_eval *ev = NULL;
    uint8_t *sel = NULL;
    if (!r || rules_load(r, path, err, sizeof err) < 0 ||
        !(ev = rules_eval_new(r, "deruysscher2012", c, err, sizeof err)) ||
        rules_eval_run(ev, 1, err, sizeof err) < 0)
        fprintf(stderr, "%s\n", err);
    else if ((sel = malloc(n)))
        memcpy(sel, rules_eval_selected(ev), n);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
    return sel;
}

int main(int argc, char **argv) {
    const char *path = "scripts/scenarios/stage_iv.lua", *scripts = "scripts";
    size_t nfit = 100000;
    int iter = 2000, write = 0, rounds = 8;
    unsigned long seed = 12345;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--scenario") && i + 1 < argc)
            path = argv[++i];
        else if (!strcmp(argv[i], "--scripts") && i + 1 < argc)
            scripts = argv[++i];
        else if (!strcmp(argv[i], "--n") && i + 1 < argc)
            nfit = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--iter") && i + 1 < argc)
            iter = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dr-weight") && i + 1 < argc) {
            double w = atof(argv[++i]);
            for (int k = 0; k < 8; k++)
                target[k].scale /= w;
        } else if (!strcmp(argv[i], "--write"))
            write = 1;
        else {
            fprintf(stderr,
                    "usage: %s [--scenario FILE] [--scripts DIR] [--n N] [--iter K]\n"
                    "          [--rounds R] [--seed S] [--dr-weight W] [--write]\n",
                    argv[0]);
            return 2;
        }
    }
    static fit_data d;
    char err[1024];
    setvbuf(stdout, NULL, _IOLBF, 0);
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (lsim_load_file(L, path, &d.p, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    lua_close(L);
    d.edr = sim_era_find(&d.p, "deruysscher2012");
    d.extra_lesion_hr = exp(d.p.eff_extra_lesion);
    if (d.edr < 0) {
        fprintf(stderr, "%s: era deruysscher2012 needed\n", path);
        return 1;
    }
    /* the stream holds about one De Ruysscher patient in 3.6: draw enough */
    size_t ndraw = nfit * 5, npop_max = nfit * 2;
    uint8_t *sel = select_dr(&d.p, scripts, ndraw, seed);
    d.dr = malloc(nfit * sizeof *d.dr);
    d.pop = malloc(npop_max * sizeof *d.pop);
    d.ncox = npop_max < 30000 ? npop_max : 30000;
    d.cox_t = malloc(d.ncox * sizeof *d.cox_t);
    d.cox_e = malloc(d.ncox * sizeof *d.cox_e);
    d.cox_ecog = malloc(d.ncox * sizeof *d.cox_ecog);
    for (int i = 0; i < 5; i++)
        d.buf[i] = malloc(npop_max * sizeof(double));
    if (!sel || !d.dr || !d.pop || !d.cox_t || !d.cox_e || !d.cox_ecog || !d.buf[4]) {
        fprintf(stderr, "out of memory or no selection\n");
        return 1;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    sim_prep prep;
    sim_prepare(&d.p, &prep);
    for (size_t k = 0; k < ndraw && (d.ndr < nfit || d.npop < npop_max); k++) {
        sim_patient pt;
        sim_draw(&d.p, &prep, r, &pt);
        if (d.npop < npop_max)
            d.pop[d.npop++] = pt;
        if (d.ndr < nfit && sel[k] == EXPR_TRUE)
            d.dr[d.ndr++] = pt;
    }
    gsl_rng_free(r);
    free(sel);
    for (size_t i = 0; i < d.ncox; i++) {
        d.cox_e[i] = 1;
        d.cox_ecog[i] = d.pop[i].ecog;
    }
    d.dr_lp0 = malloc((d.ndr ? d.ndr : 1) * sizeof *d.dr_lp0);
    d.pop_lp0 = malloc((d.npop ? d.npop : 1) * sizeof *d.pop_lp0);
    if (!d.dr_lp0 || !d.pop_lp0) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < d.ndr; i++)
        d.dr_lp0[i] = d.dr[i].lp - extra_lesion_term(&d.p, &d.dr[i]);
    for (size_t i = 0; i < d.npop; i++)
        d.pop_lp0[i] = d.pop[i].lp - extra_lesion_term(&d.p, &d.pop[i]);
    printf("population sample %zu, De Ruysscher %zu (rule set)\n", d.npop, d.ndr);

    double th[NPAR];
    get_theta(&d, th);
    gsl_vector *x = gsl_vector_alloc(NPAR), *step = gsl_vector_alloc(NPAR);
    for (int i = 0; i < NPAR; i++) {
        gsl_vector_set(x, (size_t)i, th[i]);
        gsl_vector_set(step, (size_t)i, 0.15);
    }
    gsl_multimin_function fn = {objective, NPAR, &d};
    printf("start: objective %.4g\n", objective(x, &d));
    report(&d);
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, NPAR);
    /* Nelder-Mead stalls on this kinked objective: restart the simplex
     * around the best point until a restart no longer helps. */
    int it = 0;
    double prev = INFINITY;
    for (int round = 0; round < rounds; round++) {
        gsl_multimin_fminimizer_set(m, &fn, x, step);
        int status, rit = 0;
        do {
            it++;
            rit++;
            status = gsl_multimin_fminimizer_iterate(m);
            if (status)
                break;
            status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-4);
        } while (status == GSL_CONTINUE && rit < iter);
        gsl_vector_memcpy(x, m->x);
        printf("round %d: %d iterations, objective %.5g\n", round + 1, rit, m->fval);
        if (prev - m->fval < 1e-3)
            break;
        prev = m->fval;
        gsl_vector_set_all(step, 0.1);
    }
    for (int i = 0; i < NPAR; i++)
        th[i] = gsl_vector_get(m->x, (size_t)i);
    set_params(&d, th);
    double obj = m->fval;
    printf("end after %d iterations: objective %.5g\n", it, obj);
    for (int i = 0; i < NPAR; i++)
        printf("  %-20s %.6g\n", par_names[i], is_linear(i) ? th[i] : exp(th[i]));
    report(&d);
    int rc = 0;
    if (write) {
        rc = write_fit(path, &d, obj) < 0;
        if (!rc)
            printf("wrote %s\n", path);
    }
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(step);
    return rc;
}
