/* lsim.c - scenario files -> sim_params, and the simulator's Lua functions
 * (see lsim.h).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lsim.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcell.h"
#include "lcohort.h"
#include "lopt.h"
#include "luastate.h"
#include "calibrate.h"

#define OFF(f) offsetof(sim_params, f)

/* Which kinds of scenario (sim.h, sim_kind) read a field. */
enum { K_IV = 1, K_M0 = 2, K_ALL = 3 };

/* Scalar and list fields: dotted path in the scenario table, where it goes,
 * how many numbers (count > 1: a list of that length), and which kinds. */
static const struct {
    const char *path;
    size_t off;
    int count, kinds;
} fields[] = {
    {"population.age.mean", OFF(age_mean), 1, K_ALL},
    {"population.age.sd", OFF(age_sd), 1, K_ALL},
    {"population.age.min", OFF(age_min), 1, K_ALL},
    {"population.age.max", OFF(age_max), 1, K_ALL},
    {"population.male", OFF(p_male), 1, K_ALL},
    {"population.ecog", OFF(ecog_p), SIM_NECOG, K_ALL},
    {"population.histology.adenocarcinoma", OFF(hist_p[0]), 1, K_ALL},
    {"population.histology.squamous", OFF(hist_p[1]), 1, K_ALL},
    {"population.histology.other", OFF(hist_p[2]), 1, K_ALL},
    {"population.right_side", OFF(p_right), 1, K_ALL},
    {"population.t_size.meanlog", OFF(tsize_meanlog), 1, K_ALL},
    {"population.t_size.sdlog", OFF(tsize_sdlog), 1, K_ALL},
    {"population.t_size.max", OFF(tsize_max), 1, K_ALL},
    {"population.n", OFF(n_p), SIM_NN, K_ALL},
    {"population.m.m1a", OFF(m_p[0]), 1, K_IV},
    {"population.m.m1b", OFF(m_p[1]), 1, K_IV},
    {"population.m.m1c", OFF(m_p[2]), 1, K_IV},
    {"population.m1a.effusion", OFF(m1a_effusion), 1, K_IV},
    {"population.m1a.pleural_nodules", OFF(m1a_pleural_nodules), 1, K_IV},
    {"population.m1a.max_nodules", OFF(m1a_max_nodules), 1, K_IV},
    {"population.m1c.organs", OFF(m1c_organs_p), SIM_NORGANS, K_IV},
    {"population.m1c.extra_lesions", OFF(m1c_extra_lesions), 1, K_IV},
    {"population.m1c.max_per_organ", OFF(m1c_max_per_organ), 1, K_IV},
    {"population.m1c.intrathoracic", OFF(m1c_intrathoracic), 1, K_IV},
    {"population.treatable.by_lesions", OFF(treat_p), SIM_NTREAT, K_IV},
    {"population.treatable.liver", OFF(treat_liver), 1, K_IV},
    {"population.treatable.pleura", OFF(treat_pleura), 1, K_IV},
    {"population.response", OFF(p_response), 1, K_IV},
    {"model.landmark", OFF(landmark), 1, K_IV},
    {"model.effects.ecog", OFF(eff_ecog), SIM_NECOG, K_ALL},
    {"model.effects.age_per_year", OFF(eff_age), 1, K_ALL},
    {"model.effects.female", OFF(eff_female), 1, K_ALL},
    {"model.effects.squamous", OFF(eff_squamous), 1, K_ALL},
    {"model.effects.other_histology", OFF(eff_other_hist), 1, K_ALL},
    {"model.effects.n2n3", OFF(eff_n23), 1, K_IV},
    {"model.effects.extra_organ", OFF(eff_extra_organ), 1, K_IV},
    {"model.effects.extra_lesion", OFF(eff_extra_lesion), 1, K_IV},
    {"model.effects.lesion_cap", OFF(eff_lesion_cap), 1, K_IV},
    {"model.effects.brain", OFF(eff_brain), 1, K_IV},
    {"model.effects.liver", OFF(eff_liver), 1, K_IV},
    {"model.effects.bone", OFF(eff_bone), 1, K_IV},
    {"model.effects.effusion", OFF(eff_effusion), 1, K_IV},
    {"model.background.rate65", OFF(bg_rate65), 1, K_ALL},
    {"model.background.gompertz", OFF(bg_gompertz), 1, K_ALL},
    {"model.cure.per_lesion", OFF(cure_per_lesion), 1, K_IV},
    {"model.cure.per_ecog", OFF(cure_per_ecog), 1, K_IV},
    {"model.cure.systemic", OFF(cure_systemic), 1, K_IV},
    {"model.local_relapse", OFF(local_relapse), 1, K_IV},
    {"model.censoring.accrual", OFF(accrual), 1, K_ALL},
    {"model.censoring.followup", OFF(followup), 1, K_ALL},
    {"model.censoring.loss_rate", OFF(loss_rate), 1, K_ALL},
    {"fit.prog_scale", OFF(prog_scale), 1, K_IV},
    {"fit.prog_shape", OFF(prog_shape), 1, K_IV},
    {"fit.pps_scale", OFF(pps_scale), 1, K_IV},
    {"fit.pps_shape", OFF(pps_shape), 1, K_IV},
    {"fit.cure_logit", OFF(cure_logit), 1, K_IV},
    {"fit.radical_hr", OFF(radical_hr), 1, K_IV},
    {"fit.radical_shape", OFF(radical_shape), 1, K_IV},
    {"fit.pps_ttp", OFF(pps_ttp), 1, K_IV},
    {"fit.pps_ttp_min", OFF(pps_ttp_min), 1, K_IV},
    {"fit.prog_lp", OFF(prog_lp), 1, K_IV},
    {"fit.pps_lp", OFF(pps_lp), 1, K_IV},
    {"population.n2_stations", OFF(m0.n2_stations_w), 3, K_M0},
    {"model.anatomy.size_per_cm", OFF(m0.size_per_cm), 1, K_M0},
    {"model.anatomy.size_cap", OFF(m0.size_cap), 1, K_M0},
    {"model.anatomy.nodes.n1", OFF(m0.n1), 1, K_M0},
    {"model.anatomy.nodes.n2_single", OFF(m0.n2_single), 1, K_M0},
    {"model.anatomy.nodes.n2_multi", OFF(m0.n2_multi), 1, K_M0},
    {"model.anatomy.nodes.n3", OFF(m0.n3), 1, K_M0},
    {"model.cure_logit", OFF(m0.cure_logit), 1, K_M0},
    {"model.recurrence.scale", OFF(m0.recur_scale), 1, K_M0},
    {"model.recurrence.shape", OFF(m0.recur_shape), 1, K_M0},
    {"model.recurrence.lp", OFF(m0.recur_lp), 1, K_M0},
    {"model.after_recurrence.scale", OFF(m0.pps_scale), 1, K_M0},
    {"model.after_recurrence.shape", OFF(m0.pps_shape), 1, K_M0},
    {"model.after_recurrence.lp", OFF(m0.pps_lp), 1, K_M0},
};

/* Maps of weights keyed by category name; an absent key is 0. */
static const struct {
    const char *path;
    size_t off;
    const char *const *names;
    int count, kinds;
} maps[] = {
    {"population.driver_adeno", OFF(driver_adeno), sim_driver_names, SIM_NDRIVER, K_ALL},
    {"population.driver_other", OFF(driver_other), sim_driver_names, SIM_NDRIVER, K_ALL},
    {"population.t_invasion", OFF(invasion_p), sim_invasion_names, SIM_NINVASION, K_ALL},
    {"population.m1b_sites", OFF(m1b_site_w), sim_site_names, SIM_NSITES, K_IV},
    {"population.m1c_sites", OFF(m1c_site_w), sim_site_names, SIM_NSITES, K_IV},
    {"model.anatomy.invasion", OFF(m0.invasion), sim_invasion_names, SIM_NINVASION, K_M0},
};

/* Pushes the value at a dotted path below the table at idx (nil when a
 * step is missing or not a table).  Stack: [] -> [value] */
static void push_path(lua_State *L, int idx, const char *path) {
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, idx);
    const char *p = path;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return;
        }
        lua_pushlstring(L, p, len);
        lua_gettable(L, -2);
        lua_remove(L, -2);
        p += len + (dot != NULL);
    }
}

static int field_error(lua_State *L, const char *path, const char *want, char *err, size_t errlen) {
    snprintf(err, errlen, "scenario field %s: %s expected, got %s", path, want,
             luaL_typename(L, -1));
    lua_pop(L, 1);
    return -1;
}

static int read_number(lua_State *L, const char *path, double *dst, char *err, size_t errlen) {
    int isnum;
    double v = lua_tonumberx(L, -1, &isnum);
    if (!isnum || lua_type(L, -1) != LUA_TNUMBER)
        return field_error(L, path, "number", err, errlen);
    *dst = v;
    lua_pop(L, 1);
    return 0;
}

static int read_era(lua_State *L, int i, sim_era *e, char *err, size_t errlen) {
    static const struct {
        const char *key;
        size_t off;
    } ef[] = {{"prog_mult", offsetof(sim_era, prog_mult)},
              {"pps_mult", offsetof(sim_era, pps_mult)},
              {"cure_shift", offsetof(sim_era, cure_shift)},
              {"maintenance_hr", offsetof(sim_era, maintenance_hr)},
              {"radical_pps_hr", offsetof(sim_era, radical_pps_hr)},
              {"driver_prog_hr", offsetof(sim_era, driver_prog_hr)},
              {"driver_pps_hr", offsetof(sim_era, driver_pps_hr)},
              {"crossover", offsetof(sim_era, crossover)},
              {"crossover_pps_hr", offsetof(sim_era, crossover_pps_hr)},
              {"salvage", offsetof(sim_era, salvage)}};
    char path[96];
    lua_getfield(L, -1, "name");
    size_t len;
    const char *name = lua_tolstring(L, -1, &len);
    snprintf(path, sizeof path, "eras[%d].name", i + 1);
    if (lua_type(L, -1) != LUA_TSTRING || len == 0 || len >= sizeof e->name)
        return field_error(L, path, "string of 1-31 characters", err, errlen);
    memcpy(e->name, name, len + 1);
    lua_pop(L, 1);
    for (size_t k = 0; k < sizeof ef / sizeof ef[0]; k++) {
        snprintf(path, sizeof path, "eras[%d].%s", i + 1, ef[k].key);
        lua_getfield(L, -1, ef[k].key);
        if (read_number(L, path, (double *)((char *)e + ef[k].off), err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* A stage I-III scenario has no eras: its patients' outcome does not
 * depend on a stage IV treatment era.  It gets one neutral era, so that
 * `era` options and the cohort's origin work as for stage IV. */
static int read_m0_era(lua_State *L, int idx, sim_params *p, char *err, size_t errlen) {
    lua_getfield(L, idx, "eras");
    lua_getfield(L, idx, "default_era");
    int has = !lua_isnil(L, -1) || !lua_isnil(L, -2);
    lua_pop(L, 2);
    if (has) {
        snprintf(err, errlen, "scenario field eras: a stage_i_iii scenario has no eras");
        return -1;
    }
    p->neras = 1;
    p->default_era = 0;
    sim_era *e = &p->eras[0];
    snprintf(e->name, sizeof e->name, "curative");
    e->prog_mult = e->pps_mult = e->maintenance_hr = e->radical_pps_hr = 1;
    e->driver_prog_hr = e->driver_pps_hr = e->crossover_pps_hr = 1;
    e->cure_shift = e->crossover = e->salvage = 0;
    return sim_params_check(p, err, errlen);
}

/* One field or map path fp against path (length len): 1 when path is fp,
 * 2 when path is a table on the way to fp, else kind as it was (1 stays). */
static int path_step(int kind, const char *fp, const char *path, size_t len) {
    if (kind == 1 || strcmp(fp, path) == 0)
        return 1;
    return strncmp(fp, path, len) == 0 && fp[len] == '.' ? 2 : kind;
}

/* Is path a field or map of this kind (1), a table on the way to one (2),
 * or neither (0)? */
static int path_kind(const char *path, int mine) {
    size_t len = strlen(path);
    int kind = 0;
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
        if (fields[f].kinds & mine)
            kind = path_step(kind, fields[f].path, path, len);
    for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++)
        if (maps[m].kinds & mine)
            kind = path_step(kind, maps[m].path, path, len);
    return kind;
}

/* Every key under population and model must be a field of the scenario's
 * kind: a misspelt or misplaced field would otherwise be ignored while the
 * simulator used something else.  Stack: [table at prefix] -> same. */
static int check_keys(lua_State *L, const char *prefix, int mine, char *err, size_t errlen) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        char path[160];
        if (lua_type(L, -2) != LUA_TSTRING) {
            snprintf(err, errlen, "scenario field %s: a key that is not a name (%s)", prefix,
                     luaL_typename(L, -2));
            lua_pop(L, 2);
            return -1;
        }
        snprintf(path, sizeof path, "%s.%.100s", prefix, lua_tostring(L, -2));
        int k = path_kind(path, mine);
        if (k == 0) {
            snprintf(err, errlen, "scenario field %s: not a field of a %s scenario", path,
                     mine == K_M0 ? "stage_i_iii" : "stage_iv");
            lua_pop(L, 2);
            return -1;
        }
        if (k == 2 && lua_istable(L, -1) && check_keys(L, path, mine, err, errlen) < 0) {
            lua_pop(L, 2);
            return -1;
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* The top level: the sections above, the eras and the names; `fit` is the
 * fitting tool's block, read field by field (fit.*) and free otherwise. */
static int check_top(lua_State *L, int idx, int mine, char *err, size_t errlen) {
    static const char *const top[] = {"name", "description", "kind",       "default_era",
                                      "eras", "fit",         "population", "model"};
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int known = 0;
        if (lua_type(L, -2) == LUA_TSTRING)
            for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
                known |= strcmp(lua_tostring(L, -2), top[i]) == 0;
        if (!known) {
            lua_pushvalue(L, -2);
            snprintf(err, errlen, "scenario field %.100s: not a field of a scenario",
                     luaL_tolstring(L, -1, NULL));
            lua_pop(L, 4);
            return -1;
        }
        const char *key = lua_tostring(L, -2);
        if ((strcmp(key, "population") == 0 || strcmp(key, "model") == 0) && lua_istable(L, -1) &&
            check_keys(L, key, mine, err, errlen) < 0) {
            lua_pop(L, 2);
            return -1;
        }
        lua_pop(L, 1);
    }
    return 0;
}

int lsim_read_params(lua_State *L, int idx, sim_params *p, char *err, size_t errlen) {
    idx = lua_absindex(L, idx);
    memset(p, 0, sizeof *p);
    if (!lua_istable(L, idx)) {
        snprintf(err, errlen, "scenario: a table expected, got %s", luaL_typename(L, idx));
        return -1;
    }
    lua_getfield(L, idx, "kind");
    const char *kind = lua_tostring(L, -1);
    if (lua_isnil(L, -1) || (lua_type(L, -1) == LUA_TSTRING && strcmp(kind, "stage_iv") == 0))
        p->kind = SIM_STAGE_IV;
    else if (lua_type(L, -1) == LUA_TSTRING && strcmp(kind, "stage_i_iii") == 0)
        p->kind = SIM_STAGE_I_III;
    else if (lua_type(L, -1) == LUA_TSTRING) {
        snprintf(err, errlen,
                 "scenario field kind: \"stage_iv\" or \"stage_i_iii\" expected, got \"%.40s\"",
                 kind);
        lua_pop(L, 1);
        return -1;
    } else
        return field_error(L, "kind", "\"stage_iv\" or \"stage_i_iii\"", err, errlen);
    lua_pop(L, 1);
    const int mine = p->kind == SIM_STAGE_I_III ? K_M0 : K_IV;
    if (check_top(L, idx, mine, err, errlen) < 0)
        return -1;
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        if (!(fields[f].kinds & mine))
            continue;
        double *dst = (double *)((char *)p + fields[f].off);
        push_path(L, idx, fields[f].path);
        if (fields[f].count == 1) {
            if (read_number(L, fields[f].path, dst, err, errlen) < 0)
                return -1;
            continue;
        }
        char want[48];
        snprintf(want, sizeof want, "list of %d numbers", fields[f].count);
        if (!lua_istable(L, -1) || luaL_len(L, -1) != fields[f].count)
            return field_error(L, fields[f].path, want, err, errlen);
        for (int k = 0; k < fields[f].count; k++) {
            lua_geti(L, -1, k + 1);
            if (lua_type(L, -1) != LUA_TNUMBER) {
                lua_pop(L, 1);
                return field_error(L, fields[f].path, want, err, errlen);
            }
            dst[k] = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) {
        if (!(maps[m].kinds & mine))
            continue;
        double *dst = (double *)((char *)p + maps[m].off);
        push_path(L, idx, maps[m].path);
        if (!lua_istable(L, -1))
            return field_error(L, maps[m].path, "table", err, errlen);
        /* every key must be a known category: a typo must not become a 0 */
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            int known = 0;
            if (lua_type(L, -2) == LUA_TSTRING)
                for (int k = 0; k < maps[m].count; k++)
                    known |= strcmp(lua_tostring(L, -2), maps[m].names[k]) == 0;
            if (!known) {
                lua_pushvalue(L, -2);
                snprintf(err, errlen, "scenario field %s: unknown key '%s'", maps[m].path,
                         luaL_tolstring(L, -1, NULL));
                lua_pop(L, 5);
                return -1;
            }
            lua_pop(L, 1);
        }
        for (int k = 0; k < maps[m].count; k++) {
            lua_getfield(L, -1, maps[m].names[k]);
            if (lua_isnil(L, -1)) {
                dst[k] = 0;
                lua_pop(L, 1);
                continue;
            }
            char path[128];
            snprintf(path, sizeof path, "%s.%s", maps[m].path, maps[m].names[k]);
            if (read_number(L, path, &dst[k], err, errlen) < 0) {
                lua_pop(L, 1);
                return -1;
            }
        }
        lua_pop(L, 1);
    }
    if (p->kind == SIM_STAGE_I_III)
        return read_m0_era(L, idx, p, err, errlen);
    lua_getfield(L, idx, "eras");
    if (!lua_istable(L, -1))
        return field_error(L, "eras", "list of eras", err, errlen);
    p->neras = (int)luaL_len(L, -1);
    if (p->neras < 1 || p->neras > SIM_MAX_ERAS) {
        snprintf(err, errlen, "scenario field eras: 1 to %d eras expected", SIM_MAX_ERAS);
        lua_pop(L, 1);
        return -1;
    }
    for (int i = 0; i < p->neras; i++) {
        lua_geti(L, -1, i + 1);
        if (!lua_istable(L, -1)) {
            char path[32];
            snprintf(path, sizeof path, "eras[%d]", i + 1);
            field_error(L, path, "table", err, errlen);
            lua_pop(L, 1);
            return -1;
        }
        if (read_era(L, i, &p->eras[i], err, errlen) < 0) {
            lua_pop(L, 2);
            return -1;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_getfield(L, idx, "default_era");
    if (lua_type(L, -1) != LUA_TSTRING)
        return field_error(L, "default_era", "string", err, errlen);
    p->default_era = -1;
    for (int i = 0; i < p->neras; i++)
        if (strcmp(p->eras[i].name, lua_tostring(L, -1)) == 0)
            p->default_era = i;
    lua_pop(L, 1);
    return sim_params_check(p, err, errlen);
}

int lsim_load_file(lua_State *L, const char *path, sim_params *p, char *err, size_t errlen) {
    int top = lua_gettop(L);
    if (luaL_loadfilex(L, path, "t") != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(L, -1));
        lua_settop(L, top);
        return -1;
    }
    /* data only: the chunk's _ENV holds `math` and nothing else */
    lua_newtable(L);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
    lua_setfield(L, -2, "math");
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(L, -1));
        lua_settop(L, top);
        return -1;
    }
    int rc = lsim_read_params(L, -1, p, err, errlen);
    if (rc < 0) {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s: %s", path, err);
        snprintf(err, errlen, "%s", tmp);
    }
    lua_settop(L, top);
    return rc;
}

int lsim_load_scenario(lua_State *L, const char *name, sim_params *p, char *err, size_t errlen) {
    if (*name == '\0' || strlen(name) > 64 ||
        strspn(name, "abcdefghijklmnopqrstuvwxyz"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(name)) {
        snprintf(err, errlen, "bad scenario name '%.64s' (letters, digits, _ and - only)", name);
        return -1;
    }
    lua_getglobal(L, "TNMLAB_SCRIPTS");
    const char *dir = lua_tostring(L, -1);
    if (dir == NULL || *dir == '\0') {
        lua_pop(L, 1);
        snprintf(err, errlen, "scenario %s: TNMLAB_SCRIPTS is not set", name);
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/%s.lua", dir, name);
    lua_pop(L, 1);
    return lsim_load_file(L, path, p, err, errlen);
}

/* ---- Lua functions ---- */

typedef struct sim_job {
    const char *name, *era;
    long long n, seed;
    cohort *out;
    char *err;
    size_t errlen;
} sim_job;

/* The work of lsim_simulate, inside its protected call: scenario, then
 * cohort, then its origin.  [job] -> [] */
static int run_job(lua_State *L) {
    sim_job *j = lua_touserdata(L, 1);
    sim_params *p = lua_newuserdatauv(L, sizeof *p, 0); /* big: keep it off the C stack */
    if (j->n < 1 || j->n > INT32_MAX) {
        snprintf(j->err, j->errlen, "simulate: n must be between 1 and 2147483647");
        return 0;
    }
    if (lsim_load_scenario(L, j->name, p, j->err, j->errlen) < 0)
        return 0;
    cohort *c;
    if (sim_generate(p, j->era, (size_t)j->n, (uint64_t)j->seed, &c, j->err, j->errlen) < 0)
        return 0;
    cohort_origin o = {.n = j->n, .seed = j->seed};
    snprintf(o.scenario, sizeof o.scenario, "%s", j->name);
    cohort_set_origin(c, &o);
    j->out = c;
    return 0;
}

int lsim_simulate(lua_State *L, const char *name, long long n, long long seed, const char *era,
                  cohort **out, char *err, size_t errlen) {
    sim_job j = {name, era, n, seed, NULL, err, errlen};
    err[0] = '\0';
    lua_pushcfunction(L, run_job);
    lua_pushlightuserdata(L, &j);
    if (dsl_pcall(L, 1, 0) != LUA_OK) { /* out of memory, or Ctrl-C in the scenario file */
        const char *msg = dsl_errmsg(L);
        snprintf(err, errlen, "simulate: %.*s", (int)dsl_errmsg_firstline(msg), msg);
        lua_pop(L, 1);
    }
    *out = j.out;
    return j.out ? 0 : -1;
}

/* Simulates and pushes a cohort.  [] -> [cohort] */
static int push_simulated(lua_State *L, const char *name, lua_Integer n, lua_Integer seed,
                          const char *era) {
    cohort *c;
    char err[1024];
    if (lsim_simulate(L, name, n, seed, era, &c, err, sizeof err) < 0)
        return luaL_error(L, "%s", err);
    lcohort_push(L, c);
    return 1;
}

/* cohort.simulate(name [, {n =, seed =, era =}])  [name, opts] -> [cohort] */
static int l_simulate(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = lopt_int(L, 2, "n", 2000);
    lua_Integer seed = lopt_int(L, 2, "seed", 1);
    const char *era = lopt_str(L, 2, "era", NULL);
    return push_simulated(L, name, n, seed, era);
}

/* cohort.demo()  [] -> [cohort]: the bundled demo cohort */
static int l_demo(lua_State *L) {
    return push_simulated(L, "stage_iv", 2000, 1, NULL);
}

/* cohort.calibrate([{scenario =, n =, seed =, trials =}])
 * [opts] -> [text, {figures = {...}, split = {...}, ok = bool}] */
static int l_calibrate(lua_State *L) {
    if (!lua_isnoneornil(L, 1))
        luaL_checktype(L, 1, LUA_TTABLE);
    const char *name = lopt_str(L, 1, "scenario", "stage_iv");
    lua_Integer n = lopt_int(L, 1, "n", 100000);
    lua_Integer seed = lopt_int(L, 1, "seed", 1);
    lua_Integer trials = lopt_int(L, 1, "trials", 1000);
    sim_params *p = lua_newuserdatauv(L, sizeof *p, 0);
    calib_report *r = lua_newuserdatauv(L, sizeof *r, 0);
    char err[1024];
    if (lsim_load_scenario(L, name, p, err, sizeof err) < 0)
        return luaL_error(L, "%s", err);
    if (n < 100 || n > 10000000 || trials < 0 || trials > 100000)
        return luaL_error(L, "calibrate: n must be in [100, 1e7] and trials in [0, 100000]");
    lua_getglobal(L, "TNMLAB_SCRIPTS");
    const char *dir = lua_tostring(L, -1);
    if (!dir || !*dir)
        return luaL_error(L, "calibrate: TNMLAB_SCRIPTS is not set");
    if (calib_run(p, dir, (size_t)n, (uint64_t)seed, (int)trials, r, err, sizeof err) < 0)
        return luaL_error(L, "%s", err);
    lua_pop(L, 1);
    char *text = calib_format(r);
    if (!text)
        return luaL_error(L, "calibrate: out of memory");
    lua_pushstring(L, text);
    free(text);
    lua_createtable(L, 0, 3);
    lua_createtable(L, r->nfig, 0);
    for (int f = 0; f < r->nfig; f++) {
        const calib_fig *g = &r->fig[f];
        lua_createtable(L, 0, 10);
        lua_pushstring(L, g->group);
        lua_setfield(L, -2, "group");
        lua_pushstring(L, g->label);
        lua_setfield(L, -2, "label");
        lua_pushstring(L, calib_role_name(g->role));
        lua_setfield(L, -2, "role");
        lcell_set_num(L, "paper", g->paper);
        lcell_set_num(L, "simulated", g->sim);
        lcell_set_num(L, "lower", g->lo);
        lcell_set_num(L, "upper", g->hi);
        lua_pushinteger(L, (lua_Integer)g->trial_n);
        lua_setfield(L, -2, "trial_n");
        lua_pushboolean(L, g->ok);
        lua_setfield(L, -2, "ok");
        lua_seti(L, -2, f + 1);
    }
    lua_setfield(L, -2, "figures");
    lua_createtable(L, 3, 0);
    for (int g = 0; g < 3; g++) {
        const calib_group *s = &r->split[g];
        lua_createtable(L, 0, 6);
        lua_pushstring(L, s->name);
        lua_setfield(L, -2, "group");
        lua_pushinteger(L, (lua_Integer)s->n);
        lua_setfield(L, -2, "n");
        lcell_set_num(L, "os_median", s->os_median);
        lcell_set_num(L, "os_2y", s->os_2y);
        lcell_set_num(L, "pfs_median", s->pfs_median);
        lcell_set_num(L, "pfs_2y", s->pfs_2y);
        lua_seti(L, -2, g + 1);
    }
    lua_setfield(L, -2, "split");
    lua_pushboolean(L, calib_all_ok(r));
    lua_setfield(L, -2, "ok");
    return 2;
}

/* cohort.apply_arms(c [, column])  [c, col] -> [c] */
static int l_apply_arms(lua_State *L) {
    cohort *c = lcohort_check(L, 1);
    const char *col = luaL_optstring(L, 2, "arm");
    char err[512];
    if (sim_apply_arms(c, col, err, sizeof err) < 0)
        return luaL_error(L, "%s", err);
    lua_settop(L, 1);
    return 1;
}

static const luaL_Reg sim_funcs[] = {{"simulate", l_simulate},
                                     {"demo", l_demo},
                                     {"calibrate", l_calibrate},
                                     {"apply_arms", l_apply_arms},
                                     {NULL, NULL}};

int dsl_open_sim(lua_State *L) {
    lua_getglobal(L, "cohort");
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setglobal(L, "cohort");
    }
    luaL_setfuncs(L, sim_funcs, 0);
    return 1;
}
