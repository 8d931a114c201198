-- A staging module that claims to read one field a million times.
local r = {}
for i = 1, 1000000 do r[i] = "t_size_cm" end
return { reads = r,
         classify = function() return { t = "T1", n = "N0", m = "M0", stage = "IA" } end }
