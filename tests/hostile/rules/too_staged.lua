-- 5 staging derives: one more than a rule set may hold.
ruleset "toostaged" {
  derive { "s0", staging = "tnm8" },
  derive { "s1", staging = "tnm8" },
  derive { "s2", staging = "tnm8" },
  derive { "s3", staging = "tnm8" },
  derive { "s4", staging = "tnm8" },
  criterion { "all", "everyone", "true" },
}
