-- 60 copies of a 25 MB field name: Lua holds one string, C would copy each.
local s = string.rep("a", 2.5e7)
local r = {}
for i = 1, 60 do r[i] = s end
ruleset "hostile_reads_long" { criterion { "c", "x", function(p) return true end, reads = r } }
