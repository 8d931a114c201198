-- Uses the hostile staging module beside it.
ruleset "hostile_staged" {
    derive { "stage", staging = "staging_mt" },
    criterion { "iv", "stage IV", "within(stage, \"IV\")" },
}
