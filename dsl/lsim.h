/* lsim.h - the simulator's Lua binding: scenario files -> sim_params, and
 * cohort.simulate / cohort.demo / cohort.calibrate / cohort.apply_arms.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scenario files (TNMLAB_SCRIPTS/scenarios/<name>.lua) are data: they are
 * loaded as text with only `math` in scope and must return a table.
 */
#ifndef TNMLAB_LSIM_H
#define TNMLAB_LSIM_H

#include <lua.h>
#include <stddef.h>

#include "sim.h"

/* Adds simulate, demo, calibrate and apply_arms to the global table
 * `cohort` (creating it if absent).  Usable as a lua_CFunction.
 *   cohort.simulate(name [, {n = 2000, seed = 1, era = default}]) -> cohort
 *   cohort.demo() -> the bundled demo: stage_iv, n = 2000, seed 1
 *   cohort.calibrate([{n = 100000, seed = 1, trials = 1000}]) -> text, rows
 *   cohort.apply_arms(c [, column = "arm"]) -> c (observed = arm's outcomes)
 * Stack: [] -> [cohort table]. */
int dsl_open_sim(lua_State *L);

/* Reads the scenario table at idx into *p (every field required; era list
 * as in stage_iv.lua) and checks it.  Returns 0, or -1 with a message that
 * names the field in err.  Stack: unchanged. */
int lsim_read_params(lua_State *L, int idx, sim_params *p, char *err, size_t errlen);

/* Loads the scenario file at path (text only, `math` in scope) and reads it
 * into *p.  Returns 0, or -1 with err filled.  Stack: unchanged. */
int lsim_load_file(lua_State *L, const char *path, sim_params *p, char *err, size_t errlen);

/* Loads scenario `name` from the folder in the global TNMLAB_SCRIPTS
 * (scenarios/<name>.lua; name of [A-Za-z0-9_-] only).  Returns 0, or -1 with
 * err filled.  Stack: unchanged. */
int lsim_load_scenario(lua_State *L, const char *name, sim_params *p, char *err, size_t errlen);

/* Simulates n patients of scenario `name` (see lsim_load_scenario) with
 * seed and era (NULL = the scenario's default) into *out, and records the
 * scenario, n and seed as the cohort's origin.  The scenario file runs in
 * a protected call: callable from C outside any Lua call.  Returns 0, or -1
 * with err filled and *out NULL.  Stack: unchanged. */
int lsim_simulate(lua_State *L, const char *name, long long n, long long seed, const char *era,
                  cohort **out, char *err, size_t errlen);

#endif
