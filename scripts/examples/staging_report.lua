-- staging_report.lua: restage two real cohorts from their recorded T, N, M
-- and report the discrepancies against their recorded stage.
--
--   tnmlab scripts/examples/staging_report.lua [TCGA.csv [LUNG1.csv]]
--   lua5.4 scripts/examples/staging_report.lua [TCGA.csv [LUNG1.csv]]
--
-- TCGA (tcga_luad_lusc_clinical.csv, bundled in data/): pathologic T/N/M and
--   stage recorded under AJCC 3rd to 7th editions (system_version, blank in
--   124 rows). Each row is (1) checked in its own edition: does the recorded
--   stage follow from the recorded T/N/M with that edition's grid? and
--   (2) restaged into the 8th and 9th editions, gated by the edition
--   (tnm8/tnm9.classify); the 8th -> 9th stage migration is tabulated.
-- Lung1 (NSCLC-Radiomics, lung1_clinical_v1.csv; CC BY-NC: not shipped,
--   read from ../shared/data/ and skipped when absent): clinical T 1-5,
--   N 0-4, M 0/1/3 (5, 4, 3 read as TX, NX, MX); Overall.Stage follows no
--   single edition. Each row is checked against the 6th, 7th and 8th
--   edition grids; rows that no edition allows are listed.
--
-- "agree": the recorded T/N/M give the recorded stage (or a broader or
-- narrower group of it: recorded "I" agrees with IB); "possible": the
-- T/N/M leave several groups (MX, T2 without letter, ...) and one of them is
-- the recorded stage; "disagree": none is.
--
-- As a library (tests): set STAGING_REPORT_LIB = true, then
--   local R = dofile("scripts/examples/staging_report.lua")
--   R.tcga(path) / R.lung1(path) -> counts (no printing unless R.verbose).

local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])")) or "./"
local top = os.getenv("top_srcdir") or (here .. "../..")
local scripts = os.getenv("TNMLAB_SCRIPTS") or (top .. "/scripts")
include = include or function(name)
  return dofile(scripts .. "/staging/" .. name .. ".lua")
end
local tnm8 = tnm8 or include("tnm8")
local tnm9 = tnm9 or include("tnm9")
local common = include("tnm_common")

local R = { verbose = not STAGING_REPORT_LIB }
local function say(...)
  if R.verbose then print(string.format(...)) end
end

-- a small CSV reader (quoted fields, "" escapes; no newlines inside fields)
local function read_csv(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local header, rows = nil, {}
  for line in f:lines() do
    line = line:gsub("\r$", "")
    local fields, i, n = {}, 1, #line
    while i <= n + 1 do
      if line:sub(i, i) == '"' then
        local buf, j = {}, i + 1
        while true do
          local c = line:sub(j, j)
          if c == '"' then
            if line:sub(j + 1, j + 1) == '"' then buf[#buf + 1] = '"'; j = j + 2
            else j = j + 1; break end
          elseif c == "" then break
          else buf[#buf + 1] = c; j = j + 1 end
        end
        fields[#fields + 1] = table.concat(buf)
        i = j + 1                       -- skip the comma
      else
        local j = line:find(",", i, true) or (n + 1)
        fields[#fields + 1] = line:sub(i, j - 1)
        i = j + 1
      end
    end
    if not header then header = fields
    else
      local r = {}
      for k, name in ipairs(header) do r[name] = fields[k] or "" end
      rows[#rows + 1] = r
    end
  end
  f:close()
  return rows, header
end
R.read_csv = read_csv

local function blank(v) return v == nil or v == "" or v == "NA" end

local function bump(t, k) t[k] = (t[k] or 0) + 1 end

-- check a recorded stage against candidate groups
local function verdict(rec_stage, g, groups)
  if g and common.groups_agree(g, rec_stage) then return "agree" end
  for _, c in ipairs(groups or {}) do
    if common.groups_agree(c, rec_stage) then return g and "agree" or "possible" end
  end
  return "disagree"
end
R.verdict = verdict

local function sorted_keys(t)
  local k = {}
  for key in pairs(t) do k[#k + 1] = key end
  table.sort(k, function(a, b)
    if t[a] ~= t[b] then return t[a] > t[b] end
    return a < b
  end)
  return k
end

local function print_counts(title, t)
  say("%s", title)
  for _, k in ipairs(sorted_keys(t)) do say("  %5d  %s", t[k], k) end
end

---------------------------------------------------------------------------
-- TCGA
---------------------------------------------------------------------------
function R.tcga(path)
  local rows = read_csv(path)
  if not rows then return nil, "cannot read " .. path end
  local out = {
    n = #rows, edition = {}, check = {}, check_by_edition = {}, disagree = {},
    restage8 = { staged = 0, not_restageable = 0, other = 0 },
    restage9 = { staged = 0, not_restageable = 0, other = 0 },
    stage8 = {}, stage9 = {}, recorded_stage = {},
  }
  local records = {}
  for _, r in ipairs(rows) do
    local ed = r.system_version
    bump(out.edition, blank(ed) and "(not recorded)" or ed)
    local rec_stage = not blank(r.pathologic_stage) and common.normalize(r.pathologic_stage) or nil
    bump(out.recorded_stage, rec_stage or "(none)")
    local t = blank(r.pathologic_T) and nil or r.pathologic_T
    local n = blank(r.pathologic_N) and "NX" or r.pathologic_N
    local m = blank(r.pathologic_M) and "MX" or r.pathologic_M

    -- (1) the recorded stage in its own edition
    local v
    if blank(ed) then v = "edition not recorded"
    elseif not rec_stage then v = "no recorded stage"
    elseif not t then v = "no recorded T"
    else
      local g, reason, groups = common.legacy_stage(ed, t, n, m)
      if not g and not groups then v = "codes invalid in their edition"
      elseif not g and #groups == 0 then v = "codes invalid in their edition"
      else v = verdict(rec_stage, g, groups) end
      if v == "disagree" or v == "codes invalid in their edition" then
        local key = string.format("%s edition: %s %s %s recorded %s -> %s", ed, t, n, m,
          rec_stage, g or reason)
        bump(out.disagree, key)
      end
    end
    bump(out.check, v)
    bump(out.check_by_edition, (blank(ed) and "(not recorded)" or ed) .. ": " .. v)

    -- (2) restaged from the categories, gated by the edition
    local record = { id = r.bcr_patient_barcode, t = t, n = n, m = m,
      edition = blank(ed) and nil or ed }
    if blank(ed) then
      -- no edition: the codes cannot be read; count them apart
      out.restage8.other = out.restage8.other + 1
      out.restage9.other = out.restage9.other + 1
      bump(out.stage8, "(edition not recorded)")
      bump(out.stage9, "(edition not recorded)")
    else
      records[#records + 1] = record
      for _, pair in ipairs({ { tnm8, out.restage8, out.stage8 }, { tnm9, out.restage9, out.stage9 } }) do
        local c = pair[1].classify(record)
        if c.stage then
          pair[2].staged = pair[2].staged + 1
          bump(pair[3], c.stage)
        elseif c.reason and c.reason:find("not restageable from categories", 1, true) then
          pair[2].not_restageable = pair[2].not_restageable + 1
          bump(pair[3], "(not restageable)")
        else
          pair[2].other = pair[2].other + 1
          bump(pair[3], "(no stage: " .. (c.reason or "?") .. ")")
        end
      end
    end
  end
  out.migration = tnm9.migration(records)
  out.moved = #out.migration.moved

  say("TCGA LUAD + LUSC: %s, %d patients", path, out.n)
  print_counts("Edition of the recorded codes (system_version):", out.edition)
  print_counts("Recorded stage:", out.recorded_stage)
  print_counts("Recorded stage checked against recorded T/N/M in their own edition:", out.check)
  print_counts("  by edition:", out.check_by_edition)
  print_counts("  disagreements and invalid codes:", out.disagree)
  say("Restaged into the 8th edition from the categories (rows with an edition): %d staged, %d not restageable, %d other",
    out.restage8.staged, out.restage8.not_restageable, out.restage8.other)
  print_counts("  8th-edition stage:", out.stage8)
  say("Restaged into the 9th edition: %d staged, %d not restageable, %d other",
    out.restage9.staged, out.restage9.not_restageable, out.restage9.other)
  print_counts("  9th-edition stage:", out.stage9)
  say("Stage migration 8th -> 9th (%d rows with an edition; %d change):", out.migration.n, out.moved)
  say("%s", tnm9.format_migration(out.migration))
  return out
end

---------------------------------------------------------------------------
-- Lung1
---------------------------------------------------------------------------
local L1_T = { ["1"] = "T1", ["2"] = "T2", ["3"] = "T3", ["4"] = "T4", ["5"] = "TX" }
local L1_N = { ["0"] = "N0", ["1"] = "N1", ["2"] = "N2", ["3"] = "N3", ["4"] = "NX" }
local L1_M = { ["0"] = "M0", ["1"] = "M1", ["3"] = "MX" }

function R.lung1(path)
  local rows = read_csv(path)
  if not rows then return nil, "cannot read " .. path end
  local out = { n = #rows, by = { ["6th"] = {}, ["7th"] = {}, ["8th"] = {} }, summary = {},
    none = {}, restage8 = {} }
  for _, r in ipairs(rows) do
    local t = L1_T[r["clinical.T.Stage"]]
    local n = L1_N[r["Clinical.N.Stage"]]
    local m = L1_M[r["Clinical.M.Stage"]]
    local rec_stage = not blank(r["Overall.Stage"]) and common.normalize(r["Overall.Stage"]) or nil
    if not rec_stage then bump(out.summary, "no recorded stage")
    elseif not (t and n and m) then bump(out.summary, "T, N or M missing")
    else
      local v = {}
      for _, ed in ipairs({ "6th", "7th" }) do
        local g, _, groups = common.legacy_stage(ed, t, n, m)
        v[ed] = verdict(rec_stage, g, groups)
        bump(out.by[ed], v[ed])
      end
      local g8 = tnm8.stage(t, n, m)
      local groups8 = tnm8.stage_groups(t, n, m)
      v["8th"] = verdict(rec_stage, g8, groups8)
      bump(out.by["8th"], v["8th"])
      if v["6th"] ~= "disagree" then bump(out.summary, "consistent with the 6th edition")
      elseif v["7th"] ~= "disagree" or v["8th"] ~= "disagree" then
        bump(out.summary, "consistent with the 7th or 8th edition only")
      else
        bump(out.summary, "consistent with no edition")
        local g6 = common.legacy_stage("6th", t, n, m)
        local g7 = common.legacy_stage("7th", t, n, m)
        bump(out.none, string.format("%s %s %s recorded %s (6th %s, 7th %s, 8th %s)", t, n, m,
          rec_stage, g6 or "?", g7 or "?", g8 or "?"))
      end
      -- restaged into the 8th edition reading the codes as 6th-edition codes
      local c = tnm8.classify({ t = t, n = n, m = m, edition = "6th" })
      bump(out.restage8, c.stage or (c.reason and c.reason:find("not restageable", 1, true)
        and "(not restageable)") or "(no stage)")
    end
  end
  say("")
  say("Lung1 (NSCLC-Radiomics): %s, %d patients", path, out.n)
  print_counts("Recorded Overall.Stage against the recorded T/N/M:", out.summary)
  for _, ed in ipairs({ "6th", "7th", "8th" }) do
    print_counts("  with the " .. ed .. "-edition grid:", out.by[ed])
  end
  print_counts("Rows no edition allows:", out.none)
  print_counts("Restaged into the 8th edition, codes read as 6th-edition codes:", out.restage8)
  return out
end

---------------------------------------------------------------------------
-- main
---------------------------------------------------------------------------
if STAGING_REPORT_LIB then return R end

local args = arg or {}
local data = os.getenv("TNMLAB_DATA") or (top .. "/data")
local tcga = args[1] or (data .. "/tcga_luad_lusc_clinical.csv")
local lung1 = args[2] or (top .. "/../shared/data/lung1_clinical_v1.csv")
local ok, err = R.tcga(tcga)
if not ok then
  io.stderr:write("staging_report: " .. err .. "\n")
  os.exit(1)
end
local f = io.open(lung1, "r")
if f then
  f:close()
  R.lung1(lung1)
else
  print("\nLung1: " .. lung1 .. " not found, skipped")
end
return R
