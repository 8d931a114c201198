ruleset "hostile_why" {
    derive { "stage", staging = "staging_why" },
    criterion { "c", "known", "known(stage)" },
}
