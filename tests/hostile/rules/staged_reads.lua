ruleset "hostile_reads" {
    derive { "stage", staging = "staging_reads" },
    criterion { "c", "known", "known(stage)" },
}
