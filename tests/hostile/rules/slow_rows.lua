-- A criterion that is slow on every row: each row alone fits in the budget
-- of one call, the whole evaluation must not.
ruleset "hostile_slow" {
    criterion { "slow", "burns time on every patient",
        function(p)
            local x = 0
            for i = 1, 2000000 do x = x + i end
            return x > 0
        end, reads = { "ecog" } },
}
