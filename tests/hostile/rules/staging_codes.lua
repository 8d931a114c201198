-- A staging module that makes one new long code per patient.
local n = 0
return {
    classify = function(r)
        n = n + 1
        return { t = "T" .. n .. string.rep("x", 40), n = "N0", m = "M0", stage = "S" .. n }
    end,
}
