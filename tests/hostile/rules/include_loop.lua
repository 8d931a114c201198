-- Reading and compiling a large file is C work: included in a loop.
for i = 1, 1e9 do include("big") end
ruleset "hostile_include_loop" { criterion { "all", "everyone", "true" } }
