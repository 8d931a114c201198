ruleset (string.rep("n", 300)) { criterion { "all", "everyone", "true" } }
