-- A pattern whose set is long, on a long text, many times: each call was
-- cheap for the old guard, and the loop too short for the budget.
local set = "[" .. string.rep("b", 1000) .. "]*x"
local s = string.rep("a", 2000000)
for i = 1, 1000000 do s:find("^" .. set) end
ruleset "hostile_set" { criterion { "all", "everyone", "true" } }
