ruleset "hostile_nan" {
    param { "cut", 0/0 },
    criterion { "all", "age > cut", "age > cut" },
}
