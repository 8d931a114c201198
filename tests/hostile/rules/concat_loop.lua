-- Many quick calls that each build a megabyte in C.
local t = {}
for i = 1, 1000 do t[i] = string.rep("a", 1000) end
for i = 1, 1e9 do local x = #table.concat(t) end
ruleset "hostile_concat" { criterion { "all", "everyone", "true" } }
