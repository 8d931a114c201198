ruleset "hostile_inf" {
    param { "cut", math.huge },
    criterion { "all", "age > cut", "age > cut" },
}
