ruleset "hostile_doc" {
    doc = "looks harmless\27]0;owned\7",
    criterion { "all", "everyone", "true" },
}
