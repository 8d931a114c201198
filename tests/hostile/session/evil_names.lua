-- A rule set whose name and text param are made to break a session file:
-- the name holds a newline and `quit`, the doc a terminal escape.
ruleset "ev\nquit" {
  doc = "evil \27[31mred\27[0m doc",
  param { "label", "plain", type = "text", doc = "a text param" },
  param { "k", 2, min = 1, max = 3, type = "integer", doc = "a number" },
  criterion { "age", "age >= k", "age >= k" },
  arm { "chosen", when = "eligible" },
  arm { "other" },
}
