-- Comparing two long, equal, distinct strings is one VM instruction that
-- takes milliseconds in C: the instruction count alone would allow hours.
local s = string.rep("a", 1 << 24)
local t = string.rep("a", 1 << 24)
local n = 0
for i = 1, 1e9 do if s == t then n = n + 1 end end
ruleset "hostile_eq" { criterion { "all", "everyone", "true" } }
