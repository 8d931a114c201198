-- A legitimate integer param without max: `set n 1e300` must be refused.
ruleset "hostile_big" {
    param { "k", 1, min = 0 },
    criterion { "all", "ecog < k", "ecog < k" },
}
