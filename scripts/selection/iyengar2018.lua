-- iyengar2018.lua: limited metastatic NSCLC as Iyengar et al. selected it
-- for consolidative SABR (JAMA Oncol 2018;4:e173501). Facts as in
-- doc/domain.md#oligo-iyengar-2018.
--
-- The trial: randomised phase II, 29 patients. At most 5 metastatic sites
-- (6 with the primary), no EGFR/ALK target, response or stable disease after
-- induction systemic therapy; SABR to all sites plus maintenance vs
-- maintenance alone. PFS 9.7 vs 3.5 months.
--
-- How metastases are counted here (from m_sites):
--   * a "site" is a separately treated focus of disease (each gets its own
--     SABR course), so each lesion counts: "bone:2" is two sites;
--   * the trial counted extracranial disease (doc/domain.md#oligo-iyengar-2018):
--     adrenal, bone, liver, distant (non-regional) nodes, other and
--     contralateral lung nodules count, in total over all organs; brain
--     metastases are not counted among the sites and do not exclude. How the
--     trial handled them is not recorded in doc/domain.md: this rule set's
--     reading (brain disease treated apart, as is usual with radiosurgery)
--     is to be checked against the paper's methods;
--   * no more than 3 metastases in the liver, and no more than 3 in the
--     (contralateral) lung, as the trial required;
--   * the primary is the sixth site: the cohort's patients all have one, so
--     "<= 5 metastatic sites" is the same test as "<= 6 sites with the
--     primary";
--   * regional (hilar, mediastinal, supraclavicular) nodes go with the
--     primary (N category), never counted as metastatic sites;
--   * pleural or pericardial disease and a malignant effusion exclude;
--   * every site must be amenable to SABR: the trial enrolled only such
--     patients (doc/domain.md#oligo-treatable), so treatability is a
--     criterion, not only a condition of the arm.
--   * WHEN: at diagnosis (m_sites); a count after induction is not in the
--     data dictionary (see gomez2016.lua for why this errs on the safe side).
--
-- Landmark: induction_response is known only after induction (about 3
-- months), so outcomes are counted from a 3-month landmark.
--
-- Unknown values: default (exclude) everywhere. In particular a missing
-- driver is unknown: the trial required the absence of an EGFR/ALK target
-- to be known, so an untested patient is not admitted; an unrecorded
-- treatability is unknown (excluded) too.

ruleset "iyengar2018" {
  doc = "Iyengar et al., JAMA Oncol 2018;4:e173501: randomised phase II of "
     .. "consolidative SABR to all sites plus maintenance vs maintenance alone. "
     .. "Eligible: stage IV NSCLC with <= 5 metastatic sites (<= 6 with the "
     .. "primary), no EGFR/ALK target, response or stable disease after "
     .. "induction, every site amenable to SABR. Extracranial sites are "
     .. "counted lesion by lesion from m_sites, in total over all organs: "
     .. "adrenal, bone, liver, distant nodes, other and contralateral lung "
     .. "nodules count, at most 3 in the liver and 3 in the lung; brain "
     .. "metastases are not counted (to check against the paper); regional "
     .. "nodes do not count; pleural or pericardial disease and malignant "
     .. "effusion exclude. m_sites is recorded at diagnosis and stands for the "
     .. "count after induction. "
     .. "Landmark 3 months: induction response is known only then.",
  landmark = 3,

  param { "max_sites", 5, min = 1, max = 20, type = "integer",
          doc = "most metastatic sites, primary not included (the trial: 5, "
             .. "i.e. 6 with the primary)" },
  param { "max_ecog", 2, min = 0, max = 4, type = "integer",
          doc = "highest ECOG performance status admitted; 4 = no limit. "
             .. "doc/domain.md does not give the trial's limit: 2 is a documented, "
             .. "conservative default; check the paper before relying on it" },
  param { "need_disease_control", true,
          doc = "require response or stable disease after induction (the "
             .. "trial: yes); false drops the criterion, not the landmark" },
  param { "need_treatable", true,
          doc = "require every site to be amenable to radical treatment for "
             .. "eligibility (the trial: yes). false is the looser teaching "
             .. "reading: such patients are selected but stay on systemic "
             .. "therapy, as the arm requires treatability either way" },

  derive { "sites", [[lesions_except(m_sites, {"pleura", "pericardium", "brain"})]],
           doc = "extracranial metastatic sites (lesions), primary not included" },

  criterion { "stage_iv", "distant metastases present (stage IV)",
              [[lesions(m_sites) >= 1 or m_pleural_effusion]] },
  criterion { "no_pleural", "no pleural/pericardial disease, no malignant effusion",
              [[not m_pleural_effusion and not contains(m_sites, {"pleura", "pericardium"})]],
              doc = "diffuse pleural disease or a malignant effusion is never "
                 .. "oligometastatic; an unrecorded effusion is unknown (excluded)" },
  criterion { "sites", "at most max_sites extracranial metastatic sites (max_sites + 1 with the primary)",
              "sites <= max_sites" },
  criterion { "liver_lung", "no more than 3 metastases in the liver or in the lung",
              [[lesions(m_sites, "liver") <= 3 and lesions(m_sites, "lung_contralateral") <= 3]] },
  criterion { "ecog", "ECOG <= max_ecog",
              "max_ecog >= 4 or ecog <= max_ecog" },
  criterion { "no_target", "no EGFR/ALK target",
              [[not (driver in {"EGFR", "ALK"})]],
              doc = "driver = none or another alteration (KRAS, ...) passes; "
                 .. "a missing driver is unknown (excluded)" },
  criterion { "induction", "response or stable disease after induction",
              [[not need_disease_control or induction_response in {"stable", "response"}]] },
  criterion { "treatable", "every site amenable to SABR", "not need_treatable or m_all_treatable",
              doc = "the trial enrolled only patients whose every site could be treated" },

  arm { "radical", when = "eligible and known(m_all_treatable) and m_all_treatable",
        doc = "SABR (or surgery) to every site, plus maintenance therapy" },
  arm { "systemic", doc = "maintenance therapy alone" },
}
