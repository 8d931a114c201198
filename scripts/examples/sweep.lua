-- sweep.lua - how do the De Ruysscher and EORTC eligibility rules behave as
-- the lesion limit and the ECOG limit move?  One row per rule set, maximum
-- number of metastases (1-6) and maximum ECOG (0-2) on the bundled demo
-- cohort: selected N, OS and PFS median with 95% CI, 1/2/3-year survival
-- and the hazard ratio radical vs systemic arm.
--
--   tnmlab scripts/examples/sweep.lua [OUTDIR]     (default: the current folder)
--
-- Writes OUTDIR/sweep.csv (one line per combination, endpoint and arm, full
-- precision, the provenance as leading "#" lines: read.csv(f,
-- comment.char = "#")) and OUTDIR/sweep.md, and prints the aligned table.  The sweep runs on its
-- own copy of the rules: the session's params and versions are untouched.
local outdir = (arg and arg[1]) or "."

lab.set_cohort(cohort.demo(), "demo")
assert(lab.run("use deruysscher2012"))

local rows = lab.sweep{
  sets = {"deruysscher2012", "eortc2019"},
  grid = {max_lesions = {1, 2, 3, 4, 5, 6}, max_ecog = {0, 1, 2}},
  out = {outdir .. "/sweep.csv", outdir .. "/sweep.md"},
}
print(rows)
print(string.format("%d combinations written to %s/sweep.csv and %s/sweep.md",
                    #rows, outdir, outdir))
