-- A criterion that gives the row table a metatable whose __newindex raises,
-- then empties a field: C fills the same table for the next row and must
-- not run the metamethod (outside a protected call it would abort).
ruleset "hostile_row_mt" {
    criterion { "grab", "sets a metatable on the row",
        function(p)
            setmetatable(p, { __newindex = function() error("hijacked") end,
                              __index = function() while true do end end })
            p.ecog = nil
            return true
        end, reads = { "ecog" } },
}
