-- test_restage.lua: recorded categories read in the edition they were
-- recorded in (scripts/staging/tnm_legacy.lua through tnm8/tnm9.classify).
-- Expected values worked out by hand from doc/domain.md#older-editions
-- ("Codes recorded under older editions") and the old editions' T
-- definitions (7th: Goldstraw 2007; 6th: Mountain 1997).
local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])")) or "./"
local T = dofile(here .. "testlib.lua")
local tnm8 = T.edition("tnm8")
local tnm9 = T.edition("tnm9")
local common = include("tnm_common")

local NR = "not restageable from categories"

local function restage(mod, ed, t, n, m)
  local r = mod.classify({ t = t, n = n, m = m, edition = ed })
  return r.stage, r.reason, r
end

-- cases: edition, t, n, m, 8th-edition stage or false (not restageable),
--        and the text the reason must contain
local CASES8 = {
  -- 7th edition: sizes cut at 2, 3, 5, 7 cm; M1b was any distant metastasis
  { "7th", "T1b", "N0", "M0", "IA3" },                     -- > 2-3 cm = T1c
  { "7th", "T1a", "N0", "M0", false, "IA1 or IA2" },       -- <= 2 cm = T1a or T1b
  { "7th", "T1a", "N1", "M0", "IIB" },
  { "7th", "T1",  "N2", "M0", "IIIA" },
  { "7th", "T2a", "N1", "M0", "IIB" },                     -- T2a or T2b, both IIB
  { "7th", "T2a", "N0", "M0", false, "IB or IIA" },
  { "7th", "T2b", "N0", "M0", "IIB" },                     -- > 5-7 cm = T3
  { "7th", "T2b", "N1", "M0", "IIIA" },
  { "7th", "T2",  "N0", "M0", false, "IB, IIA or IIB" },
  { "7th", "T3",  "N2", "M0", false, "IIIA or IIIB" },     -- T2 to T4
  { "7th", "T4",  "N0", "M0", "IIIA" },
  { "7th", "T4",  "N2", "M0", "IIIB" },
  { "7th", "T4",  "N3", "M0", "IIIC" },
  { "7th", "T2a", "N0", "M1a", "IVA" },
  { "7th", "T2a", "N0", "M1b", false, "IVA or IVB" },      -- M1b or M1c
  { "7th", "T2",  "N2", "M1",  false, "IVA or IVB" },
  { "7th", "T1b", "N0", "MX",  false, "IA3, IVA or IVB" },
  { "7th", "TX",  "N0", "M0", "occult carcinoma" },
  { "7th", "Tis", "N0", "M0", "0" },
  { "7th", "T1c", "N0", "M0", false, "T1c is not a 7th-edition T category" },
  { "7th", "T2",  "N0", "M1c", false, "M1c is not a 7th-edition M category" },
  -- 6th edition: T2 has no upper size; T4 includes effusion and same-lobe
  -- nodules; M1 includes nodules in another ipsilateral lobe
  { "6th", "T1",  "N0", "M0", false, "IA1, IA2 or IA3" },
  { "6th", "T1",  "N2", "M0", "IIIA" },
  { "6th", "T2",  "N0", "M0", false, "IB, IIA, IIB or IIIA" },
  { "6th", "T2",  "N2", "M0", false, "IIIA or IIIB" },
  { "6th", "T3",  "N1", "M0", false, "IIB or IIIA" },
  { "6th", "T4",  "N0", "M0", false, "IIB, IIIA or IVA" },
  { "6th", "T4",  "N2", "M0", false, "IIIB or IVA" },
  { "6th", "T1",  "N0", "M1", false, "IIIA, IVA or IVB" },
  { "6th", "T1b", "N0", "M0", false, "T1b is not a 6th-edition T category" },
  { "6th", "T2",  "N0", "M1a", false, "M1a is not a 6th-edition M category" },
  { "5th", "T2",  "N3", "M0", false, "IIIB or IIIC" },
  { "3rd", "T1",  "N2", "M0", "IIIA" },
  -- 9th-edition codes into the 8th
  { "9th", "T1a", "N2a", "M0", "IIIA" },
  { "9th", "T1a", "N2b", "M1c2", "IVB" },
  -- 8th-edition codes
  { "8th", "T2a", "N2", "M0", "IIIA" },
  { "AJCC 8th", "T3", "N1", "M0", "IIIA" },
}
for _, c in ipairs(CASES8) do
  local label = string.format("8th from %s %s %s %s", c[1], c[2], c[3], c[4])
  local g, reason = restage(tnm8, c[1], c[2], c[3], c[4])
  if c[5] then
    T.eq(g, c[5], label)
  else
    T.eq(g, nil, label)
    if not c[6]:find("not a") then T.has(reason, NR, label .. " reason") end
    T.has(reason, c[6], label .. " reason")
  end
end

local CASES9 = {
  { "8th", "T4",  "N2", "M0", "IIIB" },                    -- N2a or N2b, both IIIB
  { "8th", "T2a", "N2", "M0", false, "IIIA or IIIB" },
  { "8th", "T1a", "N1", "M0", "IIA" },
  { "8th", "T1c", "N0", "M1c", "IVB" },                    -- M1c1 or M1c2
  { "8th", "T3",  "N0", "M1b", "IVA" },
  { "7th", "T2b", "N1", "M0", "IIIA" },                    -- T3 N1
  { "7th", "T1b", "N2", "M0", false, "IIB or IIIA" },      -- T1c N2a or N2b
  { "7th", "T4",  "N3", "M0", "IIIC" },
  { "7th", "T2",  "N0", "M1b", false, "IVA or IVB" },
  { "6th", "T4",  "N0", "M0", false, "IIB, IIIA or IVA" },
  { "9th", "T2a", "N2a", "M0", "IIIA" },
  { 9,     "T2a", "N2b", "M0", "IIIB" },
}
for _, c in ipairs(CASES9) do
  local label = string.format("9th from %s %s %s %s", tostring(c[1]), c[2], c[3], c[4])
  local g, reason = restage(tnm9, c[1], c[2], c[3], c[4])
  if c[5] then
    T.eq(g, c[5], label)
  else
    T.eq(g, nil, label)
    T.has(reason, NR, label .. " reason")
    T.has(reason, c[6], label .. " reason")
  end
end

-- the trace says what changed
do
  local g, reason, r = restage(tnm8, "7th", "T2", "N0", "M1b")
  T.has(reason, "not restageable from categories: 7th-edition T2 N0 M1b: IVA or IVB", "7th M1b reason")
  T.has_line(r.why, "7th-edition M1b (any distant metastasis) is M1b (single) or M1c (multiple)", "why 7th M1b")
  g, reason, r = restage(tnm8, "6th", "T4", "N0", "M0")
  T.has_line(r.why, "malignant pleural or pericardial effusion (now M1a)", "why 6th T4")
  g, reason, r = restage(tnm8, "6th", "T2", "N0", "M0")
  T.has_line(r.why, "no upper bound", "why 6th T2")
  g, reason, r = restage(tnm8, "7th", "T2b", "N0", "M0")
  T.has_line(r.why, "7th-edition T2b (> 5 to <= 7 cm) is T3", "why 7th T2b")
  T.has_line(r.why, "stage IIB", "why stage")
  g, reason, r = restage(tnm9, "8th", "T2a", "N2", "M0")
  T.has_line(r.why, "N2 recorded before the 9th edition is N2a (one N2 station) or N2b (several)", "why 8th N2 in the 9th")
end

-- edition not recorded: codes read in the module's own edition, and said so
do
  local r = tnm8.classify({ t = "T2a", n = "N2", m = "M0" })
  T.eq(r.stage, "IIIA", "no edition: read as 8th")
  T.has_line(r.why, "edition not recorded", "why says the edition was assumed")
  r = tnm9.classify({ t = "T2a", n = "N2", m = "M0" })
  T.eq(r.stage, "III", "no edition in the 9th: N2 is N2a or N2b, IIIA or IIIB")
  r = tnm8.classify({ t = "T2a", n = "N2", m = "M0", edition = "12th" })
  T.eq(r.stage, nil, "unknown edition"); T.has(r.reason, "edition", "unknown edition reason")
  r = tnm8.classify({ t = "T2a", n = "N2", m = "M0", edition = "2nd" })
  T.eq(r.stage, nil, "unsupported edition")
  -- t not recorded: any T; stage IV does not need it
  r = tnm8.classify({ n = "N0", m = "M1c", edition = "8th" })
  T.eq(r.stage, "IVB", "T not recorded, M1c")
  r = tnm8.classify({ n = "N0", m = "M1a", edition = "7th" })
  T.eq(r.stage, "IVA", "T not recorded, 7th M1a")
  r = tnm8.classify({ t = "T2", n = "", m = "M0", edition = "7th" })
  T.eq(r.stage, nil, "N not recorded: NX")
  r = tnm8.classify({ t = "Stage IIIA", n = "N0", m = "M0", edition = "7th" })
  T.eq(r.stage, nil, "a stage in the t field"); T.has(r.reason, "not a T code", "stage in t field reason")
end

-- the recorded stage checked against the recorded T, N, M in their own edition
local OLD = {
  { "7th", "T4", "N0", "M0", "IIIA" },
  { "7th", "T4", "N1", "M0", "IIIA" },
  { "7th", "T1a", "N1", "M0", "IIA" },
  { "7th", "T2a", "N1", "M0", "IIA" },
  { "7th", "T2b", "N0", "M0", "IIA" },
  { "7th", "T2b", "N1", "M0", "IIB" },
  { "7th", "T3", "N0", "M0", "IIB" },
  { "7th", "T3", "N2", "M0", "IIIA" },
  { "7th", "T1", "N0", "M0", "IA" },
  { "7th", "T2", "N0", "M0", nil },          -- IB or IIA
  { "7th", "T1", "N3", "M0", "IIIB" },
  { "7th", "T2", "N0", "M1", "IV" },
  { "7th", "TX", "N0", "M0", "occult carcinoma" },
  { "6th", "T4", "N0", "M0", "IIIB" },
  { "6th", "T1", "N1", "M0", "IIA" },
  { "6th", "T2", "N1", "M0", "IIB" },
  { "6th", "T3", "N0", "M0", "IIB" },
  { "6th", "T3", "N1", "M0", "IIIA" },
  { "6th", "T2", "N3", "M0", "IIIB" },
  { "6th", "T2", "N2", "M1", "IV" },
  { "6th", "T2", "N0", "MX", nil },
  { "6th", "T2a", "N0", "M0", nil },         -- not a 6th-edition code
  { "5th", "T2", "N0", "M0", "IB" },
  { "4th", "T2", "N0", "M0", "I" },
  { "3rd", "T3", "N0", "M0", "IIIA" },
  { "3rd", "T1", "N1", "M0", "II" },
}
for _, c in ipairs(OLD) do
  T.eq((common.legacy_stage(c[1], c[2], c[3], c[4])), c[5],
    string.format("%s-edition grid %s %s %s", c[1], c[2], c[3], c[4]))
end

-- stage groups agree when one is a broader group of the other
T.ok(common.groups_agree("I", "IB"), "I agrees with IB")
T.ok(common.groups_agree("IA2", "IA"), "IA2 agrees with IA")
T.ok(not common.groups_agree("IB", "IIA"), "IB does not agree with IIA")
T.ok(not common.groups_agree("IIIA", "IIIB"), "IIIA does not agree with IIIB")

-------------------------------------------------------------------------
-- Real data: the discrepancy report (scripts/examples/staging_report.lua).
-- Every count below was checked once by hand with awk on the raw CSV.
-------------------------------------------------------------------------
do
  local top = os.getenv("top_srcdir") or (here .. "../..")
  local report = SCRIPTS .. "/examples/staging_report.lua"
  local f = io.open(report, "r")
  if f then
    f:close()
    STAGING_REPORT_LIB = true
    local R = dofile(report)
    STAGING_REPORT_LIB = nil
    local tcga_path = (os.getenv("TNMLAB_DATA") or (top .. "/data")) .. "/tcga_luad_lusc_clinical.csv"
    local tc = R.tcga(tcga_path)
    if not tc then
      print("skip: " .. tcga_path .. " not found")
    else
      T.eq(tc.n, 1026, "TCGA rows")
      T.eq(tc.edition["7th"], 490, "TCGA 7th edition"); T.eq(tc.edition["6th"], 347, "TCGA 6th edition")
      T.eq(tc.edition["5th"], 54, "TCGA 5th"); T.eq(tc.edition["4th"], 6, "TCGA 4th")
      T.eq(tc.edition["3rd"], 5, "TCGA 3rd"); T.eq(tc.edition["(not recorded)"], 124, "TCGA no edition")
      T.eq(tc.recorded_stage.IV, 34, "TCGA recorded stage IV")
      -- recorded stage against recorded T/N/M in their own edition
      T.eq(tc.check.agree, 635, "TCGA agree")
      T.eq(tc.check.possible, 242, "TCGA possible (MX, T2 without letter ...)")
      T.eq(tc.check.disagree, 10, "TCGA disagree")
      T.eq(tc.check["codes invalid in their edition"], 14, "TCGA 3rd-6th edition codes with a sub-letter")
      T.eq(tc.check_by_edition["6th: disagree"], 6, "TCGA 6th disagree")
      T.eq(tc.check_by_edition["7th: disagree"], 3, "TCGA 7th disagree")
      T.eq(tc.check_by_edition["3rd: disagree"], 1, "TCGA 3rd disagree")
      T.eq(tc.disagree["6th edition: T1b N0 M0 recorded IA -> T1b is not a 6th-edition T category"], 4,
        "TCGA 6th-edition T1b")
      -- restaged from the categories, gated by the edition
      T.eq(tc.restage8.staged, 155, "TCGA restaged into the 8th")
      T.eq(tc.restage8.not_restageable, 733, "TCGA not restageable into the 8th")
      T.eq(tc.stage8.IA3, 39, "TCGA 8th IA3 (7th T1b N0 M0)")
      T.eq(tc.stage8.IIB, 76, "TCGA 8th IIB")
      T.eq(tc.stage8.IIIA, 31, "TCGA 8th IIIA")
      T.eq(tc.stage8.IIIB, 6, "TCGA 8th IIIB")
      T.eq(tc.stage8.IVA, 3, "TCGA 8th IVA (7th M1a)")
      T.eq(tc.restage9.staged, 140, "TCGA restaged into the 9th")
      T.eq(tc.migration.cells.IIB.IIA, 25, "TCGA 8th IIB -> 9th IIA (T1 N1)")
      T.eq(tc.migration.cells.IIIA["not staged"], 12, "TCGA 8th IIIA, 9th needs N2a/N2b")
      T.eq(tc.moved, 40, "TCGA stage changes 8th -> 9th")
    end
    local l1_path = top .. "/../shared/data/lung1_clinical_v1.csv"
    local l1 = R.lung1(l1_path)
    if not l1 then
      print("skip: " .. l1_path .. " not found (Lung1 is not shipped)")
    else
      T.eq(l1.n, 422, "Lung1 rows")
      T.eq(l1.summary["consistent with the 6th edition"], 399, "Lung1 consistent with the 6th")
      T.eq(l1.summary["consistent with the 7th or 8th edition only"], 9, "Lung1 T2 N0 recorded II")
      T.eq(l1.summary["consistent with no edition"], 12, "Lung1 no edition allows")
      T.eq(l1.by["6th"].agree, 396, "Lung1 6th agree")
      T.eq(l1.by["6th"].disagree, 21, "Lung1 6th disagree")
      T.eq(l1.none["T1 N3 M0 recorded IIIA (6th IIIB, 7th IIIB, 8th IIIB)"], 5, "Lung1 T1 N3 as IIIa")
      T.eq(l1.none["T3 N3 M0 recorded IIIA (6th IIIB, 7th IIIB, 8th IIIC)"], 2, "Lung1 T3 N3 M0 as IIIa")
      T.eq(l1.none["T3 N3 MX recorded IIIA (6th ?, 7th ?, 8th ?)"], 1, "Lung1 T3 N3 MX as IIIa")
      T.eq(l1.none["T1 N0 M0 recorded IIIB (6th IA, 7th IA, 8th IA)"], 1, "Lung1 T1 N0 as IIIb")
      T.eq(l1.none["T2 N1 M0 recorded I (6th IIB, 7th II, 8th IIB)"], 1, "Lung1 T2 N1 as I")
      T.eq(l1.none["T4 N2 M1 recorded IIIB (6th IV, 7th IV, 8th IV)"], 1, "Lung1 T4 N2 M1 as IIIb")
      T.eq(l1.none["TX N2 M0 recorded IIIA (6th ?, 7th ?, 8th ?)"], 1, "Lung1 TX N2 as IIIa")
    end
  end
end

T.done()
