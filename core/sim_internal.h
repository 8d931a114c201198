/* sim_internal.h - what the simulator's own files share (not a public API).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A patient is drawn in two steps: sim_draw() takes the covariates and the
 * patient's random numbers from the stream (a fixed sequence per patient
 * whatever the outcome parameters are), then sim_latent() turns them into
 * latent progression and death times per arm.  The fitting tool and the
 * calibration keep the drawn patients and re-run only the second step.
 */
#ifndef TNMLAB_SIM_INTERNAL_H
#define TNMLAB_SIM_INTERNAL_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "sim.h"

/* Long loops poll tnm_interrupted() (interrupt.h) every SIM_POLL patients
 * (a power of 2). */
enum { SIM_POLL = 4096 };

enum { SIM_RADICAL = 0, SIM_SYSTEMIC = 1, SIM_NARMS = 2 };
extern const char *const sim_arm_names[SIM_NARMS];

/* Site indexes into sim_site_names. */
enum {
    SITE_BRAIN,
    SITE_ADRENAL,
    SITE_BONE,
    SITE_LIVER,
    SITE_LUNG_CONTRA,
    SITE_PLEURA,
    SITE_PERICARDIUM,
    SITE_DISTANT_NODE,
    SITE_OTHER
};

typedef struct sim_patient {
    double age, tsize;
    double lp;     /* prognostic index without the era's driver term */
    double censor; /* min(administrative, loss to follow-up), months */
    double u_prog, u_cure, u_pps, u_bg, u_cross, u_resp;
    uint32_t stations;                        /* bit i: sim_station_names[i] */
    uint16_t invasion;                        /* bit i: sim_invasion_names[i] */
    uint8_t sites[SIM_NSITES];                /* lesions per site */
    int8_t female, ecog, hist, right, driver; /* driver -1 = none */
    int8_t nstage, mcat;                      /* N0..3; 0 M1a, 1 M1b, 2 M1c, -1 M0 */
    int8_t n2_count;                          /* N2 stations drawn (0 when N0, N1) */
    int8_t effusion, treatable;
    int16_t lesions;             /* all lesions in sites[] */
    int16_t m_lesions, m_organs; /* extrathoracic lesions and organ systems */
} sim_patient;

/* Latent (uncensored) times per arm, months; prog = INFINITY when never.
 * Radical times are NaN when the patient is not treatable. */
typedef struct sim_latent {
    double prog[SIM_NARMS], death[SIM_NARMS];
    int8_t local[SIM_NARMS]; /* 1: the progression is a local relapse after radical therapy */
} sim_latent;

/* Observed (censored, day-rounded) outcome of one arm. */
typedef struct sim_obs {
    double os_time, pfs_time;
    double local_relapse; /* 1, 0, or NaN when no progression is observed */
    int8_t os_event, pfs_event;
} sim_obs;

/* Constants of the draw computed once per parameter set. */
typedef struct sim_prep {
    double age_lo, age_hi; /* normal CDF at the truncation points */
} sim_prep;
void sim_prepare(const sim_params *p, sim_prep *prep);

/* Draws one patient's covariates and random numbers. */
void sim_draw(const sim_params *p, const sim_prep *prep, gsl_rng *r, sim_patient *pt);

/* Latent progression and death times under both arms for era e. */
void sim_latent_times(const sim_params *p, const sim_era *e, const sim_patient *pt,
                      sim_latent *out);

/* Censors and rounds arm a's latent times; NaN outcome when untreatable. */
void sim_observe(const sim_patient *pt, const sim_latent *lt, int arm, sim_obs *out);

/* Induction response at the landmark: 0 progression, 1 stable, 2 response,
 * -1 unknown (died or lost before the landmark). */
int sim_response(const sim_params *p, const sim_patient *pt, const sim_latent *lt);

/* Months rounded up to whole days (30.4375 days a month). */
double sim_round_days(double months);

#endif
