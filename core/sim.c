/* sim.c - parameter checks, the simulated cohort table, arm assignment, the
 * golden-hash fingerprint (see sim.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "sim_internal.h"

static int bad(char *err, size_t errlen, const char *field, const char *what) {
    snprintf(err, errlen, "scenario: %s %s", field, what);
    return -1;
}

#define CHECK_PROB(x, name)                                                                        \
    do {                                                                                           \
        if (!((x) >= 0 && (x) <= 1))                                                               \
            return bad(err, errlen, name, "must be in [0, 1]");                                    \
    } while (0)
#define CHECK_POS(x, name)                                                                         \
    do {                                                                                           \
        if (!((x) > 0 && (x) < INFINITY))                                                          \
            return bad(err, errlen, name, "must be > 0");                                          \
    } while (0)
#define CHECK_FIN(x, name)                                                                         \
    do {                                                                                           \
        if (!isfinite(x))                                                                          \
            return bad(err, errlen, name, "must be a finite number");                              \
    } while (0)

static int check_weights(const double *w, int n, const char *name, char *err, size_t errlen) {
    double tot = 0;
    for (int i = 0; i < n; i++) {
        if (!(w[i] >= 0 && w[i] < INFINITY))
            return bad(err, errlen, name, "weights must be >= 0");
        tot += w[i];
    }
    if (!(tot > 0))
        return bad(err, errlen, name, "weights must not all be 0");
    return 0;
}

/* The common covariates are checked by the caller; eras are the reader's
 * single neutral one. */
static int check_m0(const sim_params *p, char *err, size_t errlen) {
    const sim_m0 *m = &p->m0;
    if (check_weights(m->n2_stations_w, 3, "population.n2_stations", err, errlen))
        return -1;
    for (int i = 0; i < SIM_NECOG; i++)
        CHECK_FIN(p->eff_ecog[i], "model.effects.ecog");
    const struct {
        double v;
        const char *name;
    } effs[] = {
        {p->eff_age, "model.effects.age_per_year"},
        {p->eff_female, "model.effects.female"},
        {p->eff_squamous, "model.effects.squamous"},
        {p->eff_other_hist, "model.effects.other_histology"},
        {m->size_per_cm, "model.anatomy.size_per_cm"},
        {m->n1, "model.anatomy.nodes.n1"},
        {m->n2_single, "model.anatomy.nodes.n2_single"},
        {m->n2_multi, "model.anatomy.nodes.n2_multi"},
        {m->n3, "model.anatomy.nodes.n3"},
        {m->cure_logit, "model.cure_logit"},
    };
    for (size_t i = 0; i < sizeof effs / sizeof effs[0]; i++)
        CHECK_FIN(effs[i].v, effs[i].name);
    for (int i = 0; i < SIM_NINVASION; i++)
        CHECK_FIN(m->invasion[i], "model.anatomy.invasion");
    if (!(m->size_cap >= 0 && m->size_cap <= 100))
        return bad(err, errlen, "model.anatomy.size_cap", "must be in [0, 100] cm");
    CHECK_POS(m->recur_scale, "model.recurrence.scale");
    CHECK_POS(m->recur_shape, "model.recurrence.shape");
    if (!(m->recur_lp >= 0 && m->recur_lp <= 1))
        return bad(err, errlen, "model.recurrence.lp", "must be in [0, 1]");
    CHECK_POS(m->pps_scale, "model.after_recurrence.scale");
    CHECK_POS(m->pps_shape, "model.after_recurrence.shape");
    if (!(m->pps_lp >= 0 && m->pps_lp <= 1))
        return bad(err, errlen, "model.after_recurrence.lp", "must be in [0, 1]");
    CHECK_POS(p->bg_rate65, "model.background.rate65");
    CHECK_POS(p->bg_gompertz, "model.background.gompertz");
    CHECK_POS(p->accrual, "model.censoring.accrual");
    if (!(p->followup >= 0 && p->followup < INFINITY))
        return bad(err, errlen, "model.censoring.followup", "must be >= 0");
    if (!(p->loss_rate >= 0 && p->loss_rate < INFINITY))
        return bad(err, errlen, "model.censoring.loss_rate", "must be >= 0");
    if (p->neras != 1 || p->default_era != 0)
        return bad(err, errlen, "eras", "a stage I-III scenario has one era");
    return 0;
}

int sim_params_check(const sim_params *p, char *err, size_t errlen) {
    CHECK_FIN(p->age_mean, "population.age.mean");
    CHECK_POS(p->age_sd, "population.age.sd");
    if (!(p->age_min < p->age_max && p->age_min >= 0))
        return bad(err, errlen, "population.age.min/max", "must satisfy 0 <= min < max");
    CHECK_PROB(p->p_male, "population.male");
    CHECK_PROB(p->p_right, "population.right_side");
    double sa = 0, so = 0;
    for (int i = 0; i < SIM_NDRIVER; i++) {
        CHECK_PROB(p->driver_adeno[i], "population.driver_adeno");
        CHECK_PROB(p->driver_other[i], "population.driver_other");
        sa += p->driver_adeno[i];
        so += p->driver_other[i];
    }
    if (sa > 1 || so > 1)
        return bad(err, errlen, "population.driver_*", "must sum to at most 1");
    CHECK_FIN(p->tsize_meanlog, "population.t_size.meanlog");
    CHECK_POS(p->tsize_sdlog, "population.t_size.sdlog");
    CHECK_POS(p->tsize_max, "population.t_size.max");
    for (int i = 0; i < SIM_NINVASION; i++)
        CHECK_PROB(p->invasion_p[i], "population.t_invasion");
    if (check_weights(p->ecog_p, SIM_NECOG, "population.ecog", err, errlen) ||
        check_weights(p->hist_p, SIM_NHIST, "population.histology", err, errlen) ||
        check_weights(p->n_p, SIM_NN, "population.n", err, errlen))
        return -1;
    if (p->kind == SIM_STAGE_I_III)
        return check_m0(p, err, errlen);
    if (p->kind != SIM_STAGE_IV)
        return bad(err, errlen, "kind", "must be \"stage_iv\" or \"stage_i_iii\"");
    if (check_weights(p->m_p, 3, "population.m", err, errlen) ||
        check_weights(p->m1b_site_w, SIM_NSITES, "population.m1b_sites", err, errlen) ||
        check_weights(p->m1c_organs_p, SIM_NORGANS, "population.m1c.organs", err, errlen) ||
        check_weights(p->m1c_site_w, SIM_NSITES, "population.m1c_sites", err, errlen))
        return -1;
    CHECK_PROB(p->m1a_effusion, "population.m1a.effusion");
    CHECK_PROB(p->m1a_pleural_nodules, "population.m1a.pleural_nodules");
    if (p->m1a_effusion + p->m1a_pleural_nodules > 1)
        return bad(err, errlen, "population.m1a", "effusion + pleural_nodules must be <= 1");
    /* drawn as an int and stored in a byte: a bound, not just > 0 */
    if (!(p->m1a_max_nodules > 0 && p->m1a_max_nodules <= 60))
        return bad(err, errlen, "population.m1a.max_nodules", "must be in (0, 60]");
    if (!(p->m1c_extra_lesions >= 0 && p->m1c_extra_lesions < 1000))
        return bad(err, errlen, "population.m1c.extra_lesions", "must be in [0, 1000)");
    if (!(p->m1c_max_per_organ >= 1 && p->m1c_max_per_organ <= 60))
        return bad(err, errlen, "population.m1c.max_per_organ", "must be in [1, 60]");
    CHECK_PROB(p->m1c_intrathoracic, "population.m1c.intrathoracic");
    for (int i = 0; i < SIM_NTREAT; i++)
        CHECK_PROB(p->treat_p[i], "population.treatable.by_lesions");
    CHECK_PROB(p->treat_liver, "population.treatable.liver");
    CHECK_PROB(p->treat_pleura, "population.treatable.pleura");
    if (!(p->p_response > 0 && p->p_response < 1))
        return bad(err, errlen, "population.response", "must be in (0, 1)");
    if (!(p->landmark > 0 && p->landmark < 60))
        return bad(err, errlen, "model.landmark", "must be in (0, 60) months");
    for (int i = 0; i < SIM_NECOG; i++)
        CHECK_FIN(p->eff_ecog[i], "model.effects.ecog");
    const double effs[] = {
        p->eff_age,         p->eff_female,       p->eff_squamous,  p->eff_other_hist, p->eff_n23,
        p->eff_extra_organ, p->eff_extra_lesion, p->eff_brain,     p->eff_liver,      p->eff_bone,
        p->eff_effusion,    p->cure_per_lesion,  p->cure_per_ecog, p->cure_logit};
    for (size_t i = 0; i < sizeof effs / sizeof effs[0]; i++)
        CHECK_FIN(effs[i], "model.effects / model.cure");
    if (!(p->eff_lesion_cap >= 0 && p->eff_lesion_cap <= 1000))
        return bad(err, errlen, "model.effects.lesion_cap", "must be in [0, 1000]");
    CHECK_POS(p->bg_rate65, "model.background.rate65");
    CHECK_POS(p->bg_gompertz, "model.background.gompertz");
    CHECK_PROB(p->cure_systemic, "model.cure.systemic");
    CHECK_PROB(p->local_relapse, "model.local_relapse");
    CHECK_POS(p->accrual, "model.censoring.accrual");
    if (!(p->followup >= 0 && p->followup < INFINITY))
        return bad(err, errlen, "model.censoring.followup", "must be >= 0");
    if (!(p->loss_rate >= 0 && p->loss_rate < INFINITY))
        return bad(err, errlen, "model.censoring.loss_rate", "must be >= 0");
    CHECK_POS(p->prog_scale, "fit.prog_scale");
    CHECK_POS(p->prog_shape, "fit.prog_shape");
    CHECK_POS(p->pps_scale, "fit.pps_scale");
    CHECK_POS(p->pps_shape, "fit.pps_shape");
    CHECK_POS(p->radical_hr, "fit.radical_hr");
    CHECK_POS(p->radical_shape, "fit.radical_shape");
    if (!(p->pps_ttp >= 0 && p->pps_ttp <= 5))
        return bad(err, errlen, "fit.pps_ttp", "must be in [0, 5]");
    if (!(p->pps_ttp_min >= 0.1 && p->pps_ttp_min <= 60))
        return bad(err, errlen, "fit.pps_ttp_min", "must be in [0.1, 60] months");
    if (!(p->prog_lp >= 0 && p->prog_lp <= 2))
        return bad(err, errlen, "fit.prog_lp", "must be in [0, 2]");
    if (!(p->pps_lp >= 0 && p->pps_lp <= 2))
        return bad(err, errlen, "fit.pps_lp", "must be in [0, 2]");
    if (p->neras < 1 || p->neras > SIM_MAX_ERAS)
        return bad(err, errlen, "eras", "must hold 1 to 8 eras");
    if (p->default_era < 0 || p->default_era >= p->neras)
        return bad(err, errlen, "default_era", "must name one of eras");
    for (int i = 0; i < p->neras; i++) {
        const sim_era *e = &p->eras[i];
        CHECK_POS(e->prog_mult, "eras.*.prog_mult");
        CHECK_POS(e->pps_mult, "eras.*.pps_mult");
        CHECK_FIN(e->cure_shift, "eras.*.cure_shift");
        CHECK_POS(e->maintenance_hr, "eras.*.maintenance_hr");
        CHECK_POS(e->radical_pps_hr, "eras.*.radical_pps_hr");
        CHECK_POS(e->driver_prog_hr, "eras.*.driver_prog_hr");
        CHECK_POS(e->driver_pps_hr, "eras.*.driver_pps_hr");
        CHECK_PROB(e->crossover, "eras.*.crossover");
        CHECK_POS(e->crossover_pps_hr, "eras.*.crossover_pps_hr");
        CHECK_PROB(e->salvage, "eras.*.salvage");
    }
    return 0;
}

int sim_era_find(const sim_params *p, const char *name) {
    if (name == NULL || *name == '\0')
        return p->default_era;
    for (int i = 0; i < p->neras; i++)
        if (strcmp(p->eras[i].name, name) == 0)
            return i;
    return -1;
}

/* ---- the cohort table ---- */

enum {
    C_ID,
    C_AGE,
    C_SEX,
    C_ECOG,
    C_HIST,
    C_SIDE,
    C_DRIVER,
    C_TSIZE,
    C_TINV,
    C_TNOD,
    C_NST,
    C_MSITES,
    C_MLES,
    C_MORG,
    C_MCONTRA,
    C_MPLEURAL,
    C_MEFF,
    C_MTREAT,
    C_RESP,
    C_POT, /* 8 potential-outcome columns: os_time os_event pfs_time pfs_event per arm */
    C_ARM = C_POT + 8,
    C_OS_T,
    C_OS_E,
    C_PFS_T,
    C_PFS_E,
    C_LOCAL, /* local_relapse@radical: stage IV only */
    C_NCOLS
};

static const struct {
    const char *name;
    cohort_type type;
} col_def[C_NCOLS] = {{"id", COHORT_NUM},
                      {"age", COHORT_NUM},
                      {"sex", COHORT_STR},
                      {"ecog", COHORT_NUM},
                      {"histology", COHORT_STR},
                      {"side", COHORT_STR},
                      {"driver", COHORT_STR},
                      {"t_size_cm", COHORT_NUM},
                      {"t_invasion", COHORT_STR},
                      {"t_nodules", COHORT_STR},
                      {"n_stations", COHORT_STR},
                      {"m_sites", COHORT_STR},
                      {"m_lesions", COHORT_NUM},
                      {"m_organs", COHORT_NUM},
                      {"m_contralateral_nodule", COHORT_BOOL},
                      {"m_pleural", COHORT_BOOL},
                      {"m_pleural_effusion", COHORT_BOOL},
                      {"m_all_treatable", COHORT_BOOL},
                      {"induction_response", COHORT_STR},
                      {"os_time@radical", COHORT_NUM},
                      {"os_event@radical", COHORT_NUM},
                      {"pfs_time@radical", COHORT_NUM},
                      {"pfs_event@radical", COHORT_NUM},
                      {"os_time@systemic", COHORT_NUM},
                      {"os_event@systemic", COHORT_NUM},
                      {"pfs_time@systemic", COHORT_NUM},
                      {"pfs_event@systemic", COHORT_NUM},
                      {"arm", COHORT_STR},
                      {"os_time", COHORT_NUM},
                      {"os_event", COHORT_NUM},
                      {"pfs_time", COHORT_NUM},
                      {"pfs_event", COHORT_NUM},
                      {"local_relapse@radical", COHORT_NUM}};

/* Appends s to buf (cap >= 512 is enough for every list built here). */
static size_t put(char *buf, size_t len, const char *s) {
    size_t k = strlen(s);
    memcpy(buf + len, s, k);
    return len + k;
}

/* Joins the names of set bits with ';' ("none" when no bit is set).  At
 * most 25 names of at most 25 bytes: buf needs 700 bytes. */
static size_t join_bits(char *buf, uint32_t bits, const char *const *names, int n) {
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        if (!(bits >> i & 1))
            continue;
        if (len)
            buf[len++] = ';';
        len = put(buf, len, names[i]);
    }
    return len ? len : put(buf, 0, "none");
}

/* "brain:1;bone:2" ("none" when no lesion); at most 9 sites * 24 bytes. */
static size_t format_sites(char *buf, const uint8_t *sites) {
    size_t len = 0;
    for (int s = 0; s < SIM_NSITES; s++) {
        if (!sites[s])
            continue;
        if (len)
            buf[len++] = ';';
        len = put(buf, len, sim_site_names[s]);
        buf[len++] = ':';
        unsigned v = sites[s];
        if (v >= 100)
            buf[len++] = (char)('0' + v / 100);
        if (v >= 10)
            buf[len++] = (char)('0' + v / 10 % 10);
        buf[len++] = (char)('0' + v % 10);
    }
    return len ? len : put(buf, 0, "none");
}

static int intern_all(cohort_column *col, const char *const *names, int n, int32_t *codes) {
    for (int i = 0; i < n; i++)
        if ((codes[i] = cohort_intern(col, names[i], strlen(names[i]))) < 0)
            return -1;
    return 0;
}

int sim_generate(const sim_params *p, const char *era, size_t n, uint64_t seed, cohort **out,
                 char *err, size_t errlen) {
    *out = NULL;
    if (sim_params_check(p, err, errlen) < 0)
        return -1;
    int ei = sim_era_find(p, era);
    if (ei < 0) {
        snprintf(err, errlen, "simulate: unknown era '%s'", era);
        return -1;
    }
    if (n < 1 || n >= (size_t)1 << 31) {
        snprintf(err, errlen, "simulate: n must be between 1 and 2^31 - 1");
        return -1;
    }
    cohort *c = cohort_new(n);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    cohort_column *col[C_NCOLS];
    if (!c || !r)
        goto nomem;
    gsl_rng_set(r, (unsigned long)seed);
    for (int i = 0; i < C_NCOLS; i++)
        if (i == C_LOCAL && p->kind == SIM_STAGE_I_III)
            col[i] = NULL; /* no radical therapy of metastases, no local relapse of it */
        else if (!(col[i] = cohort_add(c, col_def[i].name, col_def[i].type)))
            goto nomem;

    /* Fixed levels first, so codes do not depend on which value comes first. */
    static const char *const sexes[] = {"male", "female"}, *const sides[] = {"L", "R"};
    static const char *const drivers[] = {"EGFR", "ALK", "KRAS", "none"};
    static const char *const responses[] = {"progression", "stable", "response"};
    int32_t sex_c[2], side_c[2], hist_c[SIM_NHIST], drv_c[4], resp_c[3], arm_c[SIM_NARMS];
    /* Separate tumour nodules are not simulated: every patient has none
     * (known empty), so T is decided by size and invasion alone. */
    int32_t no_nodules = cohort_intern(col[C_TNOD], "none", 4);
    if (no_nodules < 0)
        goto nomem;
    if (intern_all(col[C_SEX], sexes, 2, sex_c) || intern_all(col[C_SIDE], sides, 2, side_c) ||
        intern_all(col[C_HIST], sim_hist_names, SIM_NHIST, hist_c) ||
        intern_all(col[C_DRIVER], drivers, 4, drv_c) ||
        intern_all(col[C_RESP], responses, 3, resp_c) ||
        intern_all(col[C_ARM], sim_arm_names, SIM_NARMS, arm_c))
        goto nomem;

    const sim_era *e = &p->eras[ei];
    char buf[1024];
    sim_prep prep;
    sim_prepare(p, &prep);
    for (size_t i = 0; i < n; i++) {
        sim_patient pt;
        sim_latent lt;
        sim_obs ob[SIM_NARMS];
        if ((i & (SIM_POLL - 1)) == 0 && tnm_interrupted())
            goto interrupted;
        sim_draw(p, &prep, r, &pt);
        sim_latent_times(p, e, &pt, &lt);
        for (int a = 0; a < SIM_NARMS; a++)
            sim_observe(&pt, &lt, a, &ob[a]);
        int resp = sim_response(p, &pt, &lt);

        col[C_ID]->v.num[i] = (double)(i + 1);
        col[C_AGE]->v.num[i] = pt.age;
        col[C_SEX]->v.str[i] = sex_c[pt.female];
        col[C_ECOG]->v.num[i] = pt.ecog;
        col[C_HIST]->v.str[i] = hist_c[pt.hist];
        col[C_SIDE]->v.str[i] = side_c[pt.right];
        col[C_DRIVER]->v.str[i] = drv_c[pt.driver < 0 ? 3 : pt.driver];
        col[C_TSIZE]->v.num[i] = pt.tsize;
        size_t len = join_bits(buf, pt.invasion, sim_invasion_names, SIM_NINVASION);
        if ((col[C_TINV]->v.str[i] = cohort_intern(col[C_TINV], buf, len)) < 0)
            goto nomem;
        col[C_TNOD]->v.str[i] = no_nodules;
        len = join_bits(buf, pt.stations, sim_station_names, SIM_NSTATIONS);
        if ((col[C_NST]->v.str[i] = cohort_intern(col[C_NST], buf, len)) < 0)
            goto nomem;
        len = format_sites(buf, pt.sites);
        if ((col[C_MSITES]->v.str[i] = cohort_intern(col[C_MSITES], buf, len)) < 0)
            goto nomem;
        col[C_MLES]->v.num[i] = pt.m_lesions;
        col[C_MORG]->v.num[i] = pt.m_organs;
        col[C_MCONTRA]->v.b[i] = pt.sites[SITE_LUNG_CONTRA] > 0;
        col[C_MPLEURAL]->v.b[i] =
            pt.effusion || pt.sites[SITE_PLEURA] || pt.sites[SITE_PERICARDIUM];
        col[C_MEFF]->v.b[i] = pt.effusion;
        col[C_MTREAT]->v.b[i] = pt.treatable;
        col[C_RESP]->v.str[i] = resp < 0 ? COHORT_NA : resp_c[resp];
        for (int a = 0; a < SIM_NARMS; a++) {
            col[C_POT + 4 * a + 0]->v.num[i] = ob[a].os_time;
            col[C_POT + 4 * a + 1]->v.num[i] = ob[a].os_event < 0 ? NAN : ob[a].os_event;
            col[C_POT + 4 * a + 2]->v.num[i] = ob[a].pfs_time;
            col[C_POT + 4 * a + 3]->v.num[i] = ob[a].pfs_event < 0 ? NAN : ob[a].pfs_event;
        }
        col[C_ARM]->v.str[i] = arm_c[SIM_SYSTEMIC];
        col[C_OS_T]->v.num[i] = ob[SIM_SYSTEMIC].os_time;
        col[C_OS_E]->v.num[i] = ob[SIM_SYSTEMIC].os_event;
        col[C_PFS_T]->v.num[i] = ob[SIM_SYSTEMIC].pfs_time;
        col[C_PFS_E]->v.num[i] = ob[SIM_SYSTEMIC].pfs_event;
        if (col[C_LOCAL])
            col[C_LOCAL]->v.num[i] = ob[SIM_RADICAL].local_relapse;
    }
    gsl_rng_free(r);
    *out = c;
    return 0;
nomem:
    gsl_rng_free(r);
    cohort_free(c);
    snprintf(err, errlen, "simulate: out of memory");
    return -1;
interrupted:
    gsl_rng_free(r);
    cohort_free(c);
    snprintf(err, errlen, "simulate: interrupted");
    return -1;
}

/* ---- arm assignment ---- */

/* The observed columns sim_apply_arms sets from "<name>@<arm>".  The first
 * NREQUIRED every assigned arm must have; the others (local_relapse: radical
 * therapy of a simulated stage IV cohort) are taken where the arm has them
 * and NaN elsewhere, and created only when some assigned arm has one. */
enum { NENDPOINTS = 5, NREQUIRED = 4 };
static const char *const endpoints[NENDPOINTS] = {"os_time", "os_event", "pfs_time", "pfs_event",
                                                  "local_relapse"};

int sim_apply_arms(cohort *c, const char *arm_col, char *err, size_t errlen) {
    cohort_column *arm = cohort_find(c, arm_col);
    if (!arm || arm->type != COHORT_STR) {
        snprintf(err, errlen, "assign arms: no string column '%s'", arm_col);
        return -1;
    }
    size_t nrows = cohort_nrows(c);
    int32_t nl = arm->nlevels;
    const double **src = calloc(nl > 0 ? (size_t)nl * NENDPOINTS : 1, sizeof *src);
    if (!src) {
        snprintf(err, errlen, "assign arms: out of memory");
        return -1;
    }
    /* Resolve each arm level's outcome columns; only used levels must exist. */
    uint8_t *used = calloc(nl > 0 ? (size_t)nl : 1, 1);
    if (!used) {
        free(src);
        snprintf(err, errlen, "assign arms: out of memory");
        return -1;
    }
    for (size_t i = 0; i < nrows; i++)
        if (arm->v.str[i] >= 0)
            used[arm->v.str[i]] = 1;
    int rc = -1, present[NENDPOINTS] = {0};
    for (int32_t l = 0; l < nl; l++) {
        if (!used[l])
            continue;
        for (int k = 0; k < NENDPOINTS; k++) {
            char name[256];
            snprintf(name, sizeof name, "%s@%s", endpoints[k], arm->levels[l]);
            cohort_column *pc = cohort_find(c, name);
            if (!pc || pc->type != COHORT_NUM) {
                if (k >= NREQUIRED)
                    continue;
                snprintf(err, errlen, "assign arms: arm '%s' has no outcome column '%s'",
                         arm->levels[l], name);
                goto done;
            }
            src[(size_t)l * NENDPOINTS + (size_t)k] = pc->v.num;
            present[k] = 1;
        }
    }
    /* A patient assigned an arm they have no outcome for cannot be simulated. */
    size_t nbad = 0, first = 0;
    for (size_t i = 0; i < nrows; i++) {
        int32_t l = arm->v.str[i];
        if (l >= 0 && isnan(src[(size_t)l * NENDPOINTS][i])) {
            if (nbad++ == 0)
                first = i;
        }
    }
    if (nbad) {
        cohort_column *id = cohort_find(c, "id");
        char idtxt[64];
        if (id && id->type == COHORT_NUM)
            snprintf(idtxt, sizeof idtxt, "%.15g", id->v.num[first]);
        else
            snprintf(idtxt, sizeof idtxt, "row %zu", first + 1);
        snprintf(err, errlen,
                 "assign arms: %zu patient%s assigned arm '%s' %s no outcome under it "
                 "(e.g. id %s: not all sites treatable)",
                 nbad, nbad == 1 ? "" : "s", arm->levels[arm->v.str[first]],
                 nbad == 1 ? "has" : "have", idtxt);
        goto done;
    }
    cohort_column *dst[NENDPOINTS];
    for (int k = 0; k < NENDPOINTS; k++) {
        dst[k] = cohort_find(c, endpoints[k]);
        if (dst[k] && dst[k]->type != COHORT_NUM) {
            snprintf(err, errlen, "assign arms: column '%s' is not a number column", endpoints[k]);
            goto done;
        }
    }
    for (int k = 0; k < NENDPOINTS; k++)
        if (!dst[k] && (k < NREQUIRED || present[k]) &&
            !(dst[k] = cohort_add(c, endpoints[k], COHORT_NUM))) {
            snprintf(err, errlen, "assign arms: out of memory");
            goto done;
        }
    for (int k = 0; k < NENDPOINTS; k++) {
        if (!dst[k])
            continue;
        for (size_t i = 0; i < nrows; i++) {
            int32_t l = arm->v.str[i];
            const double *s = l >= 0 ? src[(size_t)l * NENDPOINTS + (size_t)k] : NULL;
            dst[k]->v.num[i] = s ? s[i] : NAN;
        }
        dst[k]->generation++;
    }
    rc = 0;
done:
    free(used);
    free(src);
    return rc;
}

/* ---- fingerprint ---- */

static uint64_t fnv(uint64_t h, const void *data, size_t len) {
    const unsigned char *s = data;
    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t sim_cohort_hash(const cohort *c) {
    uint64_t h = 1469598103934665603ULL;
    size_t n = cohort_nrows(c);
    for (size_t j = 0; j < cohort_ncols(c); j++) {
        const cohort_column *col = cohort_col(c, j);
        h = fnv(h, col->name, strlen(col->name) + 1);
        uint8_t t = (uint8_t)col->type;
        h = fnv(h, &t, 1);
        if (col->type == COHORT_NUM) {
            h = fnv(h, col->v.num, n * sizeof(double));
        } else if (col->type == COHORT_BOOL) {
            h = fnv(h, col->v.b, n);
        } else {
            h = fnv(h, col->v.str, n * sizeof(int32_t));
            for (int32_t l = 0; l < col->nlevels; l++)
                h = fnv(h, col->levels[l], strlen(col->levels[l]) + 1);
        }
    }
    return h;
}
