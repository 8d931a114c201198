-- calibration.lua - does the synthetic stage IV cohort reproduce the trials?
-- Run: tnmlab scripts/examples/calibration.lua [N [TRIALS]]
-- Prints the published De Ruysscher 2012 and Gomez 2016/2019 figures side by
-- side with the simulation's (N selected patients per trial, default 100000),
-- the 95% range over TRIALS simulated trials of the papers' sizes (default
-- 1000), and the selection-vs-treatment split of the model.
local n = tonumber(arg and arg[1]) or 100000
local trials = tonumber(arg and arg[2]) or 1000
local text, rows = cohort.calibrate({n = n, trials = trials, seed = 1})
io.write(text)
for _, f in ipairs(rows.figures) do
  if not (f.ok and f.in_range) then os.exit(1) end
end
