-- tnm8_test.lua: the TNM 8th-edition stage groups, cell by cell, as the
-- published grid gives them (doc/domain.md, "TNM 8th edition: stage groups"),
-- staged from the descriptors by the rule engine (the column program of
-- scripts/staging), for a right-sided tumour: sizes in the middle of each T
-- band, N from the stations named in each case, M0 with no effusion.
-- Run: tnmlab test scripts/staging/tests
return {
  rules = "stage_probe.lua",
  set = "stage_probe",
  edition = 8,
  cases = {
    -- T1mi (no node) M0: IA1
    { "T1mi N0 M0", { t_mia = true, t_size_cm = 0.8, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IA1", selected = false, exit = "stage_iv:fail" },
    -- T1a (no node) M0: IA1
    { "T1a N0 M0", { t_size_cm = 0.8, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IA1", selected = false, exit = "stage_iv:fail" },
    -- T1a (10R, ipsilateral hilar) M0: IIB
    { "T1a N1 M0", { t_size_cm = 0.8, t_invasion = "none", t_nodules = "none", n_stations = "10R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIB", selected = false, exit = "stage_iv:fail" },
    -- T1a (4R, ipsilateral mediastinal) M0: IIIA
    { "T1a N2 M0", { t_size_cm = 0.8, t_invasion = "none", t_nodules = "none", n_stations = "4R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIA", selected = false, exit = "stage_iv:fail" },
    -- T1a (4L, contralateral mediastinal) M0: IIIB
    { "T1a N3 M0", { t_size_cm = 0.8, t_invasion = "none", t_nodules = "none", n_stations = "4L", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIB", selected = false, exit = "stage_iv:fail" },
    -- T1b (no node) M0: IA2
    { "T1b N0 M0", { t_size_cm = 1.5, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IA2", selected = false, exit = "stage_iv:fail" },
    -- T1b (10R, ipsilateral hilar) M0: IIB
    { "T1b N1 M0", { t_size_cm = 1.5, t_invasion = "none", t_nodules = "none", n_stations = "10R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIB", selected = false, exit = "stage_iv:fail" },
    -- T1b (4R, ipsilateral mediastinal) M0: IIIA
    { "T1b N2 M0", { t_size_cm = 1.5, t_invasion = "none", t_nodules = "none", n_stations = "4R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIA", selected = false, exit = "stage_iv:fail" },
    -- T1b (4L, contralateral mediastinal) M0: IIIB
    { "T1b N3 M0", { t_size_cm = 1.5, t_invasion = "none", t_nodules = "none", n_stations = "4L", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIB", selected = false, exit = "stage_iv:fail" },
    -- T1c (no node) M0: IA3
    { "T1c N0 M0", { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IA3", selected = false, exit = "stage_iv:fail" },
    -- T1c (10R, ipsilateral hilar) M0: IIB
    { "T1c N1 M0", { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n_stations = "10R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIB", selected = false, exit = "stage_iv:fail" },
    -- T1c (4R, ipsilateral mediastinal) M0: IIIA
    { "T1c N2 M0", { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n_stations = "4R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIA", selected = false, exit = "stage_iv:fail" },
    -- T1c (4L, contralateral mediastinal) M0: IIIB
    { "T1c N3 M0", { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n_stations = "4L", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIB", selected = false, exit = "stage_iv:fail" },
    -- T2a (no node) M0: IB
    { "T2a N0 M0", { t_size_cm = 3.5, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IB", selected = false, exit = "stage_iv:fail" },
    -- T2a (10R, ipsilateral hilar) M0: IIB
    { "T2a N1 M0", { t_size_cm = 3.5, t_invasion = "none", t_nodules = "none", n_stations = "10R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIB", selected = false, exit = "stage_iv:fail" },
    -- T2a (4R, ipsilateral mediastinal) M0: IIIA
    { "T2a N2 M0", { t_size_cm = 3.5, t_invasion = "none", t_nodules = "none", n_stations = "4R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIA", selected = false, exit = "stage_iv:fail" },
    -- T2a (4L, contralateral mediastinal) M0: IIIB
    { "T2a N3 M0", { t_size_cm = 3.5, t_invasion = "none", t_nodules = "none", n_stations = "4L", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIB", selected = false, exit = "stage_iv:fail" },
    -- T2b (no node) M0: IIA
    { "T2b N0 M0", { t_size_cm = 4.5, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIA", selected = false, exit = "stage_iv:fail" },
    -- T2b (10R, ipsilateral hilar) M0: IIB
    { "T2b N1 M0", { t_size_cm = 4.5, t_invasion = "none", t_nodules = "none", n_stations = "10R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIB", selected = false, exit = "stage_iv:fail" },
    -- T2b (4R, ipsilateral mediastinal) M0: IIIA
    { "T2b N2 M0", { t_size_cm = 4.5, t_invasion = "none", t_nodules = "none", n_stations = "4R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIA", selected = false, exit = "stage_iv:fail" },
    -- T2b (4L, contralateral mediastinal) M0: IIIB
    { "T2b N3 M0", { t_size_cm = 4.5, t_invasion = "none", t_nodules = "none", n_stations = "4L", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIB", selected = false, exit = "stage_iv:fail" },
    -- T3 (no node) M0: IIB
    { "T3 N0 M0", { t_size_cm = 6.2, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIB", selected = false, exit = "stage_iv:fail" },
    -- T3 (10R, ipsilateral hilar) M0: IIIA
    { "T3 N1 M0", { t_size_cm = 6.2, t_invasion = "none", t_nodules = "none", n_stations = "10R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIA", selected = false, exit = "stage_iv:fail" },
    -- T3 (4R, ipsilateral mediastinal) M0: IIIB
    { "T3 N2 M0", { t_size_cm = 6.2, t_invasion = "none", t_nodules = "none", n_stations = "4R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIB", selected = false, exit = "stage_iv:fail" },
    -- T3 (4L, contralateral mediastinal) M0: IIIC
    { "T3 N3 M0", { t_size_cm = 6.2, t_invasion = "none", t_nodules = "none", n_stations = "4L", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIC", selected = false, exit = "stage_iv:fail" },
    -- T4 (no node) M0: IIIA
    { "T4 N0 M0", { t_size_cm = 8, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIA", selected = false, exit = "stage_iv:fail" },
    -- T4 (10R, ipsilateral hilar) M0: IIIA
    { "T4 N1 M0", { t_size_cm = 8, t_invasion = "none", t_nodules = "none", n_stations = "10R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIA", selected = false, exit = "stage_iv:fail" },
    -- T4 (4R, ipsilateral mediastinal) M0: IIIB
    { "T4 N2 M0", { t_size_cm = 8, t_invasion = "none", t_nodules = "none", n_stations = "4R", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIB", selected = false, exit = "stage_iv:fail" },
    -- T4 (4L, contralateral mediastinal) M0: IIIC
    { "T4 N3 M0", { t_size_cm = 8, t_invasion = "none", t_nodules = "none", n_stations = "4L", side = "R", m_sites = "none", m_pleural_effusion = false },
      stage = "IIIC", selected = false, exit = "stage_iv:fail" },
    -- M1a (a pleural nodule), any T and N: IVA
    { "T1c N0 M1a", { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "pleura:1", m_pleural_effusion = false },
      stage = "IVA", selected = true, exit = "" },
    -- M1b (one extrathoracic metastasis), any T and N: IVA
    { "T1c N0 M1b", { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "brain:1", m_pleural_effusion = false },
      stage = "IVA", selected = true, exit = "" },
    -- M1c (several extrathoracic metastases), any T and N: IVB
    { "T1c N0 M1c", { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "brain:2;bone:1", m_pleural_effusion = false },
      stage = "IVB", selected = true, exit = "" },
    -- an unrecorded effusion leaves M0 or M1a open: IA3 or IVA, unknown
    { "T1c N0, effusion not recorded", { t_size_cm = 2.5, t_invasion = "none", t_nodules = "none", n_stations = "none", side = "R", m_sites = "none" },
      stage = "IA3|IVA", selected = false, exit = "stage_iv:unknown" },
  },
}
