-- Retrospective series against a prospective trial: a lesson for a class.
--
-- The guideline reviews retrospective series of patients with 1-4
-- metastases in one organ system who had been treated ablatively, and warns
-- that their results do not carry over to prospective treatment, because
-- the patients were chosen after the fact (doc/domain.md,
-- #oligo-guideline-iva).  De Ruysscher 2012 decided eligibility before
-- treatment (#oligo-deruysscher-2012).  Both rule sets run on the same
-- simulated population, so every difference between them is selection.
-- Each step sets up its own rules, so that `lesson prev` shows the same.
return {
  title = "Retrospective series against a prospective trial",
  steps = {
    {
      title = "The prospective trial's selection",
      text = [[
2000 simulated patients with stage IV NSCLC, the De Ruysscher 2012 rules:
1-4 metastases, every site treatable, decided before treatment.  The
dotted curve is the whole population.]],
      question = "How many patients does the trial's rule select, and what is their median OS?",
      run = { "simulate stage_iv 2000 1", "use deruysscher2012", "reset", "plot os", "plot ref" },
    },
    {
      title = "The retrospective series' selection",
      text = [[
The same patients, the rules of the retrospective series: 1-4
metastases in ONE organ system (other lung, brain, adrenal or bone),
treated ablatively at every site.  These series reported the patients
who had been treated.]],
      question = "How many patients does this rule select, and how do they fare against the trial's?",
      run = { "use retrospective_series", "reset" },
    },
    {
      title = "The two selections side by side",
      text = [[
Most patients of the series are also trial patients.  The comparison
(F2 shows it whole) lists the patients only in one selection: where the
two rules disagree, and how those patients fare.]],
      question = "Whichever looks better: did its patients get better treatment, or were they different patients?",
      run = { "use deruysscher2012", "reset", "use retrospective_series", "reset",
              "compare deruysscher2012 retrospective_series" },
    },
    {
      title = "Solitary metastases",
      text = [[
Many series reported solitary metastases only.  One metastasis: the
selected group shrinks; look at how its survival moves, though nobody's
treatment changed.]],
      question = "A paper reports 'median OS of 25 months after resection of a solitary metastasis'. What would you ask first?",
      run = { "use retrospective_series", "reset", "set max_lesions 1" },
    },
    {
      title = "How much of it is selection?",
      text = [[
The split compares the series' patients under radical therapy with the
same patients under systemic therapy (the treatment), and with the
patients the series would not have reported, both under systemic therapy
(the selection).  F2 shows the whole split.]],
      question = "What would a prospective trial of this rule need to tell the two apart?",
      run = { "use retrospective_series", "reset", "split" },
    },
  },
}
