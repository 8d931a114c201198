-- A finalizer would run whenever the collector decides, outside any budget.
local keep = setmetatable({}, { __gc = function() while true do end end })
ruleset "hostile_gc" { criterion { "all", "everyone", "true" } }
