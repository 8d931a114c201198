-- A staging module beside the rule file that is a symbolic link out of the
-- rules folder (the test makes outside_stage.lua -> a file elsewhere): it
-- must not run, and a syntax error must not quote the file it points to.
ruleset "hostile_stage_link" {
    derive { "stage", staging = "outside_stage" },
    criterion { "all", "everyone", "true" },
}
