-- table.sort of two million numbers: one call, about a second of C.
local t = {}
for i = 1, 2000000 do t[i] = -i end
for i = 1, 1e9 do table.sort(t) end
ruleset "hostile_sort" { criterion { "all", "everyone", "true" } }
