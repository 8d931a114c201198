-- test_stage_columns.lua: the column program of the staging modules (how
-- a rule set stages a whole cohort, dsl/stage_program.c) gives, on every
-- row, the cells that the module's own classify(record) gives: on the
-- simulated cohort, on TCGA (recorded categories of three editions) and on
-- random records that mix good, odd and wrong values.  Both editions.
local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])")) or "./"
local T = dofile(here .. "testlib.lua")
local top = os.getenv("top_srcdir") or "."
local data = os.getenv("TNMLAB_DATA") or (top .. "/data")

rules.load(top .. "/tests/fixtures/rules/staging.lua")

local function check(c, what)
  for _, ed in ipairs({ "tnm8", "tnm9" }) do
    rules.set("staged", "tnm", ed)
    rules.eval("staged", c)
    local v = rules.verify_staging("staged", c)
    T.eq(v.rows, #c, what .. " " .. ed .. ": rows")
    T.eq(v.differ, 0, string.format("%s %s: rows whose cells differ from classify (first: %s)",
      what, ed, tostring(v.first)))
  end
end

-- 1. the simulated stage IV population
check(cohort.simulate("stage_iv", { n = 20000, seed = 7 }), "simulated")

-- 2. TCGA: pathologic T, N, M recorded under the 5th to 7th edition
check(cohort.read_csv(data .. "/tcga_luad_lusc_clinical.csv", { map = {
  t = "pathologic_T", n = "pathologic_N", m = "pathologic_M", edition = "system_version" } }),
  "TCGA")

-- 3. random records: sizes at and around the cut points, every station
-- and site word, misspellings, blanks, NA, counts, duplicates, odd spaces
math.randomseed(20261203)
local function pick(list) return list[math.random(#list)] end
local function some(words, k)
  local out = {}
  for _ = 1, math.random(0, k) do out[#out + 1] = pick(words) end
  return table.concat(out, pick({ ";", "; ", " ;" }))
end
local SIZES = { "", "NA", "0", "-1", "0.5", "1", "1.0001", "2", "2.5", "3", "3.0001", "4", "4.5",
  "5", "5.0001", "7", "7.0001", "12" }
local INV = { "none", "visceral_pleura", "main_bronchus", "chest_wall", "superior_sulcus",
  "diaphragm", "Carina", "mediastinum", "heart", "spleen", "NA" }
local NOD = { "none", "same_lobe", "ipsilateral_other_lobe", "contralateral" }
local ST = { "none", "1", "2R", "2L", "2", "3a", "3p", "4R", "4L", "4", "5", "6", "7", "8R", "9L",
  "10R", "10L", "10", "11R", "12L", "13", "14R", "R4", "L10", "15", "x", "NA" }
local SITES = { "none", "brain:1", "brain:2", "brain", "bone:1", "bone:3", "liver:1", "adrenal:1",
  "adrenal:0", "distant_node:1", "pleura:1", "pericardium:2", "lung_contralateral:1", "other:1",
  "brian:1", "bone:x", "liver:-1", "NA", "BRAIN : 1" }
local BOOL = { "", "true", "false", "yes", "no", "1", "0", "NA", "maybe" }
local TC = { "", "T1", "T1a", "T2", "T2b", "T3", "T4", "TX", "Tis", "T1mi", "pT2a", "T5" }
local NC = { "", "N0", "N1", "N2", "N2a", "N3", "NX" }
local MC = { "", "M0", "M1", "M1a", "M1b", "M1c", "MX" }
local ED = { "", "6th", "7th", "8th", "9th", "5th" }
local path = os.tmpname()
local f = assert(io.open(path, "w"))
f:write("t_size_cm,t_invasion,t_nodules,t_superficial,n_stations,side,m_sites,"
  .. "m_pleural_effusion,m_lesions,m_organs,m_pleural,t,n,m,edition\n")
for _ = 1, 3000 do
  local sites = math.random() < 0.2 and "" or some(SITES, 3)
  local row = {
    pick(SIZES), math.random() < 0.3 and "" or some(INV, 2), pick(NOD), pick(BOOL),
    math.random() < 0.2 and "" or some(ST, 4), pick({ "R", "L", "", "right", "x" }), sites,
    pick(BOOL), pick({ "", "0", "1", "2", "5" }), pick({ "", "0", "1", "3" }), pick(BOOL),
    pick(TC), pick(NC), pick(MC), pick(ED),
  }
  for i, v in ipairs(row) do row[i] = '"' .. v .. '"' end
  f:write(table.concat(row, ","), "\n")
end
f:close()
local rc = cohort.read_csv(path)
os.remove(path)
T.eq(#rc, 3000, "random records read")
check(rc, "random")

T.done()
