-- Tries to replace a library function for every other rule file.
local s = string
s.lower = function() return "x" end
ruleset "hostile_lib" { criterion { "all", "everyone", "true" } }
