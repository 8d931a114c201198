-- same_cohort.lua - same(a, b, what): prints "same WHAT ROWS COLUMNS" when
-- two cohorts hold the same columns, in the same order, with the same
-- values (NaN equal to NaN), else "differ WHAT ..." at the first difference.
-- Loaded by the database tests (sqlite.sh, postgres.sh) with dofile.
function same(a, b, what)
  local ca, cb = a:columns(), b:columns()
  if #a ~= #b or #ca ~= #cb then print('differ', what, #a, #b, #ca, #cb) return end
  for i, name in ipairs(ca) do
    if name ~= cb[i] then print('differ', what, name, cb[i]) return end
    local x, y = a:column(name), b:column(name)
    for r = 1, #a do
      if x[r] ~= y[r] and not (x[r] ~= x[r] and y[r] ~= y[r]) then
        print('differ', what, name, r, x[r], y[r]) return
      end
    end
  end
  print('same', what, #a, #ca)
end
