-- retrospective_series.lua: the patients of the retrospective series the
-- guideline reviews: isolated or few distant metastases (1-4) in one organ
-- system, in the other lung, the brain, an adrenal or bone, treated
-- ablatively (surgery or stereotactic radiotherapy) at the primary and at
-- every metastasis.  Facts as in doc/domain.md#oligo-guideline-iva.
--
-- Why it is here: to put retrospective selection next to the prospective
-- trial (deruysscher2012) on the same population.  The series chose
-- patients who had been treated, after the fact: the guideline warns that
-- their long-term results do not carry over to prospective treatment.
--
-- How metastases are counted (from m_sites, at diagnosis):
--   * sites: lung_contralateral, brain, adrenal, bone only; any liver,
--     distant-node or other metastasis excludes;
--   * one organ system: exactly one of those sites ("bone:3" is three
--     metastases in one organ, "brain:1;bone:1" two organs);
--   * 1 to max_lesions (4) metastases in that organ;
--   * pleural or pericardial disease and a malignant effusion exclude
--     (an unrecorded effusion is unknown, so excluded).
-- No performance-status limit: the series report treated patients; being
-- treatable (m_all_treatable) stands for being fit for it.

ruleset "retrospective_series" {
  doc = "Retrospective series reviewed by the German S3 guideline: 1-4 "
     .. "metastases in one organ system (contralateral lung, brain, adrenal or "
     .. "bone), local therapy of the primary and of the metastases, often with "
     .. "platinum chemotherapy. Metastases counted from m_sites at diagnosis; "
     .. "pleural or pericardial disease and a malignant effusion exclude. "
     .. "Selected after treatment: the guideline warns "
     .. "their results do not transfer to prospective treatment.",

  param { "max_lesions", 4, min = 1, max = 20, type = "integer",
          doc = "most metastases in the one organ system (the series: 1-4)" },

  criterion { "nsclc", "pathologically proven NSCLC (histology recorded, not small cell)",
              [[not (histology in {"small_cell", "SCLC"})]] },
  criterion { "stage_iv", "distant metastases present (stage IV)",
              [[lesions(m_sites) >= 1 or m_pleural_effusion]] },
  criterion { "no_pleural", "no pleural/pericardial disease, no malignant effusion",
              [[not m_pleural_effusion and not contains(m_sites, {"pleura", "pericardium"})]] },
  criterion { "sites", "metastases only in the other lung, brain, adrenal or bone",
              [[lesions_except(m_sites, {"lung_contralateral", "brain", "adrenal", "bone"}) == 0]] },
  criterion { "one_organ", "in one organ system", [[organs(m_sites) == 1]] },
  criterion { "lesions", "1 to max_lesions metastases", [[lesions(m_sites) <= max_lesions]] },
  criterion { "treatable", "primary and every metastasis treated ablatively",
              "m_all_treatable" },

  arm { "radical", when = "eligible and known(m_all_treatable) and m_all_treatable",
        doc = "surgery or stereotactic radiotherapy of the primary and of every "
           .. "metastasis, often with platinum chemotherapy" },
  arm { "systemic", doc = "systemic therapy alone" },
}
