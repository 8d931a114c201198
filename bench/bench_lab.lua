-- bench_lab.lua - the laboratory's own work timed inside tnmlab (run by
-- bench/run):  tnmlab bench/bench_lab.lua N RUNS CSV
-- Prints "key<TAB>milliseconds" lines (medians of RUNS; wall-clock time by
-- lab.now: the outcome refresh computes OS and PFS on two threads).
local n = tonumber(arg[1]) or 1000000
local runs = tonumber(arg[2]) or 5
local csv = arg[3] or os.tmpname()

local function median(t)
  table.sort(t)
  local k = #t
  return k % 2 == 1 and t[(k + 1) // 2] or (t[k // 2] + t[k // 2 + 1]) / 2
end
local clock = lab.now or os.clock
local function time(f)
  local t0 = clock()
  f()
  return (clock() - t0) * 1000
end
local function report(key, t) print(string.format("%s\t%.2f", key, t)) end

local c
local ts = {}
for i = 1, runs do
  ts[i] = time(function() c = cohort.simulate("stage_iv", {n = n, seed = i}) end)
end
report("simulate", median(ts))

-- one cohort load, RUNS times, the median reported under key
local function time_load(key, load)
  local t = {}
  for i = 1, runs do
    t[i] = time(load)
    collectgarbage()
  end
  report(key, median(t))
end

c:write_csv(csv)
time_load("csv_load", function() local d = cohort.read_csv(csv) end)
report("csv_columns", #c:columns())

-- the same rows from a SQLite database (imported by the sqlite3 tool, as
-- text columns, the way a CSV export lands in a database)
local db = csv .. ".db"
os.remove(db)
if os.execute(string.format("sqlite3 '%s' '.import --csv %s cohort' 2>/dev/null", db, csv)) then
  time_load("sqlite_load", function() local d = cohort.read_sqlite(db, "cohort") end)
  os.remove(db)
end

-- and from a PostgreSQL server bench/run started (TNMLAB_BENCH_PG: its
-- connection string; TNMLAB_BENCH_PSQL: the psql command that reaches it)
local pg, psql = os.getenv("TNMLAB_BENCH_PG"), os.getenv("TNMLAB_BENCH_PSQL")
if pg and psql then
  local cols = {}
  for _, name in ipairs(c:columns()) do cols[#cols + 1] = string.format('"%s" text', name) end
  local f = io.open(csv .. ".sql", "w")
  f:write("SET client_min_messages = warning;\n")
  f:write(string.format("DROP TABLE IF EXISTS cohort; CREATE TABLE cohort (%s);\n",
                        table.concat(cols, ", ")))
  f:write(string.format("\\copy cohort FROM '%s' WITH (FORMAT csv, HEADER true)\n", csv))
  f:close()
  -- and 12 typed columns (numbers float8, booleans boolean, text), the
  -- shape of the CSV budget's row
  local twelve = {"id", "age", "sex", "ecog", "histology", "m_lesions", "m_organs",
                  "m_all_treatable", "os_time@radical", "os_event@radical",
                  "os_time@systemic", "os_event@systemic"}
  local sel = {}
  for _, name in ipairs(twelve) do
    local v = c:column(name)[1]
    local ty = math.type(v) and "float8" or type(v) == "boolean" and "boolean" or "text"
    sel[#sel + 1] = string.format('NULLIF("%s", \'NA\')::%s AS "%s"', name, ty, name)
  end
  f = io.open(csv .. ".sql", "a")
  f:write(string.format("DROP TABLE IF EXISTS cohort12; CREATE TABLE cohort12 AS SELECT %s FROM cohort;\n",
                        table.concat(sel, ", ")))
  f:close()
  if os.execute(string.format("%s -f '%s' >/dev/null", psql, csv .. ".sql")) then
    time_load("pg_load", function() local d = cohort.read_pg(pg, "cohort") end)
    time_load("pg_load12", function() local d = cohort.read_pg(pg, "cohort12") end)
  end
  os.remove(csv .. ".sql")
end

lab.set_cohort(c, "bench")
-- switching rule set: a new evaluation from scratch plus the outcome
ts = {}
for i = 1, runs do
  ts[i] = time(function() assert(lab.run(i % 2 == 1 and "use eortc2019" or "use deruysscher2012")) end)
end
report("use_set", median(ts))
assert(lab.run("use deruysscher2012"))
-- one param change: criteria that read it + attrition + KM OS and PFS for
-- the two arms + log-rank + follow-up (model_update); above 200,000
-- patients the Cox HR waits for the `hr` command, so it is timed apart
ts = {}
for i = 1, 3 * runs do
  ts[i] = time(function() assert(lab.run(i % 2 == 1 and "set max_lesions 3" or "set max_lesions 4")) end)
end
report("param_change", median(ts))
assert(lab.run("hr"))
ts = {}
for i = 1, 3 * runs do
  ts[i] = time(function() assert(lab.run(i % 2 == 1 and "set max_lesions 3" or "set max_lesions 4")) end)
end
report("param_change_cox", median(ts))

-- staging the whole cohort (the column program of scripts/staging): a set
-- that only stages and reads the stage, first with each edition (modules
-- never run before: every Lua call included), then switching back and
-- forth (the memos answer); then a stage-based rule set and `edition`
-- to finished outcome
local stage_only = os.tmpname()
do
  local f = assert(io.open(stage_only, "w"))
  f:write([[ruleset "stage_only" {
  param { "e", "tnm8", choices = { "tnm8", "tnm9" } },
  derive { "stage", staging = "e" },
  criterion { "iv", "stage IV", [=[within(stage, "IV")]=] },
}
]])
  f:close()
end
rules.load(stage_only)
os.remove(stage_only)
c = lab.cohort()
report("stage_cold_8", time(function() rules.eval("stage_only", c) end))
rules.set("stage_only", "e", "tnm9")
report("stage_cold_9", time(function() rules.eval("stage_only", c) end))
ts = {}
for i = 1, 3 * runs do
  rules.set("stage_only", "e", i % 2 == 1 and "tnm8" or "tnm9")
  ts[i] = time(function() rules.eval("stage_only", c) end)
end
report("stage_warm", median(ts))
assert(lab.run("use s3_iva_m1b"))
ts = {}
for i = 1, 3 * runs do
  ts[i] = time(function() assert(lab.run(i % 2 == 1 and "edition 9" or "edition 8")) end)
end
report("edition_outcome", median(ts))

-- KM (2 strata) + log-rank on one endpoint: cold (sort included), warm
local d = cohort.simulate("stage_iv", {n = n, seed = 99})
report("km_logrank_cold", time(function()
  survival.km(d, "os_time", "os_event", {by = "sex"})
  survival.logrank(d, "os_time", "os_event", "sex")
end))
ts = {}
for i = 1, 3 * runs do
  ts[i] = time(function()
    survival.km(d, "os_time", "os_event", {by = "sex"})
    survival.logrank(d, "os_time", "os_event", "sex")
  end)
end
report("km_logrank_warm", median(ts))
