/* lab.c - start-up (the shipped rule files, --rules, --cohort, the demo)
 * and the Lua `lab` table (see lab.h).  The commands are in repl/cmd/.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lab.h"

#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "commands.h"
#include "export.h"
#include "lcohort.h"
#include "session.h"
#include "text.h"

/* --- start-up ------------------------------------------------------------ */

/* Loads every rule file of scripts/selection, in name order. */
static int load_shipped_rules(session *s) {
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/selection", s->scripts_dir);
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], tnm_strptr_cmp);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[4400], err[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (names[i] && rules_load(s->model.rules, path, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            rc = 1;
        } else if (names[i] && s->nshipped_files < 64) {
            s->shipped_files[s->nshipped_files++] = strdup(path);
        }
        free(names[i]);
    }
    /* the shipped sets are where a session starts: version 1, and undo
     * never unloads one of them */
    rules_squash(s->model.rules, "the shipped rule sets");
    return rc;
}

int lab_startup(session *s, int interactive) {
    const tnm_options *o = s->opts;
    int rc = 0;
    if (o->rules) {
        char err[1024];
        if (model_load_rules(&s->model, o->rules, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        cmd_remember_rule_file(s, o->rules);
    } else {
        rc |= load_shipped_rules(s);
        char err[256];
        if (rules_nsets(s->model.rules) > 0 &&
            model_use(&s->model, "deruysscher2012", err, sizeof err) != 0)
            model_use(&s->model, rules_set_name(s->model.rules, 0), err, sizeof err);
    }
    if (o->cohort) {
        /* load cohort FILE [months|days] [the other --map words] */
        char *argv[3 + OPTIONS_MAX_CHUNKS] = {"load", "cohort", (char *)o->cohort};
        int argc = 3;
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < o->ncohort_words; i++) {
                const char *w = o->cohort_words[i];
                int unit = !strcmp(w, "months") || !strcmp(w, "days");
                if (unit == !pass)
                    argv[argc++] = (char *)w;
            }
        int saved = s->print_views;
        s->print_views = 0;
        int bad = cmd_load(s, argc, argv);
        s->print_views = saved;
        if (bad)
            return 1;
    } else if (interactive) {
        /* The bundled demo: the stage IV scenario, simulated on the spot. */
        rc |= cmd_simulate_cohort(s, "stage_iv", 2000, o->has_seed ? o->seed : 1, "demo");
    }
    /* The outcome the session starts from, so that the first change has one
     * to show its change rows against (the full screen would compute it at
     * the first draw; the line REPL and batch runs need it too).  An error
     * shows with the first command that needs the outcome. */
    char e[512];
    if (s->model.cohort && s->model.set[0])
        model_update(&s->model, e, sizeof e);
    return rc;
}

/* --- the case pane ------------------------------------------------------ */

textlog *lab_case_text(session *s) {
    const model *m = &s->model;
    uint64_t cells = 0;
    for (size_t j = 0; m->cohort && j < cohort_ncols(m->cohort); j++)
        cells += cohort_col(m->cohort, j)->generation + 1;
    int version = rules_version(m->rules);
    if (s->case_key.valid && s->case_key.cohort == m->cohort && s->case_key.cells == cells &&
        s->case_key.updates == m->updates && s->case_key.row == m->case_row &&
        s->case_key.edition == rules_edition(s->model.rules) && s->case_key.version == version)
        return &s->case_text;
    textlog_free(&s->case_text);
    s->case_key.valid = 0;
    if (textlog_init(&s->case_text, 400) != 0)
        return NULL;
    sink sk = textlog_sink(&s->case_text);
    lab_write_explain(s, &sk);
    lab_write_case(s, &sk);
    textlog_flush(&s->case_text);
    s->case_key.cohort = m->cohort;
    s->case_key.cells = cells;
    s->case_key.updates = m->updates;
    s->case_key.row = m->case_row;
    s->case_key.edition = rules_edition(s->model.rules);
    s->case_key.version = version;
    s->case_key.valid = 1;
    return &s->case_text;
}

/* --- Lua ----------------------------------------------------------------- */

/* lab.cohort() -> current cohort or nil.  Upvalue 1: the session. */
static int l_cohort(lua_State *L) {
    session *s = lua_touserdata(L, lua_upvalueindex(1));
    if (s->cohort_ref == LUA_NOREF)
        lua_pushnil(L);
    else
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->cohort_ref);
    return 1;
}

/* lab.set_cohort(c [, name [, unit]]) -> true */
static int l_set_cohort(lua_State *L) {
    session *s = lua_touserdata(L, lua_upvalueindex(1));
    lcohort_check(L, 1);
    const char *name = luaL_optstring(L, 2, "cohort");
    const char *unit = luaL_optstring(L, 3, "months");
    char err[512];
    if (strcmp(unit, "months") && strcmp(unit, "days"))
        return luaL_error(L, "time unit must be months or days, not '%s'", unit);
    if (session_set_cohort(s, 1, name, unit) != 0)
        return luaL_error(L, "could not use this cohort");
    s->cohort_cmd[0] = '\0'; /* made in Lua: a session file cannot recreate it */
    (void)err;
    session_refresh(s);
    lua_pushboolean(L, 1);
    return 1;
}

/* A sink that passes everything on to the session's error sink and keeps
 * the start of it, for lab.run's message. */
typedef struct err_tee {
    sink *to;
    char text[2048];
    size_t len;
} err_tee;

static void tee_write(sink *sk, const char *data, size_t len) {
    err_tee *t = sk->ud;
    sink_write(t->to, data, len);
    size_t room = sizeof t->text - 1 - t->len;
    size_t k = len < room ? len : room;
    memcpy(t->text + t->len, data, k);
    t->len += k;
    t->text[t->len] = '\0';
}

/* [session, line, &rc] -> [] */
static int dispatch_protected(lua_State *L) {
    session *s = lua_touserdata(L, 1);
    int *rc = lua_touserdata(L, 3);
    *rc = commands_dispatch(s, lua_tostring(L, 2));
    return 0;
}

/* lab.run(line) -> true | nil, message.  The message is the one the
 * command wrote (also shown as usual), or "not a command: LINE". */
static int l_run(lua_State *L) {
    session *s = lua_touserdata(L, lua_upvalueindex(1));
    const char *line = luaL_checkstring(L, 1);
    err_tee tee = {&s->err, "", 0};
    sink saved = s->err;
    tee.to = &saved;
    s->err = (sink){tee_write, &tee};
    int rc = -1;
    lua_pushcfunction(L, dispatch_protected);
    lua_pushlightuserdata(L, s);
    lua_pushvalue(L, 1);
    lua_pushlightuserdata(L, &rc);
    int st = lua_pcall(L, 3, 0, 0);
    s->err = saved; /* whatever happened: the tee lives on this C stack */
    if (st != LUA_OK)
        return lua_error(L); /* a Lua error inside the command (out of memory) */
    if (rc < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "not a command: %s", line);
        return 2;
    }
    if (rc != 0) {
        size_t n = tee.len;
        while (n && (tee.text[n - 1] == '\n' || tee.text[n - 1] == ' '))
            n--;
        lua_pushnil(L);
        if (n)
            lua_pushlstring(L, tee.text, n);
        else
            lua_pushfstring(L, "%s: failed", line);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* lab.now() -> seconds on a monotonic wall clock (os.clock counts CPU time
 * of every thread, which overstates work spread over two). */
static int l_now(lua_State *L) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (double)ts.tv_sec + ts.tv_nsec / 1e9);
    return 1;
}

void lab_open(session *s) {
    static const luaL_Reg fns[] = {{"cohort", l_cohort},
                                   {"set_cohort", l_set_cohort},
                                   {"run", l_run},
                                   {"now", l_now},
                                   {NULL, NULL}};
    lua_newtable(s->L);
    lua_pushlightuserdata(s->L, s);
    luaL_setfuncs(s->L, fns, 1);
    lua_setglobal(s->L, "lab");
    export_open(s);
}
