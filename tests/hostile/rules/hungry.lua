-- Allocates without bound at load time.
local t = {}
for i = 1, 1e9 do t[i] = { i, tostring(i) } end
ruleset "hostile_hungry" { criterion { "all", "everyone", "true" } }
