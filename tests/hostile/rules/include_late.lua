-- include() from a criterion would read from whichever folder was loaded
-- last; it works only while a file's top level runs.
ruleset "hostile_include_late" {
    criterion { "peek", "includes at evaluation time",
        function(p) return include("row_metatable") ~= nil end, reads = { "ecog" } },
}
