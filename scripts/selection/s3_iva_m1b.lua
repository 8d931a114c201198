-- s3_iva_m1b.lua: the guideline's own target group, "OMD stage IVA (TNM 8th
-- edition)": stage IVA by M1b, a single extrathoracic metastasis in a
-- single organ.  Facts as in doc/domain.md#oligo-guideline-iva.
--
-- The guideline (German S3 guideline, lung cancer) discusses radical local
-- therapy of the primary and of the metastasis, with systemic therapy, for
-- oligometastatic disease in stage IVA.  Stage IVA also holds M1a
-- (nodules in the other lung, pleural or pericardial nodules, a malignant
-- effusion), which no definition counts as oligometastatic: the target is
-- M1b.  For M1b the guideline cites its prospective validation in the IASLC
-- M-descriptor analysis (Eberhardt 2015) and De Ruysscher's phase II.
--
-- This rule set selects by stage: `stage` and `m` are the derived columns
-- of the session's edition (`edition 8|9`; M1b and IVA mean the same in
-- both editions), staged from the descriptors by scripts/staging/.
--
-- An effusion with a single metastasis: TNM stages it M1b (the higher M
-- category wins, so the patient is stage IVA by M1b), but a malignant
-- effusion is diffuse pleural spread that no local therapy treats and that
-- no oligometastatic definition admits.  So `no_pleural` excludes it, and,
-- as everywhere in tnmlab, an unrecorded effusion is unknown and excluded
-- (the default unknown = "exclude").
--
-- Unknown stage: a record whose stage is open ("IA2|IVA", T or N not
-- recorded) is unknown for `stage == "IVA"` when IVA is among its
-- candidates, and false when it is not (doc/rules.md#unknown).

ruleset "s3_iva_m1b" {
  doc = "German S3 guideline, lung cancer: oligometastatic disease in stage "
     .. "IVA (TNM 8th edition), read as M1b (a single extrathoracic metastasis "
     .. "in a single organ). Stage and M come from the staging modules with the "
     .. "session's edition (M from m_sites and the effusion). Disease of the pleura "
     .. "or pericardium and a malignant effusion exclude, even beside a single "
     .. "metastasis (TNM calls that M1b).",

  param { "max_ecog", 2, min = 0, max = 4, type = "integer",
          doc = "highest ECOG/WHO performance status admitted; 4 = no limit. The "
             .. "guideline names no number: 2, as for the other radical regimens "
             .. "here, is a choice to question" },

  criterion { "nsclc", "pathologically proven NSCLC (histology recorded, not small cell)",
              [[not (histology in {"small_cell", "SCLC"})]] },
  criterion { "stage_iva", "TNM stage IVA", [[stage == "IVA"]],
              doc = "stage IVA in the session's edition (M1a or M1b, any T, any N)" },
  criterion { "m1b", "M1b: a single extrathoracic metastasis in a single organ",
              [[m == "M1b"]],
              doc = "M1a (intrathoracic spread, effusion) is stage IVA too, but not "
                 .. "oligometastatic" },
  criterion { "no_pleural", "no pleural/pericardial disease, no malignant effusion",
              [[not m_pleural_effusion and not contains(m_sites, {"pleura", "pericardium"})]],
              doc = "an effusion beside a single metastasis is M1b to TNM, yet never "
                 .. "oligometastatic; an unrecorded effusion is unknown (excluded)" },
  criterion { "ecog", "ECOG <= max_ecog", "max_ecog >= 4 or ecog <= max_ecog" },
  criterion { "treatable", "primary and metastasis amenable to radical treatment",
              "m_all_treatable" },

  arm { "radical", when = "eligible and known(m_all_treatable) and m_all_treatable",
        doc = "radical local therapy of the primary and of the metastasis, with "
           .. "systemic therapy" },
  arm { "systemic", doc = "systemic therapy alone" },
}
