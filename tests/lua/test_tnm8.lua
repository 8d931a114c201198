-- test_tnm8.lua: TNM 8th edition (scripts/staging/tnm8.lua) against the
-- published edition (Goldstraw 2016) as doc/domain.md restates it (sections
-- #tnm-8-t, #tnm-8-n, #tnm-8-m, #tnm-8-stages).
local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])")) or "./"
local T = dofile(here .. "testlib.lua")
local tnm8 = T.edition("tnm8")

-- The published grid as doc/domain.md#tnm-8-stages prints it, copied here by
-- hand and parsed below, independently of the table in tnm8.lua (a typo in
-- one is caught).
local DOC_GRID = [[
| T \ N | N0 | N1 | N2 | N3 |
|---|---|---|---|---|
| T1mi | IA1 | | | |
| T1a | IA1 | IIB | IIIA | IIIB |
| T1b | IA2 | IIB | IIIA | IIIB |
| T1c | IA3 | IIB | IIIA | IIIB |
| T2a | IB | IIB | IIIA | IIIB |
| T2b | IIA | IIB | IIIA | IIIB |
| T3 | IIB | IIIA | IIIB | IIIC |
| T4 | IIIA | IIIA | IIIB | IIIC |
]]
local M1_GROUPS = { M1a = "IVA", M1b = "IVA", M1c = "IVB" }   -- any T, any N

local function parse_grid(text)
  local rows, cols, order = {}, nil, {}
  for line in text:gmatch("[^\n]+") do
    local cells = {}
    for c in line:gmatch("|([^|]*)") do cells[#cells + 1] = c:match("^%s*(.-)%s*$") end
    cells[#cells] = nil                       -- after the last bar
    if cells[1] == "T \\ N" then
      cols = { table.unpack(cells, 2) }
    elseif cells[1] and cells[1]:match("^T") then
      local row = {}
      for i, n in ipairs(cols) do row[n] = (cells[i + 1] ~= "") and cells[i + 1] or nil end
      rows[cells[1]] = row
      order[#order + 1] = cells[1]
    end
  end
  return rows, cols, order
end

local grid, ncols, trows = parse_grid(DOC_GRID)
T.eq(#trows, 8, "rows in the published grid")
T.eq(#ncols, 4, "columns in the published grid")

-- every T x N x M cell
for _, t in ipairs(trows) do
  for _, n in ipairs(ncols) do
    local want = grid[t][n]
    local got, reason = tnm8.stage(t, n, "M0")
    if want then
      T.eq(got, want, t .. " " .. n .. " M0")
    else
      T.eq(got, nil, t .. " " .. n .. " M0 (not in the grid)")
      T.has(reason, "T1mi is staged only with N0 M0", t .. " " .. n .. " M0 reason")
    end
    for m, g in pairs(M1_GROUPS) do
      if t == "T1mi" then
        T.eq((tnm8.stage(t, n, m)), nil, t .. " " .. n .. " " .. m)
      else
        T.eq((tnm8.stage(t, n, m)), g, t .. " " .. n .. " " .. m)
      end
    end
  end
end
-- the exposed grid is the same data
for _, t in ipairs(trows) do
  for _, n in ipairs(ncols) do
    T.eq(tnm8.grid[t][n], grid[t][n], "tnm8.grid." .. t .. "." .. n)
  end
end
T.eq(table.concat(tnm8.t_codes, " "), table.concat(trows, " "), "tnm8.t_codes")
T.eq(table.concat(tnm8.n_codes, " "), "N0 N1 N2 N3", "tnm8.n_codes")
T.eq(table.concat(tnm8.m_codes, " "), "M0 M1a M1b M1c", "tnm8.m_codes")
T.ok(tnm8.format_grid():find("T3     IIB   IIIA  IIIB  IIIC", 1, true), "format_grid shows row T3")

-- outside the grid: Tis, TX, T0
T.eq(tnm8.stage("Tis", "N0", "M0"), "0", "Tis N0 M0")
for _, n in ipairs({ "N1", "N2", "N3" }) do
  local g, r = tnm8.stage("Tis", n, "M0")
  T.eq(g, nil, "Tis " .. n); T.has(r, "only with N0 M0", "Tis " .. n .. " reason")
  g, r = tnm8.stage("TX", n, "M0")
  T.eq(g, nil, "TX " .. n); T.has(r, "TX with nodal disease has no stage group", "TX " .. n .. " reason")
  g, r = tnm8.stage("T0", n, "M0")
  T.eq(g, nil, "T0 " .. n); T.has(r, "T0 with nodal disease has no stage group", "T0 " .. n .. " reason")
end
T.eq(tnm8.stage("Tis", "N0", "M1a"), nil, "Tis only with N0 M0")
T.eq(tnm8.stage("TX", "N0", "M0"), "occult carcinoma", "TX N0 M0")
T.eq(tnm8.stage("T0", "N0", "M0"), nil, "T0 N0 M0")
T.eq(tnm8.stage("TX", "N2", "M1b"), "IVA", "TX N2 M1b: any T")
T.eq(tnm8.stage("T0", "N3", "M1c"), "IVB", "T0 N3 M1c: any T")

-- incomplete codes
T.eq(tnm8.stage("T1", "N2", "M0"), "IIIA", "T1 N2 M0, whichever T1")
T.eq(tnm8.stage("T2", "N1", "M0"), "IIB", "T2 N1 M0")
T.eq(tnm8.stage("T2", "N3", "M0"), "IIIB", "T2 N3 M0")
do
  local g, r = tnm8.stage("T2", "N0", "M0")
  T.eq(g, nil, "T2 N0 M0")
  T.eq(r, "T2 N0 M0: IB or IIA, tumour size needed", "T2 N0 M0 reason")
  g, r = tnm8.stage("T1", "N0", "M0")
  T.eq(g, "IA", "T1 N0 M0: IA whichever T1")
  T.has(r, "IA1, IA2 or IA3", "T1 N0 M0 note")
  g, r = tnm8.stage("T2a", "N2", "M1")
  T.eq(g, "IV", "M1 without letter is stage IV")
  T.has(r, "IVA or IVB", "M1 note")
  g, r = tnm8.stage("T3", "NX", "M0")
  T.eq(g, nil, "T3 NX M0")
  T.has(r, "IIB, IIIA, IIIB or IIIC, N category needed", "T3 NX M0 reason")
  T.eq(tnm8.stage("T3", "NX", "M1c"), "IVB", "NX M1c")
  g, r = tnm8.stage("T1a", "N0", "MX")
  T.eq(g, nil, "T1a N0 MX"); T.has(r, "M category needed", "MX reason")
  g, r = tnm8.stage("TX", "NX", "M0")
  T.eq(g, nil, "TX NX M0"); T.has(r, "occult carcinoma or no stage group", "TX NX reason")
  T.eq(tnm8.stage("T4", "N1", "M0"), "IIIA", "T4 N1")
  T.eq(tnm8.stage("T2b", "N2a", "M0"), "IIIA", "9th N2a read as N2 in the 8th")
  T.eq(table.concat(tnm8.stage_groups("T2", "N0", "M0"), " "), "IB IIA", "stage_groups T2 N0 M0")
  T.eq(select("#", tnm8.stage("T2a", "N2", "M0")), 1, "a decided stage returns one value")
  g, r = tnm8.stage("T2", "N9", "M0")
  T.eq(g, nil, "bad code"); T.has(r, "unknown N code", "bad code reason")
end

-- normalize: spellings seen in real data
local SPELL = {
  { "T1", "T1" }, { "t2a", "T2a" }, { "Stage IIIA", "IIIA" }, { "NX", "NX" }, { "M1", "M1" },
  { "pT2", "T2" }, { "cN1", "N1" }, { "IIIb", "IIIB" }, { "ypT1c", "T1c" }, { "TIS", "Tis" },
  { "pTis", "Tis" }, { "T1mi", "T1mi" }, { "stage ia2", "IA2" }, { "Stage IV", "IV" },
  { "iva", "IVA" }, { "M1A", "M1a" }, { "m0", "M0" }, { " T4 ", "T4" }, { "pN0(i+)", "N0" },
  { "T2a(m)", "T2a" }, { "Stage I", "I" }, { "3a", "IIIA" }, { "Occult carcinoma", "occult carcinoma" },
  { "Stage 0", "0" }, { "N2b", "N2b" }, { "M1c2", "M1c2" },
}
for _, c in ipairs(SPELL) do T.eq(tnm8.normalize(c[1]), c[2], "normalize " .. c[1]) end
T.eq(tnm8.normalize(""), nil, "normalize empty")
T.eq(tnm8.normalize("T5"), nil, "normalize T5")
T.eq(tnm8.normalize("Stage X"), nil, "normalize Stage X")
T.eq(tnm8.stage("pT2a", "cN2", "cM0"), "IIIA", "prefixed codes stage")

-------------------------------------------------------------------------
-- classify: T from descriptors
-------------------------------------------------------------------------
local function rec(x)                      -- a record with known N0 M0
  local r = { t_invasion = "none", t_nodules = "none", n_stations = "none", m_sites = "none", m_pleural_effusion = false }
  for k, v in pairs(x) do r[k] = v end
  return r
end
local function T_of(x) return tnm8.classify(rec(x)).t end

-- size boundaries: upper bounds inclusive
local SIZES = {
  { 0.4, "T1a" }, { 1, "T1a" }, { 1.0001, "T1b" }, { 2, "T1b" }, { 2.0001, "T1c" },
  { 3, "T1c" }, { 3.0001, "T2a" }, { 4, "T2a" }, { 4.0001, "T2b" }, { 5, "T2b" },
  { 5.0001, "T3" }, { 7, "T3" }, { 7.0001, "T4" }, { 12, "T4" },
}
local SIZE_STAGE = { T1a = "IA1", T1b = "IA2", T1c = "IA3", T2a = "IB", T2b = "IIA", T3 = "IIB", T4 = "IIIA" }
for _, s in ipairs(SIZES) do
  local r = tnm8.classify(rec({ t_size_cm = s[1] }))
  T.eq(r.t, s[2], "size " .. s[1])
  T.eq(r.stage, SIZE_STAGE[s[2]], "stage at size " .. s[1] .. " N0 M0")
end
T.eq(T_of({ t_size_cm = "3,0" }), "T1c", "decimal comma 3,0")
T.eq(T_of({ t_size_cm = "3.0001" }), "T2a", "string 3.0001")
do
  local r = tnm8.classify(rec({ t_size_cm = 6.2 }))
  T.has_line(r.why, "T3: tumour 6.2 cm (> 5 to <= 7 cm)", "why of 6.2 cm")
  r = tnm8.classify(rec({ t_size_cm = -1 }))
  T.eq(r.stage, nil, "negative size"); T.has(r.reason, "t_size_cm", "negative size reason")
  r = tnm8.classify(rec({ t_size_cm = "big" }))
  T.eq(r.stage, nil, "non-numeric size")
end

-- each invasion structure (doc/domain.md#tnm-8-t), with a 2 cm tumour
local INVASION = {
  main_bronchus = "T2a", visceral_pleura = "T2a", atelectasis_hilar = "T2a",
  chest_wall = "T3", parietal_pleura = "T3", phrenic_nerve = "T3", parietal_pericardium = "T3",
  diaphragm = "T4", mediastinum = "T4", heart = "T4", great_vessels = "T4", trachea = "T4",
  recurrent_laryngeal_nerve = "T4", esophagus = "T4", vertebral_body = "T4", carina = "T4",
}
local n_inv = 0
for k, want in pairs(INVASION) do
  n_inv = n_inv + 1
  T.eq(T_of({ t_size_cm = 2, t_invasion = k }), want, "invasion " .. k)
end
T.eq(n_inv, 16, "invasion structures listed in doc/domain.md")
T.eq(T_of({ t_size_cm = 2, t_invasion = "superior_sulcus" }), "T3", "superior sulcus = chest wall")
T.eq(T_of({ t_size_cm = 4.5, t_invasion = "visceral_pleura" }), "T2b", "T2 feature, 4.5 cm: T2b")
T.eq(T_of({ t_size_cm = 4, t_invasion = "visceral_pleura" }), "T2a", "T2 feature, 4 cm: T2a")
T.eq(T_of({ t_size_cm = 6, t_invasion = "main_bronchus" }), "T3", "T2 feature, 6 cm: size wins")
T.eq(T_of({ t_size_cm = 2, t_invasion = "visceral_pleura;diaphragm" }), "T4", "highest feature wins")
T.eq(T_of({ t_size_cm = 8, t_invasion = "chest_wall" }), "T4", "size above the feature wins")
T.eq(T_of({ t_size_cm = 2, t_invasion = { "chest_wall", "visceral_pleura" } }), "T3", "invasion as a Lua array")
T.eq(T_of({ t_invasion = "visceral_pleura" }), "T2a", "T2 feature, size unknown: T2a")
do
  local r = tnm8.classify(rec({ t_invasion = "chest_wall" }))
  T.eq(r.t, nil, "T3 feature, size unknown: T3 or T4")
  T.eq(table.concat(r.candidates.t, " "), "T3 T4", "candidates T3 T4")
  T.eq(r.stage, nil, "T3/T4 N0 M0: IIB or IIIA")
  T.has(r.reason, "IIB or IIIA", "reason lists groups")
  T.has(r.reason, "tumour size needed", "reason says what is missing")
  r = tnm8.classify(rec({ t_size_cm = 2, t_invasion = "spleen" }))
  T.eq(r.stage, nil, "unknown structure"); T.has(r.reason, "spleen", "unknown structure named")
  -- unknown invasion list widens, never reads as absent
  r = tnm8.classify({ t_size_cm = 2.5, t_nodules = "none", n_stations = "none", m_sites = "none", m_pleural_effusion = false })
  T.eq(r.t, nil, "t_invasion unknown: T not decided")
  T.eq(table.concat(r.candidates.t, " "), "T1c T2a T3 T4", "t_invasion unknown candidates")
  T.has(r.reason, "t_invasion", "t_invasion named as missing")
  -- ... unless the T4 is already given
  r = tnm8.classify({ t_size_cm = 7.5, n_stations = "none", m_sites = "none", m_pleural_effusion = false })
  T.eq(r.t, "T4", "> 7 cm is T4 whatever is unknown")
  T.eq(r.stage, "IIIA", "T4 N0 M0")
end

-- separate nodules
T.eq(T_of({ t_size_cm = 2, t_nodules = "same_lobe" }), "T3", "nodule in the same lobe")
T.eq(T_of({ t_size_cm = 2, t_nodules = "ipsilateral_other_lobe" }), "T4", "nodule in another ipsilateral lobe")
do
  local r = tnm8.classify(rec({ t_size_cm = 2, t_nodules = "lung_contralateral" }))
  T.eq(r.stage, nil, "contralateral nodule is not a T nodule")
end

-- superficial spreading tumour: T1a at any size
T.eq(T_of({ t_size_cm = 6, t_superficial = true }), "T1a", "superficial spreading 6 cm")
T.eq(T_of({ t_size_cm = 9, t_superficial = "TRUE", t_invasion = "main_bronchus" }), "T1a",
  "superficial spreading into the main bronchus")
T.eq(tnm8.classify({ t_size_cm = 6, t_superficial = true, n_stations = "none", m_sites = "none", m_pleural_effusion = false }).stage,
  "IA1", "superficial spreading, invasion list unknown: confined by definition")
do
  local r = tnm8.classify(rec({ t_size_cm = 3, t_superficial = true, t_invasion = "chest_wall" }))
  T.eq(r.stage, nil, "superficial + chest wall is contradictory")
  T.has(r.reason, "contradictory", "contradiction named")
  T.has_line(tnm8.classify(rec({ t_size_cm = 6, t_superficial = true })).why,
    "superficial spreading tumour confined to the bronchial wall", "why names the exception")
end

-- in situ and minimally invasive
do
  local r = tnm8.classify(rec({ t_insitu = true, t_size_cm = 2 }))
  T.eq(r.t, "Tis", "in situ"); T.eq(r.stage, "0", "Tis N0 M0 = 0")
  r = tnm8.classify(rec({ t_insitu = true, n_stations = "10R", side = "R" }))
  T.eq(r.stage, nil, "Tis N1: no group"); T.has(r.reason, "only with N0 M0", "Tis N1 reason")
  r = tnm8.classify(rec({ t_mia = true, t_size_cm = 2.5 }))
  T.eq(r.t, "T1mi", "MIA"); T.eq(r.stage, "IA1", "T1mi N0 M0")
  r = tnm8.classify(rec({ t_mia = true, t_size_cm = 2.5, n_stations = "7" }))
  T.eq(r.stage, nil, "T1mi N2: no group")
  r = tnm8.classify(rec({ t_mia = true, t_size_cm = 3.5 }))
  T.eq(r.stage, nil, "MIA > 3 cm is contradictory")
  r = tnm8.classify(rec({ t_insitu = true, t_invasion = "visceral_pleura" }))
  T.eq(r.stage, nil, "in situ with invasion is contradictory")
end

-------------------------------------------------------------------------
-- classify: N from stations
-------------------------------------------------------------------------
local function N_of(stations, side)
  local r = tnm8.classify(rec({ t_size_cm = 2, n_stations = stations, side = side }))
  return r.n, r
end
T.eq(N_of("none", "R"), "N0", "none is N0")
do
  local r = tnm8.classify({ t_size_cm = 2, t_invasion = "none", t_nodules = "none", m_sites = "none", m_pleural_effusion = false })
  T.eq(r.n, nil, "n_stations unknown is NX")
  T.eq(r.stage, nil, "NX N stage undecided")
  T.has(r.reason, "N category needed", "NX reason")
end
-- station 7 either side, station 1 either side
T.eq(N_of("7", "R"), "N2", "7, right tumour"); T.eq(N_of("7", "L"), "N2", "7, left tumour")
T.eq(N_of("7", nil), "N2", "7, side unknown")
for _, st in ipairs({ "1R", "1L", "1" }) do
  T.eq(N_of(st, "R"), "N3", st .. ", right tumour"); T.eq(N_of(st, "L"), "N3", st .. ", left tumour")
end
-- 5 and 6 lie on the left
for _, st in ipairs({ "5", "6" }) do
  local n, r = N_of(st, "R")
  T.eq(n, "N3", st .. ", right tumour")
  T.has_line(r.why, "stations 5 and 6 lie on the left", "why states the 5/6 convention")
  T.eq(N_of(st, "L"), "N2", st .. ", left tumour")
end
-- 3a, 3p ipsilateral mediastinal
T.eq(N_of("3a", "L"), "N2", "3a"); T.eq(N_of("3p", "R"), "N2", "3p"); T.eq(N_of("3A", "R"), "N2", "3A spelling")
-- 2, 4, 8, 9: ipsilateral N2, contralateral N3
for _, st in ipairs({ "2", "4", "8", "9" }) do
  T.eq(N_of(st .. "R", "R"), "N2", st .. "R right tumour")
  T.eq(N_of(st .. "L", "L"), "N2", st .. "L left tumour")
  T.eq(N_of(st .. "L", "R"), "N3", st .. "L right tumour")
  T.eq(N_of(st .. "R", "L"), "N3", st .. "R left tumour")
end
-- 10-14: ipsilateral N1, contralateral N3
for st = 10, 14 do
  T.eq(N_of(st .. "R", "R"), "N1", st .. "R right tumour")
  T.eq(N_of(st .. "L", "L"), "N1", st .. "L left tumour")
  T.eq(N_of(st .. "L", "R"), "N3", st .. "L right tumour")
  T.eq(N_of(st .. "R", "left"), "N3", st .. "R left tumour")
end
do
  local n, r = N_of("4R", "R")
  T.has_line(r.why, "N2: station 4R ipsilateral mediastinal (right-sided tumour)", "why of 4R")
  n, r = N_of("4R;7;10R", "R")
  T.eq(n, "N2", "several stations, highest wins")
  n, r = N_of("10R;4L", "R")
  T.eq(n, "N3", "contralateral mediastinal is N3")
  n, r = N_of("4R", nil)
  T.eq(n, nil, "4R with side unknown")
  T.eq(table.concat(r.candidates.n, " "), "N2 N3", "4R side unknown candidates")
  T.eq(r.stage, "III", "IIIA or IIIB: stage III")
  T.has(r.note, "IIIA or IIIB, tumour side needed", "side named as missing")
  n, r = N_of("4", "R")
  T.eq(n, nil, "4 without R/L")
  n, r = N_of("15R", "R")
  T.eq(r.stage, nil, "unknown station"); T.has(r.reason, "15R", "unknown station named")
  n, r = N_of("4R", "X")
  T.eq(r.stage, nil, "bad side")
end

-------------------------------------------------------------------------
-- classify: M from sites and counts
-------------------------------------------------------------------------
local function M_of(x)
  local r = { t_size_cm = 2, t_invasion = "none", t_nodules = "none", n_stations = "none" }
  for k, v in pairs(x) do r[k] = v end
  local c = tnm8.classify(r)
  return c.m, c
end
T.eq(M_of({ m_sites = "none", m_pleural_effusion = false }), "M0", "no metastasis")
T.eq(M_of({ m_sites = "brain:1" }), "M1b", "one lesion")
T.eq(M_of({ m_sites = "brain:2" }), "M1c", "two lesions in one organ")
T.eq(M_of({ m_sites = "brain:1;bone:1" }), "M1c", "two lesions in two organs")
T.eq(M_of({ m_sites = "distant_node:1" }), "M1b", "one non-regional node")
T.eq(M_of({ m_sites = "none", m_pleural_effusion = true }), "M1a", "malignant pleural effusion")
T.eq(M_of({ m_sites = "pleura:3" }), "M1a", "pleural nodules")
T.eq(M_of({ m_sites = "pericardium:1" }), "M1a", "pericardial nodule")
T.eq(M_of({ m_sites = "lung_contralateral:1" }), "M1a", "contralateral lobe nodule")
T.eq(M_of({ m_sites = "pleura:1;liver:1" }), "M1b", "M1b outranks M1a")
T.eq(M_of({ m_sites = "brain:0", m_pleural_effusion = false }), "M0", "zero count")
T.eq(M_of({ m_lesions = 1, m_organs = 1, m_contralateral_nodule = 0, m_pleural = 0 }), "M1b", "counts: one lesion")
T.eq(M_of({ m_lesions = 3, m_organs = 2 }), "M1c", "counts: three lesions")
T.eq(M_of({ m_lesions = 0, m_organs = 0, m_contralateral_nodule = 0, m_pleural = 1 }), "M1a", "counts: pleural")
T.eq(M_of({ m_lesions = 0, m_organs = 0, m_contralateral_nodule = 0, m_pleural = 0 }), "M0", "counts: M0")
do
  local m, r = M_of({ m_sites = "brain:1" })
  T.eq(r.stage, "IVA", "M1b stage"); T.has_line(r.why, "M1b: a single extrathoracic metastasis", "why M1b")
  m, r = M_of({ m_sites = "brain:1;bone:2" })
  T.eq(r.stage, "IVB", "M1c stage")
  m, r = M_of({ m_sites = "brain" })
  T.eq(m, nil, "lesion count unknown"); T.eq(r.stage, "IV", "M1b or M1c: stage IV")
  m, r = M_of({ m_lesions = 0, m_organs = 0 })
  T.eq(m, nil, "M1a unknown"); T.eq(r.stage, nil, "M0 or M1a undecided")
  m, r = M_of({ m_pleural_effusion = true })
  T.eq(r.stage, "IV", "effusion, other sites unknown: IV")
  m, r = M_of({ m_sites = "spleen:1" })
  T.eq(r.stage, nil, "unknown site")
end

-------------------------------------------------------------------------
-- classify: the example from the brief, with its trace
-------------------------------------------------------------------------
do
  local r = tnm8.classify({ t_size_cm = 6.2, t_invasion = "none", t_nodules = "none",
    n_stations = "4R", side = "R", m_sites = "none", m_pleural_effusion = false })
  T.eq(r.t, "T3", "example T"); T.eq(r.n, "N2", "example N"); T.eq(r.m, "M0", "example M")
  T.eq(r.stage, "IIIB", "example stage")
  T.has_line(r.why, "stage IIIB: row T3, column N2 of the 8th-edition grid", "why of the stage")
  -- recorded categories in the 8th edition
  r = tnm8.classify({ t = "T2a", n = "N2", m = "M0", edition = "8th" })
  T.eq(r.stage, "IIIA", "recorded 8th-edition codes")
  r = tnm8.classify({ t = "pT2", n = "N0", m = "M0", edition = 8 })
  T.eq(r.stage, nil, "recorded T2 N0 M0"); T.has(r.reason, "IB or IIA", "recorded T2 N0 reason")
  -- descriptors where present, recorded categories for the rest
  r = tnm8.classify({ t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n = "N1", m = "M0", edition = "8th" })
  T.eq(r.stage, "IIB", "descriptors for T, recorded N and M")
end

-------------------------------------------------------------------------
-- an unrecorded effusion is unknown, as the rule sets read it: M0 or M1a
-- stays open unless a thoracic or extrathoracic finding decides M
-------------------------------------------------------------------------
do
  local r = tnm8.classify({ m_sites = "none" })
  T.eq(r.m, nil, "no sites, effusion unrecorded: M undecided")
  T.eq(table.concat(r.candidates.m, " "), "M0 M1a", "M0 or M1a")
  T.eq(M_of({ m_sites = "brain:1" }), "M1b", "M1b whatever the effusion")
  T.eq(M_of({ m_sites = "pleura:1" }), "M1a", "M1a by the pleural nodule")
  T.eq(M_of({ m_sites = "none", m_pleural = false }), "M0", "m_pleural covers the effusion")
end

T.done()
