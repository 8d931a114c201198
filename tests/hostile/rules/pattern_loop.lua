-- Each call passes the pattern guard, but a million of them run for minutes
-- in C while the loop itself costs few VM instructions.
local s = string.rep("a", 100000)
for i = 1, 1000000 do s:find("^a*b") end
ruleset "hostile_patloop" { criterion { "all", "everyone", "true" } }
