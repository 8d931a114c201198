-- eortc2019.lua: synchronous oligometastatic NSCLC as the EORTC lung cancer
-- group consensus defined it (Dingemans et al., J Thorac Oncol 2019). Facts
-- as in doc/domain.md#oligo-eortc-2019.
--
-- The definition: at most 5 metastases in at most 3 organs, synchronous
-- (found at diagnosis), staged with FDG-PET/CT and brain imaging. It defines
-- a disease state, not a trial population: it sets no performance-status
-- limit and needs no induction therapy, hence no landmark.
--
-- How metastases are counted here (from m_sites, at diagnosis):
--   * every lesion of every distant site counts, one by one, toward the 5:
--     brain, adrenal, bone, liver, distant (non-regional) nodes, other, and
--     nodules in the contralateral lung;
--   * organs are the distinct sites of m_sites with at least one lesion,
--     toward the 3: "bone:2;liver:2" is 4 metastases in 2 organs; the
--     contralateral lung is one organ, and "other" counts as one organ;
--   * mediastinal (and hilar, supraclavicular) nodes are NOT counted, neither
--     as metastases nor as an organ: the consensus says so explicitly; they
--     are N category (n_stations) and are not read here;
--   * pleural or pericardial disease and a malignant effusion exclude.
--   * The staging work-up (FDG-PET/CT, brain imaging) is not in the data
--     dictionary; this rule set assumes the cohort was staged that way.
--
-- Unknown values: default (exclude). The ECOG criterion is written so that
-- at the default (max_ecog = 4, no limit) it passes everyone, even with
-- ECOG missing (true or unknown = true); lower max_ecog to add a fitness
-- limit, and a missing ECOG then excludes. Radical treatment of all sites
-- being feasible is part of the definition, so treatability is a
-- criterion (doc/domain.md#oligo-treatable); unrecorded is unknown.

ruleset "eortc2019" {
  doc = "EORTC lung cancer group consensus (Dingemans et al., J Thorac Oncol "
     .. "2019): synchronous oligometastatic NSCLC is at most 5 metastases in "
     .. "at most 3 organs, staged with FDG-PET/CT and brain imaging. "
     .. "Metastases are counted from m_sites at diagnosis, lesion by lesion, "
     .. "toward 5, and the organs (distinct sites) toward 3: brain, adrenal, "
     .. "bone, liver, distant nodes, other and contralateral lung nodules "
     .. "count; mediastinal and other regional nodes do not count, neither "
     .. "as metastases nor as an organ; pleural or pericardial disease and "
     .. "malignant effusion exclude. A disease definition: no performance "
     .. "status limit by default, no landmark.",

  param { "max_lesions", 5, min = 1, max = 20, type = "integer",
          doc = "most metastases (the consensus: 5)" },
  param { "max_organs", 3, min = 1, max = 10, type = "integer",
          doc = "most organs with metastases (the consensus: 3)" },
  param { "max_ecog", 4, min = 0, max = 4, type = "integer",
          doc = "highest ECOG admitted; 4 = no limit (the consensus sets none)" },
  param { "need_treatable", true,
          doc = "require every site to be amenable to radical treatment for "
             .. "eligibility (the consensus: yes). false is the looser teaching "
             .. "reading: such patients are selected but stay on systemic "
             .. "therapy, as the arm requires treatability either way" },

  derive { "lesions", [[lesions_except(m_sites, {"pleura", "pericardium"})]],
           doc = "distant metastases, in total over all organs" },
  derive { "organs", [[organs_except(m_sites, {"pleura", "pericardium"})]],
           doc = "organs with distant metastases (distinct m_sites sites)" },

  criterion { "stage_iv", "distant metastases present (stage IV)",
              [[lesions(m_sites) >= 1 or m_pleural_effusion]] },
  criterion { "no_pleural", "no pleural/pericardial disease, no malignant effusion",
              [[not m_pleural_effusion and not contains(m_sites, {"pleura", "pericardium"})]],
              doc = "diffuse pleural disease or a malignant effusion is never "
                 .. "oligometastatic; an unrecorded effusion is unknown (excluded)" },
  criterion { "lesions", "1 to max_lesions metastases (mediastinal nodes not counted)",
              "lesions <= max_lesions" },
  criterion { "organs", "metastases in at most max_organs organs",
              "organs <= max_organs" },
  criterion { "ecog", "ECOG <= max_ecog (4: no limit)",
              "max_ecog >= 4 or ecog <= max_ecog" },

  criterion { "treatable", "radical treatment of all sites technically feasible",
              "not need_treatable or m_all_treatable",
              doc = "part of the consensus definition (doc/domain.md#oligo-treatable); "
                 .. "unrecorded is unknown" },

  arm { "radical", when = "eligible and known(m_all_treatable) and m_all_treatable",
        doc = "systemic therapy plus radical local therapy of all sites" },
  arm { "systemic", doc = "systemic therapy alone" },
}
