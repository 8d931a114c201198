/* rules_test.c - reading a rule test file (`tnmlab test`): patients as
 * records and what the rules must make of them.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A test file is Lua run in the rules' sandbox (a test file is shared like
 * a rule file, so it is untrusted the same way) and returns a table:
 *
 *   return {
 *     rules = "../deruysscher2012.lua",   -- relative to the test file
 *     set = "deruysscher2012",
 *     params = { max_lesions = 4 },       -- optional, for every case
 *     edition = 8,                        -- optional, 8 or 9
 *     cases = {
 *       { "single brain metastasis", { m_sites = "brain:1", ... },
 *         selected = true, arm = "radical" },
 *       { "five metastases", { ... }, selected = false, exit = "lesions:fail",
 *         params = { max_lesions = 5 } },
 *       { id = "P04", selected = false },  -- row P04 of cohort = "x.csv"
 *     },
 *   }
 *
 * Everything is read raw, with every size bounded.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"
#include "text.h"

enum { TEST_CASES_MAX = 1000, TEST_FIELDS_MAX = 64, TEST_TEXT_MAX = 4096 };

static void values_free(rules_test_value *v, int n) {
    for (int i = 0; i < n; i++) {
        free(v[i].field);
        free(v[i].text);
    }
    free(v);
}

void rules_testfile_free(rules_testfile *t) {
    for (int i = 0; i < t->ncases; i++) {
        rules_test_case *c = &t->cases[i];
        free(c->name);
        values_free(c->vals, c->nvals);
        values_free(c->params, c->nparams);
        free(c->want_arm);
        free(c->want_exit);
        free(c->want_stage);
        free(c->id);
    }
    free(t->cases);
    values_free(t->params, t->nparams);
    free(t->rules_path);
    free(t->cohort_path);
    free(t->set);
    memset(t, 0, sizeof *t);
}

typedef struct reader {
    lua_State *L;
    const char *path;
    char *err;
    size_t errlen;
} reader;

static const char *raw_text(lua_State *L, int t, const char *key) {
    lua_pushstring(L, key);
    const char *s = lua_rawget(L, t) == LUA_TSTRING && lua_rawlen(L, -1) <= TEST_TEXT_MAX
                        ? lua_tostring(L, -1)
                        : NULL;
    lua_pop(L, 1); /* the table keeps the string alive */
    return s;
}

/* The fields of the table at t (string keys; numbers, booleans, text). */
static int read_values(reader *R, int t, const char *what, rules_test_value **out, int *n) {
    lua_State *L = R->L;
    *out = calloc(TEST_FIELDS_MAX, sizeof **out);
    *n = 0;
    if (*out == NULL) {
        snprintf(R->err, R->errlen, "out of memory");
        return -1;
    }
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        int kt = lua_type(L, -2), vt = lua_type(L, -1);
        const char *k = kt == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        if (k == NULL || strlen(k) > 64 || *n == TEST_FIELDS_MAX ||
            (vt != LUA_TNUMBER && vt != LUA_TBOOLEAN && vt != LUA_TSTRING) ||
            (vt == LUA_TSTRING && lua_rawlen(L, -1) > TEST_TEXT_MAX)) {
            snprintf(R->err, R->errlen,
                     "%s: %s: every entry must be field = number, boolean or text (at most %d)",
                     R->path, what, TEST_FIELDS_MAX);
            lua_pop(L, 2);
            return -1;
        }
        rules_test_value *v = &(*out)[(*n)++];
        v->field = tnm_strdup(k);
        v->type = vt == LUA_TNUMBER    ? RULES_TV_NUM
                  : vt == LUA_TBOOLEAN ? RULES_TV_BOOL
                                       : RULES_TV_TEXT;
        v->num = vt == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
        v->b = vt == LUA_TBOOLEAN && lua_toboolean(L, -1);
        v->text = vt == LUA_TSTRING ? tnm_strdup(lua_tostring(L, -1)) : NULL;
        lua_pop(L, 1);
        if (v->field == NULL || (vt == LUA_TSTRING && v->text == NULL)) {
            lua_pop(L, 1);
            snprintf(R->err, R->errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

static int read_case(reader *R, int t, int i, rules_test_case *c) {
    lua_State *L = R->L;
    char what[96];
    snprintf(what, sizeof what, "case %d", i);
    c->want_selected = -1;
    lua_rawgeti(L, t, 1);
    const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    c->name = tnm_strdup(name ? name : what);
    lua_pop(L, 1);
    const char *id = raw_text(L, t, "id");
    int pt = id ? LUA_TNIL : lua_rawgeti(L, t, 2);
    if (id) { /* a row of the file's cohort, named by its id */
        if (name == NULL) {
            free(c->name);
            c->name = tnm_strdup(id);
        }
        if ((c->id = tnm_strdup(id)) == NULL || c->name == NULL) {
            snprintf(R->err, R->errlen, "out of memory");
            return -1;
        }
    } else if (pt != LUA_TTABLE) {
        lua_pop(L, 1);
        snprintf(R->err, R->errlen,
                 "%s: %s (%s): the second entry must be the patient, a table (or the id of a "
                 "row of the file's cohort)",
                 R->path, what, c->name ? c->name : "?");
        return -1;
    }
    int rc = c->id ? 0 : read_values(R, lua_gettop(L), what, &c->vals, &c->nvals);
    if (!c->id)
        lua_pop(L, 1);
    if (rc != 0)
        return -1;
    lua_pushliteral(L, "params");
    if (lua_rawget(L, t) == LUA_TTABLE)
        rc = read_values(R, lua_gettop(L), what, &c->params, &c->nparams);
    lua_pop(L, 1);
    if (rc != 0)
        return -1;
    lua_pushliteral(L, "selected");
    if (lua_rawget(L, t) == LUA_TBOOLEAN)
        c->want_selected = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_pushliteral(L, "edition");
    if (lua_rawget(L, t) == LUA_TNUMBER)
        c->edition = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    const char *arm = raw_text(L, t, "arm"), *exit = raw_text(L, t, "exit");
    const char *stage = raw_text(L, t, "stage");
    c->want_arm = arm ? tnm_strdup(arm) : NULL;
    c->want_exit = exit ? tnm_strdup(exit) : NULL;
    c->want_stage = stage ? tnm_strdup(stage) : NULL;
    if (c->name == NULL || (arm && !c->want_arm) || (exit && !c->want_exit) ||
        (stage && !c->want_stage)) {
        snprintf(R->err, R->errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* name, relative to the folder of path unless absolute (a copy). */
static char *beside(const char *path, const char *name) {
    const char *slash = strrchr(path, '/');
    char full[4200];
    if (name[0] != '/' && slash)
        snprintf(full, sizeof full, "%.*s/%s", (int)(slash - path), path, name);
    else
        snprintf(full, sizeof full, "%s", name);
    return tnm_strdup(full);
}

int rules_load_tests(rules *r, const char *path, rules_testfile *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    lua_State *L = sandbox_state(r->sb);
    int top = lua_gettop(L);
    if (sandbox_dofile(r->sb, path, "test file", err, errlen) != 0)
        return -1;
    reader R = {L, path, err, errlen};
    int t = lua_gettop(L);
    int rc = -1;
    if (!lua_istable(L, t)) {
        snprintf(err, errlen, "%s: a test file must return a table {rules =, set =, cases =}",
                 path);
        goto done;
    }
    const char *rp = raw_text(L, t, "rules"), *set = raw_text(L, t, "set");
    if (rp == NULL || set == NULL) {
        snprintf(err, errlen, "%s: needs rules = \"file.lua\" and set = \"name\"", path);
        goto done;
    }
    /* the rule file (and a cohort) are named relative to the test file */
    out->rules_path = beside(path, rp);
    const char *cp = raw_text(L, t, "cohort");
    if (cp && (out->cohort_path = beside(path, cp)) == NULL) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    out->set = tnm_strdup(set);
    lua_pushliteral(L, "edition");
    if (lua_rawget(L, t) == LUA_TNUMBER)
        out->edition = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushliteral(L, "params");
    if (lua_rawget(L, t) == LUA_TTABLE &&
        read_values(&R, lua_gettop(L), "params", &out->params, &out->nparams) != 0) {
        lua_pop(L, 1);
        goto done;
    }
    lua_pop(L, 1);
    lua_pushliteral(L, "cases");
    lua_Unsigned n = lua_rawget(L, t) == LUA_TTABLE ? lua_rawlen(L, -1) : 0;
    if (n == 0 || n > TEST_CASES_MAX) {
        snprintf(err, errlen, "%s: cases must list 1 to %d cases", path, TEST_CASES_MAX);
        goto done;
    }
    int ct = lua_gettop(L);
    if ((out->cases = calloc(n, sizeof *out->cases)) == NULL || !out->rules_path || !out->set) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (lua_Unsigned i = 1; i <= n; i++) {
        if (lua_rawgeti(L, ct, (lua_Integer)i) != LUA_TTABLE) {
            snprintf(err, errlen, "%s: case %llu must be a table {name, patient, ...}", path,
                     (unsigned long long)i);
            goto done;
        }
        out->ncases = (int)i;
        if (read_case(&R, lua_gettop(L), (int)i, &out->cases[i - 1]) != 0)
            goto done;
        lua_pop(L, 1);
    }
    rc = 0;
done:
    lua_settop(L, top);
    if (rc != 0)
        rules_testfile_free(out);
    return rc;
}
