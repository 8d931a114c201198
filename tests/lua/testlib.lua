-- testlib.lua: a tiny assertion harness for the Lua rule tests.
--
-- Works under plain `lua5.4 tests/lua/test_x.lua` and under
-- `tnmlab tests/lua/test_x.lua` (trusted Lua). Each failure prints one line
-- (file:line: what: expected ..., got ...); `done()` prints
-- "N passed, M failed" and exits 1 when M > 0.
--
-- Scripts are found in $TNMLAB_SCRIPTS, else $top_srcdir/scripts, else
-- ../../scripts relative to this file. `include(name)` (which the program's
-- loader gives to staging files) is defined here when missing.

local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])")) or "./"

SCRIPTS = SCRIPTS or os.getenv("TNMLAB_SCRIPTS")
  or (os.getenv("top_srcdir") and (os.getenv("top_srcdir") .. "/scripts"))
  or (here .. "../../scripts")

include = include or function(name)
  return dofile(SCRIPTS .. "/staging/" .. name .. ".lua")
end

local T = { passed = 0, failed = 0 }

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end
T.show = show

-- where the test that called us sits (skipping frames inside this file)
local function where()
  local lvl = 2
  while true do
    local info = debug.getinfo(lvl, "Sl")
    if not info then return "?" end
    if info.source ~= debug.getinfo(1, "S").source then
      return (info.short_src or "?") .. ":" .. tostring(info.currentline)
    end
    lvl = lvl + 1
  end
end

function T.ok(cond, what)
  if cond then
    T.passed = T.passed + 1
    return true
  end
  T.failed = T.failed + 1
  print(string.format("%s: %s", where(), what or "assertion failed"))
  return false
end

function T.eq(got, expected, what)
  if got == expected then
    T.passed = T.passed + 1
    return true
  end
  T.failed = T.failed + 1
  print(string.format("%s: %s: expected %s, got %s", where(), what or "value",
    show(expected), show(got)))
  return false
end

-- got must contain the plain substring `part`
function T.has(got, part, what)
  if type(got) == "string" and got:find(part, 1, true) then
    T.passed = T.passed + 1
    return true
  end
  T.failed = T.failed + 1
  print(string.format("%s: %s: expected text containing %s, got %s", where(),
    what or "text", show(part), show(got)))
  return false
end

-- some line of the list `lines` contains `part`
function T.has_line(lines, part, what)
  for _, l in ipairs(lines or {}) do
    if l:find(part, 1, true) then
      T.passed = T.passed + 1
      return true
    end
  end
  T.failed = T.failed + 1
  print(string.format("%s: %s: no line containing %s in {%s}", where(), what or "why",
    show(part), table.concat(lines or {}, " | ")))
  return false
end

-- load an edition module: the program's preloaded global, else the file
function T.edition(name)
  if _G[name] then return _G[name] end
  local m = include(name)
  _G[name] = m
  return m
end

function T.done()
  print(string.format("%d passed, %d failed", T.passed, T.failed))
  if T.failed > 0 then os.exit(1) end
  return true
end

return T
