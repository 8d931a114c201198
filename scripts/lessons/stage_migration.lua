-- Stage migration (the Will Rogers phenomenon): a lesson for a class.
--
-- The stage_i_iii scenario draws non-metastatic patients whose outcome
-- follows their anatomy (tumour size, invasion, which and how many nodal
-- stations) and their age, ECOG, sex and histology, never the name of
-- their stage group (doc/model.md#stage-i-iii).  The 9th edition of TNM
-- splits N2 into N2a (one station) and N2b (several) and regroups four
-- cells of the grid (doc/domain.md#tnm-9-stages): T1 N1 goes from IIB to
-- IIA, T1 N2a from IIIA to IIB, T3 N2a from IIIB to IIIA, T2 N2b from IIIA
-- to IIIB.  Restaging the same patients moves them between groups and
-- changes each group's survival, though no patient's outcome changed.
return {
  title = "Stage migration: TNM 8 to 9",
  steps = {
    {
      title = "One cohort, staged by the 8th edition",
      text = [[
5000 simulated patients with stage I-III lung cancer, all treated with
curative intent.  A patient's survival depends on the tumour's size and
invasion, on which lymph nodes are involved and on age and fitness, never
on the name of the stage group.  The plot shows overall survival of the
four groups that the 9th edition changes; the table (F2) all nine.]],
      question = "Which of IIA, IIB, IIIA, IIIB has the best survival, which the worst?",
      run = { "simulate stage_i_iii 5000 1", "use curative_i_iii", "reset", "edition 8",
              "km stage IIA IIB IIIA IIIB" },
    },
    {
      title = "The same patients, staged by the 9th edition",
      text = [[
The 9th edition splits N2 into N2a (one nodal station) and N2b (several),
and regroups: T1 N1 moves from IIB to IIA, T1 N2a from IIIA to IIB, T3 N2a
from IIIB to IIIA, T2 N2b from IIIA to IIIB.  Nothing else changed: same
patients, same times, same deaths.  Compare each group's curve and median
with the step before (lesson prev shows it again).]],
      question = "IIB's survival fell. Did any patient in IIB do worse than before?",
      run = { "use curative_i_iii", "reset", "edition 9", "km stage IIA IIB IIIA IIIB" },
    },
    {
      title = "Who moved, and why the groups changed",
      text = [[
migrate (F2 for all of it) counts the patients who change group and puts
each group's median under both editions side by side.  T1 N2a patients
were the best of IIIA and became the worst of IIB: both groups look worse,
yet nobody's outcome changed.  Read the other way, 9th to 8th, moving
patients up makes both groups look better: Will Rogers' joke about Okies
moving to California raising the average intelligence of both states.]],
      question = "A new series staged by TNM 9 has worse IIB survival than an old TNM 8 one. What do you check first?",
      run = { "use curative_i_iii", "reset", "edition 9", "km stage IIA IIB IIIA IIIB", "migrate" },
    },
    {
      title = "Why split N2: N2a against N2b",
      text = [[
The plot now shows survival by the 9th edition's N category.  The split
is worth having only if N2a and N2b patients fare differently: here N2
in several stations carries a higher risk than N2 in one, as in the
surgical series the 9th edition drew on.  A finer grid sorts patients
better; it does not make any of them live longer.]],
      question = "Where do the N2a and N2b curves lie against N1 and N3, and what does that say of the split?",
      run = { "use curative_i_iii", "reset", "edition 9", "km n" },
    },
  },
}
