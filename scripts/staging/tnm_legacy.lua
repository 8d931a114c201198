-- tnm_legacy.lua: reading T, N and M codes recorded under older editions.
--
-- Registries record codes in the edition in force at the time (TCGA: AJCC
-- 3rd to 7th). A code means what its own edition meant, so restaging into
-- the 8th or 9th edition goes through the tables below. Each old code maps
-- to the 8th/9th-edition codes it can stand for (in the 9th edition's
-- vocabulary, the finest: an 8th N2 is N2a or N2b, an M1c is M1c1 or M1c2;
-- the 8th edition folds them back).
--
-- What changed (doc/domain.md#older-editions; Goldstraw et al. 2007 and 2016;
-- Mountain 1997):
--   7th -> 8th: size cut-offs at 1, 2, 3, 4, 5 and 7 cm (the 7th cut at 2, 3,
--     5 and 7 cm; > 7 cm was T3, now T4); main bronchus < 2 cm from the
--     carina and total atelectasis were T3, now T2; diaphragm was T3, now T4;
--     M1b (any distant metastasis) split into M1b (single) and M1c (multiple).
--   6th -> 7th/8th: 6th T2 had no upper size bound; 6th T4 included separate
--     nodules in the same lobe (now T3) and malignant pleural or pericardial
--     effusion (now M1a); 6th M1 included separate nodules in a different
--     ipsilateral lobe (now T4) and in a contralateral lobe (now M1a).
--   3rd-5th: read as the 6th (the lung T/N/M definitions of 1986 and 1997
--     that the 6th edition of 2002 kept; the stage grids differ, see `grids`).
--   N0-N3 mean the same in every edition since 1986; the 9th splits N2.
-- Not modelled: a recorded T1 is read as invasive carcinoma graded by size
-- (T1mi did not exist before the 8th); 7th/6th mediastinal pleural invasion
-- (dropped from the 8th) is read as at least T2.
--
-- An alternative is {t =, n =, m =} plus, for codes that moved between
-- components, t_min (the T it forces) or m_min (the M it forces); t = "T*"
-- means any T (the T4 that was really an effusion: the stage is then set by
-- M, whatever the tumour).

local L = {}

local T14 = { "T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4" }
local M_ALL = { "M0", "M1a", "M1b", "M1c1", "M1c2" }
local N_ALL = { "N0", "N1", "N2a", "N2b", "N3" }

local function alts(kind, list)
  local out = {}
  for _, c in ipairs(list) do out[#out + 1] = { [kind] = c } end
  return out
end

local T7 = {
  TX  = { alts = alts("t", { "TX" }) },
  T0  = { alts = alts("t", { "T0" }) },
  Tis = { alts = alts("t", { "Tis" }) },
  T1  = { alts = alts("t", { "T1a", "T1b", "T1c" }),
          text = "7th-edition T1 (<= 3 cm) is T1a, T1b or T1c" },
  T1a = { alts = alts("t", { "T1a", "T1b" }),
          text = "7th-edition T1a (<= 2 cm) is T1a (<= 1 cm) or T1b (> 1 to <= 2 cm)" },
  T1b = { alts = alts("t", { "T1c" }),
          text = "7th-edition T1b (> 2 to <= 3 cm) is T1c" },
  T2  = { alts = alts("t", { "T2a", "T2b", "T3" }),
          text = "7th-edition T2 (> 3 to <= 7 cm or a T2 feature) is T2a, T2b or T3 (> 5 cm)" },
  T2a = { alts = alts("t", { "T2a", "T2b" }),
          text = "7th-edition T2a (> 3 to <= 5 cm) is T2a (<= 4 cm) or T2b (> 4 to <= 5 cm)" },
  T2b = { alts = alts("t", { "T3" }),
          text = "7th-edition T2b (> 5 to <= 7 cm) is T3" },
  T3  = { alts = alts("t", { "T2a", "T2b", "T3", "T4" }),
          text = "7th-edition T3 is T2 to T4 (> 7 cm and diaphragm are now T4; main bronchus < 2 cm from the carina and total atelectasis now T2)" },
  T4  = { alts = alts("t", { "T4" }) },
}

local T6 = {
  TX  = { alts = alts("t", { "TX" }) },
  T0  = { alts = alts("t", { "T0" }) },
  Tis = { alts = alts("t", { "Tis" }) },
  T1  = { alts = alts("t", { "T1a", "T1b", "T1c" }),
          text = "6th-edition T1 (<= 3 cm) is T1a, T1b or T1c" },
  T2  = { alts = alts("t", { "T2a", "T2b", "T3", "T4" }),
          text = "6th-edition T2 (> 3 cm with no upper bound, or a T2 feature) is T2a, T2b, T3 (> 5 cm) or T4 (> 7 cm)" },
  T3  = { alts = alts("t", { "T2a", "T2b", "T3", "T4" }),
          text = "6th-edition T3 (chest wall, diaphragm, mediastinal pleura, parietal pericardium, main bronchus < 2 cm from the carina, total atelectasis; any size) is T2 to T4" },
  T4  = { alts = { { t = "T3" }, { t = "T4" }, { t = "T*", m_min = "M1a" } },
          text = "6th-edition T4 includes separate nodules in the same lobe (now T3) and malignant pleural or pericardial effusion (now M1a)" },
}

local T8 = {
  TX  = { alts = alts("t", { "TX" }) },
  T0  = { alts = alts("t", { "T0" }) },
  Tis = { alts = alts("t", { "Tis" }) },
  T1  = { alts = alts("t", { "T1a", "T1b", "T1c" }), text = "T1 without sub-letter: T1a, T1b or T1c" },
  T2  = { alts = alts("t", { "T2a", "T2b" }), text = "T2 without sub-letter: T2a or T2b" },
}
for _, t in ipairs({ "T1mi", "T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4" }) do
  T8[t] = { alts = alts("t", { t }) }
end

local N_OLD = {
  N0 = { alts = alts("n", { "N0" }) },
  N1 = { alts = alts("n", { "N1" }) },
  N2 = { alts = alts("n", { "N2a", "N2b" }) },
  N3 = { alts = alts("n", { "N3" }) },
  NX = { alts = alts("n", N_ALL) },
}
local N9 = {}
for k, v in pairs(N_OLD) do N9[k] = v end
N9.N2a = { alts = alts("n", { "N2a" }) }
N9.N2b = { alts = alts("n", { "N2b" }) }

local M7 = {
  M0  = { alts = alts("m", { "M0" }) },
  M1a = { alts = alts("m", { "M1a" }) },
  M1b = { alts = alts("m", { "M1b", "M1c1", "M1c2" }),
          text = "7th-edition M1b (any distant metastasis) is M1b (single) or M1c (multiple)" },
  M1  = { alts = alts("m", { "M1a", "M1b", "M1c1", "M1c2" }),
          text = "7th-edition M1 without sub-letter: M1a, M1b or M1c" },
  MX  = { alts = alts("m", M_ALL) },
}

local M6_M1 = { { m = "M1a" }, { m = "M1b" }, { m = "M1c1" }, { m = "M1c2" }, { m = "M0", t_min = "T4" } }
local M6_MX = { { m = "M0" } }
for _, a in ipairs(M6_M1) do M6_MX[#M6_MX + 1] = a end
local M6 = {
  M0 = { alts = alts("m", { "M0" }) },
  M1 = { alts = M6_M1,
         text = "6th-edition M1 includes separate nodules in a different ipsilateral lobe (now T4) or a contralateral lobe (now M1a) besides distant metastases (now M1b or M1c)" },
  MX = { alts = M6_MX },
}

local M8 = {
  M0  = { alts = alts("m", { "M0" }) },
  M1a = { alts = alts("m", { "M1a" }) },
  M1b = { alts = alts("m", { "M1b" }) },
  M1c = { alts = alts("m", { "M1c1", "M1c2" }) },
  M1  = { alts = alts("m", { "M1a", "M1b", "M1c1", "M1c2" }), text = "M1 without sub-letter: M1a, M1b or M1c" },
  MX  = { alts = alts("m", M_ALL) },
}
local M9 = {}
for k, v in pairs(M8) do M9[k] = v end
M9.M1c1 = { alts = alts("m", { "M1c1" }) }
M9.M1c2 = { alts = alts("m", { "M1c2" }) }

L.T = { [3] = T6, [4] = T6, [5] = T6, [6] = T6, [7] = T7, [8] = T8, [9] = T8 }
L.N = { [3] = N_OLD, [4] = N_OLD, [5] = N_OLD, [6] = N_OLD, [7] = N_OLD, [8] = N_OLD, [9] = N9 }
L.M = { [3] = M6, [4] = M6, [5] = M6, [6] = M6, [7] = M7, [8] = M8, [9] = M9 }

local T_RANK = { TX = -1, T0 = 0, Tis = 1, T1mi = 2, T1a = 3, T1b = 4, T1c = 5, T2a = 6,
  T2b = 7, T3 = 8, T4 = 9 }
local M_RANK = { M0 = 0, M1a = 1, M1b = 2, M1c1 = 3, M1c2 = 4 }

local function ord(n)
  return ({ "1st", "2nd", "3rd" })[n] or (n .. "th")
end

-- alternatives(edition, codes) -> {triples = {...}, why = {...}} | nil, reason
--   codes: {t =, n =, m =}, each normalized or nil (component not wanted);
--   "T?" stands for a T that was not recorded.
function L.alternatives(ed, codes)
  if not L.T[ed] then
    return nil, "edition " .. tostring(ed) .. " is not supported (3rd to 9th)"
  end
  local why = {}
  local lists = {}
  for _, k in ipairs({ "t", "n", "m" }) do
    local code = codes[k]
    if code == nil then
      lists[k] = { {} }
    elseif k == "t" and code == "T?" then
      lists[k] = alts("t", T14)
    else
      local tab = (k == "t" and L.T[ed]) or (k == "n" and L.N[ed]) or L.M[ed]
      local e = tab[code]
      if not e then
        return nil, string.format("%s is not a %s-edition %s category", code, ord(ed), k:upper())
      end
      lists[k] = e.alts
      if e.text then why[#why + 1] = e.text end
    end
  end
  local triples, seen = {}, {}
  for _, ta in ipairs(lists.t) do
    for _, na in ipairs(lists.n) do
      for _, ma in ipairs(lists.m) do
        local t = ta.t
        if t and ma.t_min and t ~= "T*" and T_RANK[ma.t_min] > T_RANK[t] then t = ma.t_min end
        local m = ma.m
        if m and ta.m_min and M_RANK[ta.m_min] > M_RANK[m] then m = ta.m_min end
        local c = { t = t, n = na.n, m = m }
        local key = tostring(c.t) .. "|" .. tostring(c.n) .. "|" .. tostring(c.m)
        if not seen[key] then seen[key] = true; triples[#triples + 1] = c end
      end
    end
  end
  return { triples = triples, why = why }
end

-- Stage grids of the older editions, to check a recorded stage against the
-- recorded T, N and M in their own edition (not used for restaging).
--   7th: Goldstraw et al., J Thorac Oncol 2007;2:706-14 (AJCC 7th, 2010).
--   5th/6th: Mountain, Chest 1997;111:1710-7 (AJCC 5th 1997, 6th 2002).
--   3rd/4th: Mountain, Chest 1986;89:225S-233S (AJCC 3rd 1988, 4th 1992).
L.grids = {}
L.grids[7] = {
  t_codes = { "T1a", "T1b", "T2a", "T2b", "T3", "T4" },
  n_codes = { "N0", "N1", "N2", "N3" },
  m_codes = { "M0", "M1a", "M1b" },
  grid = {
    T1a = { N0 = "IA",   N1 = "IIA",  N2 = "IIIA", N3 = "IIIB" },
    T1b = { N0 = "IA",   N1 = "IIA",  N2 = "IIIA", N3 = "IIIB" },
    T2a = { N0 = "IB",   N1 = "IIA",  N2 = "IIIA", N3 = "IIIB" },
    T2b = { N0 = "IIA",  N1 = "IIB",  N2 = "IIIA", N3 = "IIIB" },
    T3  = { N0 = "IIB",  N1 = "IIIA", N2 = "IIIA", N3 = "IIIB" },
    T4  = { N0 = "IIIA", N1 = "IIIA", N2 = "IIIB", N3 = "IIIB" },
  },
  m_groups = { M1a = "IV", M1b = "IV" },
  expand = { T1 = { "T1a", "T1b" }, T2 = { "T2a", "T2b" }, M1 = { "M1a", "M1b" } },
}
local G6 = {
  t_codes = { "T1", "T2", "T3", "T4" },
  n_codes = { "N0", "N1", "N2", "N3" },
  m_codes = { "M0", "M1" },
  grid = {
    T1 = { N0 = "IA",   N1 = "IIA",  N2 = "IIIA", N3 = "IIIB" },
    T2 = { N0 = "IB",   N1 = "IIB",  N2 = "IIIA", N3 = "IIIB" },
    T3 = { N0 = "IIB",  N1 = "IIIA", N2 = "IIIA", N3 = "IIIB" },
    T4 = { N0 = "IIIB", N1 = "IIIB", N2 = "IIIB", N3 = "IIIB" },
  },
  m_groups = { M1 = "IV" },
  expand = {},
}
local G4 = {
  t_codes = { "T1", "T2", "T3", "T4" },
  n_codes = { "N0", "N1", "N2", "N3" },
  m_codes = { "M0", "M1" },
  grid = {
    T1 = { N0 = "I",    N1 = "II",   N2 = "IIIA", N3 = "IIIB" },
    T2 = { N0 = "I",    N1 = "II",   N2 = "IIIA", N3 = "IIIB" },
    T3 = { N0 = "IIIA", N1 = "IIIA", N2 = "IIIA", N3 = "IIIB" },
    T4 = { N0 = "IIIB", N1 = "IIIB", N2 = "IIIB", N3 = "IIIB" },
  },
  m_groups = { M1 = "IV" },
  expand = {},
}
L.grids[6], L.grids[5] = G6, G6
L.grids[4], L.grids[3] = G4, G4

return L
