-- stage_iv.lua - synthetic population of newly diagnosed stage IV NSCLC
-- (TNM 8th edition M1a/M1b/M1c), with potential outcomes under two arms:
--   radical  = systemic therapy plus radical local therapy of all sites
--   systemic = systemic therapy alone
-- Read by dsl/lsim.c into core/sim.h's sim_params; the model is described
-- there.  This file is data: it runs with only `math` in scope.
--
-- Times are months from diagnosis.  Hazard effects are log hazard ratios.
-- Figures marked "assumed" are modelling choices made to give a plausible
-- population, not estimates from a named source; the `fit` block is written
-- by tools/fit_sim (do not edit it by hand: rerun the tool, see tools/fit_sim.c).
--
-- Sources (doc/model.md says what each part of the model takes from them):
--   [DR]  De Ruysscher et al., J Thorac Oncol 2012;7:1547-55 (NCT01282450)
--   [GO]  Gomez et al., Lancet Oncol 2016;17:1672-82; J Clin Oncol 2019;37:1558-65
--   [EB]  Eberhardt et al., J Thorac Oncol 2015;10:1515-22 (IASLC staging
--         project, M descriptors: median OS M1a 11.5, M1b 11.4, M1c 6.3 months)
--   [HY]  Hayashi et al., Ann Oncol 2012 (first-line phase III trials:
--         post-progression survival, OS minus PFS median, 6.5 months on
--         average in the recent trials)
--   [PM]  Paz-Ares et al., Lancet Oncol 2012 (PARAMOUNT: after 4 cycles of
--         induction, PFS from randomisation 4.1 months on maintenance vs
--         2.8 on placebo, HR 0.62)
--   [GS]  Goldstraw et al., J Thorac Oncol 2016;11:39-51 (TNM 8th edition)
--
-- Fitted with: tools/fit_sim --n 100000 --iter 1500 --rounds 4
--   --dr-weight 0.5 --write  (seed 12345).  Targets: [DR]'s OS and PFS,
-- the [EB] medians by M category, the era's systemic PFS (4-5 months) and
-- OS, [HY]'s post-progression survival in trial-eligible patients (ECOG
-- 0-1), [PM]'s progression after induction, and the stated ECOG hazard
-- ratios; survival after progression is kept at 3.5 months or more in both
-- arms of the [DR] selection.  [GO] is not fitted: the calibration report
-- predicts it.  Where the targets pull apart (the [DR] curves would need
-- weeks, not months, of survival after progression) the fit keeps the
-- clinical constraints; the calibration report shows what is left
-- (scripts/examples/calibration.lua; doc/model.md#dr-tradeoff measures the
-- two ways to move closer to [DR] and what each costs elsewhere).
-- BEGIN FIT (written by tools/fit_sim; objective 35.85, 0 = every target met)
local fit = {
  prog_scale = 16.0163,
  prog_shape = 0.916893,
  pps_scale = 11.3028,
  pps_shape = 1.48398,
  cure_logit = -1.17823,
  radical_hr = 0.990373,
  radical_shape = 2.2186,
  pps_ttp = 0.11263,
  prog_lp = 0.672097,
  pps_lp = 1.19855,
  pps_ttp_min = 7.05206,
  maintenance_hr = 1.7801,
  extra_lesion_hr = 1.2,
}
-- END FIT

return {
  name = "stage_iv",
  description = "Newly diagnosed stage IV NSCLC, M1a/M1b/M1c mix, two arms",
  default_era = "deruysscher2012",

  population = {
    -- age at diagnosis: stage IV NSCLC, median in the mid-60s (assumed;
    -- [DR] trial patients were younger, mean 62.1, as trial patients are)
    age = {mean = 66, sd = 9.5, min = 30, max = 90},
    male = 0.58,                              -- assumed ([DR]: 18 of 39)
    ecog = {0.25, 0.45, 0.18, 0.09, 0.03},    -- ECOG 0..4 at diagnosis (assumed)
    histology = {adenocarcinoma = 0.62, squamous = 0.22, other = 0.16}, -- assumed
    right_side = 0.56,                        -- right lung is larger (assumed)
    -- driver alterations, Western population (assumed): by histology
    driver_adeno = {EGFR = 0.15, ALK = 0.05, KRAS = 0.30},
    driver_other = {EGFR = 0.02, ALK = 0.01, KRAS = 0.05},
    t_size = {meanlog = math.log(4.2), sdlog = 0.5, max = 15},  -- cm (assumed)
    -- each invasion descriptor independently (assumed)
    t_invasion = {
      main_bronchus = 0.12, visceral_pleura = 0.20, atelectasis_hilar = 0.10,
      chest_wall = 0.07, parietal_pleura = 0.06, phrenic_nerve = 0.03,
      parietal_pericardium = 0.03, diaphragm = 0.02, mediastinum = 0.08,
      heart = 0.02, great_vessels = 0.04, trachea = 0.01,
      recurrent_laryngeal_nerve = 0.02, esophagus = 0.02, vertebral_body = 0.02,
      carina = 0.02,
    },
    n = {0.22, 0.10, 0.42, 0.26},             -- N0..N3 ([DR]: 74% N2/N3)
    -- M category mix at diagnosis (approximately the [EB] database's shares)
    m = {m1a = 0.30, m1b = 0.17, m1c = 0.53},
    -- M1a: malignant effusion, pleural nodules, else contralateral nodule(s)
    m1a = {effusion = 0.55, pleural_nodules = 0.15, max_nodules = 3},
    -- M1b: the single extrathoracic lesion's site ([DR]: brain 44%, bone 18%,
    -- adrenal 10% of its patients; brain is over-represented among the
    -- treatable ones)
    m1b_sites = {brain = 0.33, adrenal = 0.13, bone = 0.27, liver = 0.08,
                 distant_node = 0.11, other = 0.08},
    -- M1c: 1..5 extrathoracic organ systems; lesions per organ 1 + geometric
    m1c = {organs = {0.25, 0.35, 0.25, 0.10, 0.05}, extra_lesions = 2.0,
           max_per_organ = 20, intrathoracic = 0.25},
    m1c_sites = {brain = 0.22, adrenal = 0.15, bone = 0.30, liver = 0.15,
                 distant_node = 0.12, other = 0.06},
    -- P(every site amenable to surgery or radiotherapy) by the total lesion
    -- count 1..8 and more, times a factor when the liver or the pleura is
    -- involved; a malignant effusion is never treatable.  A single lesion's
    -- 0.92 is assumed; the values for 2 and more lesions are set so that the
    -- De Ruysscher selection has [DR]'s case mix, 87% single metastasis
    -- (radical treatment of several sites was judged feasible far less often)
    treatable = {by_lesions = {0.92, 0.16, 0.12, 0.08, 0.06, 0.04, 0.03, 0.02, 0.01},
                 liver = 0.85, pleura = 0.5},
    -- P(response | progression-free at the landmark), for a patient whose
    -- progression comes 12 months after it (later progression, likelier)
    response = 0.45,
  },

  model = {
    landmark = 3,  -- months of induction systemic therapy ([GO]: >= 3 months)
    -- prognostic log hazard ratios (assumed, of the size reported for overall
    -- survival in advanced NSCLC prognostic analyses); they act on
    -- progression and on death after it with the fitted weights
    -- fit.prog_lp and fit.pps_lp, chosen so that a Cox model of OS gives
    -- the stated ECOG ratios back (the calibration report checks it)
    effects = {
      ecog = {0, math.log(1.3), math.log(2.0), math.log(3.0), math.log(4.5)},
      age_per_year = 0.01, female = math.log(0.85), squamous = math.log(1.1),
      other_histology = math.log(1.1), n2n3 = math.log(1.1),
      -- more lesions: the hazard rises over the first few extra lesions and
      -- levels off (lesion_cap); a further organ system adds little ([EB]:
      -- multiple lesions in one organ and in several organs fared alike,
      -- hence one M1c category).  The ratio per extra lesion is fitted to
      -- [EB]'s M1b and M1c medians.
      extra_organ = math.log(1.05), lesion_cap = 4,
      extra_lesion = math.log(fit.extra_lesion_hr),
      brain = math.log(1.1), liver = math.log(1.4), bone = math.log(1.15),
      effusion = math.log(1.2),
    },
    -- other-cause death: Gompertz, per year at age 65, slope per year of age
    -- (about twice the general population's, for smokers' comorbidity; assumed)
    background = {rate65 = 0.02, gompertz = 0.09},
    -- cure by radical therapy among patients progression-free at the landmark:
    -- logit = fit.cure_logit + per_lesion * (lesions - 1) + per_ecog * ecog
    -- (assumed slopes); systemic therapy alone cures (almost) nobody
    cure = {per_lesion = -0.4, per_ecog = -0.3, systemic = 0.0},
    -- a progression after radical therapy is a local relapse only (at a
    -- treated site, no new lesion) with this probability, among the patients
    -- it did not cure (core/sim.h says which patients).  Set so that the De
    -- Ruysscher selection has [DR]'s 2 local recurrences in 39 patients (5%);
    -- the calibration report checks it.  It changes no time: a local relapse
    -- is a progression like any other here.
    local_relapse = 0.09,
    -- censoring: 36 months' uniform accrual, 36 more of follow-up, 3%/year lost
    censoring = {accrual = 36, followup = 36, loss_rate = 0.0025},
  },

  fit = fit,

  -- Eras: what differs between the trials' periods (time origin is handled by
  -- the calibration: [GO] counts from randomisation, a landmark analysis).
  eras = {
    { -- [DR] 2009-2011: platinum chemotherapy, few targeted drugs.  Radical
      -- therapy does not change survival after progression (radical_pps_hr
      -- 1): no source says it shortens or lengthens it.
      name = "deruysscher2012", prog_mult = 1, pps_mult = 1,
      cure_shift = 0, radical_pps_hr = 1, maintenance_hr = fit.maintenance_hr,
      driver_prog_hr = 1, driver_pps_hr = 1,
      crossover = 0, crossover_pps_hr = 1, salvage = 0,
    },
    { -- [GO] 2012-2016.  Nothing here is fitted to [GO]: the calibration
      -- report predicts its figures from the [DR]-era model and these
      -- differences, each stated, none taken from [GO]'s outcomes:
      --  * the same first-line therapy and the same course after it
      --    (prog_mult 1; maintenance_hr as fitted to PARAMOUNT for both eras);
      --  * EGFR/ALK patients were eligible and on inhibitors: their
      --    progression and death after it slowed (driver_*_hr, assumed);
      --  * later second-line therapy, immune checkpoint inhibitors from 2015:
      --    death after progression 0.73 times as fast (pps_mult, assumed, of
      --    the size of those drugs' effect on OS against docetaxel);
      --  * radical therapy changes neither the cure logit nor survival after
      --    progression beyond the [DR] era (cure_shift 0, radical_pps_hr 1);
      --  * crossover: 9 of the 20 control patients who progressed had local
      --    therapy of all lesions [GO 2019], its effect on death after
      --    progression assumed (crossover_pps_hr), decided at progression;
      --  * salvage: after LCT too, progressing sites were treated locally
      --    again; [GO 2019] reports LCT-based salvage in 41% of the patients
      --    who progressed, both arms together.  The LCT arm gets that share,
      --    with the same effect as crossover (the same treatment at the same
      --    moment) and the same random number (one patient, one
      --    disposition to local therapy).  Nothing here is fitted to [GO].
      name = "gomez2016", prog_mult = 1, pps_mult = 0.73,
      cure_shift = 0, radical_pps_hr = 1, maintenance_hr = fit.maintenance_hr,
      driver_prog_hr = 0.5, driver_pps_hr = 0.6,   -- assumed
      crossover = 0.45, crossover_pps_hr = 0.8,    -- 9/20 [GO]; HR assumed
      salvage = 0.41,                              -- 41% [GO 2019]
    },
  },
}
