-- A rule set whose name and text param are made to break a session file:
-- the name holds quotes, a space and a semicolon (control characters are
-- refused at load), the text param gets quotes and newlines by `set`.
ruleset "ev \"quit\" ;x" {
  doc = "a rule set with an awkward name",
  param { "label", "plain", type = "text", doc = "a text param" },
  param { "k", 2, min = 1, max = 3, type = "integer", doc = "a number" },
  criterion { "age", "age >= k", "age >= k" },
  arm { "chosen", when = "eligible" },
  arm { "other" },
}
