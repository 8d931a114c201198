ruleset "hostile_codes" {
    derive { "stage", staging = "staging_codes" },
    criterion { "iv", "stage IV", "within(stage, \"IV\")" },
}
