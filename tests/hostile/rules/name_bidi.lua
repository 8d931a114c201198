-- A name with a right-to-left override: it would show reversed.
ruleset "safe‮gnp.exe" { criterion { "all", "everyone", "true" } }
