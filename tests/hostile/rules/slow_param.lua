-- A rule set whose Lua criterion takes a few seconds over the demo cohort,
-- for Ctrl-C in the full screen: the criterion reads param k, so `set k`
-- starts the slow evaluation again.
ruleset "slowset" {
    param { "k", 1, min = 0, max = 10 },
    criterion { "slow", "spends about a millisecond on each patient",
        function(p, P)
            local x = 0
            for i = 1, 60000 do x = x + i % 7 end
            return p.ecog == nil or p.ecog <= P.k + 3
        end, reads = { "ecog" } },
}
