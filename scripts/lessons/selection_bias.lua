-- Selection bias in oligometastatic NSCLC: a lesson for a class.
--
-- The teacher types `lesson selection_bias`, talks over each step, then
-- `lesson next`.  Each step runs its commands on a simulated stage IV
-- cohort, so the class sees the selected N, the medians and the curves
-- change.  Figures quoted are the published ones as doc/domain.md gives
-- them (De Ruysscher 2012; Gomez 2016/2019; Iyengar 2018; EORTC consensus
-- 2019: sections #oligo-deruysscher-2012, #oligo-gomez-2016,
-- #oligo-iyengar-2018, #oligo-eortc-2019).
return {
  title = "Selection bias in oligometastatic NSCLC",
  steps = {
    {
      title = "A stage IV population and the De Ruysscher rules",
      text = [[
We simulate 2000 patients with stage IV NSCLC: some with one or a few
metastases, many with widespread disease.  The De Ruysscher 2012 phase II
trial treated patients with 1-4 metastases at diagnosis, every site
amenable to surgery or radiotherapy, with platinum chemotherapy plus
radical local therapy of all sites.  The trial reported median OS 13.5
months and 1-year OS 56.4% in its 39 evaluable patients.
Look at the Rules pane: attrition step by step.  Which step removes most
patients?]],
      run = { "simulate stage_iv 2000 1", "use deruysscher2012", "reset", "plot os" },
    },
    {
      title = "Tighten the rule: only one metastasis",
      text = [[
Set the maximum number of metastases to 1.  Fewer patients are selected,
and their median survival goes up.  The treatment given to a selected
patient did not change; what changed is who counts as eligible (the
patients who drop out also lose radical therapy, which is why the
systemic arm moves too).  The selected group looks better because of who
is in it: selection at work.]],
      run = { "set max_lesions 1" },
    },
    {
      title = "Loosen it: up to six metastases",
      text = [[
Now allow up to 6 metastases.  More patients qualify and the selected
group's survival falls towards that of the whole stage IV population.
Compare the change row under each group in the Outcome pane.]],
      run = { "set max_lesions 6" },
    },
    {
      title = "Performance status",
      text = [[
Back to 4 metastases, and ECOG 0-1 only.  Fit patients live longer
whatever we do to them: the selected median rises again.]],
      run = { "reset", "set max_ecog 1" },
    },
    {
      title = "Selection or treatment?",
      text = [[
In the simulation every patient has an outcome under both arms.  The
split below compares the selected patients under radical therapy with
the SAME patients under systemic therapy alone (the treatment effect),
and the selected with the non-selected, both under systemic therapy (the
selection effect).  In a single-arm trial these two are mixed: the split
is a property of this model, not of the trials.]],
      run = { "reset", "split" },
    },
    {
      title = "Another definition: EORTC 2019",
      text = [[
The EORTC consensus counts up to 5 metastases in up to 3 organs.  It
selects more patients than De Ruysscher.  `compare` shows both selections
side by side, and the patients only in one of them: there is no test
between them, because they share most of their patients.]],
      run = { "use eortc2019", "compare deruysscher2012 eortc2019" },
    },
    {
      title = "Gomez: time starts at randomisation",
      text = [[
Gomez et al. randomised patients WITHOUT progression after at least 3
months of first-line therapy.  A rule that reads the response to
induction must count outcomes from that landmark: patients who died or
progressed before it cannot be selected, and counting their time before
the landmark as 'selected' time would be immortal-time bias.  The rule
set declares a 3-month landmark; the Outcome pane says so.]],
      run = { "use gomez2016", "plot pfs" },
    },
  },
}
