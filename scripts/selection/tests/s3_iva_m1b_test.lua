-- s3_iva_m1b_test.lua: s3_iva_m1b on the hand-made cohort
-- (hand_cohort.csv, beside this file): every patient sits on a
-- boundary of the eligibility of the German S3 guideline's OMD stage IVA (M1b), and what the
-- rules must make of them was worked out by hand from the definition in
-- the rule file (the reasoning is the comment above each case).
-- Run: tnmlab test --coverage scripts/selection/tests
return {
  rules = "../s3_iva_m1b.lua",
  cohort = "hand_cohort.csv",
  set = "s3_iva_m1b",
  cases = {
    -- brain:1: M1b, stage IVA; ECOG 0; treatable
    { id = "P01", selected = true, arm = "radical", exit = "" },
    -- bone:2;adrenal:1: 3 extrathoracic lesions, M1c, stage IVB
    { id = "P02", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- bone:2;liver:2: M1c, IVB
    { id = "P03", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- 5 lesions in 3 organs: M1c, IVB
    { id = "P04", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- 6 lesions in 3 organs: M1c, IVB
    { id = "P05", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- 4 lesions in 4 organs: M1c, IVB
    { id = "P06", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- a contralateral lung nodule is M1a: stage IVA but not M1b
    { id = "P07", selected = false, arm = "systemic", exit = "m1b:fail" },
    -- adrenal:2 is two extrathoracic lesions: M1c, IVB
    { id = "P08", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- 3 organs: M1c, IVB
    { id = "P09", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- brain:1 with a malignant effusion: M1b (the higher M wins), IVA, yet the effusion excludes
    { id = "P10", selected = false, arm = "systemic", exit = "no_pleural:fail" },
    -- a pleural nodule is M1a: IVA, not M1b
    { id = "P11", selected = false, arm = "systemic", exit = "m1b:fail" },
    -- bone:1 M1b, IVA, but not treatable
    { id = "P12", selected = false, arm = "systemic", exit = "treatable:fail" },
    -- ECOG 2 = max_ecog 2: kept
    { id = "P13", selected = true, arm = "radical", exit = "" },
    -- ECOG 3 > 2
    { id = "P14", selected = false, arm = "systemic", exit = "ecog:fail" },
    -- adrenal:1: M1b; no criterion on drivers
    { id = "P15", selected = true, arm = "radical", exit = "" },
    -- bone:2: two lesions in one organ, M1c, IVB
    { id = "P16", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- brain:1;bone:1: M1c, IVB
    { id = "P17", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- adrenal:1: M1b; no landmark in this rule set
    { id = "P18", selected = true, arm = "radical", exit = "" },
    -- liver:1: M1b; any organ counts for M1b
    { id = "P19", selected = true, arm = "radical", exit = "" },
    -- ECOG missing: unknown, excluded
    { id = "P20", selected = false, arm = "systemic", exit = "ecog:unknown" },
    -- m_sites missing: M0 to M1c possible, so IVA is among the stage's candidates: unknown
    { id = "P21", selected = false, arm = "systemic", exit = "stage_iva:unknown" },
    -- no metastasis (M0); 4R with a left-sided tumour is N3: IIIB or IIIC, never IVA
    { id = "P22", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- treatability missing
    { id = "P23", selected = false, arm = "systemic", exit = "treatable:unknown" },
    -- bone:1: M1b
    { id = "P24", selected = true, arm = "radical", exit = "" },
    -- brain:1;adrenal:1: M1c, IVB
    { id = "P25", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- histology missing
    { id = "P26", selected = false, arm = "systemic", exit = "nsclc:unknown" },
    -- bone:1 is M1b whatever the effusion; the effusion unrecorded is unknown for no_pleural
    { id = "P27", selected = false, arm = "systemic", exit = "no_pleural:unknown" },
    -- brain:4: several lesions in one organ, M1c, IVB
    { id = "P28", selected = false, arm = "systemic", exit = "stage_iva:fail" },
    -- beyond the hand cohort, for coverage: small-cell carcinoma is not NSCLC
    { "P29 small-cell carcinoma", { age = 60, sex = "male", ecog = 0, histology = "small_cell", driver = "none", side = "R", n_stations = "none", m_sites = "brain:1", m_pleural_effusion = false, m_all_treatable = true, os_time = 10, os_event = 1 },
      selected = false, arm = "systemic", exit = "nsclc:fail" },
  },
}
