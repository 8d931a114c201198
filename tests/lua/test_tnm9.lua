-- test_tnm9.lua: TNM 9th edition (scripts/staging/tnm9.lua) against the
-- published edition (Rami-Porta 2024) as doc/domain.md#tnm-9 restates it.
local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])")) or "./"
local T = dofile(here .. "testlib.lua")
local tnm9 = T.edition("tnm9")

-- The published grid as doc/domain.md#tnm-9-stages prints it, copied by hand
-- (independent of tnm9.lua).
local DOC_GRID = [[
| T \ N | N0 | N1 | N2a | N2b | N3 |
|---|---|---|---|---|---|
| T1mi | IA1 | | | | |
| T1a | IA1 | IIA | IIB | IIIA | IIIB |
| T1b | IA2 | IIA | IIB | IIIA | IIIB |
| T1c | IA3 | IIA | IIB | IIIA | IIIB |
| T2a | IB | IIB | IIIA | IIIB | IIIB |
| T2b | IIA | IIB | IIIA | IIIB | IIIB |
| T3 | IIB | IIIA | IIIA | IIIB | IIIC |
| T4 | IIIA | IIIA | IIIB | IIIB | IIIC |
]]
local M1_GROUPS = { M1a = "IVA", M1b = "IVA", M1c1 = "IVB", M1c2 = "IVB" }

local function parse_grid(text)
  local rows, cols, order = {}, nil, {}
  for line in text:gmatch("[^\n]+") do
    local cells = {}
    for c in line:gmatch("|([^|]*)") do cells[#cells + 1] = c:match("^%s*(.-)%s*$") end
    cells[#cells] = nil
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
T.eq(#ncols, 5, "columns in the published grid")

for _, t in ipairs(trows) do
  for _, n in ipairs(ncols) do
    local want = grid[t][n]
    local got, reason = tnm9.stage(t, n, "M0")
    if want then
      T.eq(got, want, t .. " " .. n .. " M0")
    else
      T.eq(got, nil, t .. " " .. n .. " M0 (not in the grid)")
      T.has(reason, "T1mi is staged only with N0 M0", t .. " " .. n .. " reason")
    end
    for m, g in pairs(M1_GROUPS) do
      T.eq((tnm9.stage(t, n, m)), (t ~= "T1mi") and g or nil, t .. " " .. n .. " " .. m)
    end
    T.eq(tnm9.grid[t][n], want, "tnm9.grid." .. t .. "." .. n)
  end
end
T.eq(table.concat(tnm9.n_codes, " "), "N0 N1 N2a N2b N3", "tnm9.n_codes")
T.eq(table.concat(tnm9.m_codes, " "), "M0 M1a M1b M1c1 M1c2", "tnm9.m_codes")
T.eq(tnm9.stage("Tis", "N0", "M0"), "0", "Tis N0 M0")
T.eq(tnm9.stage("TX", "N0", "M0"), "occult carcinoma", "TX N0 M0")
T.eq(tnm9.stage("TX", "N2a", "M0"), nil, "TX N2a: no group")
T.eq(tnm9.stage("T0", "N1", "M0"), nil, "T0 N1: no group")
T.eq(tnm9.stage("T1b", "N2a", "M0"), "IIB", "contract example")

-- incomplete codes in the 9th
do
  local g, r = tnm9.stage("T1b", "N2", "M0")
  T.eq(g, nil, "N2 without a/b, T1b")
  T.has(r, "T1b N2 M0: IIB or IIIA", "N2 reason lists groups")
  T.has(r, "number of involved N2 stations needed", "N2 reason says what is missing")
  T.eq(tnm9.stage("T4", "N2", "M0"), "IIIB", "T4 N2: IIIB either way")
  g, r = tnm9.stage("T2a", "N2", "M0")
  T.eq(g, "III", "T2a N2: IIIA or IIIB, both stage III")
  T.has(r, "IIIA or IIIB", "T2a N2 note")
  T.eq(tnm9.stage("T1", "N2b", "M0"), "IIIA", "T1 N2b")
  g, r = tnm9.stage("T2", "N0", "M0")
  T.eq(g, nil, "T2 N0"); T.eq(r, "T2 N0 M0: IB or IIA, tumour size needed", "T2 N0 reason")
  T.eq(tnm9.stage("T3", "N1", "M1c"), "IVB", "M1c without 1/2: IVB either way")
  g, r = tnm9.stage("T3", "N1", "M1")
  T.eq(g, "IV", "M1 without letter: stage IV")
  g, r = tnm9.stage("T3", "NX", "M0")
  T.eq(g, nil, "NX"); T.has(r, "N category needed", "NX reason")
end

-------------------------------------------------------------------------
-- classify
-------------------------------------------------------------------------
local function rec(x)
  local r = { t_size_cm = 2, t_invasion = "none", t_nodules = "none", n_stations = "none",
    m_sites = "none", m_pleural_effusion = false, side = "R" }
  for k, v in pairs(x) do r[k] = v end
  return r
end

-- T descriptors are those of the 8th edition: boundaries
local SIZES = {
  { 1, "T1a" }, { 1.0001, "T1b" }, { 2, "T1b" }, { 2.0001, "T1c" }, { 3, "T1c" },
  { 3.0001, "T2a" }, { 4, "T2a" }, { 4.0001, "T2b" }, { 5, "T2b" }, { 5.0001, "T3" },
  { 7, "T3" }, { 7.0001, "T4" },
}
for _, s in ipairs(SIZES) do
  T.eq(tnm9.classify(rec({ t_size_cm = s[1] })).t, s[2], "size " .. s[1])
end
T.eq(tnm9.classify(rec({ t_invasion = "carina" })).t, "T4", "carina")
T.eq(tnm9.classify(rec({ t_invasion = "phrenic_nerve" })).t, "T3", "phrenic nerve")
T.eq(tnm9.classify(rec({ t_size_cm = 8, t_superficial = true })).t, "T1a", "superficial spreading")

-- N2a: one N2 station; N2b: several
local function N_of(st, side)
  local r = tnm9.classify(rec({ n_stations = st, side = side }))
  return r.n, r
end
do
  local n, r = N_of("7", "R")
  T.eq(n, "N2a", "station 7 alone, right"); T.eq(r.stage, "IIB", "T1b N2a M0")
  T.has_line(r.why, "N2a: a single N2 station involved (7)", "why N2a")
  T.eq(N_of("7", "L"), "N2a", "station 7 alone, left")
  T.eq(N_of("4R", "R"), "N2a", "4R alone")
  T.eq(N_of("4R;10R;11R", "R"), "N2a", "one N2 station plus N1 stations")
  n, r = N_of("4R;7", "R")
  T.eq(n, "N2b", "4R and 7"); T.eq(r.stage, "IIIA", "T1b N2b M0")
  T.has_line(r.why, "N2b: 2 N2 stations involved (4R, 7)", "why N2b")
  T.eq(N_of("2R;4R", "R"), "N2b", "2R and 4R")
  T.eq(N_of("5;6", "L"), "N2b", "5 and 6, left tumour")
  T.eq(N_of("5;6", "R"), "N3", "5 and 6, right tumour")
  T.eq(N_of("4R;4R", "R"), "N2a", "a station listed twice counts once")
  T.eq(N_of("3a;4L", "R"), "N3", "N3 beats N2b")
  T.eq(N_of("1L", "R"), "N3", "station 1, right tumour")
  T.eq(N_of("1R", "L"), "N3", "station 1, left tumour")
  T.eq(N_of("10L", "L"), "N1", "10L ipsilateral")
  T.eq(N_of("14R", "L"), "N3", "14R contralateral")
  n, r = N_of("4R;7", "")            -- empty = unknown
  T.eq(n, nil, "side unknown: N2b or N3")
  T.eq(table.concat(r.candidates.n, " "), "N2b N3", "side unknown candidates")
  T.eq(N_of("7;3p", ""), "N2b", "7 and 3p need no side")
end

-- M1c1: several lesions in one organ system; M1c2: several organ systems
local function M_of(x)
  local r = tnm9.classify(rec(x))
  return r.m, r
end
T.eq(M_of({ m_sites = "none", m_pleural_effusion = false }), "M0", "M0")
T.eq(M_of({ m_sites = "bone:1" }), "M1b", "one lesion")
T.eq(M_of({ m_sites = "bone:2" }), "M1c1", "two lesions in one organ")
T.eq(M_of({ m_sites = "bone:1;liver:1" }), "M1c2", "two lesions in two organs")
T.eq(M_of({ m_sites = "brain:3;adrenal:1;bone:4" }), "M1c2", "three organs")
T.eq(M_of({ m_sites = "pleura:1", m_pleural_effusion = "yes" }), "M1a", "pleural")
T.eq(M_of({ m_sites = "lung_contralateral:1;brain:1" }), "M1b", "M1b outranks M1a")
-- counts instead of sites (m_sites empty = unknown)
T.eq(M_of({ m_sites = "", m_lesions = 4, m_organs = 1 }), "M1c1", "counts: one organ")
T.eq(M_of({ m_sites = "", m_lesions = 4, m_organs = 3 }), "M1c2", "counts: three organs")
do
  local m, r = M_of({ m_sites = "", m_lesions = 4 })
  T.eq(m, nil, "organs unknown"); T.eq(r.stage, "IVB", "M1c1 or M1c2: IVB")
  m, r = M_of({ m_sites = "bone:2" })
  T.eq(r.stage, "IVB", "M1c1 stage")
  T.has_line(r.why, "M1c1: multiple extrathoracic metastases in one organ system", "why M1c1")
  m, r = M_of({ m_sites = "bone:1;liver:1" })
  T.has_line(r.why, "M1c2: multiple extrathoracic metastases in several organ systems", "why M1c2")
  m, r = M_of({ m_sites = "bone:1" })
  T.eq(r.stage, "IVA", "M1b stage")
  T.has_line(r.why, "stage IVA: M1b with any T and any N", "why stage M1b")
  m, r = M_of({ m_sites = "bone:1", m_lesions = 5 })
  T.eq(m, "M1b", "m_sites wins over m_lesions when both are present")
end

-- the full trace
do
  local r = tnm9.classify({ t_size_cm = 6.2, t_invasion = "none", t_nodules = "none",
    n_stations = "4R;7", side = "R", m_sites = "none", m_pleural_effusion = false })
  T.eq(r.stage, "IIIB", "T3 N2b M0")
  T.has_line(r.why, "stage IIIB: row T3, column N2b of the 9th-edition grid", "why stage 9th")
end

-- edition comparison: stage migration 8th -> 9th
do
  local base = { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", side = "R", m_sites = "none", m_pleural_effusion = false }
  local function with(id, st)
    local r = { id = id, n_stations = st }
    for k, v in pairs(base) do r[k] = v end
    return r
  end
  local recs = {
    with("a", "none"),      -- IA3 -> IA3
    with("b", "10R"),       -- IIB -> IIA
    with("c", "7"),         -- IIIA -> IIB (N2a)
    with("d", "4R;7"),      -- IIIA -> IIIA (N2b)
    with("e", "4L"),        -- IIIB -> IIIB (N3)
    { id = "f" },           -- nothing known: not staged in either
  }
  local m = tnm9.migration(recs)
  T.eq(m.n, 6, "migration: records")
  T.eq(m.cells.IA3.IA3, 1, "IA3 stays")
  T.eq(m.cells.IIB.IIA, 1, "T1c N1: IIB -> IIA")
  T.eq(m.cells.IIIA.IIB, 1, "T1c single N2: IIIA -> IIB")
  T.eq(m.cells.IIIA.IIIA, 1, "T1c N2b stays IIIA")
  T.eq(m.cells["not staged"]["not staged"], 1, "unstaged record")
  T.eq(#m.moved, 2, "two records moved")
  T.eq(m.moved[1].id, "b", "first moved record")
  T.eq(m.moved[2].from .. ">" .. m.moved[2].to, "IIIA>IIB", "second move")
  T.has(tnm9.format_migration(m), "IIIA", "migration as text")
end

T.done()
