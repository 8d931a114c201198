-- iyengar2018_test.lua: iyengar2018 on the hand-made cohort
-- (hand_cohort.csv, beside this file): every patient sits on a
-- boundary of the eligibility of Iyengar et al., JAMA Oncol 2018, and what the
-- rules must make of them was worked out by hand from the definition in
-- the rule file (the reasoning is the comment above each case).
-- Run: tnmlab test --coverage scripts/selection/tests
return {
  rules = "../iyengar2018.lua",
  cohort = "hand_cohort.csv",
  set = "iyengar2018",
  cases = {
    -- brain:1: brain metastases are not counted among the sites (0 extracranial); response
    { id = "P01", selected = true, arm = "radical", exit = "" },
    -- 3 sites; stable
    { id = "P02", selected = true, arm = "radical", exit = "" },
    -- 4 sites <= 5
    { id = "P03", selected = true, arm = "radical", exit = "" },
    -- brain:1;bone:2;adrenal:2: 4 extracranial sites (brain not counted); KRAS is no EGFR/ALK target
    { id = "P04", selected = true, arm = "radical", exit = "" },
    -- bone:3;liver:2;brain:1: 5 extracranial sites = max_sites 5 (6 with the primary): on the boundary, kept
    { id = "P05", selected = true, arm = "radical", exit = "" },
    -- 3 extracranial sites in 3 organs (and a brain metastasis): no organ limit
    { id = "P06", selected = true, arm = "radical", exit = "" },
    -- 1 contralateral lung nodule = 1 site
    { id = "P07", selected = true, arm = "radical", exit = "" },
    -- 2 contralateral nodules + 2 adrenal = 4 sites <= 5
    { id = "P08", selected = true, arm = "radical", exit = "" },
    -- 2 extracranial sites (bone, adrenal; brain apart); mediastinal nodes go with the primary
    { id = "P09", selected = true, arm = "radical", exit = "" },
    -- malignant pleural effusion
    { id = "P10", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- pleural nodule
    { id = "P11", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- not all sites treatable: the trial enrolled only treatable patients
    { id = "P12", selected = false, arm = "systemic", exit = "treatable:fail" },
    -- need_treatable off (the looser teaching reading): not all sites treatable, yet
    -- eligible; the arm still needs every site treatable, so systemic
    { id = "P12", params = { need_treatable = false },
      selected = true, arm = "systemic", exit = "" },
    -- ECOG 2 = max_ecog 2: kept
    { id = "P13", selected = true, arm = "radical", exit = "" },
    -- ECOG 3 > 2
    { id = "P14", selected = false, arm = "systemic", exit = "ecog:fail" },
    -- EGFR target: excluded
    { id = "P15", selected = false, arm = "systemic", exit = "no_target:fail" },
    -- ALK target: excluded
    { id = "P16", selected = false, arm = "systemic", exit = "no_target:fail" },
    -- progression after induction
    { id = "P17", selected = false, arm = "systemic", exit = "induction:fail" },
    -- died at 2 months: before the landmark
    { id = "P18", selected = false, arm = "systemic", exit = "landmark:fail" },
    -- censored exactly at the 3-month landmark: kept
    { id = "P19", selected = true, arm = "radical", exit = "" },
    -- ECOG missing
    { id = "P20", selected = false, arm = "systemic", exit = "ecog:unknown" },
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
    -- response not recorded
    { id = "P24", selected = false, arm = "systemic", exit = "induction:unknown" },
    -- driver not tested: absence of an EGFR/ALK target unknown; excluded
    { id = "P25", selected = false, arm = "systemic", exit = "no_target:unknown" },
    -- histology not a criterion of this rule set
    { id = "P26", selected = true, arm = "radical", exit = "" },
    -- effusion not recorded
    { id = "P27", selected = false, arm = "systemic", exit = "no_pleural:unknown" },
    -- brain:4: no extracranial site; the brain metastases are treated apart
    { id = "P28", selected = true, arm = "radical", exit = "" },
    -- beyond the hand cohort, for coverage: without a follow-up time nobody
    -- can say whether the patient reached the 3-month landmark: unknown
    { "P32 follow-up time missing", { age = 60, sex = "male", ecog = 0, histology = "adenocarcinoma", driver = "none", side = "R", n_stations = "none", m_sites = "brain:1", m_pleural_effusion = false, m_all_treatable = true, induction_response = "response" },
      selected = false, arm = "systemic", exit = "landmark:unknown" },
    -- six extracranial sites (bone 3, adrenal 3) > 5
    { "P33 six extracranial sites", { age = 60, sex = "male", ecog = 0, histology = "adenocarcinoma", driver = "none", side = "R", n_stations = "none", m_sites = "bone:3;adrenal:3", m_pleural_effusion = false, m_all_treatable = true, induction_response = "response", os_time = 20, os_event = 1 },
      selected = false, arm = "systemic", exit = "sites:fail" },
    -- four liver metastases: more than 3 in the liver
    { "P34 four liver metastases", { age = 60, sex = "male", ecog = 0, histology = "adenocarcinoma", driver = "none", side = "R", n_stations = "none", m_sites = "liver:4", m_pleural_effusion = false, m_all_treatable = true, induction_response = "response", os_time = 20, os_event = 1 },
      selected = false, arm = "systemic", exit = "liver_lung:fail" },
    -- 3 contralateral lung nodules and 2 liver metastases: at the limit in the lung, 5 sites
    { "P35 three lung nodules and two liver metastases", { age = 60, sex = "male", ecog = 0, histology = "adenocarcinoma", driver = "none", side = "R", n_stations = "none", m_sites = "lung_contralateral:3;liver:2", m_pleural_effusion = false, m_all_treatable = true, induction_response = "response", os_time = 20, os_event = 1 },
      selected = true, arm = "radical", exit = "" },
    -- brain:1;bone:5: five extracranial sites, the brain apart: kept
    { "P36 one brain and five bone metastases", { age = 60, sex = "male", ecog = 0, histology = "adenocarcinoma", driver = "none", side = "R", n_stations = "none", m_sites = "brain:1;bone:5", m_pleural_effusion = false, m_all_treatable = true, induction_response = "response", os_time = 20, os_event = 1 },
      selected = true, arm = "radical", exit = "" },
  },
}
