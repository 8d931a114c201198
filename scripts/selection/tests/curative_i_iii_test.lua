-- curative_i_iii_test.lua: curative_i_iii on a hand-made non-metastatic
-- cohort (hand_cohort_m0.csv, beside this file); what the rules must make
-- of each patient was worked out by hand from the rule file (the reasoning
-- is the comment above each case).
-- Run: tnmlab test --coverage scripts/selection/tests
return {
  rules = "../curative_i_iii.lua",
  cohort = "hand_cohort_m0.csv",
  set = "curative_i_iii",
  cases = {
    -- T1b N0 M0 (IA2): M0, ECOG 0
    { id = "Q01", selected = true, arm = "radical", exit = "" },
    -- N2 is stage III, still M0
    { id = "Q02", selected = true, arm = "radical", exit = "" },
    -- brain:1 is M1b
    { id = "Q03", selected = false, arm = "systemic", exit = "m0:fail" },
    -- a malignant effusion is M1a
    { id = "Q04", selected = false, arm = "systemic", exit = "m0:fail" },
    -- an unrecorded effusion leaves M0 or M1a open: unknown, excluded
    { id = "Q05", selected = false, arm = "systemic", exit = "m0:unknown" },
    -- ECOG 3 with the default max_ecog 4 (no limit): kept
    { id = "Q06", selected = true, arm = "radical", exit = "" },
    -- small cell is not NSCLC
    { id = "Q07", selected = false, arm = "systemic", exit = "nsclc:fail" },
    -- no m_sites: M unknown
    { id = "Q08", selected = false, arm = "systemic", exit = "m0:unknown" },
    -- with max_ecog 2 the ECOG 3 patient leaves
    { id = "Q06", params = { max_ecog = 2 }, selected = false, arm = "systemic",
      exit = "ecog:fail" },
    -- histology not recorded: NSCLC unknown, excluded
    { id = "Q09", selected = false, arm = "systemic", exit = "nsclc:unknown" },
    -- ECOG not recorded: kept with no limit (max_ecog 4) ...
    { id = "Q10", selected = true, arm = "radical", exit = "" },
    -- ... unknown against a limit
    { id = "Q10", params = { max_ecog = 2 }, selected = false, arm = "systemic",
      exit = "ecog:unknown" },
  },
}
