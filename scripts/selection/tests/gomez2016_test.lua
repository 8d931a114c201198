-- gomez2016_test.lua: gomez2016 on the hand-made cohort
-- (hand_cohort.csv, beside this file): every patient sits on a
-- boundary of the eligibility of Gomez et al., Lancet Oncol 2016 / J Clin Oncol 2019, and what the
-- rules must make of them was worked out by hand from the definition in
-- the rule file (the reasoning is the comment above each case).
-- Run: tnmlab test --coverage scripts/selection/tests
return {
  rules = "../gomez2016.lua",
  cohort = "hand_cohort.csv",
  set = "gomez2016",
  cases = {
    -- 1 lesion; response; followed past 3 months
    { id = "P01", selected = true, arm = "radical", exit = "" },
    -- 3 lesions and involved station 7: with nodes_count (the default) the
    -- nodes are a fourth site, 4 > 3
    { id = "P02", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- the same patient with nodes left to the N category: 3 = max_lesions 3,
    -- on the boundary, kept; stable disease
    { id = "P02", params = { nodes_count = false },
      selected = true, arm = "radical", exit = "" },
    -- 4 lesions > 3
    { id = "P03", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- 5 lesions > 3
    { id = "P04", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- 6 lesions > 3
    { id = "P05", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- 4 lesions > 3
    { id = "P06", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- 1 contralateral lung nodule = 1 lesion
    { id = "P07", selected = true, arm = "radical", exit = "" },
    -- contralateral nodules count: 2 + 2 adrenal = 4 > 3
    { id = "P08", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- 3 lesions and N3 mediastinal nodes: counted as one site, 4 > 3
    { id = "P09", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- nodes_count off: the nodes are N category, 3 lesions, kept
    { id = "P09", params = { nodes_count = false },
      selected = true, arm = "radical", exit = "" },
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
    -- ECOG 2 = max_ecog 2: kept
    { id = "P13", selected = true, arm = "radical", exit = "" },
    -- alive at 5 months (landmark passed); ECOG 3 > 2
    { id = "P14", selected = false, arm = "systemic", exit = "ecog:fail" },
    -- EGFR driver allowed in this trial; response
    { id = "P15", selected = true, arm = "radical", exit = "" },
    -- ALK driver allowed; 2 lesions; stable
    { id = "P16", selected = true, arm = "radical", exit = "" },
    -- progression after first-line therapy
    { id = "P17", selected = false, arm = "systemic", exit = "no_progression:fail" },
    -- died at 2 months: before the 3-month landmark
    { id = "P18", selected = false, arm = "systemic", exit = "landmark:fail" },
    -- censored at 3 months = the landmark (os_time >= 3): kept
    { id = "P19", selected = true, arm = "radical", exit = "" },
    -- ECOG missing: unknown; excluded
    { id = "P20", selected = false, arm = "systemic", exit = "ecog:unknown" },
    -- m_sites missing: unknown; excluded
    { id = "P21", selected = false, arm = "systemic", exit = "stage_iv:unknown" },
    -- M0
    { id = "P22", selected = false, arm = "systemic", exit = "stage_iv:fail" },
    -- treatability not recorded: unknown, excluded
    { id = "P23", selected = false, arm = "systemic", exit = "treatable:unknown" },
    -- need_treatable off (the looser teaching reading): treatability unrecorded, yet
    -- eligible; the arm still needs every site treatable, so systemic
    { id = "P23", params = { need_treatable = false },
      selected = true, arm = "systemic", exit = "" },
    -- alive past the landmark but response not recorded: unknown; excluded
    { id = "P24", selected = false, arm = "systemic", exit = "no_progression:unknown" },
    -- driver not read (drivers allowed); 2 lesions; response
    { id = "P25", selected = true, arm = "radical", exit = "" },
    -- histology not a criterion of this rule set
    { id = "P26", selected = true, arm = "radical", exit = "" },
    -- effusion not recorded: unknown; excluded
    { id = "P27", selected = false, arm = "systemic", exit = "no_pleural:unknown" },
    -- 4 lesions in one organ > 3
    { id = "P28", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- beyond the hand cohort, for coverage: without a follow-up time nobody
    -- can say whether the patient reached the 3-month landmark: unknown
    { "P32 follow-up time missing", { age = 60, sex = "male", ecog = 0, histology = "adenocarcinoma", driver = "none", side = "R", n_stations = "none", m_sites = "brain:1", m_pleural_effusion = false, m_all_treatable = true, induction_response = "response" },
      selected = false, arm = "systemic", exit = "landmark:unknown" },
  },
}
