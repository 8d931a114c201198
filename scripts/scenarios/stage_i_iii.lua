-- stage_i_iii.lua - synthetic population of non-metastatic (M0) NSCLC,
-- clinical stage IA1 to IIIC, treated with curative intent.
-- Read by dsl/lsim.c into core/sim.h's sim_params (kind stage_i_iii, the
-- model described there and in doc/model.md#stage-i-iii).  This file is
-- data: it runs with only `math` in scope.
--
-- What it is for: restaging.  Outcome follows the anatomy (tumour size,
-- invasion, how far and how widely the nodes are involved) and the patient
-- (ECOG, age, sex, histology), never a stage group, so moving patients from
-- the 8th to the 9th edition's groups changes which group a patient is
-- counted in and nothing else (the stage_migration lesson).
--
-- Times are months from diagnosis.  Hazard effects are log hazard ratios.
-- Both arm columns hold the same outcome: there is one treatment.
--
-- Sources (doc/model.md#stage-i-iii says what each part takes from them):
--   [GS]  Goldstraw et al., J Thorac Oncol 2016;11:39-51 (TNM 8th edition,
--         IASLC database): 5-year OS by clinical stage IA1 92%, IA2 83%,
--         IA3 77%, IB 68%, IIA 60%, IIB 53%, IIIA 36%, IIIB 26%, IIIC 13%;
--         2-year OS 97, 94, 90, 87, 79, 72, 55, 44, 24%.
--   [UE]  Uehara et al., Ann Thorac Cardiovasc Surg 2015;21:345-51: N2 in
--         several stations against one, HR about 1.6 for OS.
--   [N9]  9th-edition N2a/N2b validation in a surgical series (BMC Cancer
--         2024, PMID 39604857): 72.7% of 352 N2 patients single-station.
return {
  name = "stage_i_iii",
  kind = "stage_i_iii",
  description = "Non-metastatic NSCLC, stage IA1-IIIC, one curative-intent treatment",

  population = {
    -- patients treated with curative intent are a little younger and
    -- fitter than stage IV patients (assumed)
    age = {mean = 66, sd = 9, min = 35, max = 90},
    male = 0.55,
    ecog = {0.50, 0.38, 0.10, 0.015, 0.005},    -- ECOG 0..4 (assumed)
    histology = {adenocarcinoma = 0.60, squamous = 0.28, other = 0.12},
    right_side = 0.56,
    driver_adeno = {EGFR = 0.15, ALK = 0.04, KRAS = 0.30},
    driver_other = {EGFR = 0.02, ALK = 0.01, KRAS = 0.05},
    -- tumour size, cm: median about 2.8 (assumed; a mix of screen-detected
    -- and symptomatic tumours)
    t_size = {meanlog = math.log(2.8), sdlog = 0.62, max = 15},
    -- each invasion descriptor independently (assumed)
    t_invasion = {
      main_bronchus = 0.05, visceral_pleura = 0.18, atelectasis_hilar = 0.04,
      chest_wall = 0.04, parietal_pleura = 0.03, phrenic_nerve = 0.01,
      parietal_pericardium = 0.01, diaphragm = 0.01, mediastinum = 0.03,
      heart = 0.005, great_vessels = 0.015, trachea = 0.003,
      recurrent_laryngeal_nerve = 0.005, esophagus = 0.003, vertebral_body = 0.005,
      carina = 0.003,
    },
    n = {0.60, 0.14, 0.19, 0.07},               -- N0..N3 (assumed)
    -- N2: one, two, three stations involved ([N9]: 72.7% single-station)
    n2_stations = {0.72, 0.19, 0.09},
  },

  model = {
    effects = {
      ecog = {0, math.log(1.3), math.log(1.8), math.log(2.5), math.log(3.2)},
      age_per_year = 0.01, female = math.log(0.85), squamous = math.log(1.1),
      other_histology = math.log(1.15),
    },
    -- The anatomy's effects, cure_logit and the recurrence and
    -- after_recurrence numbers (scale, lp) were set together, by a
    -- least-squares search over ten of them (the shapes and size_cap fixed,
    -- each T category's invasion effects tied as 1 : 2 : 2.8), so that the simulated 2- and
    -- 5-year OS by 8th-edition stage group comes near [GS]: within 5 points
    -- in every group (the largest gap 4.8, IB at 5 years), n = 100,000,
    -- seed 1.  tests/e2e/stage_migration.sh checks it.
    anatomy = {
      -- per cm of tumour, up to size_cap cm
      size_per_cm = 0.54, size_cap = 6,
      -- the largest effect among the invasion descriptors present: the
      -- T2 ones, the T3 ones, the T4 ones
      invasion = {
        main_bronchus = 0.59, visceral_pleura = 0.59,
        atelectasis_hilar = 0.59,
        chest_wall = 1.18, parietal_pleura = 1.18,
        phrenic_nerve = 1.18, parietal_pericardium = 1.18,
        diaphragm = 1.65, mediastinum = 1.65, heart = 1.65,
        great_vessels = 1.65, trachea = 1.65,
        recurrent_laryngeal_nerve = 1.65, esophagus = 1.65,
        vertebral_body = 1.65, carina = 1.65,
      },
      -- N1, N2 in one station, N2 in several, N3.  N2 in several stations
      -- adds 0.85 to the index: with cure and recurrence both following
      -- the index, that makes the OS hazard ratio of N2b against N2a in
      -- the simulated cohort about [UE]'s 1.6 (Cox, n = 100,000, seed 1: 1.54)
      nodes = {n1 = 1.04, n2_single = 1.58, n2_multi = 1.58 + 0.85, n3 = 1.87},
    },
    -- P(cure) = logistic(cure_logit - prognostic index)
    cure_logit = 2.99,
    -- time to recurrence when not cured: Weibull (months), its hazard times
    -- exp(lp * index): a worse index brings recurrence sooner as well as
    -- more often (PFS median 25 months in the 8th edition's IIIA, 15 in
    -- IIIB, 10 in IIIC)
    recurrence = {scale = 48.7, shape = 1.0, lp = 0.27},
    -- death after recurrence: Weibull (months), its hazard times
    -- exp(lp * index): median 20 months at index 0, shorter for a worse one
    after_recurrence = {scale = 27.6, shape = 1.2, lp = 0.53},
    -- other-cause death: Gompertz, per year at age 65 (assumed: patients fit
    -- for curative treatment die of other causes about as often as the
    -- general population at their age, or less)
    background = {rate65 = 0.006, gompertz = 0.09},
    -- 5 years' uniform accrual, 5 more of follow-up, 2%/year lost
    censoring = {accrual = 60, followup = 60, loss_rate = 0.0017},
  },
}
