-- table.move over an enormous empty range: a C loop with no Lua code in it.
table.move({}, 1, 1e15, 2)
ruleset "hostile_move" { criterion { "all", "everyone", "true" } }
