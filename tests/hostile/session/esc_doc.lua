-- A plain rule set for the cohort with escapes in its cells (esc_cells.csv);
-- rule files themselves may not hold control characters in names, docs or
-- reasons (they are refused at load: tests/hostile/rules.sh).
ruleset "escdoc" {
  doc = "clears nothing: the escapes are in the cohort",
  param { "min_age", 60, min = 0, max = 120, doc = "minimum age" },
  criterion { "old", "at least min_age years", "age >= min_age" },
  arm { "chosen", when = "eligible", doc = "arm for the selected" },
  arm { "other" },
}
