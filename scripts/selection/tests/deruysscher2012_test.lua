-- deruysscher2012_test.lua: deruysscher2012 on the hand-made cohort
-- (hand_cohort.csv, beside this file): every patient sits on a
-- boundary of the eligibility of De Ruysscher et al., J Thorac Oncol 2012 (NCT01282450), and what the
-- rules must make of them was worked out by hand from the definition in
-- the rule file (the reasoning is the comment above each case).
-- Run: tnmlab test --coverage scripts/selection/tests
return {
  rules = "../deruysscher2012.lua",
  cohort = "hand_cohort.csv",
  set = "deruysscher2012",
  cases = {
    -- 1 metastasis (brain:1) at diagnosis; ECOG 0; all sites treatable
    { id = "P01", selected = true, arm = "radical", exit = "" },
    -- 3 metastases (bone 2 + adrenal 1) <= 4; organs are not limited
    { id = "P02", selected = true, arm = "radical", exit = "" },
    -- 4 metastases (bone 2 + liver 2) = max_lesions 4: on the boundary, kept
    { id = "P03", selected = true, arm = "radical", exit = "" },
    -- 5 metastases > 4 (fewer than 5 required)
    { id = "P04", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- 6 metastases > 4
    { id = "P05", selected = false, arm = "systemic", exit = "lesions:fail" },
    -- 4 metastases in 4 organs: the trial counted lesions in total and set no organ limit
    { id = "P06", selected = true, arm = "radical", exit = "" },
    -- a contralateral lung nodule is a metastasis (M1a): 1 lesion
    { id = "P07", selected = true, arm = "radical", exit = "" },
    -- 2 contralateral lung nodules + 2 adrenal = 4 metastases <= 4
    { id = "P08", selected = true, arm = "radical", exit = "" },
    -- 3 metastases; N3 mediastinal nodes are regional disease; not counted (74% of the trial were N2/N3)
    { id = "P09", selected = true, arm = "radical", exit = "" },
    -- stage IV; but a malignant pleural effusion is never oligometastatic
    { id = "P10", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- stage IV (M1a pleural nodule); pleural disease is never oligometastatic
    { id = "P11", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- 1 metastasis but not all sites amenable to radical treatment
    { id = "P12", selected = false, arm = "systemic", exit = "treatable:fail" },
    -- need_treatable off (the looser teaching reading): not all sites treatable, yet
    -- eligible; the arm still needs every site treatable, so systemic
    { id = "P12", params = { need_treatable = false },
      selected = true, arm = "systemic", exit = "" },
    -- ECOG 2 = max_ecog 2: on the boundary, kept
    { id = "P13", selected = true, arm = "radical", exit = "" },
    -- ECOG 3 > max_ecog 2
    { id = "P14", selected = false, arm = "systemic", exit = "ecog:fail" },
    -- EGFR driver: no driver criterion in this trial
    { id = "P15", selected = true, arm = "radical", exit = "" },
    -- ALK driver: no driver criterion; 2 bone metastases
    { id = "P16", selected = true, arm = "radical", exit = "" },
    -- selection at diagnosis: the later progression is not read
    { id = "P17", selected = true, arm = "radical", exit = "" },
    -- selection at diagnosis: no landmark; death at 2 months does not exclude
    { id = "P18", selected = true, arm = "radical", exit = "" },
    -- 1 liver metastasis; follow-up is not read
    { id = "P19", selected = true, arm = "radical", exit = "" },
    -- ECOG missing: unknown; excluded by default
    { id = "P20", selected = false, arm = "systemic", exit = "ecog:unknown" },
    -- m_sites missing and no effusion: metastases unknown; excluded
    { id = "P21", selected = false, arm = "systemic", exit = "stage_iv:unknown" },
    -- m_sites none and no effusion: M0; not stage IV
    { id = "P22", selected = false, arm = "systemic", exit = "stage_iv:fail" },
    -- treatability not recorded: unknown; excluded (a criterion of this trial)
    { id = "P23", selected = false, arm = "systemic", exit = "treatable:unknown" },
    -- need_treatable off (the looser teaching reading): treatability unrecorded, yet
    -- eligible; the arm still needs every site treatable, so systemic
    { id = "P23", params = { need_treatable = false },
      selected = true, arm = "systemic", exit = "" },
    -- induction response is not read at diagnosis
    { id = "P24", selected = true, arm = "radical", exit = "" },
    -- driver is not read
    { id = "P25", selected = true, arm = "radical", exit = "" },
    -- histology missing: pathological proof unknown; excluded
    { id = "P26", selected = false, arm = "systemic", exit = "nsclc:unknown" },
    -- effusion not recorded: unknown; excluded
    { id = "P27", selected = false, arm = "systemic", exit = "no_pleural:unknown" },
    -- 4 lesions in one organ (M1c): included; the count is 4 <= 4
    { id = "P28", selected = true, arm = "radical", exit = "" },
    -- beyond the hand cohort, for coverage: small-cell carcinoma is not NSCLC
    { "P29 small-cell carcinoma", { age = 60, sex = "male", ecog = 0, histology = "small_cell", driver = "none", side = "R", n_stations = "none", m_sites = "brain:1", m_pleural_effusion = false, m_all_treatable = true, os_time = 10, os_event = 1 },
      selected = false, arm = "systemic", exit = "nsclc:fail" },
  },
}
