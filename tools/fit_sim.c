/* fit_sim.c - fits the stage IV scenario's outcome parameters to the
 * published trial figures, and writes them into the scenario file.
 *
 * Part of tnmlab (tools; not run by make check).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   ./tools/fit_sim [--scenario FILE] [--n N] [--iter K] [--rounds R] [--seed S]
 *                   [--trial-weight W] [--anchor-scale S] [--pps-scale S]
 *                   [--prog-shape-min K] [--pps-shape-min K] [--lp-min W]
 *                   [--pfs-anchor-scale S] [--write]
 *
 * Draws the population once (covariates and random numbers are fixed:
 * common random numbers make the objective a deterministic function of the
 * parameters), keeps the De Ruysscher-selected patients, the Gomez baseline
 * candidates and a population sample, and minimises with GSL's Nelder-Mead
 * simplex (nmsimplex2) the sum of squared scaled differences between
 * simulated and published figures:
 *   De Ruysscher 2012, radical arm: OS median and 1/2/3-year OS, PFS median
 *     and 1/2/3-year PFS (scale 0.5 months / 1 percentage point);
 *   Gomez 2019 from the landmark: PFS and OS medians per arm (scale 1 month);
 *   Gomez 2019 survival after progression, 37.6 (LCT) vs 9.4 months (scale
 *     10 months: from few patients, and under a cure model hard to square
 *     with the same arm's OS median of 41.2; --pps-scale S changes it);
 *   Eberhardt 2015 (IASLC) OS medians by M1a/M1b/M1c, systemic arm of the
 *     whole population (scale 3 months: a loose anchor for the systemic arm,
 *     whose data mix treatments and eras), and the whole population's OS
 *     and PFS medians, 8.5 and 4.5 months (platinum-doublet trials of the
 *     era: OS about 8-10, PFS about 4-5 months; same scale);
 *   a one-sided penalty keeping the De Ruysscher-selected patients'
 *   systemic arm below their radical arm (OS median by 1.5 months, 2-year
 *   OS by 3 points, 3-year OS by 5 points), so that the fit cannot buy the
 *   anchors with a radical therapy that shortens life.
 * --anchor-scale S sets the scale of the five population anchors,
 * --pfs-anchor-scale S (after it) that of the population PFS median alone.
 * --trial-weight W divides the scales of the twelve trial figures (De
 * Ruysscher and Gomez, the ones the calibration test asserts) by W, so that
 * they dominate the loose anchors; --prog-shape-min and --pps-shape-min
 * move the lower bounds of the Weibull shapes (defaults 0.8 and 0.5),
 * --lp-min the lower bound of the weights prog_lp and pps_lp (default 0.4).
 * Nelder-Mead restarts (--rounds) around the best point until a restart
 * no longer helps.
 * The figures here come from the latent (uncensored) times; the calibration
 * test then checks the written parameters with Kaplan-Meier on censored data.
 * With --write the block between "-- BEGIN FIT" and "-- END FIT" in the
 * scenario file is replaced (through a temporary file and rename).
 */
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsim.h"
#include "sim.h"
#include "sim_internal.h"

enum { NPAR = 17 };
static const char *const par_names[NPAR] = {"prog_scale",
                                            "prog_shape",
                                            "pps_scale",
                                            "pps_shape",
                                            "cure_logit",
                                            "radical_hr",
                                            "dr_radical_pps_hr",
                                            "gomez_prog_mult",
                                            "gomez_pps_mult",
                                            "gomez_cure_shift",
                                            "gomez_radical_pps_hr",
                                            "radical_shape",
                                            "gomez_maintenance_hr",
                                            "pps_ttp",
                                            "prog_lp",
                                            "pps_lp",
                                            "pps_ttp_min"};
/* theta is on the log scale except these (logits, logit shifts, the
 * exponent pps_ttp, the weights prog_lp and pps_lp) */
static int is_linear(int i) {
    return i == 4 || i == 9 || (i >= 13 && i <= 15);
}

typedef struct fit_data {
    sim_params p;
    int edr, ego;
    sim_patient *dr, *go, *pop;
    size_t ndr, ngo, npop;
    double *buf[5]; /* scratch for medians */
    size_t bufcap;
    int verbose;
} fit_data;

/* theta (log scale except cure_logit) -> params */
static void set_params(fit_data *d, const double *th) {
    d->p.prog_scale = exp(th[0]);
    d->p.prog_shape = exp(th[1]);
    d->p.pps_scale = exp(th[2]);
    d->p.pps_shape = exp(th[3]);
    d->p.cure_logit = th[4];
    d->p.radical_hr = exp(th[5]);
    d->p.eras[d->edr].radical_pps_hr = exp(th[6]);
    d->p.eras[d->ego].prog_mult = exp(th[7]);
    d->p.eras[d->ego].pps_mult = exp(th[8]);
    d->p.eras[d->ego].cure_shift = th[9];
    d->p.eras[d->ego].radical_pps_hr = exp(th[10]);
    d->p.radical_shape = exp(th[11]);
    d->p.eras[d->ego].maintenance_hr = exp(th[12]);
    d->p.pps_ttp = th[13];
    d->p.prog_lp = th[14];
    d->p.pps_lp = th[15];
    d->p.pps_ttp_min = exp(th[16]);
}

static void get_theta(const fit_data *d, double *th) {
    th[0] = log(d->p.prog_scale);
    th[1] = log(d->p.prog_shape);
    th[2] = log(d->p.pps_scale);
    th[3] = log(d->p.pps_shape);
    th[4] = d->p.cure_logit;
    th[5] = log(d->p.radical_hr);
    th[6] = log(d->p.eras[d->edr].radical_pps_hr);
    th[7] = log(d->p.eras[d->ego].prog_mult);
    th[8] = log(d->p.eras[d->ego].pps_mult);
    th[9] = d->p.eras[d->ego].cure_shift;
    th[10] = log(d->p.eras[d->ego].radical_pps_hr);
    th[11] = log(d->p.radical_shape);
    th[12] = log(d->p.eras[d->ego].maintenance_hr);
    th[13] = d->p.pps_ttp;
    th[14] = d->p.prog_lp;
    th[15] = d->p.pps_lp;
    th[16] = log(d->p.pps_ttp_min);
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

enum { NTARGET = 19, NEXTRA = 3 };
static struct {
    const char *name;
    double paper, scale;
} target[NTARGET] = {{"DR OS median", 13.5, 0.5},      {"DR OS 1y %", 56.4, 1},
                     {"DR OS 2y %", 23.3, 1},          {"DR OS 3y %", 17.5, 1},
                     {"DR PFS median", 12.1, 0.5},     {"DR PFS 1y %", 51.3, 1},
                     {"DR PFS 2y %", 13.6, 1},         {"DR PFS 3y %", 13.6, 1},
                     {"GO PFS median LCT", 14.2, 1},   {"GO PFS median MT/O", 4.4, 1},
                     {"GO OS median LCT", 41.2, 1},    {"GO OS median MT/O", 17.0, 1},
                     {"IASLC M1a OS median", 11.4, 3}, {"IASLC M1b OS median", 11.4, 3},
                     {"IASLC M1c OS median", 6.3, 3},  {"GO PPS median LCT", 37.6, 10},
                     {"GO PPS median MT/O", 9.4, 10},  {"all-comers OS median", 8.5, 3},
                     {"all-comers PFS median", 4.5, 3}};

/* The De Ruysscher-selected patients' systemic arm (fig[NTARGET..]): OS
 * median, 2- and 3-year OS.  Not data: the fit only keeps radical therapy
 * from looking worse than systemic therapy alone in these patients (see
 * objective()). */
static void figures(fit_data *d, double *fig) {
    double *os = d->buf[0], *pfs = d->buf[1], *a = d->buf[2], *b = d->buf[3];
    sim_latent lt;
    for (size_t i = 0; i < d->ndr; i++) {
        sim_latent_times(&d->p, &d->p.eras[d->edr], &d->dr[i], &lt);
        os[i] = lt.death[SIM_RADICAL];
        pfs[i] = fmin(lt.prog[SIM_RADICAL], lt.death[SIM_RADICAL]);
        a[i] = lt.death[SIM_SYSTEMIC];
    }
    fig[NTARGET + 1] = pct_above(a, d->ndr, 24);
    fig[NTARGET + 2] = pct_above(a, d->ndr, 36);
    fig[NTARGET] = median(a, d->ndr);
    fig[1] = pct_above(os, d->ndr, 12);
    fig[2] = pct_above(os, d->ndr, 24);
    fig[3] = pct_above(os, d->ndr, 36);
    fig[5] = pct_above(pfs, d->ndr, 12);
    fig[6] = pct_above(pfs, d->ndr, 24);
    fig[7] = pct_above(pfs, d->ndr, 36);
    fig[0] = median(os, d->ndr);
    fig[4] = median(pfs, d->ndr);

    const double L = d->p.landmark;
    size_t m = 0;
    for (size_t i = 0; i < d->ngo; i++) {
        sim_latent_times(&d->p, &d->p.eras[d->ego], &d->go[i], &lt);
        /* landmark: alive and progression-free after induction */
        if (!(lt.prog[SIM_SYSTEMIC] > L && lt.death[SIM_SYSTEMIC] > L))
            continue;
        os[m] = lt.death[SIM_RADICAL] - L;
        pfs[m] = fmin(lt.prog[SIM_RADICAL], lt.death[SIM_RADICAL]) - L;
        a[m] = lt.death[SIM_SYSTEMIC] - L;
        b[m] = fmin(lt.prog[SIM_SYSTEMIC], lt.death[SIM_SYSTEMIC]) - L;
        m++;
    }
    /* survival after progression (progressions after the landmark) */
    size_t np = 0;
    double *pp = d->buf[4];
    for (size_t i = 0; i < d->ngo; i++) {
        sim_latent_times(&d->p, &d->p.eras[d->ego], &d->go[i], &lt);
        if (lt.prog[SIM_SYSTEMIC] > L && lt.death[SIM_SYSTEMIC] > L &&
            lt.prog[SIM_RADICAL] < INFINITY)
            pp[np++] = lt.death[SIM_RADICAL] - lt.prog[SIM_RADICAL];
    }
    fig[15] = median(pp, np);
    np = 0;
    for (size_t i = 0; i < d->ngo; i++) {
        sim_latent_times(&d->p, &d->p.eras[d->ego], &d->go[i], &lt);
        if (lt.prog[SIM_SYSTEMIC] > L && lt.death[SIM_SYSTEMIC] > L &&
            lt.prog[SIM_SYSTEMIC] < INFINITY)
            pp[np++] = lt.death[SIM_SYSTEMIC] - lt.prog[SIM_SYSTEMIC];
    }
    fig[16] = median(pp, np);
    fig[8] = median(pfs, m);
    fig[9] = median(b, m);
    fig[10] = median(os, m);
    fig[11] = median(a, m);

    size_t k[3] = {0, 0, 0};
    double *mv[3] = {os, pfs, a}, *all = b, *allp = d->buf[4];
    for (size_t i = 0; i < d->npop; i++) {
        sim_latent_times(&d->p, &d->p.eras[d->edr], &d->pop[i], &lt);
        int c = d->pop[i].mcat;
        mv[c][k[c]++] = lt.death[SIM_SYSTEMIC];
        all[i] = lt.death[SIM_SYSTEMIC];
        allp[i] = fmin(lt.prog[SIM_SYSTEMIC], lt.death[SIM_SYSTEMIC]);
    }
    for (int c = 0; c < 3; c++)
        fig[12 + c] = median(mv[c], k[c]);
    fig[17] = median(all, d->npop);
    fig[18] = median(allp, d->npop);
}

static double bound_prog_shape = 0.8, bound_pps_shape = 0.5, bound_lp = 0.4;

static double objective(const gsl_vector *x, void *arg) {
    fit_data *d = arg;
    double th[NPAR], fig[NTARGET + NEXTRA];
    for (int i = 0; i < NPAR; i++)
        th[i] = gsl_vector_get(x, (size_t)i);
    /* Keep the simplex inside clinically sensible ranges; without them the
     * optimiser trades the anchors for shapes no oncologist would accept
     * (progression hazards falling from diagnosis, radical therapy that
     * only reshapes relapse times, a Gomez era without cures). */
    if (th[1] < log(bound_prog_shape) || th[1] > log(3) ||  /* prog_shape */
        th[3] < log(bound_pps_shape) || th[3] > log(1.5) || /* pps_shape */
        th[11] < log(1.0) || th[11] > log(5) ||             /* radical_shape */
        th[5] > log(1.0) || th[6] > log(3.0) || th[10] > log(1.5) || fabs(th[4]) > 8 ||
        th[9] < -1 || th[9] > 3 ||              /* gomez_cure_shift */
        th[12] < log(0.5) || th[12] > log(4) || /* gomez_maintenance_hr */
        th[13] < 0 || th[13] > 2 ||             /* pps_ttp */
        th[14] < bound_lp || th[14] > 1 || th[15] < bound_lp || th[15] > 1 || /* prog_lp, pps_lp */
        th[16] < log(1) || th[16] > log(12))                                  /* pps_ttp_min */
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
    const double margin[NEXTRA] = {1.5, 3, 5}, rad[NEXTRA] = {fig[0], fig[2], fig[3]};
    const double sc[NEXTRA] = {0.5, 1, 1};
    for (int i = 0; i < NEXTRA; i++) {
        double z = fmax(0, fig[NTARGET + i] - (rad[i] - margin[i])) / sc[i];
        s += z * z;
    }
    return s;
}

static void report(fit_data *d) {
    double fig[NTARGET + NEXTRA];
    figures(d, fig);
    for (int i = 0; i < NTARGET; i++)
        printf("  %-22s paper %6.1f  model %6.2f\n", target[i].name, target[i].paper, fig[i]);
    printf("  DR selection, systemic arm: OS median %.2f, 2y %.2f%%, 3y %.2f%%\n", fig[NTARGET],
           fig[NTARGET + 1], fig[NTARGET + 2]);
}

static int write_fit(const char *path, const fit_data *d, double obj) {
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

int main(int argc, char **argv) {
    const char *path = "scripts/scenarios/stage_iv.lua";
    size_t nfit = 100000;
    int iter = 2000, write = 0, rounds = 8;
    double pfs_anchor_scale = 0;
    unsigned long seed = 12345;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--scenario") && i + 1 < argc)
            path = argv[++i];
        else if (!strcmp(argv[i], "--n") && i + 1 < argc)
            nfit = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--iter") && i + 1 < argc)
            iter = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--pps-scale") && i + 1 < argc)
            target[15].scale = target[16].scale = atof(argv[++i]);
        else if (!strcmp(argv[i], "--anchor-scale") && i + 1 < argc)
            target[12].scale = target[13].scale = target[14].scale = target[17].scale =
                target[18].scale = atof(argv[++i]);
        else if (!strcmp(argv[i], "--pfs-anchor-scale") && i + 1 < argc)
            pfs_anchor_scale = atof(argv[++i]);
        else if (!strcmp(argv[i], "--lp-min") && i + 1 < argc)
            bound_lp = atof(argv[++i]);
        else if (!strcmp(argv[i], "--prog-shape-min") && i + 1 < argc)
            bound_prog_shape = atof(argv[++i]);
        else if (!strcmp(argv[i], "--pps-shape-min") && i + 1 < argc)
            bound_pps_shape = atof(argv[++i]);
        else if (!strcmp(argv[i], "--trial-weight") && i + 1 < argc) {
            double w = atof(argv[++i]);
            for (int k = 0; k < 12; k++)
                target[k].scale /= w;
        } else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--write"))
            write = 1;
        else {
            fprintf(stderr,
                    "usage: %s [--scenario FILE] [--n N] [--iter K] [--rounds R] [--seed S]\n"
                    "          [--trial-weight W] [--anchor-scale S] [--pps-scale S]\n"
                    "          [--prog-shape-min K] [--pps-shape-min K] [--lp-min W]\n"
                    "          [--pfs-anchor-scale S] [--write]\n",
                    argv[0]);
            return 2;
        }
    }
    if (pfs_anchor_scale > 0)
        target[18].scale = pfs_anchor_scale;
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
    d.ego = sim_era_find(&d.p, "gomez2016");
    if (d.edr < 0 || d.ego < 0) {
        fprintf(stderr, "%s: eras deruysscher2012 and gomez2016 needed\n", path);
        return 1;
    }
    size_t npop_max = nfit * 2;
    d.dr = malloc(nfit * sizeof *d.dr);
    d.go = malloc(nfit * sizeof *d.go);
    d.pop = malloc(npop_max * sizeof *d.pop);
    d.bufcap = nfit > npop_max ? nfit : npop_max;
    for (int i = 0; i < 5; i++)
        d.buf[i] = malloc(d.bufcap * sizeof(double));
    if (!d.dr || !d.go || !d.pop || !d.buf[3] || !d.buf[4]) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    sim_prep prep;
    sim_prepare(&d.p, &prep);
    while (d.ndr < nfit || d.ngo < nfit) {
        sim_patient pt;
        sim_draw(&d.p, &prep, r, &pt);
        if (d.npop < npop_max)
            d.pop[d.npop++] = pt;
        (void)pt;
    }
    gsl_rng_free(r);
    printf("population sample %zu, De Ruysscher %zu, Gomez candidates %zu\n", d.npop, d.ndr, d.ngo);

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
