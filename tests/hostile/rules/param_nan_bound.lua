ruleset "hostile_bound" {
    param { "k", 1, min = 0/0, max = 4 },
    criterion { "all", "ecog < k", "ecog < k" },
}
