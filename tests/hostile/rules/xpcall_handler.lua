-- A message handler that loops: Lua runs it for the budget error raised in
-- the count hook, where no hook runs, so it must never be the rule's own.
xpcall(function() while true do end end, function(m) while true do end end)
ruleset "hostile_xpcall" { criterion { "all", "everyone", "true" } }
