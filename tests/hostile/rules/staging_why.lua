-- A staging module whose explanation has two million lines.
local w = {}
for i = 1, 2000000 do w[i] = "x" end
return { classify = function() return { t = "T1", n = "N0", m = "M0", stage = "IA", why = w } end }
