/* sim.h - synthetic NSCLC cohorts: stage IV with potential outcomes per arm,
 * or stage I-III (kind SIM_STAGE_I_III, struct sim_m0) with one outcome.
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scenario (scripts/scenarios/<name>.lua, read by dsl/lsim.c into a
 * sim_params) gives covariate distributions and a survival model; the
 * simulator draws one patient after another from one GSL mt19937 stream, so
 * the same parameters, seed and n give a byte-identical cohort, and a cohort
 * of n patients is the first n patients of any larger one.
 *
 * The stage IV model (times in months from diagnosis; see stage_iv.lua for
 * sources; the stage I-III model is described at struct sim_m0):
 *  - a prognostic index lp = sum of log hazard ratios of the covariates,
 *    weighted by prog_lp on progression and by pps_lp on death after it
 *    (the effects are overall-survival hazard ratios; applied in full to
 *    both steps they would compound, and through a Weibull shape below 1
 *    stretch time ratios far beyond the stated hazard ratios);
 *  - progression under systemic therapy: Weibull, cumulative hazard
 *    H(t) = m * exp(prog_lp * lp) * (t / prog_scale)^prog_shape (m: era
 *    multiplier);
 *  - both arms share the first `landmark` months (induction systemic
 *    therapy); from the landmark on, radical local therapy of all sites cures
 *    a fraction pi(x) of the patients still progression-free (logistic in the
 *    lesion count and ECOG, plus the era's cure_shift); the others progress
 *    with cumulative hazard, from the landmark on,
 *    radical_hr * m * exp(lp) * ((t / prog_scale)^radical_shape - (L / prog_scale)^radical_shape)
 *    (relapse after radical therapy clusters in the first two years: the
 *    De Ruysscher PFS is flat from 2 to 3 years);
 *  - death after progression: Weibull post-progression survival with its own
 *    scale and shape, pps_lp * lp, a factor (ttp / 12)^-pps_ttp in the
 *    time to progression ttp (months from diagnosis, at least pps_ttp_min:
 *    early progression, aggressive disease, short survival after it), an era
 *    multiplier, the era's
 *    radical_pps_hr after radical therapy, and in the systemic arm crossover to local therapy at
 *    progression (probability era.crossover, hazard ratio crossover_pps_hr);
 *  - death from other causes: Gompertz in attained age, competing;
 *  - PFS = min(progression, death), OS = death, so PFS <= OS always;
 *  - both arms use the same random numbers (common random numbers), so a
 *    patient's two potential outcomes differ only by the treatment;
 *  - censoring: uniform accrual, administrative end, exponential loss to
 *    follow-up, shared by both arms;
 *  - times are recorded in whole days (rounded up) and stored in months
 *    (days / 30.4375), as trial data are; rounding also keeps libm's last
 *    bit out of the stored values.
 * Patients whose metastases cannot all be treated have NaN radical outcomes.
 *
 * Local relapse (column local_relapse@radical): a progression after radical
 * therapy is a local relapse only (at a treated site, no new lesion) with
 * probability local_relapse.  Which of the patients radical therapy did not
 * cure relapse locally is read from the cure draw itself: with u the
 * patient's cure uniform and pi the cure probability, (u - pi) / (1 - pi)
 * is uniform and independent of the progression time, and the patients
 * with the smallest values, those nearest to cure, relapse locally.  No
 * random number is added, so the rest of the cohort is unchanged.  The
 * column is 1 for a local relapse, 0 for any other first progression
 * (new lesions, or progression during induction, before radical therapy),
 * NaN when no progression is observed or the patient is not treatable.
 */
#ifndef TNMLAB_SIM_H
#define TNMLAB_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "cohort.h"

/* Category lists, in the order of the data dictionary (doc/data-dictionary.md). */
enum {
    SIM_NSITES = 9
};                           /* brain adrenal bone liver lung_contralateral
                                pleura pericardium distant_node other */
enum { SIM_NINVASION = 16 }; /* t_invasion descriptors */
enum { SIM_NSTATIONS = 25 }; /* IASLC stations 1R .. 14L */
enum {
    SIM_NECOG = 5,
    SIM_NHIST = 3,
    SIM_NDRIVER = 3,
    SIM_NN = 4,
    SIM_NTREAT = 9,
    SIM_NORGANS = 5,
    SIM_MAX_ERAS = 8
};

extern const char *const sim_site_names[SIM_NSITES];
extern const char *const sim_invasion_names[SIM_NINVASION];
extern const char *const sim_station_names[SIM_NSTATIONS];
extern const char *const sim_hist_names[SIM_NHIST];     /* adenocarcinoma squamous other */
extern const char *const sim_driver_names[SIM_NDRIVER]; /* EGFR ALK KRAS ("none" otherwise) */

/* Era (trial period) modifiers of the outcome model. */
typedef struct sim_era {
    char name[32];
    double prog_mult;        /* progression hazard multiplier, both arms */
    double pps_mult;         /* post-progression death hazard multiplier */
    double cure_shift;       /* added to the cure logit (staging, selection, technique) */
    double maintenance_hr;   /* systemic arm after the landmark: maintenance/observation
                                vs continued induction, on progression */
    double radical_pps_hr;   /* death after progression following radical therapy */
    double driver_prog_hr;   /* EGFR/ALK: targeted therapy's effect on progression */
    double driver_pps_hr;    /* ... and on death after progression */
    double crossover;        /* P(local therapy at progression), systemic arm, treatable */
    double crossover_pps_hr; /* its effect on death after progression */
    double salvage; /* P(local therapy of the progressing sites at progression after radical
                       therapy); the same effect, crossover_pps_hr, and the same uniform as
                       crossover (one patient, one disposition to local therapy) */
} sim_era;

/* The population a scenario draws (scenario field `kind`). */
typedef enum sim_kind {
    SIM_STAGE_IV = 0, /* newly diagnosed stage IV, two arms (the model above) */
    SIM_STAGE_I_III   /* non-metastatic (M0), curative-intent treatment: the model below */
} sim_kind;

/* Stage I-III (kind SIM_STAGE_I_III).  The patients are drawn as above but
 * without distant metastases, with n2_stations_w weighting how many N2
 * stations are involved (1, 2, 3).  Their outcome does not depend on the
 * arm: both arms' columns hold the same curative-intent treatment.  A
 * prognostic index lp0 adds the patient effects above (ECOG, age, sex,
 * histology) and the anatomy's, all read from the scenario: log hazard
 * ratio per cm of tumour size (up to size_cap), the largest effect among
 * the invasion descriptors present (invasion[], keyed as the t_invasion
 * column), and one per nodal state (N1, N2 in one station, N2 in several,
 * N3).  Then
 *  - cure (no recurrence ever): logistic(cure_logit - lp0);
 *  - the others recur: Weibull, H(t) = exp(recur_lp * lp0) * (t / recur_scale)^recur_shape
 *    (recur_lp in [0, 1]: how much the index also hastens recurrence);
 *  - death after recurrence: Weibull, pps_scale and pps_shape, its hazard
 *    times exp(pps_lp * lp0) (pps_lp in [0, 1]);
 *  - other-cause death and censoring as for stage IV.
 * No stage group enters the model: stage groups (either edition) summarise
 * the anatomy it is drawn from, so restaging moves patients, not outcomes. */
typedef struct sim_m0 {
    double n2_stations_w[3];
    double size_per_cm, size_cap;
    double invasion[SIM_NINVASION];
    double n1, n2_single, n2_multi, n3;
    double cure_logit, recur_scale, recur_shape, recur_lp, pps_scale, pps_shape, pps_lp;
} sim_m0;

/* Everything a scenario says; every field its kind uses is required in the
 * scenario file. */
typedef struct sim_params {
    sim_kind kind;
    sim_m0 m0; /* kind SIM_STAGE_I_III only */
    /* population: covariate distributions */
    double age_mean, age_sd, age_min, age_max; /* normal, truncated; whole years */
    double p_male;
    double ecog_p[SIM_NECOG]; /* ECOG 0..4 */
    double hist_p[SIM_NHIST];
    double p_right;
    double driver_adeno[SIM_NDRIVER], driver_other[SIM_NDRIVER];
    double tsize_meanlog, tsize_sdlog, tsize_max; /* cm, lognormal, 0.1 cm */
    double invasion_p[SIM_NINVASION];             /* each independently */
    double n_p[SIM_NN];                           /* N0..N3 */
    double m_p[3];                                /* M1a, M1b, M1c */
    double m1a_effusion, m1a_pleural_nodules;     /* rest: contralateral nodule(s) */
    double m1a_max_nodules;                       /* nodules 1..max */
    double m1b_site_w[SIM_NSITES];                /* single extrathoracic lesion: site weights */
    double m1c_organs_p[SIM_NORGANS];             /* 1..5 extrathoracic organ systems */
    double m1c_site_w[SIM_NSITES];                /* organ weights (drawn without replacement) */
    double m1c_extra_lesions;                     /* mean extra lesions per organ (geometric) */
    double m1c_max_per_organ;
    double m1c_intrathoracic;         /* P(also an M1a component) */
    double treat_p[SIM_NTREAT];       /* P(all treatable) by total lesions 1..8, >8 */
    double treat_liver, treat_pleura; /* factors when liver / pleural nodules */
    double p_response;                /* P(response | progression-free at landmark) */
    /* model */
    double landmark;            /* months of induction therapy common to both arms */
    double eff_ecog[SIM_NECOG]; /* log hazard ratios */
    double eff_age;             /* per year over 65 */
    double eff_female, eff_squamous, eff_other_hist, eff_n23;
    double eff_extra_organ, eff_extra_lesion, eff_lesion_cap;
    double eff_brain, eff_liver, eff_bone, eff_effusion;
    double bg_rate65, bg_gompertz; /* other-cause death: per year at 65, slope per year */
    double cure_per_lesion, cure_per_ecog, cure_systemic;
    /* P(a progression after radical therapy is a local relapse only, at a
     * treated site), among the patients it did not cure */
    double local_relapse;
    double accrual, followup, loss_rate; /* months, months, per month */
    /* fitted (tools/fit_sim) */
    double prog_scale, prog_shape, pps_scale, pps_shape;
    double cure_logit, radical_hr, radical_shape;
    double pps_ttp;         /* post-progression death hazard x (ttp / 12 months)^-pps_ttp */
    double pps_ttp_min;     /* ... with ttp taken as at least this many months */
    double prog_lp, pps_lp; /* weight of the prognostic index lp on progression and on
                               death after progression (1 = the full log hazard ratios) */
    /* eras */
    sim_era eras[SIM_MAX_ERAS];
    int neras;
    int default_era;
} sim_params;

/* Checks ranges (probabilities in [0,1], positive scales, ...).  Returns 0,
 * or -1 with a message naming the field in err. */
int sim_params_check(const sim_params *p, char *err, size_t errlen);

/* Index of the era called name (NULL or "" = the default era), -1 if none. */
int sim_era_find(const sim_params *p, const char *name);

/* Simulates n patients (n >= 1, < 2^31) of era `era` (NULL = default) from
 * seed (GSL mt19937 uses its low 32 bits).  Columns: id, covariates of the
 * data dictionary, induction_response, potential outcomes
 * os_time@radical ... pfs_event@systemic, and the observed columns arm,
 * os_time, os_event, pfs_time, pfs_event filled for arm "systemic" (the
 * standard of care, until rules assign arms).  Caller owns *out (cohort_free).
 * Returns 0, or -1 with a message in err (bad parameters, unknown era,
 * ENOMEM, or "simulate: interrupted" when tnm_interrupted() (interrupt.h),
 * polled every few thousand patients, was set); on error *out is NULL and
 * nothing is allocated. */
int sim_generate(const sim_params *p, const char *era, size_t n, uint64_t seed, cohort **out,
                 char *err, size_t errlen);

/* Sets the observed outcome columns (os_time, os_event, pfs_time, pfs_event,
 * created if absent) from the potential outcomes of the arm named in each
 * row's string column arm_col ("<col>@<arm>"); rows with a missing arm get
 * NaN; local_relapse too (created if absent) when an assigned arm has a
 * local_relapse@<arm> column, NaN on the arms without one.  Fails, changing nothing, when an arm
 * has no potential outcome columns or a row's assigned arm has no outcome for it (radical therapy
 * of a patient whose sites cannot all be treated): err then names the count and the first such
 * row's id.  Returns 0 or -1. */
int sim_apply_arms(cohort *c, const char *arm_col, char *err, size_t errlen);

/* FNV-1a 64 over the bytes of every column (name, type, data, levels), in
 * column order: the golden-hash test's fingerprint of a cohort. */
uint64_t sim_cohort_hash(const cohort *c);

#endif
