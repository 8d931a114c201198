-- retrospective_series_test.lua: retrospective_series on the hand-made cohort
-- (hand_cohort.csv, beside this file): every patient sits on a
-- boundary of the eligibility of the retrospective series the S3 guideline reviews, and what the
-- rules must make of them was worked out by hand from the definition in
-- the rule file (the reasoning is the comment above each case).
-- Run: tnmlab test --coverage scripts/selection/tests
return {
  rules = "../retrospective_series.lua",
  cohort = "hand_cohort.csv",
  set = "retrospective_series",
  cases = {
    -- brain:1: one organ, one lesion, treatable
    { id = "P01", selected = true, arm = "radical", exit = "" },
    -- bone and adrenal: two organs
    { id = "P02", selected = false, arm = "systemic", exit = "one_organ:fail" },
    -- liver is not among the series' sites
    { id = "P03", selected = false, arm = "systemic", exit = "sites:fail" },
    -- brain, bone, adrenal: three organs
    { id = "P04", selected = false, arm = "systemic", exit = "one_organ:fail" },
    -- liver
    { id = "P05", selected = false, arm = "systemic", exit = "sites:fail" },
    -- liver among four organs
    { id = "P06", selected = false, arm = "systemic", exit = "sites:fail" },
    -- lung_contralateral:1: the other lung is one of the series' sites
    { id = "P07", selected = true, arm = "radical", exit = "" },
    -- other lung and adrenal: two organs
    { id = "P08", selected = false, arm = "systemic", exit = "one_organ:fail" },
    -- three organs
    { id = "P09", selected = false, arm = "systemic", exit = "one_organ:fail" },
    -- malignant effusion
    { id = "P10", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- pleural nodule
    { id = "P11", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- not treatable
    { id = "P12", selected = false, arm = "systemic", exit = "treatable:fail" },
    -- brain:1; no performance-status criterion
    { id = "P13", selected = true, arm = "radical", exit = "" },
    -- brain:1; ECOG 3 is not a criterion here (treated patients were reported)
    { id = "P14", selected = true, arm = "radical", exit = "" },
    -- adrenal:1
    { id = "P15", selected = true, arm = "radical", exit = "" },
    -- bone:2: two lesions in one organ
    { id = "P16", selected = true, arm = "radical", exit = "" },
    -- brain and bone
    { id = "P17", selected = false, arm = "systemic", exit = "one_organ:fail" },
    -- adrenal:1; no landmark
    { id = "P18", selected = true, arm = "radical", exit = "" },
    -- liver
    { id = "P19", selected = false, arm = "systemic", exit = "sites:fail" },
    -- brain:1; ECOG missing does not matter
    { id = "P20", selected = true, arm = "radical", exit = "" },
    -- m_sites missing, effusion false: unknown
    { id = "P21", selected = false, arm = "systemic", exit = "stage_iv:unknown" },
    -- no metastasis
    { id = "P22", selected = false, arm = "systemic", exit = "stage_iv:fail" },
    -- treatability missing
    { id = "P23", selected = false, arm = "systemic", exit = "treatable:unknown" },
    -- bone:1
    { id = "P24", selected = true, arm = "radical", exit = "" },
    -- brain and adrenal
    { id = "P25", selected = false, arm = "systemic", exit = "one_organ:fail" },
    -- histology missing
    { id = "P26", selected = false, arm = "systemic", exit = "nsclc:unknown" },
    -- effusion unrecorded
    { id = "P27", selected = false, arm = "systemic", exit = "no_pleural:unknown" },
    -- brain:4: four lesions in one organ = max_lesions 4, kept
    { id = "P28", selected = true, arm = "radical", exit = "" },
    -- beyond the hand cohort, for coverage: small-cell carcinoma is not NSCLC
    { "P29 small-cell carcinoma", { age = 60, sex = "male", ecog = 0, histology = "small_cell", driver = "none", side = "R", n_stations = "none", m_sites = "brain:1", m_pleural_effusion = false, m_all_treatable = true, os_time = 10, os_event = 1 },
      selected = false, arm = "systemic", exit = "nsclc:fail" },
  },
}
