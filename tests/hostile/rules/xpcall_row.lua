-- The same trick inside a criterion, during an evaluation.
ruleset "hostile_xpcall_row" {
    criterion { "c", "loops in its handler",
        function(p)
            xpcall(function() while true do end end, function(m) while true do end end)
            return true
        end, reads = { "ecog" } },
}
