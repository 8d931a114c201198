-- eortc2019_test.lua: eortc2019 on the hand-made cohort
-- (hand_cohort.csv, beside this file): every patient sits on a
-- boundary of the eligibility of EORTC consensus (Dingemans et al. 2019), and what the
-- rules must make of them was worked out by hand from the definition in
-- the rule file (the reasoning is the comment above each case).
-- Run: tnmlab test --coverage scripts/selection/tests
return {
  rules = "../eortc2019.lua",
  cohort = "hand_cohort.csv",
  set = "eortc2019",
  cases = {
    -- 1 metastasis in 1 organ
    { id = "P01", selected = true, arm = "radical", exit = "" },
    -- 3 metastases in 2 organs
    { id = "P02", selected = true, arm = "radical", exit = "" },
    -- 4 metastases in 2 organs
    { id = "P03", selected = true, arm = "radical", exit = "" },
    -- 5 metastases in 3 organs: both limits reached; kept
    { id = "P04", selected = true, arm = "radical", exit = "" },
    -- 6 metastases > 5
    { id = "P05", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- 4 metastases but in 4 organs > 3
    { id = "P06", selected = false, arm = "systemic", exit = "organs:fail" },
    -- contralateral lung nodule counts: 1 metastasis in 1 organ
    { id = "P07", selected = true, arm = "radical", exit = "" },
    -- 4 metastases in 2 organs (contralateral lung; adrenal)
    { id = "P08", selected = true, arm = "radical", exit = "" },
    -- 3 in 3 organs; mediastinal nodes count neither as metastases nor as an organ
    { id = "P09", selected = true, arm = "radical", exit = "" },
    -- malignant pleural effusion
    { id = "P10", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- pleural nodule
    { id = "P11", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- 1 lesion, but not all sites treatable: treatability is part of eligibility
    { id = "P12", selected = false, arm = "systemic", exit = "treatable:fail" },
    -- need_treatable off (the looser teaching reading): not all sites treatable, yet
    -- eligible; the arm still needs every site treatable, so systemic
    { id = "P12", params = { need_treatable = false },
      selected = true, arm = "systemic", exit = "" },
    -- no ECOG limit
    { id = "P13", selected = true, arm = "radical", exit = "" },
    -- ECOG 3: the consensus defines disease extent; no ECOG limit
    { id = "P14", selected = true, arm = "radical", exit = "" },
    -- drivers not read
    { id = "P15", selected = true, arm = "radical", exit = "" },
    -- drivers not read
    { id = "P16", selected = true, arm = "radical", exit = "" },
    -- synchronous definition at diagnosis: later progression not read
    { id = "P17", selected = true, arm = "radical", exit = "" },
    -- no landmark: death at 2 months does not exclude
    { id = "P18", selected = true, arm = "radical", exit = "" },
    -- 1 liver metastasis
    { id = "P19", selected = true, arm = "radical", exit = "" },
    -- ECOG missing but max_ecog 4 = no limit: true or unknown = true
    { id = "P20", selected = true, arm = "radical", exit = "" },
    -- m_sites missing
    { id = "P21", selected = false, arm = "systemic", exit = "stage_iv:unknown" },
    -- M0
    { id = "P22", selected = false, arm = "systemic", exit = "stage_iv:fail" },
    -- treatability not recorded: unknown, excluded
    { id = "P23", selected = false, arm = "systemic", exit = "treatable:unknown" },
    -- need_treatable off (the looser teaching reading): treatability unrecorded, yet
    -- eligible; the arm still needs every site treatable, so systemic
    { id = "P23", params = { need_treatable = false },
      selected = true, arm = "systemic", exit = "" },
    -- induction response not read
    { id = "P24", selected = true, arm = "radical", exit = "" },
    -- driver not read
    { id = "P25", selected = true, arm = "radical", exit = "" },
    -- histology not read
    { id = "P26", selected = true, arm = "radical", exit = "" },
    -- effusion not recorded
    { id = "P27", selected = false, arm = "systemic", exit = "no_pleural:unknown" },
    -- 4 metastases in 1 organ
    { id = "P28", selected = true, arm = "radical", exit = "" },
    -- beyond the hand cohort, for coverage: with a performance-status limit
    -- of 1 (the consensus sets none), ECOG 2 fails and a missing ECOG is unknown
    { "P30 ECOG 2 under max_ecog 1", { age = 60, sex = "female", ecog = 2, histology = "adenocarcinoma", driver = "none", side = "R", n_stations = "none", m_sites = "brain:1", m_pleural_effusion = false, m_all_treatable = true, os_time = 20, os_event = 1 },
      params = { max_ecog = 1 }, selected = false, arm = "systemic", exit = "ecog:fail" },
    { "P31 ECOG missing under max_ecog 1", { age = 60, sex = "female", histology = "adenocarcinoma", driver = "none", side = "R", n_stations = "none", m_sites = "brain:1", m_pleural_effusion = false, m_all_treatable = true, os_time = 20, os_event = 1 },
      params = { max_ecog = 1 }, selected = false, arm = "systemic", exit = "ecog:unknown" },
  },
}
