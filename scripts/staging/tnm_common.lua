-- tnm_common.lua: what the 8th and 9th editions of the lung TNM share.
--
-- Sources: IASLC 8th edition, Goldstraw et al., J Thorac Oncol
-- 2016;11:39-51; 9th edition, Rami-Porta et al., J Thorac Oncol 2024; the
-- facts as doc/domain.md restates them (#tnm-8-t, #tnm-8-n, #tnm-8-m,
-- #tnm-9, #incomplete-codes).
-- The T descriptors are the same in both editions; the editions differ in
-- their stage grids and in two sub-letters of the 9th (N2a/N2b, M1c1/M1c2).
--
-- This file holds
--   1. the descriptor tables (size bands, invasion structures, nodules,
--      IASLC node stations, metastatic sites) as plain data;
--   2. the rules that turn data-dictionary fields into T, N and M;
--   3. `normalize` for the spellings of codes seen in real data;
--   4. the engine that stages a set of candidate (T, N, M) triples: it
--      stages when every candidate gives the same group and otherwise
--      says what is missing and which groups are possible;
--   5. the 8th -> 9th stage migration table, and `legacy_stage`, which checks
--      a recorded stage against recorded codes in their own (3rd-7th) edition;
--   6. `build(spec)`, which turns an edition's grid (tnm8.lua, tnm9.lua)
--      into the public module: stage, classify, normalize, grid, ...
--
-- Conventions a reader must know (each one is also said in the `why` trace):
--   * An empty or nil field is UNKNOWN; the token "none" in a list field is
--     KNOWN TO BE EMPTY (n_stations = "none" is N0, nil is NX).
--   * The flags t_insitu, t_mia, t_superficial apply when true; when nil they
--     are simply not claimed (a pathological diagnosis, not a list).
--   * Unknown descriptors widen the candidate set instead of being read as
--     absent: a 2.5 cm tumour with t_invasion unknown is T1c or higher.
--   * Upper bounds of size bands are inclusive: 3.0 cm is T1c, 3.0001 cm T2a.
--   * Highest T feature wins; a superficial spreading tumour confined to the
--     bronchial wall is T1a whatever its size.
--   * A code without its sub-letter (T1, T2, NX, MX, M1, N2 in the 9th)
--     stages when every possible sub-letter gives the same group. When they
--     differ but share a broader group (IA1/IA2/IA3 -> IA, IVA/IVB -> IV)
--     that broader group is returned with a note as second value; otherwise
--     (nil, reason) lists the candidates and says what is needed.
--   * Codes recorded in another edition are restaged through the tables in
--     tnm_legacy.lua; a code that spans several new groups is reported as
--     "not restageable from categories" (no broader group is offered there:
--     the recorded stage already says what the old edition knew).

local legacy = include("tnm_legacy")

local C = {}

---------------------------------------------------------------------------
-- 0. Small helpers
---------------------------------------------------------------------------

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end
C.trim = trim

-- unknown: nil, empty string, "NA"
local function is_unknown(v)
  if v == nil then return true end
  if type(v) == "number" then return v ~= v end      -- NaN
  if type(v) == "string" then
    local s = trim(v)
    return s == "" or s == "NA" or s == "NaN"
  end
  return false
end
C.is_unknown = is_unknown

-- boolean field: true, false or nil (unknown); second value: error
local TRUE_WORDS = { ["true"] = true, yes = true, y = true, t = true, ["1"] = true }
local FALSE_WORDS = { ["false"] = true, no = true, n = true, f = true, ["0"] = true, none = true }
local function to_bool(v, name)
  if is_unknown(v) then return nil end
  if type(v) == "boolean" then return v end
  if type(v) == "number" then
    if v == 0 then return false elseif v == 1 then return true end
  elseif type(v) == "string" then
    local s = trim(v):lower()
    if TRUE_WORDS[s] then return true end
    if FALSE_WORDS[s] then return false end
  end
  return nil, string.format("%s: not a boolean: %s", name, tostring(v))
end
C.to_bool = to_bool

-- number field: number or nil (unknown); second value: error
local function to_number(v, name)
  if is_unknown(v) then return nil end
  if type(v) == "number" then return v end
  if type(v) == "string" then
    local s = trim(v):gsub(",", "."):gsub("%s*cm$", "")
    local x = tonumber(s)
    if x then return x end
  end
  return nil, string.format("%s: not a number: %s", name, tostring(v))
end
C.to_number = to_number

-- list field: array of trimmed strings, {} for "none", nil for unknown.
local function to_list(v, name)
  if is_unknown(v) then return nil end
  local out = {}
  if type(v) == "table" then
    for _, x in ipairs(v) do
      local s = trim(tostring(x))
      if s ~= "" and s:lower() ~= "none" then out[#out + 1] = s end
    end
    return out
  end
  if type(v) ~= "string" then
    return nil, string.format("%s: not a list: %s", name, tostring(v))
  end
  for item in (v .. ";"):gmatch("([^;]*);") do
    local s = trim(item)
    if s ~= "" and s:lower() ~= "none" then out[#out + 1] = s end
  end
  return out
end
C.to_list = to_list

local function join_or(items)
  local n = #items
  if n == 0 then return "" end
  if n == 1 then return items[1] end
  return table.concat(items, ", ", 1, n - 1) .. " or " .. items[n]
end
C.join_or = join_or

local function add_unique(list, seen, v)
  if not seen[v] then seen[v] = true; list[#list + 1] = v end
end

local function fmt_num(x)
  if x == math.floor(x) and math.abs(x) < 1e15 then
    return string.format("%d", x)
  end
  return (string.format("%.6g", x))
end

---------------------------------------------------------------------------
-- 1. Descriptor tables (data)
---------------------------------------------------------------------------

-- T categories in ascending order: the highest one any feature gives wins.
C.T_ORDER = { "Tis", "T1mi", "T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4" }
C.T_RANK = {}
for i, t in ipairs(C.T_ORDER) do C.T_RANK[t] = i end

-- Size bands (greatest dimension, cm); upper bounds inclusive.
C.T_SIZE = {
  { upto = 1,         t = "T1a", text = "<= 1 cm" },
  { upto = 2,         t = "T1b", text = "> 1 to <= 2 cm" },
  { upto = 3,         t = "T1c", text = "> 2 to <= 3 cm" },
  { upto = 4,         t = "T2a", text = "> 3 to <= 4 cm" },
  { upto = 5,         t = "T2b", text = "> 4 to <= 5 cm" },
  { upto = 7,         t = "T3",  text = "> 5 to <= 7 cm" },
  { upto = math.huge, t = "T4",  text = "> 7 cm" },
}

-- Invasion (t_invasion tokens). A T2 feature gives T2a; the size decides
-- whether the tumour is T2b (> 4 to <= 5 cm) or higher.
C.T_INVASION = {
  main_bronchus             = { t = "T2", text = "main bronchus involved (not the carina)" },
  visceral_pleura           = { t = "T2", text = "visceral pleural invasion" },
  atelectasis_hilar         = { t = "T2", text = "atelectasis or obstructive pneumonitis extending to the hilum" },
  chest_wall                = { t = "T3", text = "chest wall invasion (incl. superior sulcus)" },
  parietal_pleura           = { t = "T3", text = "parietal pleural invasion" },
  phrenic_nerve             = { t = "T3", text = "phrenic nerve invasion" },
  parietal_pericardium      = { t = "T3", text = "parietal pericardial invasion" },
  diaphragm                 = { t = "T4", text = "diaphragm invasion" },
  mediastinum               = { t = "T4", text = "mediastinal invasion" },
  heart                     = { t = "T4", text = "heart invasion" },
  great_vessels             = { t = "T4", text = "great vessel invasion" },
  trachea                   = { t = "T4", text = "tracheal invasion" },
  recurrent_laryngeal_nerve = { t = "T4", text = "recurrent laryngeal nerve invasion" },
  esophagus                 = { t = "T4", text = "oesophageal invasion" },
  vertebral_body            = { t = "T4", text = "vertebral body invasion" },
  carina                    = { t = "T4", text = "carina invasion" },
}
C.T_INVASION_ORDER = {
  "main_bronchus", "visceral_pleura", "atelectasis_hilar",
  "chest_wall", "parietal_pleura", "phrenic_nerve", "parietal_pericardium",
  "diaphragm", "mediastinum", "heart", "great_vessels", "trachea",
  "recurrent_laryngeal_nerve", "esophagus", "vertebral_body", "carina",
}
C.T_INVASION_ALIAS = { superior_sulcus = "chest_wall", oesophagus = "esophagus" }

-- Separate tumour nodules (t_nodules tokens); a contralateral-lobe nodule is
-- M1a and belongs in m_sites (lung_contralateral).
C.T_NODULES = {
  same_lobe              = { t = "T3", text = "separate nodule(s) in the same lobe" },
  ipsilateral_other_lobe = { t = "T4", text = "separate nodule(s) in a different ipsilateral lobe" },
}

-- IASLC lymph node stations. kind:
--   any_N3   N3 whichever the side (station 1)
--   any_N2   N2 whichever the side (station 7)
--   ipsi_N2  counted as ipsilateral mediastinal (3a, 3p)
--   left_N2  lies on the left: N2 for a left-sided, N3 for a right-sided tumour (5, 6)
--   side_N2  carries R/L: ipsilateral N2, contralateral N3 (2, 4, 8, 9)
--   side_N1  carries R/L: ipsilateral N1, contralateral N3 (10-14)
C.STATIONS = {
  ["1"]  = { kind = "any_N3",  name = "low cervical, supraclavicular, sternal notch" },
  ["2"]  = { kind = "side_N2", name = "upper paratracheal" },
  ["3"]  = { kind = "ipsi_N2", name = "prevascular/retrotracheal" },
  ["3a"] = { kind = "ipsi_N2", name = "prevascular" },
  ["3p"] = { kind = "ipsi_N2", name = "retrotracheal" },
  ["4"]  = { kind = "side_N2", name = "lower paratracheal" },
  ["5"]  = { kind = "left_N2", name = "subaortic" },
  ["6"]  = { kind = "left_N2", name = "para-aortic" },
  ["7"]  = { kind = "any_N2",  name = "subcarinal" },
  ["8"]  = { kind = "side_N2", name = "paraoesophageal" },
  ["9"]  = { kind = "side_N2", name = "pulmonary ligament" },
  ["10"] = { kind = "side_N1", name = "hilar" },
  ["11"] = { kind = "side_N1", name = "interlobar" },
  ["12"] = { kind = "side_N1", name = "lobar" },
  ["13"] = { kind = "side_N1", name = "segmental" },
  ["14"] = { kind = "side_N1", name = "subsegmental" },
}

-- Metastatic sites (m_sites tokens).
C.M_SITES = {
  lung_contralateral = { thoracic = true, text = "separate nodule(s) in a contralateral lobe" },
  pleura             = { thoracic = true, text = "pleural nodules" },
  pericardium        = { thoracic = true, text = "pericardial nodules" },
  brain              = { text = "brain" },
  adrenal            = { text = "adrenal" },
  bone               = { text = "bone" },
  liver              = { text = "liver" },
  distant_node       = { text = "non-regional lymph node" },
  other              = { text = "other organ" },
}

---------------------------------------------------------------------------
-- 2. normalize: spellings seen in real data
---------------------------------------------------------------------------

local T_CODES = { x = "TX", ["0"] = "T0", is = "Tis", ["1mi"] = "T1mi", ["1"] = "T1",
  ["1a"] = "T1a", ["1b"] = "T1b", ["1c"] = "T1c", ["2"] = "T2", ["2a"] = "T2a",
  ["2b"] = "T2b", ["3"] = "T3", ["4"] = "T4" }
local N_CODES = { x = "NX", ["0"] = "N0", ["1"] = "N1", ["2"] = "N2", ["2a"] = "N2a",
  ["2b"] = "N2b", ["3"] = "N3" }
local M_CODES = { x = "MX", ["0"] = "M0", ["1"] = "M1", ["1a"] = "M1a", ["1b"] = "M1b",
  ["1c"] = "M1c", ["1c1"] = "M1c1", ["1c2"] = "M1c2" }
local ROMAN = { ["1"] = "I", ["2"] = "II", ["3"] = "III", ["4"] = "IV" }
C.STAGE_GROUPS = { "occult carcinoma", "0", "I", "IA", "IA1", "IA2", "IA3", "IB",
  "II", "IIA", "IIB", "III", "IIIA", "IIIB", "IIIC", "IV", "IVA", "IVB" }
local STAGE_OK, GROUP_INDEX = {}, {}
for i, g in ipairs(C.STAGE_GROUPS) do STAGE_OK[g] = true; GROUP_INDEX[g] = i end

-- normalize(code) -> normalized code, kind ("T", "N", "M" or "stage")
--                  | nil, reason
-- "pT2" -> "T2", "t2a" -> "T2a", "cN1" -> "N1", "Stage IIIA" -> "IIIA",
-- "IIIb" -> "IIIB", "ypT1c" -> "T1c", "TIS" -> "Tis", "M1C1" -> "M1c1".
-- Descriptors such as "(m)" or "(i+)" after the code are dropped.
function C.normalize(code)
  if is_unknown(code) then return nil, "no code" end
  local s = trim(tostring(code))
  local low = s:lower():gsub("%s*%b()", ""):gsub("%s+", " ")
  -- TNM categories, with optional c/p/yp/yc/r/a/u prefix
  local letter, rest = low:match("^y?[cpraus]?([tnm])%s*(%w+)$")
  if letter then
    local map = (letter == "t" and T_CODES) or (letter == "n" and N_CODES) or M_CODES
    local v = map[rest]
    if v then return v, letter:upper() end
    return nil, string.format("unknown %s code: %s", letter:upper(), s)
  end
  -- stage groups
  local st = trim(low:gsub("^stage", ""))
  if st:match("^occult") then return "occult carcinoma", "stage" end
  if st == "0" or st == "is" then return "0", "stage" end
  local num, sub, digit = st:match("^([1-4])([abc]?)([123]?)$")
  if num then
    st = ROMAN[num] .. sub .. digit
  end
  local up = st:upper()
  if STAGE_OK[up] then return up, "stage" end
  return nil, "unknown code: " .. s
end

-- Parse an edition: 8, "8", "8th", "AJCC 8th", "7th edition" -> number.
function C.parse_edition(e)
  if is_unknown(e) then return nil end
  local n = tonumber(e) or tonumber(tostring(e):match("(%d+)"))
  if n and n >= 1 and n <= 9 and n == math.floor(n) then return n end
  return nil, "unknown edition: " .. tostring(e)
end

local function ordinal(n)
  return ({ "1st", "2nd", "3rd" })[n] or (n .. "th")
end
C.ordinal = ordinal

---------------------------------------------------------------------------
-- 3. Stage groups: broader group of a set of groups
---------------------------------------------------------------------------

-- parent("IA1") = "IA", parent("IA") = "I", parent("I") = nil
local function parent(g)
  local r, l = g:match("^([IV]+)([ABC])%d$")
  if r then return r .. l end
  r = g:match("^([IV]+)[ABC]$")
  return r
end
C.parent_group = parent

-- the most specific group every member of `groups` lies in, or nil
function C.common_group(groups)
  local function chain(g)
    local c = {}
    while g do c[#c + 1] = g; g = parent(g) end
    return c
  end
  for _, cand in ipairs(chain(groups[1])) do
    local ok = true
    for i = 2, #groups do
      local found = false
      for _, a in ipairs(chain(groups[i])) do
        if a == cand then found = true; break end
      end
      if not found then ok = false; break end
    end
    if ok then return cand end
  end
  return nil
end

-- a and b agree if one is the other or a broader group of it ("I" ~ "IB")
function C.groups_agree(a, b)
  if a == nil or b == nil then return false end
  local function within(x, y)    -- x lies within y
    while x do
      if x == y then return true end
      x = parent(x)
    end
    return false
  end
  return within(a, b) or within(b, a)
end

---------------------------------------------------------------------------
-- 4. The candidate engine
---------------------------------------------------------------------------

-- M ranks (the 9th-edition sub-letters rank above the 8th's M1c only so that
-- max() works in the canonical vocabulary).
local M_RANK = { M0 = 0, M1a = 1, M1b = 2, M1c = 3, M1c1 = 3, M1c2 = 4 }
C.M_RANK = M_RANK

local function t_max(a, b)
  if a == nil then return b end
  if b == nil then return a end
  if a == "T*" then return a end
  if b == "T*" then return b end
  local ra, rb = C.T_RANK[a], C.T_RANK[b]
  if ra == nil or rb == nil then return b end
  return (ra >= rb) and a or b
end

-- Evaluate candidate triples.
--   triples : array of {t =, n =, m =}
--   groupfn : function(t, n, m) -> group | nil, reason
--   opts    : label (e.g. "T2 N0 M0"), need = {t =, n =, m =} phrases,
--             coarse (allow a broader group), restage (text: cross-edition)
-- Returns stage, reason_or_note, info {groups =, undefined =, tn =}
function C.evaluate(triples, groupfn, opts)
  local outcome = {}          -- per triple: group or false
  local groups, seen = {}, {}
  local undefined, useen = {}, {}
  for i, c in ipairs(triples) do
    local g, why = groupfn(c.t, c.n, c.m)
    outcome[i] = g or false
    if g then add_unique(groups, seen, g)
    else add_unique(undefined, useen, why or "no stage group") end
  end
  table.sort(groups, function(a, b) return (GROUP_INDEX[a] or 99) < (GROUP_INDEX[b] or 99) end)
  local info = { groups = groups, undefined = undefined }
  if #undefined == 0 and #groups == 1 then
    return groups[1], nil, info
  end
  -- which components matter: changing only that one changes the outcome
  local needs = {}
  for _, comp in ipairs({ "t", "n", "m" }) do
    local byrest = {}
    local matters = false
    for i, c in ipairs(triples) do
      local key = (comp ~= "t" and c.t or "") .. "|" .. (comp ~= "n" and c.n or "") ..
                  "|" .. (comp ~= "m" and c.m or "")
      local o = outcome[i] or "-"
      if byrest[key] == nil then byrest[key] = o
      elseif byrest[key] ~= o then matters = true end
    end
    if matters and opts.need and opts.need[comp] then
      needs[#needs + 1] = opts.need[comp]
    end
  end
  local need = (#needs > 0) and (", " .. table.concat(needs, ", ")) or ""
  local label = opts.label and (opts.label .. ": ") or ""
  if #groups == 0 then
    if #undefined == 1 then return nil, label .. undefined[1], info end
    return nil, label .. "no stage group (" .. table.concat(undefined, "; ") .. ")", info
  end
  local listed = {}
  for _, g in ipairs(groups) do listed[#listed + 1] = g end
  if #undefined > 0 then listed[#listed + 1] = "no stage group" end
  local text = join_or(listed) .. need
  if opts.restage then
    return nil, "not restageable from categories: " .. opts.restage .. ": " .. text, info
  end
  if #undefined == 0 and opts.coarse then
    local common = C.common_group(groups)
    if common then
      return common, label .. text, info
    end
  end
  return nil, label .. text, info
end

---------------------------------------------------------------------------
-- 5. T from descriptors
---------------------------------------------------------------------------

local function size_band(x)
  for _, b in ipairs(C.T_SIZE) do
    if x <= b.upto then return b end
  end
end
C.size_band = size_band

-- the band edges, for the column program: t_from_record compares a size
-- only with these (and with 0)
C.T_SIZE_CUTS = { 0 }
for _, b in ipairs(C.T_SIZE) do
  if b.upto ~= math.huge then C.T_SIZE_CUTS[#C.T_SIZE_CUTS + 1] = b.upto end
end

-- Item classes for the column program (see build): what t_from_record,
-- n_from_record and m_from_record make of one item of a list field.
-- alone: the item is the whole cell (then an unknown word is an unknown
-- cell, not an unknown item).  "" is no item; "!" an item that fails.
local function item_word(tok, alone)
  if alone and is_unknown(tok) then return nil, "?" end
  local s = trim(tok)
  if s == "" or s:lower() == "none" then return nil, "" end
  return s
end
-- (what T a structure gives; main_bronchus apart: it does not raise a
-- superficial spreading tumour)
function C.invasion_class(tok, alone)
  local s, c = item_word(tok, alone)
  if not s then return c end
  local k = s:lower()
  k = C.T_INVASION_ALIAS[k] or k
  local d = C.T_INVASION[k]
  if not d then return "!" end
  return k == "main_bronchus" and k or d.t
end
function C.nodule_class(tok, alone)
  local s, c = item_word(tok, alone)
  if not s then return c end
  return C.T_NODULES[s:lower()] and s:lower() or "!"
end

local SIZE_RANGE = { "T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4" }

-- widen a candidate set: every s in set combined with every x in range
local function widen(set, range)
  local out, seen = {}, {}
  for _, s in ipairs(set) do
    for _, x in ipairs(range) do add_unique(out, seen, t_max(s, x) or s) end
  end
  return out
end

local function sort_t(list)
  table.sort(list, function(a, b) return (C.T_RANK[a] or 0) < (C.T_RANK[b] or 0) end)
  return list
end

local T_FIELDS = { "t_size_cm", "t_insitu", "t_mia", "t_superficial", "t_invasion", "t_nodules" }

-- t_from_record(rec) -> nil (no T descriptor at all)
--                     | {cands = {...}, why = {...}, need = "..."} | false, reason
function C.t_from_record(rec)
  local any = false
  for _, f in ipairs(T_FIELDS) do
    if not is_unknown(rec[f]) then any = true end
  end
  if not any then return nil end

  local err
  local size; size, err = to_number(rec.t_size_cm, "t_size_cm")
  if err then return false, err end
  if size and size <= 0 then return false, "t_size_cm must be > 0: " .. fmt_num(size) end
  local insitu; insitu, err = to_bool(rec.t_insitu, "t_insitu"); if err then return false, err end
  local mia; mia, err = to_bool(rec.t_mia, "t_mia"); if err then return false, err end
  local sup; sup, err = to_bool(rec.t_superficial, "t_superficial"); if err then return false, err end
  local inv; inv, err = to_list(rec.t_invasion, "t_invasion"); if err then return false, err end
  local nod; nod, err = to_list(rec.t_nodules, "t_nodules"); if err then return false, err end

  local why = {}
  local feats = {}            -- {t =, text =, token =}
  for _, tok in ipairs(inv or {}) do
    local k = tok:lower()
    k = C.T_INVASION_ALIAS[k] or k
    local d = C.T_INVASION[k]
    if not d then
      return false, "t_invasion: unknown structure '" .. tok .. "' (known: " ..
        table.concat(C.T_INVASION_ORDER, " ") .. ")"
    end
    feats[#feats + 1] = { t = (d.t == "T2") and "T2a" or d.t, label = d.t, text = d.text, token = k }
  end
  for _, tok in ipairs(nod or {}) do
    local k = tok:lower()
    local d = C.T_NODULES[k]
    if not d then
      return false, "t_nodules: unknown token '" .. tok .. "' (known: same_lobe ipsilateral_other_lobe;" ..
        " a contralateral nodule is m_sites lung_contralateral)"
    end
    feats[#feats + 1] = { t = d.t, label = d.t, text = d.text, token = k }
  end
  local size_txt = size and (fmt_num(size) .. " cm") or nil

  -- in situ and minimally invasive carcinoma: the pathological diagnosis
  -- decides; listed invasion contradicts it.
  if insitu and mia then
    return false, "contradictory record: both t_insitu and t_mia are set"
  end
  if insitu or mia then
    local what = insitu and "carcinoma in situ (t_insitu)" or
                 "minimally invasive adenocarcinoma (t_mia)"
    if #feats > 0 then
      local list = {}
      for _, f in ipairs(feats) do list[#list + 1] = f.token end
      return false, "contradictory record: " .. what .. " with " .. table.concat(list, ", ") ..
        " (multifocal lepidic tumours are classified by hand: highest T with (m))"
    end
    if mia and size and size > 3 then
      return false, "contradictory record: minimally invasive adenocarcinoma is <= 3 cm by definition, t_size_cm = " .. size_txt
    end
    local t = insitu and "Tis" or "T1mi"
    why[#why + 1] = string.format("%s: %s%s", t, what, size_txt and (", " .. size_txt) or "")
    return { cands = { t }, why = why }
  end

  -- superficial spreading tumour confined to the bronchial wall: T1a at any
  -- size; it may reach the main bronchus. Any other invasion contradicts
  -- "confined to the bronchial wall"; separate nodules still count.
  if sup then
    local others = {}
    for _, f in ipairs(feats) do
      if f.token ~= "main_bronchus" and not C.T_NODULES[f.token] then others[#others + 1] = f.token end
    end
    if #others > 0 then
      return false, "contradictory record: superficial spreading tumour confined to the bronchial wall (t_superficial) with " ..
        table.concat(others, ", ")
    end
    why[#why + 1] = "T1a: superficial spreading tumour confined to the bronchial wall (T1a whatever its size" ..
      (size_txt and (", here " .. size_txt) or "") .. ")"
    local best, bestf = "T1a", nil
    for _, f in ipairs(feats) do
      if f.token == "main_bronchus" then
        why[#why + 1] = "main bronchus involvement does not raise a superficial spreading tumour above T1a"
      else
        why[#why + 1] = f.label .. ": " .. f.text
        if t_max(best, f.t) ~= best then best, bestf = f.t, f end
      end
    end
    if bestf then why[#why + 1] = best .. ": the highest T feature wins" end
    return { cands = { best }, why = why }
  end

  -- general case: every known feature gives a T, the highest wins; unknown
  -- sources widen the candidate set.
  local fmax, fmax_feat = nil, nil
  for _, f in ipairs(feats) do
    why[#why + 1] = f.label .. ": " .. f.text
    if fmax == nil or t_max(fmax, f.t) ~= fmax then fmax, fmax_feat = f.t, f end
  end
  local set, needs = nil, {}
  if size then
    local b = size_band(size)
    why[#why + 1] = string.format("%s: tumour %s (%s)", b.t, size_txt, b.text)
    local t = t_max(b.t, fmax)
    if fmax and t ~= b.t then
      why[#why + 1] = t .. ": the highest T feature wins (" .. fmax_feat.text .. ")"
    end
    set = { t }
  else
    if fmax == "T2a" and inv and nod then
      why[#why + 1] = "T2a: T2 by a feature with tumour size unknown is T2a"
      set = { "T2a" }
    else
      set = widen({ fmax or "T1a" }, SIZE_RANGE)
      needs[#needs + 1] = "tumour size"
    end
  end
  if inv == nil then
    set = widen(set, { "T1a", "T2a", "T3", "T4" })
    needs[#needs + 1] = "t_invasion"
  end
  if nod == nil then
    set = widen(set, { "T1a", "T3", "T4" })
    needs[#needs + 1] = "t_nodules"
  end
  sort_t(set)
  local need = nil
  if #set > 1 then
    need = table.concat(needs, " and ") .. " needed"
    why[#why + 1] = string.format("T unknown: %s (%s unknown)", join_or(set), table.concat(needs, " and "))
  end
  return { cands = set, why = why, need = need }
end

---------------------------------------------------------------------------
-- 6. N from stations
---------------------------------------------------------------------------

local function parse_station(tok)
  local s = trim(tok)
  local num, ap, lr = s:match("^(%d+)%s*([aApP]?)%s*([RrLl]?)$")
  if not num then
    lr, num, ap = s:match("^([RrLl])%s*(%d+)([aApP]?)$")
  end
  if not num then return nil end
  local key = num .. ap:lower()
  local st = C.STATIONS[key]
  if not st then return nil end
  return key, st, (lr ~= "" and lr ~= nil) and lr:upper() or nil
end

local SIDE_WORD = { R = "right", L = "left" }

local function to_side(v)
  if is_unknown(v) then return nil end
  local s = trim(tostring(v)):lower()
  if s == "r" or s == "right" then return "R" end
  if s == "l" or s == "left" then return "L" end
  return nil, "side: not R or L: " .. tostring(v)
end
C.to_side = to_side

-- class of one n_stations item: the station's kind and laterality; its id
-- (station and side) makes a station listed twice count once.  The third
-- value caps the count: N2 stations count up to two (N2a, N2b), a station
-- that can only be N1 or N3 counts once (the highest level wins).
function C.station_class(tok, alone)
  local s, c = item_word(tok, alone)
  if not s then return c end
  local key, st, lat = parse_station(s)
  if not key then return "!" end
  if st.kind == "side_N2" or st.kind == "side_N1" then
    return st.kind .. ":" .. (lat or "?"), key .. (lat or ""), st.kind == "side_N1" and 1 or 2
  end
  return st.kind, key, st.kind == "any_N3" and 1 or 2
end

-- One station, one tumour side and a laterality for the station:
-- level (1, 2, 3) and a sentence.
local function station_level(key, st, lat, side)
  local label = "station " .. key .. ((st.kind == "side_N2" or st.kind == "side_N1") and lat or "")
  local tumour = SIDE_WORD[side] .. "-sided tumour"
  local k = st.kind
  if k == "any_N3" then
    return 3, string.format("N3: %s %s (station 1 is N3 on either side)", label .. (lat or ""), st.name)
  elseif k == "any_N2" then
    return 2, string.format("N2: %s %s (N2 whichever the side)", label, st.name)
  elseif k == "ipsi_N2" then
    return 2, string.format("N2: %s %s (3a and 3p count as ipsilateral mediastinal)", label, st.name)
  elseif k == "left_N2" then
    if side == "L" then
      return 2, string.format("N2: %s %s ipsilateral mediastinal (stations 5 and 6 lie on the left; %s)", label, st.name, tumour)
    end
    return 3, string.format("N3: %s %s contralateral mediastinal (stations 5 and 6 lie on the left; %s)", label, st.name, tumour)
  elseif k == "side_N2" then
    if lat == side then
      return 2, string.format("N2: %s ipsilateral mediastinal (%s)", label, tumour)
    end
    return 3, string.format("N3: %s contralateral mediastinal (%s)", label, tumour)
  else -- side_N1
    if lat == side then
      return 1, string.format("N1: %s ipsilateral %s (%s)", label, st.name, tumour)
    end
    return 3, string.format("N3: %s contralateral %s (%s)", label, st.name, tumour)
  end
end

-- n_from_record(rec, ncode) -> nil (no n_stations) | {cands, why, need} | false, reason
--   ncode(level, n2_count) gives the edition's code.
function C.n_from_record(rec, ncode)
  if is_unknown(rec.n_stations) then return nil end
  local list, err = to_list(rec.n_stations, "n_stations")
  if err then return false, err end
  local side; side, err = to_side(rec.side)
  if err then return false, err end
  if #list == 0 then
    return { cands = { ncode(0, 0) }, why = { "N0: no regional node involved (n_stations none)" } }
  end
  local stations, seen = {}, {}
  local free = 0                  -- stations that need R/L but have none
  for _, tok in ipairs(list) do
    local key, st, lat = parse_station(tok)
    if not key then
      return false, "n_stations: unknown IASLC station '" .. tok .. "'"
    end
    local needs_lat = st.kind == "side_N2" or st.kind == "side_N1"
    if not needs_lat then lat = nil end
    local id = key .. (lat or "")
    if not seen[id] then
      seen[id] = true
      local e = { key = key, st = st, lat = lat, free = needs_lat and lat == nil }
      if e.free then free = free + 1 end
      stations[#stations + 1] = e
    end
  end
  if free > 10 then
    return false, "n_stations: too many stations without R/L"
  end
  local sides = side and { side } or { "R", "L" }
  local results = {}             -- code -> {why lines of the first scenario}
  local order = {}
  for _, sd in ipairs(sides) do
    for mask = 0, (1 << free) - 1 do
      local level, n2, lines = 0, {}, {}
      local bit = 0
      for _, e in ipairs(stations) do
        local lat = e.lat
        if e.free then
          lat = ((mask >> bit) & 1 == 0) and sd or ((sd == "R") and "L" or "R")
          bit = bit + 1
        end
        local lv, line = station_level(e.key, e.st, lat, sd)
        lines[#lines + 1] = line
        if lv > level then level = lv end
        if lv == 2 then n2[#n2 + 1] = e.key .. (e.lat or "") end
      end
      local code, summary = ncode(level, #n2, n2)
      if summary then lines[#lines + 1] = summary end
      if not results[code] then
        results[code] = lines
        order[#order + 1] = code
      end
    end
  end
  local why = {}
  local need
  if #order == 1 then
    why = results[order[1]]
  else
    local miss = {}
    if not side then miss[#miss + 1] = "tumour side" end
    if free > 0 then miss[#miss + 1] = "R/L of the stations" end
    need = table.concat(miss, " and ") .. " needed"
    why[#why + 1] = "N unknown: " .. join_or(order) .. " (" .. table.concat(miss, " and ") .. " unknown)"
  end
  return { cands = order, why = why, need = need }
end

---------------------------------------------------------------------------
-- 7. M from sites and counts
---------------------------------------------------------------------------

local M_FIELDS = { "m_sites", "m_pleural_effusion", "m_lesions", "m_organs",
  "m_contralateral_nodule", "m_pleural" }

-- yes/no from a boolean or a count
local function truthy(v, name)
  if is_unknown(v) then return nil end
  local n = tonumber(v)
  if n then return n > 0 end
  return to_bool(v, name)
end

-- One m_sites item ("brain:2", "bone"): site, its table entry and its
-- count (nil: not given) | nil, reason.
local function site_item(it)
  local site, cnt = it:match("^%s*([%w_]+)%s*:%s*(%S*)%s*$")
  if not site then site, cnt = trim(it), "" end
  site = site:lower()
  local d = C.M_SITES[site]
  if not d then return nil, "m_sites: unknown site '" .. site .. "'" end
  local c = tonumber(cnt)
  if cnt ~= "" and (c == nil or c < 0 or c ~= math.floor(c)) then
    return nil, "m_sites: bad count in '" .. it .. "'"
  end
  return site, d, c
end

-- The sites of m_sites taken together: M1a or not, the extrathoracic
-- lesions as a range (a site without a count has at least one) and the
-- organ systems.  sites_add counts one item `times` times; shown (the
-- item as written) goes into the explanation.
function C.sites_new()
  return { m1a = false, lo = 0, hi = 0, organs = 0, seen = {}, m1a_text = {}, ex_text = {} }
end
function C.sites_add(a, site, d, c, shown, times)
  times = times or 1
  if c ~= nil and c <= 0 then return end
  if d.thoracic then
    a.m1a = true
    if shown then a.m1a_text[#a.m1a_text + 1] = d.text .. " (" .. shown .. ")" end
    return
  end
  if shown then a.ex_text[#a.ex_text + 1] = shown end
  if c then a.lo, a.hi = a.lo + c * times, a.hi + c * times
  else a.lo, a.hi = a.lo + times, math.huge end
  if not a.seen[site] then
    a.seen[site] = true
    a.organs = a.organs + 1
  end
end
-- what m_from_record reads of it: M1a, and lesions and organs as none,
-- one or several
local function cap2(x) return x >= 2 and "2" or tostring(x) end
function C.sites_key(a)
  return (a.m1a and "a" or "-") .. cap2(a.lo) .. cap2(a.hi) .. cap2(a.organs)
end
-- the column program's reduce for m_sites: the classes of a cell's items
-- (site_class) with their counts, taken together as sites_add does
function C.sites_reduce(items)
  local a = C.sites_new()
  for _, it in ipairs(items) do
    local cls = it.class
    if cls == "!" or cls == "?" then return cls end
    if cls == "thoracic" then
      C.sites_add(a, nil, { thoracic = true }, 1, nil, it.count)
    else
      local site, c = cls:match("^(.-):(.)$")
      C.sites_add(a, site, C.M_SITES[site], tonumber(c), nil, it.count)
    end
  end
  return C.sites_key(a)
end

-- class of one m_sites item: thoracic (M1a) or the site with its count,
-- capped at 2 (M counts only none, one and several)
function C.site_class(tok, alone)
  local s, c0 = item_word(tok, alone)
  if not s then return c0 end
  local site, d, c = site_item(s)
  if not site then return "!" end
  if c == 0 then return "" end
  if d.thoracic then return "thoracic" end
  return site .. ":" .. (c and tostring(math.min(c, 2)) or "?")
end

-- m_from_record(rec, split_m1c) -> nil | {cands, why, need} | false, reason
function C.m_from_record(rec, split_m1c)
  local any = false
  for _, f in ipairs(M_FIELDS) do
    if not is_unknown(rec[f]) then any = true end
  end
  if not any then return nil end
  local why = {}
  local err
  local eff; eff, err = to_bool(rec.m_pleural_effusion, "m_pleural_effusion")
  if err then return false, err end

  local m1a                 -- true / false / nil
  local m1a_text = {}
  local lo, hi              -- extrathoracic lesions, range
  local olo, ohi            -- organ systems, range
  local ex_text = {}
  if not is_unknown(rec.m_sites) then
    local items; items, err = to_list(rec.m_sites, "m_sites")
    if err then return false, err end
    local a = C.sites_new()
    for _, it in ipairs(items) do
      local site, d, c = site_item(it)
      if not site then return false, d end
      C.sites_add(a, site, d, c, site .. ":" .. (c and fmt_num(c) or "?"))
    end
    m1a, lo, hi, olo, ohi = a.m1a, a.lo, a.hi, a.organs, a.organs
    m1a_text, ex_text = a.m1a_text, a.ex_text
  else
    local cn; cn, err = truthy(rec.m_contralateral_nodule, "m_contralateral_nodule")
    if err then return false, err end
    local pl; pl, err = truthy(rec.m_pleural, "m_pleural")
    if err then return false, err end
    if cn then m1a_text[#m1a_text + 1] = "separate nodule(s) in a contralateral lobe (m_contralateral_nodule)" end
    if pl then m1a_text[#m1a_text + 1] = "pleural or pericardial nodules or effusion (m_pleural)" end
    if cn or pl then m1a = true
    elseif cn == false and pl == false then m1a = false end
    local les; les, err = to_number(rec.m_lesions, "m_lesions"); if err then return false, err end
    local org; org, err = to_number(rec.m_organs, "m_organs"); if err then return false, err end
    if les and org and ((les == 0) ~= (org == 0) or org > les) then
      return false, "contradictory record: m_lesions = " .. fmt_num(les) .. ", m_organs = " .. fmt_num(org)
    end
    if les then lo, hi = les, les
    elseif org then
      if org == 0 then lo, hi = 0, 0 else lo, hi = org, math.huge end
    end
    if org then olo, ohi = org, org
    elseif les then
      if les == 0 then olo, ohi = 0, 0 else olo, ohi = 1, les end
    end
    if les then ex_text[#ex_text + 1] = "m_lesions = " .. fmt_num(les) end
    if org then ex_text[#ex_text + 1] = "m_organs = " .. fmt_num(org) end
  end
  if eff then
    m1a = true
    m1a_text[#m1a_text + 1] = "malignant pleural or pericardial effusion"
  elseif eff == nil and m1a == false and is_unknown(rec.m_pleural) then
    -- unknown sources widen: without a recorded effusion (m_pleural
    -- covers one too) the record may be M1a, as the rule sets read it
    m1a = nil
    why[#why + 1] = "m_pleural_effusion not recorded: a malignant effusion (M1a) is possible"
  end

  -- candidates
  local cands, seen = {}, {}
  local needs = {}
  local function add(c) add_unique(cands, seen, c) end
  local lesion_cases = {}
  if lo == nil then
    lesion_cases = { 0, 1, 2 }
    needs[#needs + 1] = "extrathoracic metastases"
  else
    if lo == 0 then lesion_cases[#lesion_cases + 1] = 0 end
    if lo <= 1 and hi >= 1 then lesion_cases[#lesion_cases + 1] = 1 end
    if hi >= 2 then lesion_cases[#lesion_cases + 1] = 2 end
    if #lesion_cases > 1 then needs[#needs + 1] = "number of extrathoracic lesions" end
  end
  for _, lc in ipairs(lesion_cases) do
    if lc == 0 then
      if m1a == true then add("M1a")
      elseif m1a == false then add("M0")
      else add("M0"); add("M1a"); needs[#needs + 1] = "intrathoracic spread (M1a)" end
    elseif lc == 1 then
      add("M1b")
    else
      if not split_m1c then add("M1c")
      else
        local o1 = (olo == nil) or (olo <= 1)
        local o2 = (ohi == nil) or (ohi >= 2)
        if o1 then add("M1c1") end
        if o2 then add("M1c2") end
        if o1 and o2 then needs[#needs + 1] = "number of organ systems" end
      end
    end
  end

  for _, t in ipairs(m1a_text) do why[#why + 1] = "M1a: " .. t end
  if lo == 0 and hi == 0 and m1a == false then
    why[#why + 1] = "M0: no distant metastasis" ..
      (not is_unknown(rec.m_sites) and " (m_sites none)" or "")
  end
  local ex = table.concat(ex_text, ";")
  if #cands == 1 then
    local c = cands[1]
    if c == "M1b" then
      why[#why + 1] = "M1b: a single extrathoracic metastasis in a single organ (" .. ex .. ")"
    elseif c == "M1c" then
      why[#why + 1] = "M1c: multiple extrathoracic metastases (" .. ex .. ")"
    elseif c == "M1c1" then
      why[#why + 1] = "M1c1: multiple extrathoracic metastases in one organ system (" .. ex .. ")"
    elseif c == "M1c2" then
      why[#why + 1] = "M1c2: multiple extrathoracic metastases in several organ systems (" .. ex .. ")"
    end
    if c ~= "M1a" and c ~= "M0" and m1a then
      why[#why + 1] = c .. " outranks M1a"
    end
  end
  local need
  if #cands > 1 then
    need = table.concat(needs, " and ") .. " needed"
    why[#why + 1] = "M unknown: " .. join_or(cands) .. " (" .. table.concat(needs, " and ") .. " unknown)"
  end
  return { cands = cands, why = why, need = need }
end

---------------------------------------------------------------------------
-- 7b. Edition comparison: the stage migration table A -> B
---------------------------------------------------------------------------

-- migration(A, B, records [, id_field]) -> {cells = {[a] = {[b] = count}},
--   moved = {{index =, id =, from =, to =}, ...}, rows = {...}, cols = {...}, n =}
-- A record neither edition stages counts under "not staged".
function C.migration(A, B, records, id_field)
  local cells, moved, rows, cols, rs, cs = {}, {}, {}, {}, {}, {}
  local n = 0
  for i, r in ipairs(records) do
    n = n + 1
    local a = A.classify(r).stage or "not staged"
    local b = B.classify(r).stage or "not staged"
    cells[a] = cells[a] or {}
    cells[a][b] = (cells[a][b] or 0) + 1
    add_unique(rows, rs, a); add_unique(cols, cs, b)
    if a ~= b then
      moved[#moved + 1] = { index = i, id = r[id_field or "id"], from = a, to = b }
    end
  end
  local function order(list)
    table.sort(list, function(x, y) return (GROUP_INDEX[x] or 99) < (GROUP_INDEX[y] or 99) end)
  end
  order(rows); order(cols)
  return { cells = cells, moved = moved, rows = rows, cols = cols, n = n }
end

-- the migration table as text
function C.format_migration(mig, a_name, b_name)
  local lines = {}
  local head = string.format("%-18s", (a_name or "A") .. " \\ " .. (b_name or "B"))
  for _, c in ipairs(mig.cols) do head = head .. string.format(" %10s", c) end
  lines[1] = head
  for _, r in ipairs(mig.rows) do
    local line = string.format("%-18s", r)
    for _, c in ipairs(mig.cols) do
      local v = mig.cells[r] and mig.cells[r][c]
      line = line .. string.format(" %10s", v and tostring(v) or ".")
    end
    lines[#lines + 1] = line
  end
  return table.concat(lines, "\n")
end

---------------------------------------------------------------------------
-- 8. Older editions: the recorded stage checked in its own edition
---------------------------------------------------------------------------

C.legacy = legacy

-- legacy_stage(edition, t, n, m) -> group [, note] | nil, reason
-- Stage recorded codes with the grid of the edition they were recorded in
-- (3rd to 7th); for checking a recorded stage, not for restaging.
function C.legacy_stage(edition, t, n, m)
  local ed, err = C.parse_edition(edition)
  if not ed then return nil, err or "edition not recorded" end
  local G = legacy.grids[ed]
  if not G then return nil, "no grid for the " .. ordinal(ed) .. " edition here" end
  local codes, kinds = {}, { "T", "N", "M" }
  for i, v in ipairs({ t, n, m }) do
    local c, k = C.normalize(v)
    if not c then return nil, kinds[i] .. ": " .. k end
    if k ~= kinds[i] then return nil, kinds[i] .. " expected, got " .. tostring(v) end
    codes[i] = c
  end
  local function ex(kind, code)
    if G.expand[code] then return G.expand[code], (kind == "T") and "tumour size needed" or "M1 sub-category needed" end
    if code == "NX" then return G.n_codes, "N category needed" end
    if code == "MX" then return G.m_codes, "M category needed" end
    if kind == "T" and (code == "TX" or code == "T0" or code == "Tis" or G.grid[code]) then return { code } end
    if kind == "N" and G.grid[G.t_codes[1]][code] then return { code } end
    if kind == "M" and (code == "M0" or G.m_groups[code]) then return { code } end
    return nil, string.format("%s is not %s %s-edition %s category", code, ordinal(ed):match("^8") and "an" or "a", ordinal(ed), kind)
  end
  local lists, need = {}, {}
  for i = 1, 3 do
    local l, nd = ex(kinds[i], codes[i])
    if not l then return nil, nd end
    lists[i] = l; need[kinds[i]:lower()] = nd
  end
  local function group(tt, nn, mm)
    if mm ~= "M0" then return G.m_groups[mm] end
    if tt == "Tis" then return (nn == "N0") and "0" or nil, "Tis is staged only with N0 M0" end
    if tt == "TX" then return (nn == "N0") and "occult carcinoma" or nil, "TX with nodal disease has no stage group" end
    if tt == "T0" then return nil, "T0 has no stage group" end
    return G.grid[tt][nn]
  end
  local triples = {}
  for _, tt in ipairs(lists[1]) do
    for _, nn in ipairs(lists[2]) do
      for _, mm in ipairs(lists[3]) do triples[#triples + 1] = { t = tt, n = nn, m = mm } end
    end
  end
  local g, r, info = C.evaluate(triples, group, { label = table.concat(codes, " "), need = need, coarse = true })
  return g, r, info.groups
end

---------------------------------------------------------------------------
-- 9. build(spec): the public module of one edition
---------------------------------------------------------------------------

-- spec fields: edition (8 or 9), name ("8th"), t_codes, n_codes, m_codes,
-- grid[t][n] (M0), m_groups[m], special = {Tis =, TX =}, split_n2, split_m1c
function C.build(E)
  local ed = E.edition
  local edname = E.name
  local is_n = {}; for _, n in ipairs(E.n_codes) do is_n[n] = true end
  local is_m = {}; for _, m in ipairs(E.m_codes) do is_m[m] = true end

  E.normalize = C.normalize
  E.descriptors = {
    size = C.T_SIZE, invasion = C.T_INVASION, invasion_order = C.T_INVASION_ORDER,
    nodules = C.T_NODULES, stations = C.STATIONS, m_sites = C.M_SITES,
  }

  -- group of one complete triple in this edition
  local function group(t, n, m)
    if m ~= "M0" then
      if t == "Tis" or t == "T1mi" then
        return nil, t .. " is staged only with N0 M0"
      end
      local g = E.m_groups[m]
      if not g then return nil, "unknown M: " .. tostring(m) end
      return g, string.format("stage %s: %s with any T and any N (%s-edition grid)", g, m, edname)
    end
    if t == "Tis" then
      if n == "N0" then return "0", "stage 0: Tis N0 M0" end
      return nil, "Tis is staged only with N0 M0"
    end
    if t == "TX" then
      if n == "N0" then return "occult carcinoma", "occult carcinoma: TX N0 M0" end
      return nil, "TX with nodal disease has no stage group"
    end
    if t == "T0" then
      if n == "N0" then return nil, "no tumour, no stage group" end
      return nil, "T0 with nodal disease has no stage group"
    end
    if t == "T*" then return nil, "T unknown" end
    local row = E.grid[t]
    if not row then return nil, "unknown T: " .. tostring(t) end
    local g = row[n]
    if not g then
      if t == "T1mi" then return nil, "T1mi is staged only with N0 M0" end
      return nil, "unknown N: " .. tostring(n)
    end
    return g, string.format("stage %s: row %s, column %s of the %s-edition grid", g, t, n, edname)
  end
  E.group = group

  -- Expand one normalized code of this edition into its complete codes.
  -- Returns list, need-phrase (nil when complete) | nil, reason.
  local T_EXPAND = {
    T1 = { { "T1a", "T1b", "T1c" }, "tumour size needed" },
    T2 = { { "T2a", "T2b" }, "tumour size needed" },
  }
  local function expand(kind, code)
    if kind == "T" then
      if T_EXPAND[code] then return T_EXPAND[code][1], T_EXPAND[code][2] end
      if code == "TX" or code == "T0" or code == "Tis" or E.grid[code] then return { code } end
    elseif kind == "N" then
      if is_n[code] then return { code } end
      if code == "NX" then return E.n_codes, "N category needed" end
      if code == "N2" and E.split_n2 then
        return { "N2a", "N2b" }, "number of involved N2 stations needed (N2a one, N2b several)"
      end
      if (code == "N2a" or code == "N2b") and not E.split_n2 then return { "N2" } end
    elseif kind == "M" then
      if is_m[code] then return { code } end
      if code == "MX" then return E.m_codes, "M category needed" end
      if code == "M1" then
        local l = {}
        for _, m in ipairs(E.m_codes) do if m ~= "M0" then l[#l + 1] = m end end
        return l, "M1 sub-category needed"
      end
      if code == "M1c" and E.split_m1c then
        return { "M1c1", "M1c2" }, "number of organ systems needed"
      end
      if (code == "M1c1" or code == "M1c2") and not E.split_m1c then return { "M1c" } end
    end
    return nil, string.format("%s is not %s %s-edition %s category", code, edname:match("^8") and "an" or "a", edname, kind)
  end
  E.expand = expand

  -- project a canonical (9th-vocabulary) code onto this edition
  local function project(kind, code)
    if kind == "N" and not E.split_n2 and (code == "N2a" or code == "N2b") then return "N2" end
    if kind == "M" and not E.split_m1c and (code == "M1c1" or code == "M1c2") then return "M1c" end
    return code
  end

  local function product(tl, nl, ml)
    local out = {}
    for _, t in ipairs(tl) do
      for _, n in ipairs(nl) do
        for _, m in ipairs(ml) do out[#out + 1] = { t = t, n = n, m = m } end
      end
    end
    return out
  end

  -- stage_full(t, n, m) -> group | nil, reason | note, candidate groups
  local function stage_full(t, n, m)
    local codes, kinds = {}, { "T", "N", "M" }
    for i, v in ipairs({ t, n, m }) do
      local c, k = C.normalize(v)
      if not c then
        return nil, string.format("%s: %s", kinds[i], k)
      end
      if k ~= kinds[i] then
        return nil, string.format("%s expected, got %s", kinds[i], tostring(v))
      end
      codes[i] = c
    end
    local lists, need = {}, {}
    for i = 1, 3 do
      local l, nd = expand(kinds[i], codes[i])
      if not l then return nil, nd end
      lists[i] = l
      need[kinds[i]:lower()] = nd
    end
    local label = table.concat(codes, " ")
    local g, r, info = C.evaluate(product(lists[1], lists[2], lists[3]), group,
      { label = label, need = need, coarse = true })
    return g, r, info.groups
  end

  -- tnmX.stage(t, n, m) -> group | broader group, note | nil, reason
  function E.stage(t, n, m)
    local g, r = stage_full(t, n, m)
    if g and not r then return g end
    return g, r
  end

  -- tnmX.stage_groups(t, n, m) -> the list of groups the codes allow
  -- (one for a complete code; {} when none or when a code is invalid)
  function E.stage_groups(t, n, m)
    local _, _, groups = stage_full(t, n, m)
    return groups or {}
  end

  -- Recorded categories -> candidate triples for one component set.
  -- Returns triples, mode ("same"/"restage"), text, why | nil, reason
  local function from_recorded(rec, want)
    local edn, err = C.parse_edition(rec.edition)
    if err then return nil, err end
    local why = {}
    local codes = {}
    for _, k in ipairs({ "t", "n", "m" }) do
      if want[k] then
        if is_unknown(rec[k]) then
          codes[k] = (k == "t") and "T?" or (k:upper() .. "X")
          why[#why + 1] = (k == "t") and "t not recorded: any of T1a to T4"
            or string.format("%s not recorded: read as %sX", k, k:upper())
        else
          local c, kind = C.normalize(rec[k])
          if not c then return nil, k .. ": " .. kind end
          if kind ~= k:upper() then return nil, k .. ": not a " .. k:upper() .. " code: " .. tostring(rec[k]) end
          codes[k] = c
        end
      end
    end
    if edn == nil then
      local recorded = false
      for _, k in ipairs({ "t", "n", "m" }) do
        if want[k] and not is_unknown(rec[k]) then recorded = true end
      end
      if recorded then
        why[#why + 1] = string.format("edition not recorded: codes read as %s-edition codes", edname)
      end
      edn = ed
    end
    if edn == ed then
      local lists, need = {}, {}
      for _, k in ipairs({ "t", "n", "m" }) do
        if want[k] then
          local l, nd
          if codes[k] == "T?" then l, nd = SIZE_RANGE, "T category needed"
          else l, nd = expand(k:upper(), codes[k]) end
          if not l then return nil, nd end
          lists[k] = l; need[k] = nd
        end
      end
      return { lists = lists, need = need, codes = codes, why = why, same = true }
    end
    -- another edition: legacy tables give canonical alternatives
    local alts, reason = legacy.alternatives(edn, codes)
    if not alts then return nil, reason end
    for _, l in ipairs(alts.why) do why[#why + 1] = l end
    if E.split_n2 and codes.n == "N2" then
      why[#why + 1] = "N2 recorded before the 9th edition is N2a (one N2 station) or N2b (several)"
    end
    if E.split_m1c and codes.m == "M1c" then
      why[#why + 1] = "M1c recorded before the 9th edition is M1c1 (one organ system) or M1c2 (several)"
    end
    return { alts = alts.triples, codes = codes, why = why, same = false, edition = edn }
  end

  -- The three parts of a classification: T, N and M each from its own
  -- descriptors.  A part is a table: {absent = true} (no descriptor
  -- recorded), {failed = reason}, or {cands =, why =, need =}; its second
  -- value is its key, the text finish() depends on (the candidates and the
  -- need phrase, not the explanation).
  local function part(r, err)
    if r == nil then return { absent = true }, "-" end
    if r == false then return { failed = err }, "!" end
    return r, table.concat(r.cands, ",") .. "|" .. (r.need or "")
  end
  local ncode = E.ncode
  local split_m1c = E.split_m1c
  local function part_t(rec) return part(C.t_from_record(rec)) end
  local function part_n(rec) return part(C.n_from_record(rec, ncode)) end
  local function part_m(rec) return part(C.m_from_record(rec, split_m1c)) end

  -- finish(parts, record) -> the classification (see classify); record
  -- needs only the recorded categories (edition, t, n, m).
  local function finish(parts, rec)
    local res = { why = {}, candidates = {}, edition = ed }
    local why = res.why
    local sources = {}
    local tl, nl, ml, need = nil, nil, nil, {}
    local failed = nil
    for _, k in ipairs({ "t", "n", "m" }) do
      local p = parts[k]
      if p.failed then
        failed = failed or (k:upper() .. ": " .. p.failed)
      elseif not p.absent then
        if k == "t" then tl = p.cands elseif k == "n" then nl = p.cands else ml = p.cands end
        need[k] = p.need
        for _, l in ipairs(p.why) do why[#why + 1] = l end
        sources[k] = "descriptors"
      end
    end
    if failed then
      res.reason = failed
      why[#why + 1] = "no stage: " .. failed
      return res
    end

    -- components without descriptors come from the recorded categories
    local want = { t = tl == nil, n = nl == nil, m = ml == nil }
    local triples, opts
    local label_codes = {}
    if want.t or want.n or want.m then
      local r, err = from_recorded(rec, want)
      if not r then
        res.reason = err
        why[#why + 1] = "no stage: " .. err
        return res
      end
      for _, l in ipairs(r.why) do why[#why + 1] = l end
      for k, v in pairs(r.codes) do
        label_codes[k] = v
        sources[k] = "recorded"
      end
      if r.same then
        tl = tl or r.lists.t; nl = nl or r.lists.n; ml = ml or r.lists.m
        for k, v in pairs(r.need) do need[k] = v end
        for _, k in ipairs({ "t", "n", "m" }) do
          if want[k] then
            why[#why + 1] = string.format("%s: recorded %s%s", k:upper(), label_codes[k],
              (#r.lists[k] > 1) and (" (" .. join_or(r.lists[k]) .. ")") or "")
          end
        end
      else
        -- combine legacy alternatives with descriptor candidates
        triples = {}
        local seen = {}
        for _, a in ipairs(r.alts) do
          local tt = want.t and { a.t } or tl
          local nn = want.n and { a.n } or nl
          local mm = want.m and { a.m } or ml
          for _, t in ipairs(tt) do
            for _, n in ipairs(nn) do
              for _, m in ipairs(mm) do
                -- descriptors, where present, decide their component
                local c = { t = t, n = project("N", n), m = project("M", m) }
                local key = c.t .. c.n .. c.m
                if not seen[key] then seen[key] = true; triples[#triples + 1] = c end
              end
            end
          end
        end
        local lab = {}
        for _, k in ipairs({ "t", "n", "m" }) do
          if want[k] then lab[#lab + 1] = label_codes[k] end
        end
        opts = { restage = string.format("%s-edition %s", ordinal(r.edition), table.concat(lab, " ")),
                 need = need }
      end
    end
    if not triples then
      triples = product(tl, nl, ml)
      local lab = {}
      for _, k in ipairs({ "t", "n", "m" }) do
        local l = ({ t = tl, n = nl, m = ml })[k]
        lab[#lab + 1] = label_codes[k] or ((#l == 1) and l[1] or (k:upper() .. "?"))
      end
      opts = { label = table.concat(lab, " "), need = need, coarse = true }
    end

    -- candidate sets per component
    for _, k in ipairs({ "t", "n", "m" }) do
      local l, s = {}, {}
      for _, c in ipairs(triples) do add_unique(l, s, c[k]) end
      res.candidates[k] = l
      if #l == 1 and l[1] ~= "T*" then res[k] = l[1] end
    end

    local g, r, info = C.evaluate(triples, group, opts)
    res.candidates.stage = info.groups
    if g then
      res.stage = g
      if #triples == 1 then
        local _, line = group(triples[1].t, triples[1].n, triples[1].m)
        why[#why + 1] = line
      elseif r then
        res.note = r
        why[#why + 1] = string.format("stage %s: every candidate lies in %s (%s)", g, g, r)
      else
        local shown = {}
        for i, c in ipairs(triples) do
          if i > 6 then shown[#shown + 1] = "..."; break end
          shown[#shown + 1] = (c.t == "T*" and "any T" or c.t) .. " " .. c.n .. " " .. c.m
        end
        why[#why + 1] = string.format("stage %s: every candidate (%s) gives %s in the %s-edition grid",
          g, table.concat(shown, ", "), g, edname)
      end
    else
      res.reason = r
      why[#why + 1] = "no stage: " .. r
    end
    return res
  end

  -- tnmX.classify(record) -> {t =, n =, m =, stage =, why = {...}, reason =,
  --                           candidates = {t =, n =, m =, stage =}, note =}
  function E.classify(rec)
    rec = rec or {}
    return finish({ t = (part_t(rec)), n = (part_n(rec)), m = (part_m(rec)) }, rec)
  end

  -- The column program: how a cohort is staged column by column (dsl/
  -- rules_stage.c runs it; doc/architecture.md#staging).  It is classify
  -- taken apart, with the same functions: each part reads only its own
  -- fields; a list field reaches its part only through the classes of its
  -- items (token(item, alone) -> class, id, cap: "" is no item; items with
  -- the same class count once per id, at most `cap` times; a cell whose one
  -- item has the class `unknown` is an unknown cell), a number field only
  -- through the band the cut points give ((-inf, c1], (c1, c2], ...,
  -- (ck, inf)), and a field under `unless` only where the field it names
  -- is unknown; a list's reduce(items), where given, says which cells are
  -- alike from their items' {class =, count =}; finish reads the parts'
  -- keys and the recorded categories.
  -- Rows that agree on all that get one call, whatever their other values.
  E.program = {
    sep = ";",
    parts = {
      { name = "t", fn = part_t, reads = T_FIELDS,
        cuts = { t_size_cm = C.T_SIZE_CUTS },
        lists = { t_invasion = { token = C.invasion_class, cap = 1 },
                  t_nodules = { token = C.nodule_class, cap = 1 } } },
      { name = "n", fn = part_n, reads = { "n_stations", "side" },
        lists = { n_stations = { token = C.station_class, cap = 2 } } },
      { name = "m", fn = part_m, reads = M_FIELDS,
        lists = { m_sites = { token = C.site_class, cap = 2, unknown = "?",
                              reduce = C.sites_reduce } },
        -- the counts and flags stand in for m_sites only where it is unknown
        unless = { m_lesions = "m_sites", m_organs = "m_sites",
                   m_contralateral_nodule = "m_sites" } },
    },
    reads = { "edition", "t", "n", "m" },
    finish = finish,
  }

  -- the grid as text, for teaching (M0 rows, then M1)
  function E.format_grid()
    local lines = {}
    local head = string.format("%-6s", "T \\ N")
    for _, n in ipairs(E.n_codes) do head = head .. string.format(" %-5s", n) end
    lines[1] = head
    for _, t in ipairs(E.t_codes) do
      local row = string.format("%-6s", t)
      for _, n in ipairs(E.n_codes) do row = row .. string.format(" %-5s", E.grid[t][n] or "-") end
      lines[#lines + 1] = row
    end
    for _, m in ipairs(E.m_codes) do
      if m ~= "M0" then lines[#lines + 1] = string.format("%s, any T, any N: %s", m, E.m_groups[m]) end
    end
    lines[#lines + 1] = "Tis N0 M0: 0; TX N0 M0: occult carcinoma"
    return table.concat(lines, "\n")
  end

  return E
end

return C
