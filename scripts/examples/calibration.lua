-- calibration.lua - does the synthetic stage IV cohort reproduce the trials?
-- Run: tnmlab scripts/examples/calibration.lua [N [TRIALS]]
-- Simulates the stage_iv scenario, selects its patients with the shipped
-- rule sets deruysscher2012 and gomez2016, and prints each published figure
-- beside the simulation's (N selected patients per trial, default 100000)
-- with the 95% range over TRIALS simulated trials of the papers' sizes
-- (default 1000): the fitted figures, the stated ECOG hazard ratios, the
-- held-out Gomez predictions and the plausibility checks (doc/model.md).
-- Exits 1 when a figure is off.
local n = tonumber(arg and arg[1]) or 100000
local trials = tonumber(arg and arg[2]) or 1000
local text, rows = cohort.calibrate({n = n, trials = trials, seed = 1})
io.write(text)
if not rows.ok then os.exit(1) end
