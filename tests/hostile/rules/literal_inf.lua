ruleset "hostile_literal" { criterion { "c", "never", "age > 1e999" } }
