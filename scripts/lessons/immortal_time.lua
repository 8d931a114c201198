-- Immortal-time bias: a lesson for a class.
--
-- Gomez 2016 randomised patients WITHOUT progression after at least 3
-- months of first-line therapy and counted time from randomisation
-- (doc/domain.md, #oligo-gomez-2016).  The gomez2016 rule set selects on
-- that response, so it counts outcomes from a 3-month landmark
-- (doc/rules.md explains landmarks).  Switching the landmark off counts
-- the selected patients' time from diagnosis, including the months they
-- had to survive to be selected: immortal time.
return {
  title = "Immortal-time bias",
  steps = {
    {
      title = "Selected on surviving: the Gomez rules",
      text = [[
The Gomez 2016 rules select patients with at most 3 metastases whose
disease did not progress during about 3 months of first-line therapy.
Outcomes are counted from that 3-month landmark, as the trial counted
from randomisation; patients who died or progressed before it are left
out of both groups.]],
      question = "Why can a patient who died in month 2 never be in the radical group?",
      run = { "simulate stage_iv 2000 1", "use gomez2016", "reset", "plot os", "plot noref" },
    },
    {
      title = "Switch the landmark off",
      text = [[
Now time counts from diagnosis for everyone.  The radical group had to
survive 3 months without progression to be chosen: its first months are
'immortal', its curve cannot fall before 3 months.  The systemic group
keeps its early deaths.  Compare the medians and the 1-year survival with
the step before (lesson prev shows it again).]],
      question = "The radical median rose by about the landmark. What was gained by the patients?",
      run = { "use gomez2016", "reset", "set landmark 0" },
    },
    {
      title = "Back to the landmark",
      text = [[
With the landmark back, both groups start at the same moment: alive 3
months after starting treatment (the radical group also free of
progression).  The time before it no longer counts for anyone; the
comparison is still not randomised.]],
      question = "Name another design that gives selected patients immortal time.",
      run = { "use gomez2016", "reset" },
    },
  },
}
