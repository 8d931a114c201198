-- deruysscher2012.lua: synchronous oligometastatic NSCLC as De Ruysscher et al.
-- selected it (J Thorac Oncol 2012;7:1547-55, NCT01282450). Facts as in
-- doc/domain.md#oligo-deruysscher-2012.
--
-- The trial: single-arm prospective phase II, 40 enrolled, 39 evaluable.
-- Pathologically proven stage IV NSCLC with fewer than 5 metastases at
-- diagnosis, every site amenable to radical treatment (surgery or
-- radiotherapy), the primary treated radically too, with platinum
-- chemotherapy (95% received it). 87% had a single metastasis.
--
-- How metastases are counted here (from m_sites, at diagnosis):
--   * every lesion of every distant site counts, one by one: brain, adrenal,
--     bone, liver, distant (non-regional) nodes, other, and nodules in the
--     contralateral lung ("lung_contralateral:2" is two metastases);
--   * counted in total over all organs, not per organ: "bone:2;liver:2" is
--     4 metastases, and an M1c patient with several lesions in one or more
--     organs is eligible as long as the total is 1-4;
--   * hilar, mediastinal and supraclavicular nodes (n_stations) are regional
--     disease, part of the primary's N category, never metastases: 74% of
--     the trial's patients were N2/N3;
--   * pleural or pericardial nodules and a malignant effusion are never
--     oligometastatic: a patient with any of them is excluded, not counted.
--
-- Unknown values: the default (unknown = exclude) holds for every criterion.
-- The arm reads m_all_treatable through known(): an eligible patient whose
-- treatability is not recorded gets "systemic" rather than no arm (here that
-- cannot happen, since "treatable" is a criterion; the other rule sets need it).

ruleset "deruysscher2012" {
  doc = "De Ruysscher et al., J Thorac Oncol 2012;7:1547-55 (NCT01282450): "
     .. "single-arm phase II of platinum chemotherapy plus radical treatment "
     .. "(surgery or radiotherapy) of the primary and of every metastasis. "
     .. "Eligible: pathologically proven stage IV NSCLC with 1-4 metastases "
     .. "at diagnosis, every site amenable to radical treatment. Metastases "
     .. "are counted from m_sites at diagnosis, lesion by lesion, in total "
     .. "over all organs (M1c with several lesions included): brain, "
     .. "adrenal, bone, liver, distant nodes, other and contralateral lung "
     .. "nodules count; regional (hilar, mediastinal, supraclavicular) nodes "
     .. "do not; pleural or pericardial disease and malignant effusion "
     .. "exclude. No landmark: every criterion is known at diagnosis.",

  param { "max_lesions", 4, min = 1, max = 20, type = "integer",
          doc = "most metastases at diagnosis (the trial: fewer than 5)" },
  param { "max_ecog", 2, min = 0, max = 4, type = "integer",
          doc = "highest ECOG/WHO performance status admitted; 4 = no limit. "
             .. "doc/domain.md does not give the trial's limit: 2 is the limit the "
             .. "calibration report applies through this rule set (doc/model.md) "
             .. "and the usual one for radical chemoradiotherapy; check the "
             .. "paper's methods before relying on it" },
  param { "need_treatable", true,
          doc = "require every site to be amenable to radical treatment for "
             .. "eligibility (the trial: yes). false is the looser teaching "
             .. "reading: such patients are selected but stay on systemic "
             .. "therapy, as the arm requires treatability either way" },

  -- metastases in total: every site:count of m_sites except pleura and
  -- pericardium (those exclude the patient, see no_pleural)
  derive { "lesions", [[lesions_except(m_sites, {"pleura", "pericardium"})]],
           doc = "distant metastases at diagnosis, in total over all organs" },

  criterion { "nsclc", "pathologically proven NSCLC (histology recorded, not small cell)",
              [[not (histology in {"small_cell", "SCLC"})]],
              doc = "a missing histology is unknown, so excluded: proof of "
                 .. "pathology is what the trial asked for" },
  criterion { "stage_iv", "distant metastases present (stage IV)",
              [[lesions(m_sites) >= 1 or m_pleural_effusion]] },
  criterion { "no_pleural", "no pleural/pericardial disease, no malignant effusion",
              [[not m_pleural_effusion and not contains(m_sites, {"pleura", "pericardium"})]],
              doc = "diffuse pleural disease or a malignant effusion is never "
                 .. "oligometastatic; an unrecorded effusion is unknown (excluded)" },
  criterion { "lesions", "1 to max_lesions metastases at diagnosis",
              "lesions <= max_lesions" },
  criterion { "ecog", "ECOG <= max_ecog",
              "max_ecog >= 4 or ecog <= max_ecog" },
  criterion { "treatable", "every site, primary included, amenable to radical treatment",
              "not need_treatable or m_all_treatable",
              doc = "m_all_treatable is read as covering the primary and its "
                 .. "nodes as well: the data dictionary has no separate field "
                 .. "for radical treatment of the primary" },

  arm { "radical", when = "eligible and known(m_all_treatable) and m_all_treatable",
        doc = "platinum chemotherapy plus radical treatment of the primary and "
           .. "of every metastasis" },
  arm { "systemic", doc = "systemic therapy alone" },
}
