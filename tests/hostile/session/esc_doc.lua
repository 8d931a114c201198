-- A rule set whose docs and criterion text hold terminal escapes (clear
-- screen, retitle, colour): none may reach the terminal raw.
ruleset "escdoc" {
  doc = "clears \27[2J\27]0;pwned\7 the screen",
  param { "min_age", 60, min = 0, max = 120, doc = "age \27[31min red\27[0m" },
  criterion { "old", "at least \27[5mmin_age\27[0m years", "age >= min_age" },
  arm { "chosen", when = "eligible", doc = "arm \27[7mreversed" },
  arm { "other" },
}
