/* sim_model.c - one patient: covariates, random numbers, latent and observed
 * times (see sim.h for the model and sim_internal.h for the two steps).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reproducibility: every draw is an inverse-CDF transform of one
 * gsl_rng_uniform_pos() value, taken in a fixed order per patient, so the
 * stream position after a patient depends only on the covariate parameters;
 * no draw depends on the fitted outcome parameters.
 */
#include "sim_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

const char *const sim_arm_names[SIM_NARMS] = {"radical", "systemic"};
const char *const sim_site_names[SIM_NSITES] = {
    "brain",  "adrenal",     "bone",         "liver", "lung_contralateral",
    "pleura", "pericardium", "distant_node", "other"};
const char *const sim_invasion_names[SIM_NINVASION] = {"main_bronchus",
                                                       "visceral_pleura",
                                                       "atelectasis_hilar",
                                                       "chest_wall",
                                                       "parietal_pleura",
                                                       "phrenic_nerve",
                                                       "parietal_pericardium",
                                                       "diaphragm",
                                                       "mediastinum",
                                                       "heart",
                                                       "great_vessels",
                                                       "trachea",
                                                       "recurrent_laryngeal_nerve",
                                                       "esophagus",
                                                       "vertebral_body",
                                                       "carina"};
const char *const sim_station_names[SIM_NSTATIONS] = {
    "1R", "1L", "2R",  "2L",  "3a",  "3p",  "4R",  "4L",  "5",   "6",   "7",   "8R", "8L",
    "9R", "9L", "10R", "10L", "11R", "11L", "12R", "12L", "13R", "13L", "14R", "14L"};
const char *const sim_hist_names[SIM_NHIST] = {"adenocarcinoma", "squamous", "other"};
const char *const sim_driver_names[SIM_NDRIVER] = {"EGFR", "ALK", "KRAS"};

/* Station indexes by side of the primary: N1 (hilar/intrapulmonary), N2
 * (ipsilateral mediastinal, subcarinal), N3 (contralateral, supraclavicular). */
static const int8_t st_n1[2][5] = {{16, 18, 20, 22, 24}, {15, 17, 19, 21, 23}}; /* L, R */
static const int8_t st_n2[2][9] = {{3, 4, 5, 7, 8, 9, 10, 12, 14},
                                   {2, 4, 5, 6, 10, 11, 13, -1, -1}};
static const int8_t st_n2_len[2] = {9, 7};
static const int8_t st_n3[2][5] = {{2, 6, 15, 0, 1}, {3, 7, 16, 0, 1}};

static const double DAYS_PER_MONTH = 30.4375; /* 365.25 / 12 */

double sim_round_days(double months) {
    if (!(months < INFINITY))
        return months;
    double d = ceil(months * DAYS_PER_MONTH);
    if (d < 1)
        d = 1;
    return d / DAYS_PER_MONTH;
}

static double unif(gsl_rng *r) {
    return gsl_rng_uniform_pos(r);
}

/* Index drawn from weights w[0..n-1] (need not sum to 1). */
static int categorical(const double *w, int n, double u) {
    double tot = 0;
    for (int i = 0; i < n; i++)
        tot += w[i];
    double x = u * tot, acc = 0;
    for (int i = 0; i < n - 1; i++) {
        acc += w[i];
        if (x < acc)
            return i;
    }
    return n - 1;
}

/* Sets k distinct stations of list[0..m-1] (partial Fisher-Yates, k draws). */
static uint32_t pick_stations(gsl_rng *r, const int8_t *list, int m, int k) {
    int8_t tmp[16];
    for (int i = 0; i < m; i++)
        tmp[i] = list[i];
    uint32_t bits = 0;
    for (int i = 0; i < k && i < m; i++) {
        int j = i + (int)(unif(r) * (m - i));
        if (j >= m)
            j = m - 1;
        int8_t t = tmp[i];
        tmp[i] = tmp[j];
        tmp[j] = t;
        bits |= (uint32_t)1 << tmp[i];
    }
    return bits;
}

static int is_extrathoracic(int s) {
    return s != SITE_LUNG_CONTRA && s != SITE_PLEURA && s != SITE_PERICARDIUM;
}

static void draw_nodes(const sim_params *p, gsl_rng *r, sim_patient *pt) {
    int side = pt->right;
    pt->nstage = (int8_t)categorical(p->n_p, SIM_NN, unif(r));
    pt->stations = 0;
    pt->n2_count = 0;
    if (pt->nstage >= 1) /* N1, and hilar involvement in half the N2/N3 */
        if (pt->nstage == 1 || unif(r) < 0.5)
            pt->stations |= pick_stations(r, st_n1[side], 5, 1 + (unif(r) < 0.4));
    if (pt->nstage >= 2) {
        int k = p->kind == SIM_STAGE_I_III ? 1 + categorical(p->m0.n2_stations_w, 3, unif(r))
                                           : 1 + (int)(unif(r) * 3);
        pt->n2_count = (int8_t)k;
        pt->stations |= pick_stations(r, st_n2[side], st_n2_len[side], k);
    }
    if (pt->nstage == 3)
        pt->stations |= pick_stations(r, st_n3[side], 5, 1 + (unif(r) < 0.35));
}

static void draw_metastases(const sim_params *p, gsl_rng *r, sim_patient *pt) {
    for (int s = 0; s < SIM_NSITES; s++)
        pt->sites[s] = 0;
    pt->effusion = 0;
    pt->mcat = (int8_t)categorical(p->m_p, 3, unif(r));
    int max_nod = p->m1a_max_nodules < 1 ? 1 : (int)p->m1a_max_nodules;
    if (pt->mcat == 0 || unif(r) < p->m1c_intrathoracic * (pt->mcat == 2)) {
        double u = unif(r), nod = 1 + (int)(unif(r) * max_nod);
        if (u < p->m1a_effusion)
            pt->effusion = 1;
        else if (u < p->m1a_effusion + p->m1a_pleural_nodules)
            pt->sites[SITE_PLEURA] = (uint8_t)nod;
        else
            pt->sites[SITE_LUNG_CONTRA] = (uint8_t)nod;
    }
    if (pt->mcat == 1) {
        pt->sites[categorical(p->m1b_site_w, SIM_NSITES, unif(r))] += 1;
    } else if (pt->mcat == 2) {
        int k = 1 + categorical(p->m1c_organs_p, SIM_NORGANS, unif(r));
        double w[SIM_NSITES];
        for (int s = 0; s < SIM_NSITES; s++)
            w[s] = is_extrathoracic(s) ? p->m1c_site_w[s] : 0;
        double q = 1.0 / (1.0 + p->m1c_extra_lesions); /* geometric success prob */
        int maxper = p->m1c_max_per_organ < 1 ? 1 : (int)p->m1c_max_per_organ;
        for (int i = 0; i < k; i++) {
            int s = categorical(w, SIM_NSITES, unif(r));
            w[s] = 0;
            int extra = q >= 1 ? 0 : (int)floor(log(unif(r)) / log1p(-q));
            int n = 1 + extra;
            if (k == 1 && n < 2)
                n = 2; /* M1c in a single organ means multiple lesions */
            if (n > maxper)
                n = maxper;
            pt->sites[s] = (uint8_t)(pt->sites[s] + n);
            int left = 0;
            for (int t = 0; t < SIM_NSITES; t++)
                left += w[t] > 0;
            if (!left)
                break;
        }
    }
    pt->lesions = pt->m_lesions = pt->m_organs = 0;
    for (int s = 0; s < SIM_NSITES; s++) {
        pt->lesions = (int16_t)(pt->lesions + pt->sites[s]);
        if (is_extrathoracic(s) && pt->sites[s]) {
            pt->m_lesions = (int16_t)(pt->m_lesions + pt->sites[s]);
            pt->m_organs++;
        }
    }
    double pt_treat = 0;
    if (pt->lesions >= 1 && !pt->effusion) {
        int i = pt->lesions > SIM_NTREAT - 1 ? SIM_NTREAT - 1 : pt->lesions - 1;
        pt_treat = p->treat_p[i];
        if (pt->sites[SITE_LIVER])
            pt_treat *= p->treat_liver;
        if (pt->sites[SITE_PLEURA] || pt->sites[SITE_PERICARDIUM])
            pt_treat *= p->treat_pleura;
    }
    pt->treatable = unif(r) < pt_treat;
}

/* Stage I-III: no distant metastasis; every patient can have the
 * (curative-intent) treatment. */
static void no_metastases(sim_patient *pt) {
    for (int s = 0; s < SIM_NSITES; s++)
        pt->sites[s] = 0;
    pt->effusion = 0;
    pt->mcat = -1;
    pt->lesions = pt->m_lesions = pt->m_organs = 0;
    pt->treatable = 1;
}

/* Stage I-III: the anatomy's log hazard ratio (sim.h, sim_m0). */
static double m0_anatomy(const sim_m0 *m, const sim_patient *pt) {
    double lp = m->size_per_cm * fmin(pt->tsize, m->size_cap), inv = 0;
    for (int i = 0; i < SIM_NINVASION; i++)
        if (pt->invasion >> i & 1 && m->invasion[i] > inv)
            inv = m->invasion[i];
    lp += inv;
    if (pt->nstage == 1)
        lp += m->n1;
    else if (pt->nstage == 2)
        lp += pt->n2_count > 1 ? m->n2_multi : m->n2_single;
    else if (pt->nstage == 3)
        lp += m->n3;
    return lp;
}

void sim_prepare(const sim_params *p, sim_prep *prep) {
    prep->age_lo = gsl_cdf_gaussian_P(p->age_min - p->age_mean, p->age_sd);
    prep->age_hi = gsl_cdf_gaussian_P(p->age_max - p->age_mean, p->age_sd);
}

void sim_draw(const sim_params *p, const sim_prep *prep, gsl_rng *r, sim_patient *pt) {
    /* age: normal truncated to [min, max] by inverse CDF, whole years */
    double lo = prep->age_lo, hi = prep->age_hi;
    double a = p->age_mean + gsl_cdf_gaussian_Pinv(lo + unif(r) * (hi - lo), p->age_sd);
    pt->age = floor(a);
    if (pt->age < p->age_min)
        pt->age = p->age_min;
    pt->female = unif(r) >= p->p_male;
    pt->ecog = (int8_t)categorical(p->ecog_p, SIM_NECOG, unif(r));
    pt->hist = (int8_t)categorical(p->hist_p, SIM_NHIST, unif(r));
    pt->right = unif(r) < p->p_right;
    {
        const double *d = pt->hist == 0 ? p->driver_adeno : p->driver_other;
        double w[SIM_NDRIVER + 1], tot = 0;
        for (int i = 0; i < SIM_NDRIVER; i++)
            tot += (w[i] = d[i]);
        w[SIM_NDRIVER] = tot < 1 ? 1 - tot : 0;
        int k = categorical(w, SIM_NDRIVER + 1, unif(r));
        pt->driver = (int8_t)(k == SIM_NDRIVER ? -1 : k);
    }
    double ts = exp(p->tsize_meanlog + gsl_cdf_ugaussian_Pinv(unif(r)) * p->tsize_sdlog);
    if (ts > p->tsize_max)
        ts = p->tsize_max;
    pt->tsize = fmax(0.1, round(ts * 10) / 10);
    pt->invasion = 0;
    for (int i = 0; i < SIM_NINVASION; i++)
        if (unif(r) < p->invasion_p[i])
            pt->invasion |= (uint16_t)(1u << i);
    draw_nodes(p, r, pt);
    if (p->kind == SIM_STAGE_I_III)
        no_metastases(pt);
    else
        draw_metastases(p, r, pt);

    double lp = p->eff_ecog[pt->ecog] + p->eff_age * (pt->age - 65);
    if (pt->female)
        lp += p->eff_female;
    if (pt->hist == 1)
        lp += p->eff_squamous;
    else if (pt->hist == 2)
        lp += p->eff_other_hist;
    if (p->kind == SIM_STAGE_I_III)
        lp += m0_anatomy(&p->m0, pt);
    else if (pt->nstage >= 2)
        lp += p->eff_n23;
    if (pt->m_organs > 1)
        lp += p->eff_extra_organ * (pt->m_organs - 1);
    if (pt->lesions > 1)
        lp += p->eff_extra_lesion * fmin(pt->lesions - 1, p->eff_lesion_cap);
    if (pt->sites[SITE_BRAIN])
        lp += p->eff_brain;
    if (pt->sites[SITE_LIVER])
        lp += p->eff_liver;
    if (pt->sites[SITE_BONE])
        lp += p->eff_bone;
    if (pt->effusion)
        lp += p->eff_effusion;
    pt->lp = lp;

    pt->u_prog = unif(r);
    pt->u_cure = unif(r);
    pt->u_pps = unif(r);
    pt->u_bg = unif(r);
    pt->u_cross = unif(r);
    pt->u_resp = unif(r);
    double admin = p->accrual + p->followup - unif(r) * p->accrual;
    double ltfu = p->loss_rate > 0 ? -log(unif(r)) / p->loss_rate : INFINITY;
    pt->censor = admin < ltfu ? admin : ltfu;
}

static double logistic(double x) {
    return 1.0 / (1.0 + exp(-x));
}

/* Time after progression until death. */
static double pps_time(const sim_params *p, double lp, double u) {
    return p->pps_scale * pow(-log(u) / exp(lp), 1.0 / p->pps_shape);
}

/* Stage I-III: the same times under both arms (sim.h, sim_m0). */
static void latent_m0(const sim_params *p, const sim_patient *pt, sim_latent *out) {
    const sim_m0 *m = &p->m0;
    double h0 = p->bg_rate65 * exp(p->bg_gompertz * (pt->age - 65));
    double t_bg = 12.0 / p->bg_gompertz * log1p(-log(pt->u_bg) * p->bg_gompertz / h0);
    double t = INFINITY, death = t_bg;
    if (pt->u_cure >= logistic(m->cure_logit - pt->lp)) {
        t = m->recur_scale *
            pow(-log(pt->u_prog) / exp(m->recur_lp * pt->lp), 1.0 / m->recur_shape);
        double d =
            t + m->pps_scale * pow(-log(pt->u_pps) / exp(m->pps_lp * pt->lp), 1.0 / m->pps_shape);
        if (d < death)
            death = d;
    }
    for (int arm = 0; arm < SIM_NARMS; arm++) {
        out->prog[arm] = t < death ? t : INFINITY;
        out->death[arm] = death;
        out->local[arm] = 0;
    }
}

void sim_latent_times(const sim_params *p, const sim_era *e, const sim_patient *pt,
                      sim_latent *out) {
    if (p->kind == SIM_STAGE_I_III) {
        latent_m0(p, pt, out);
        return;
    }
    const double L = p->landmark;
    int target = pt->driver == 0 || pt->driver == 1; /* EGFR, ALK */
    double lp = p->prog_lp * pt->lp + (target ? log(e->driver_prog_hr) : 0);
    double c = e->prog_mult * exp(lp);
    double E = -log(pt->u_prog);
    double k = p->prog_shape, lam = p->prog_scale;
    double t_sys = lam * pow(E / c, 1.0 / k);

    /* other-cause death, Gompertz in attained age */
    double h0 = p->bg_rate65 * exp(p->bg_gompertz * (pt->age - 65));
    double t_bg = 12.0 / p->bg_gompertz * log1p(-log(pt->u_bg) * p->bg_gompertz / h0);

    double pi_s = p->cure_systemic;
    double pi_r = logistic(p->cure_logit + e->cure_shift + p->cure_per_lesion * (pt->lesions - 1) +
                           p->cure_per_ecog * pt->ecog);
    if (pi_r < pi_s)
        pi_r = pi_s;

    double lp_d = p->pps_lp * pt->lp + (target ? log(e->driver_pps_hr) : 0) + log(e->pps_mult);
    for (int arm = 0; arm < SIM_NARMS; arm++) {
        double t;
        out->local[arm] = 0;
        if (arm == SIM_RADICAL && !pt->treatable) {
            out->prog[arm] = out->death[arm] = NAN;
            continue;
        }
        if (t_sys <= L) {
            t = t_sys; /* progression during induction: the arms do not differ yet */
        } else if (pt->u_cure < (arm == SIM_RADICAL ? pi_r : pi_s)) {
            t = INFINITY;
        } else if (arm == SIM_RADICAL) {
            double hl = c * pow(L / lam, k), kr = p->radical_shape;
            t = lam * pow((E - hl) / (p->radical_hr * c) + pow(L / lam, kr), 1.0 / kr);
            /* not cured: u_cure >= pi_r, so this is uniform on [0, 1) (sim.h) */
            out->local[arm] = (pt->u_cure - pi_r) / (1 - pi_r) < p->local_relapse;
        } else if (e->maintenance_hr != 1) {
            double hl = c * pow(L / lam, k);
            t = lam * pow((E - hl) / (e->maintenance_hr * c) + pow(L / lam, k), 1.0 / k);
        } else {
            t = t_sys;
        }
        double death = t_bg;
        if (t < INFINITY) {
            double l = lp_d;
            if (t > L && arm == SIM_RADICAL) {
                l += log(e->radical_pps_hr);
                if (pt->u_cross < e->salvage)
                    l += log(e->crossover_pps_hr); /* local therapy again at progression */
            } else if (t > L && pt->treatable && pt->u_cross < e->crossover)
                l += log(e->crossover_pps_hr);
            if (p->pps_ttp != 0)
                l -= p->pps_ttp * log(fmax(t, p->pps_ttp_min) / 12.0);
            double d = t + pps_time(p, l, pt->u_pps);
            if (d < death)
                death = d;
        }
        out->prog[arm] = t < death ? t : INFINITY;
        out->death[arm] = death;
    }
}

void sim_observe(const sim_patient *pt, const sim_latent *lt, int arm, sim_obs *out) {
    if (isnan(lt->death[arm])) {
        out->os_time = out->pfs_time = out->local_relapse = NAN;
        out->os_event = out->pfs_event = -1;
        return;
    }
    double c = sim_round_days(pt->censor);
    double d = sim_round_days(lt->death[arm]);
    double pr = sim_round_days(lt->prog[arm]);
    double pf = pr < d ? pr : d;
    out->os_event = d <= c;
    out->os_time = d <= c ? d : c;
    out->pfs_event = pf <= c;
    out->pfs_time = pf <= c ? pf : c;
    out->local_relapse = pr < d && pf <= c ? lt->local[arm] : NAN;
}

int sim_response(const sim_params *p, const sim_patient *pt, const sim_latent *lt) {
    if (p->kind == SIM_STAGE_I_III)
        return -1; /* no induction therapy before a landmark */
    const double L = p->landmark;
    double c = sim_round_days(pt->censor);
    double t = sim_round_days(lt->prog[SIM_SYSTEMIC]);
    double d = sim_round_days(lt->death[SIM_SYSTEMIC]);
    if (t <= L && t <= c)
        return 0;
    if (d <= L || c <= L)
        return -1;
    /* Later progression, likelier response: logistic in log time to
     * progression after the landmark, p_response at 12 months. */
    double lt12 = lt->prog[SIM_SYSTEMIC] < INFINITY ? log((lt->prog[SIM_SYSTEMIC] - L) / 12.0) : 50;
    double pr = p->p_response;
    double x = log(pr / (1 - pr)) + lt12;
    return pt->u_resp < logistic(x) ? 2 : 1;
}
