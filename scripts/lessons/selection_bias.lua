-- Selection bias in oligometastatic NSCLC: a lesson for a class.
--
-- The teacher types `lesson selection_bias`, talks over each step, asks its
-- question, then `lesson next`.  Each step runs its commands on a simulated
-- stage IV cohort, so the class sees the selected N, the medians and the
-- curves change; `lesson again` shows a step once more without running
-- anything.  Each step sets up its own rules (use, reset, set), so that
-- `lesson prev` shows what the class saw the first time.  Trial figures are the published ones as doc/domain.md gives
-- them (De Ruysscher 2012: #oligo-deruysscher-2012; EORTC consensus 2019:
-- #oligo-eortc-2019); the simulation is described in doc/model.md.
return {
  title = "Selection bias in oligometastatic NSCLC",
  steps = {
    {
      title = "The whole population, and who the rules select",
      text = [[
2000 simulated patients with stage IV NSCLC.  The De Ruysscher 2012 trial
treated patients with 1-4 metastases, every site treatable, with
chemotherapy plus radical local therapy: median OS 13.5 months in its 39
patients.  In the plot the dotted curve is everyone; the coloured ones are
the selected patients (radical) and the rest (systemic), each patient
with the outcome of the arm the rules give.]],
      question = "The selected patients live longer than the population. Is that the treatment?",
      run = { "simulate stage_iv 2000 1", "use deruysscher2012", "reset", "plot os", "plot ref" },
    },
    {
      title = "Tighten the rule: one metastasis only",
      text = [[
Only patients with a single metastasis are selected now.  Their treatment
did not change; who counts as eligible did.  The patients who drop out
leave the radical group and join the systemic one: look at N and at the
change rows of both groups.]],
      question = "Fewer patients are selected. What happened to the two groups' survival, and why?",
      run = { "use deruysscher2012", "reset", "set max_lesions 1" },
    },
    {
      title = "Loosen it: up to six metastases",
      text = [[
Now up to 6 metastases qualify, compared with the trial's rule (1-4).
More patients are selected, and the selected group comes to look more
like the whole population (the dotted curve).]],
      question = "If you loosened the rule further, where would the selected curve end up?",
      run = { "use deruysscher2012", "reset", "set max_lesions 6" },
    },
    {
      title = "The apparent benefit, with its uncertainty",
      text = [[
Back to the trial's rule.  The log shows the median difference, radical
minus systemic, with a 95% bootstrap confidence interval (F2 shows the
whole log), and the Outcome pane the hazard ratio.  Both compare patients
who were chosen with patients who were not.]],
      question = "The interval is narrow and far from zero. Does that make it a treatment effect?",
      run = { "use deruysscher2012", "reset", "median 1000 1" },
    },
    {
      title = "What would a randomised trial show?",
      text = [[
A simulated patient has an outcome under both arms.  Randomising the
selected patients would compare them with themselves: the split's
"treatment" line (the same patients, radical vs systemic) is what such a
trial estimates; its "selection" line compares selected and non-selected
patients under the same systemic therapy.  F2 shows the whole split.]],
      question = "Which part of the single-arm difference is selection, which is treatment?",
      run = { "use deruysscher2012", "reset", "split" },
    },
    {
      title = "Performance status",
      text = [[
The trial's rule with ECOG 0-1 only.  Fit patients live longer whatever
they are given: look at the selected group's N and survival.]],
      question = "Name one more patient feature a rule could select on that would look like benefit.",
      run = { "use deruysscher2012", "reset", "set max_ecog 1" },
    },
    {
      title = "Another definition: EORTC 2019",
      text = [[
The EORTC consensus counts up to 5 metastases in up to 3 organs and
selects more patients.  The comparison (F2 shows it whole) lists both
selections and the patients only in one of them; there is no test
between them, because they share most of their patients.]],
      question = "Which definition would make a single-arm trial look best, and why?",
      run = { "use deruysscher2012", "reset", "use eortc2019", "reset",
              "compare deruysscher2012 eortc2019" },
    },
  },
}
