-- export_figure.lua - the Kaplan-Meier figure of the De Ruysscher selection
-- on the bundled demo cohort, ready for a slide or a paper: OS and PFS by
-- arm (radical vs systemic) with 95% confidence bands, censoring marks and
-- the number at risk, plus the outcome table behind it.
--
--   tnmlab scripts/examples/export_figure.lua [OUTDIR]   (default: the current folder)
--
-- Writes OUTDIR/km_os.svg, OUTDIR/km_pfs.svg (convert with
-- `rsvg-convert -f pdf km_os.svg > km_os.pdf` for a journal) and
-- OUTDIR/outcome.md.  Every file records the rule set, its params, the
-- hashes of the rules and of the cohort, and the seed it was simulated with.
local outdir = (arg and arg[1]) or "."

lab.set_cohort(cohort.demo(), "demo")
assert(lab.run("use deruysscher2012"))

lab.export_plot(outdir .. "/km_os.svg", {endpoint = "os", ci = true,
  title = "Overall survival by arm, De Ruysscher 2012 selection (demo cohort)"})
lab.export_plot(outdir .. "/km_pfs.svg", {endpoint = "pfs", ci = true,
  title = "Progression-free survival by arm, De Ruysscher 2012 selection (demo cohort)"})
lab.export_table(outdir .. "/outcome.md")
print("wrote " .. outdir .. "/km_os.svg, km_pfs.svg and outcome.md")
