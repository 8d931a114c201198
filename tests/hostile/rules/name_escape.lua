-- A rule set name carrying a terminal escape (clear screen, move cursor).
ruleset "bad\27[2J\27[Hname" { criterion { "all", "everyone", "true" } }
