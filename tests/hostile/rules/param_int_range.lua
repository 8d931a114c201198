ruleset "hostile_int" {
    param { "k", 1 << 62 },
    criterion { "all", "ecog < k", "ecog < k" },
}
