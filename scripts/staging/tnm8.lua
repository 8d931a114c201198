-- tnm8.lua: TNM 8th edition, lung (IASLC; Goldstraw et al., J Thorac Oncol
-- 2016;11:39-51). Facts as in doc/domain.md, TNM 8th edition (#tnm-8-t,
-- #tnm-8-n, #tnm-8-m, #tnm-8-stages).
--
--   tnm8.stage("T2a", "N2", "M0")   --> "IIIA"
--   tnm8.stage("T2", "N0", "M0")    --> nil, "T2 N0 M0: IB or IIA, tumour size needed"
--   tnm8.stage("T1", "N0", "M0")    --> "IA", "T1 N0 M0: IA1, IA2 or IA3, tumour size needed"
--   tnm8.classify{t_size_cm = 6.2, t_invasion = "none", t_nodules = "none",
--                 n_stations = "4R", side = "R", m_sites = "none",
--                 m_pleural_effusion = false}
--     --> {t = "T3", n = "N2", m = "M0", stage = "IIIB", why = {...}}
--
-- The descriptors (size bands, invasion structures, nodules, stations,
-- metastatic sites) and the staging rules shared with the 9th edition live
-- in tnm_common.lua; this file holds what is the 8th edition's own: its
-- categories and its stage grid.

local common = include("tnm_common")

local tnm8 = {
  edition = 8,
  name = "8th",
  source = "IASLC 8th edition (Goldstraw et al., J Thorac Oncol 2016;11:39-51)",

  -- grid rows and columns, in order
  t_codes = { "T1mi", "T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4" },
  n_codes = { "N0", "N1", "N2", "N3" },
  m_codes = { "M0", "M1a", "M1b", "M1c" },

  -- stage groups with M0 (T1mi is listed only with N0)
  grid = {
    T1mi = { N0 = "IA1" },
    T1a  = { N0 = "IA1",  N1 = "IIB",  N2 = "IIIA", N3 = "IIIB" },
    T1b  = { N0 = "IA2",  N1 = "IIB",  N2 = "IIIA", N3 = "IIIB" },
    T1c  = { N0 = "IA3",  N1 = "IIB",  N2 = "IIIA", N3 = "IIIB" },
    T2a  = { N0 = "IB",   N1 = "IIB",  N2 = "IIIA", N3 = "IIIB" },
    T2b  = { N0 = "IIA",  N1 = "IIB",  N2 = "IIIA", N3 = "IIIB" },
    T3   = { N0 = "IIB",  N1 = "IIIA", N2 = "IIIB", N3 = "IIIC" },
    T4   = { N0 = "IIIA", N1 = "IIIA", N2 = "IIIB", N3 = "IIIC" },
  },

  -- any T, any N
  m_groups = { M1a = "IVA", M1b = "IVA", M1c = "IVB" },

  -- outside the grid: Tis N0 M0 = 0, TX N0 M0 = occult carcinoma (tnm_common)
  split_n2 = false,
  split_m1c = false,
}

-- N from the stations: the highest level any station gives.
local N_CODE = { [0] = "N0", [1] = "N1", [2] = "N2", [3] = "N3" }
function tnm8.ncode(level)
  return N_CODE[level]
end

return common.build(tnm8)
