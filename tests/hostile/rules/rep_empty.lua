-- string.rep of an empty string loops in C without running Lua code.
local s = string.rep("", 1e15)
local t = 0
while true do t = t + #string.rep("", 1e15, "") end
ruleset "hostile_rep" { criterion { "all", "everyone", "true" } }
