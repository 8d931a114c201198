-- curative_i_iii.lua: non-metastatic NSCLC (clinical stage I to III, M0),
-- the patients for whom treatment with curative intent (surgery, or
-- chemoradiotherapy when the tumour or the patient is inoperable) is the
-- standard.  Facts as in doc/domain.md#tnm-8-stages and #tnm-9-stages.
--
-- Why it is here: the stage_i_iii scenario and the stage_migration lesson.
-- The set reads `m` and `stage`, so the session's edition stages every
-- patient and `km stage` and `migrate` have stage groups to show.  It makes
-- no stage IV selection; on a stage IV cohort it selects nobody.
--
-- M0 needs every distant descriptor known: m_sites recorded (`none` is
-- known empty) and m_pleural_effusion recorded.  An unrecorded effusion is
-- unknown (excluded), as it is for every set here.

ruleset "curative_i_iii" {
  doc = "Non-metastatic NSCLC (TNM stage I-III, M0) for treatment with curative "
     .. "intent: surgery, or chemoradiotherapy when inoperable. M and stage come "
     .. "from the staging modules with the session's edition.",

  param { "max_ecog", 4, min = 0, max = 4, type = "integer",
          doc = "highest ECOG/WHO performance status admitted; 4 = no limit "
             .. "(the default: staging lessons look at everyone). Set 2 to see "
             .. "how a fitness criterion changes the groups" },

  criterion { "nsclc", "pathologically proven NSCLC (histology recorded, not small cell)",
              [[not (histology in {"small_cell", "SCLC"})]] },
  criterion { "m0", "no distant metastasis (M0)", [[m == "M0"]],
              doc = "M from m_sites, the contralateral nodule and the effusion fields" },
  criterion { "ecog", "ECOG <= max_ecog", "max_ecog >= 4 or ecog <= max_ecog" },

  arm { "radical", when = "eligible",
        doc = "treatment with curative intent: resection, or chemoradiotherapy" },
  arm { "systemic", doc = "not eligible: systemic therapy or supportive care" },
}
