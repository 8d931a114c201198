-- Declarations whose metatables loop forever when C reads a missing key,
-- and an item that is no declaration at all.
local loop = { __index = function() while true do end end }
ruleset "hostile_decl_mt" (setmetatable({
    setmetatable(param { "max_ecog", 1, min = 0, max = 4 }, loop),
    setmetatable(criterion { "ecog", "ECOG <= max_ecog", "ecog <= max_ecog" }, loop),
    setmetatable({}, loop),
}, loop))
