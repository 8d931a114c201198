-- tnm9.lua: TNM 9th edition, lung (IASLC; Rami-Porta et al., J Thorac Oncol
-- 2024; in force from 2025). Facts as in doc/domain.md, TNM 9th edition
-- (#tnm-9, #tnm-9-stages).
--
-- The T descriptors are those of the 8th edition. New: N2a (one N2 station
-- involved) and N2b (several N2 stations); M1c1 (multiple extrathoracic
-- metastases in one organ system) and M1c2 (in several organ systems).
--
--   tnm9.stage("T1b", "N2a", "M0")  --> "IIB"
--   tnm9.stage("T1b", "N2", "M0")   --> nil, "T1b N2 M0: IIB or IIIA, number of involved N2 stations needed ..."

local common = include("tnm_common")

local tnm9 = {
  edition = 9,
  name = "9th",
  source = "IASLC 9th edition (Rami-Porta et al., J Thorac Oncol 2024)",

  t_codes = { "T1mi", "T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4" },
  n_codes = { "N0", "N1", "N2a", "N2b", "N3" },
  m_codes = { "M0", "M1a", "M1b", "M1c1", "M1c2" },

  -- stage groups with M0 (T1mi is listed only with N0)
  grid = {
    T1mi = { N0 = "IA1" },
    T1a  = { N0 = "IA1",  N1 = "IIA",  N2a = "IIB",  N2b = "IIIA", N3 = "IIIB" },
    T1b  = { N0 = "IA2",  N1 = "IIA",  N2a = "IIB",  N2b = "IIIA", N3 = "IIIB" },
    T1c  = { N0 = "IA3",  N1 = "IIA",  N2a = "IIB",  N2b = "IIIA", N3 = "IIIB" },
    T2a  = { N0 = "IB",   N1 = "IIB",  N2a = "IIIA", N2b = "IIIB", N3 = "IIIB" },
    T2b  = { N0 = "IIA",  N1 = "IIB",  N2a = "IIIA", N2b = "IIIB", N3 = "IIIB" },
    T3   = { N0 = "IIB",  N1 = "IIIA", N2a = "IIIA", N2b = "IIIB", N3 = "IIIC" },
    T4   = { N0 = "IIIA", N1 = "IIIA", N2a = "IIIB", N2b = "IIIB", N3 = "IIIC" },
  },

  -- any T, any N
  m_groups = { M1a = "IVA", M1b = "IVA", M1c1 = "IVB", M1c2 = "IVB" },

  split_n2 = true,
  split_m1c = true,
}

-- N from the stations: the highest level any station gives; at N2 the number
-- of involved N2 stations decides N2a (one) or N2b (several).
local N_CODE = { [0] = "N0", [1] = "N1", [3] = "N3" }
function tnm9.ncode(level, n2_count, n2_list)
  if level ~= 2 then return N_CODE[level] end
  local list = n2_list and table.concat(n2_list, ", ") or ""
  if n2_count == 1 then
    return "N2a", "N2a: a single N2 station involved (" .. list .. ")"
  end
  return "N2b", string.format("N2b: %d N2 stations involved (%s); N2a is one N2 station, N2b several",
    n2_count, list)
end

common.build(tnm9)

-- Edition comparison: stage migration 8th -> 9th for a list of records
-- (data-dictionary fields): {cells =, moved =, rows =, cols =, n =};
-- tnm9.format_migration(m) gives it as a table of counts.
function tnm9.migration(records, id_field)
  return common.migration(include("tnm8"), tnm9, records, id_field)
end
function tnm9.format_migration(m)
  return common.format_migration(m, "8th", "9th")
end

return tnm9
