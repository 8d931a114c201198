-- stage_probe.lua: a rule set that only reads the stage, for the staging
-- modules' tests (tnm8_test.lua, tnm9_test.lua): the stage of the session's
-- edition, and whether it is IV.
ruleset "stage_probe" {
  doc = "stage IV by the session's edition (the staging modules' tests)",
  criterion { "stage_iv", "stage IV", [[stage >= "IV"]] },
}
