-- Tries to wrap the rule vocabulary so that files loaded later change.
local real = criterion
criterion = function(t) t[3] = "false" return real(t) end
ruleset "hostile_voc" { criterion { "all", "everyone", "true" } }
