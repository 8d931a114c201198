-- gomez2016.lua: oligometastatic NSCLC as Gomez et al. selected it for local
-- consolidative therapy (Lancet Oncol 2016;17:1672-82; update J Clin Oncol
-- 2019;37:1558-65). Facts as in doc/domain.md#oligo-gomez-2016.
--
-- The trial: randomised phase II, 49 patients. Three or fewer metastatic
-- lesions counted AFTER first-line systemic therapy (>= 4 cycles of a
-- platinum doublet, or >= 3 months of an EGFR/ALK inhibitor: patients with
-- a driver were eligible), no progression on it; then local consolidative
-- therapy (LCT) of all sites vs maintenance/observation, time counted from
-- randomisation. PFS 14.2 vs 4.4 months, OS 41.2 vs 17.0 months (2019).
--
-- How metastases are counted here (from m_sites):
--   * every lesion of every distant site counts, one by one: brain, adrenal,
--     bone, liver, distant (non-regional) nodes, other, contralateral lung
--     nodules; in total over all organs, not per organ;
--   * regional nodes: the trial counted "<= 3 disease sites"; how it
--     counted involved intrathoracic nodes is not in the sources of
--     doc/domain.md. A 2021 review of the trials' definitions (Cancers
--     2021;13:4822, Table 1) reads Gomez as counting intrathoracic nodal
--     disease as a metastatic site; the param nodes_count (default: yes, that
--     reading) counts involved regional nodes (n_stations other than none)
--     as one lesion, and `set nodes_count no` leaves them to the N category
--     as De Ruysscher did. Check the paper's methods before relying on
--     either. Unrecorded stations are unknown (excluded) while it is on;
--   * pleural or pericardial disease and a malignant effusion exclude.
--   * WHEN: the paper counts after first-line therapy; the data dictionary
--     records m_sites at diagnosis only. Without progression no new lesion
--     appears, so "<= 3 at diagnosis and no progression" implies "<= 3 after
--     first-line therapy". The converse fails: a responder with 4 lesions at
--     diagnosis may have 3 left; this rule set excludes that patient (a
--     conservative lower bound on the trial's population).
--
-- Landmark: induction_response is known only after first-line therapy
-- (about 3 months), so outcomes are counted from a 3-month landmark and
-- patients with an event or censoring before it are excluded (criterion
-- "landmark", added by the engine) - the trial counted from randomisation.
--
-- Unknown values: default (exclude) everywhere. Treatability is a
-- criterion: the trial enrolled only patients whose every site could
-- receive local therapy, so an untreatable or unrecorded patient is not
-- eligible (doc/domain.md#oligo-treatable).

ruleset "gomez2016" {
  doc = "Gomez et al., Lancet Oncol 2016;17:1672-82 and J Clin Oncol "
     .. "2019;37:1558-65: randomised phase II of local consolidative therapy "
     .. "of all sites vs maintenance after first-line systemic therapy. "
     .. "Eligible: stage IV NSCLC with <= 3 metastatic lesions after "
     .. "first-line therapy and no progression on it; EGFR/ALK driver "
     .. "patients allowed. Metastases are counted lesion by lesion from "
     .. "m_sites, in total over all organs: brain, adrenal, bone, liver, "
     .. "distant nodes, other and contralateral lung nodules count; involved "
     .. "regional nodes count as one site (param nodes_count, as a 2021 "
     .. "review reads the trial); pleural or pericardial disease and malignant effusion "
     .. "exclude. m_sites is recorded at diagnosis, so the count after "
     .. "first-line therapy is approximated by it (exact for patients with "
     .. "<= 3 lesions at diagnosis who did not progress; a responder who "
     .. "fell from 4+ to 3 is missed). Landmark 3 months: induction response "
     .. "is known only then.",
  landmark = 3,

  param { "max_lesions", 3, min = 1, max = 20, type = "integer",
          doc = "most metastatic lesions after first-line therapy (the trial: 3)" },
  param { "max_ecog", 2, min = 0, max = 4, type = "integer",
          doc = "highest ECOG performance status admitted; 4 = no limit. "
             .. "doc/domain.md does not give the trial's limit: 2 is the limit the "
             .. "calibration report applies through this rule set (doc/model.md); "
             .. "check the paper before relying on it" },
  param { "nodes_count", true,
          doc = "count involved regional nodes (n_stations not none) as one "
             .. "metastatic site, as a 2021 review reads the trial (Cancers "
             .. "2021;13:4822, Table 1); no leaves them to the N category" },
  param { "need_disease_control", true,
          doc = "require response or stable disease after first-line therapy "
             .. "(the trial: yes); false drops the criterion, not the landmark" },
  param { "need_treatable", true,
          doc = "require every site to be amenable to radical treatment for "
             .. "eligibility (the trial: yes). false is the looser teaching "
             .. "reading: such patients are selected but stay on systemic "
             .. "therapy, as the arm requires treatability either way" },

  derive { "lesions", [[lesions_except(m_sites, {"pleura", "pericardium"})]],
           doc = "distant metastatic lesions, in total over all organs" },

  criterion { "stage_iv", "distant metastases present (stage IV)",
              [[lesions(m_sites) >= 1 or m_pleural_effusion]] },
  criterion { "no_pleural", "no pleural/pericardial disease, no malignant effusion",
              [[not m_pleural_effusion and not contains(m_sites, {"pleura", "pericardium"})]],
              doc = "diffuse pleural disease or a malignant effusion is never "
                 .. "oligometastatic; an unrecorded effusion is unknown (excluded)" },
  derive { "nodal", "min(count(n_stations), 1)",
           doc = "1 when any regional node station is involved, 0 for none" },

  criterion { "lesions", "1 to max_lesions metastatic lesions (after first-line therapy)",
              "lesions <= max_lesions and (not nodes_count or lesions + nodal <= max_lesions)",
              doc = "with nodes_count, involved regional nodes count as one site" },
  criterion { "ecog", "ECOG <= max_ecog",
              "max_ecog >= 4 or ecog <= max_ecog" },
  criterion { "no_progression", "no progression after first-line therapy",
              [[not need_disease_control or induction_response in {"stable", "response"}]],
              doc = "driver patients qualify after >= 3 months of an inhibitor "
                 .. "exactly as others after >= 4 cycles of chemotherapy" },

  criterion { "treatable", "every site amenable to local consolidative therapy",
              "not need_treatable or m_all_treatable",
              doc = "the trial enrolled only patients whose every site could receive "
                 .. "local therapy (doc/domain.md#oligo-treatable); unrecorded is unknown" },

  arm { "radical", when = "eligible and known(m_all_treatable) and m_all_treatable",
        doc = "local consolidative therapy (surgery or radiotherapy) of all "
           .. "sites, then maintenance" },
  arm { "systemic", doc = "maintenance therapy or observation alone" },
}
