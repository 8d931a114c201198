/* stage_program_read.c - reading a staging module's column program (its
 * `program` table) into C; see stage_program.c for what it means.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every read is raw: a metamethod here would run module code outside any
 * metered call.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stage_program_int.h"
#include "text.h"

/* ------------------------------------------------------------ reading */

static void field_free(lua_State *L, sp_field *f) {
    for (int i = 0; i < f->nclasses; i++)
        free(f->cname[i]);
    free(f->cname);
    free(f->ccap);
    bytemap_free(&f->exact);
    bytemap_free(&f->reduced);
    if (L && f->red_ref > 0)
        luaL_unref(L, LUA_REGISTRYINDEX, f->red_ref);
    free(f->name);
    free(f->unknown_name);
    bytemap_free(&f->tokens);
    bytemap_free(&f->classes);
    bytemap_free(&f->ids);
    bytemap_free(&f->summaries);
    free(f->tok_class);
    free(f->tok_id);
    if (L && f->tok_ref > 0)
        luaL_unref(L, LUA_REGISTRYINDEX, f->tok_ref);
}

void sprog_free(lua_State *L, sprog *p) {
    if (p == NULL)
        return;
    for (int i = 0; i < p->nparts; i++) {
        sp_part *t = &p->part[i];
        for (int k = 0; k < t->nf; k++)
            field_free(L, &t->f[k]);
        bytemap_free(&t->memo);
        bytemap_free(&t->vals);
        for (int v = 0; L && v < t->nvals; v++)
            luaL_unref(L, LUA_REGISTRYINDEX, t->vref[v]);
        free(t->vref);
        if (L && t->fn_ref > 0)
            luaL_unref(L, LUA_REGISTRYINDEX, t->fn_ref);
        free(t->name);
    }
    for (int i = 0; i < p->nfreads; i++)
        free(p->freads[i]);
    if (L && p->finish_ref > 0)
        luaL_unref(L, LUA_REGISTRYINDEX, p->finish_ref);
    bytemap_free(&p->fmemo);
    free(p->res);
    free(p->mod);
    free(p);
}

int sprog_nfields(const sprog *p) {
    return p->nfields;
}
const char *sprog_field(const sprog *p, int i) {
    return p->fields[i];
}

typedef struct reader {
    lua_State *L;
    const char *path;
    char *err;
    size_t errlen;
} reader;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
bad(reader *R, const char *fmt, ...) {
    char m[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(R->err, R->errlen, "%s: program: %s", R->path, m);
    return -1;
}

static void add_field_name(sprog *p, const char *name) {
    for (int i = 0; i < p->nfields; i++)
        if (strcmp(p->fields[i], name) == 0)
            return;
    p->fields[p->nfields++] = name;
}

/* Reads a list of dictionary fields at t[key] into names (at most
 * SP_MAXFIELDS, each once).  Stack unchanged. */
static int read_names(reader *R, int t, const char *key, const char *what, char **names, int *n) {
    lua_State *L = R->L;
    lua_pushstring(L, key);
    if (lua_rawget(L, t) != LUA_TTABLE) {
        lua_pop(L, 1);
        return bad(R, "%s needs reads = {fields...}", what);
    }
    lua_Unsigned len = lua_rawlen(L, -1);
    if (len > SP_MAXFIELDS) {
        lua_pop(L, 1);
        return bad(R, "%s reads more than 16 fields", what);
    }
    for (lua_Unsigned i = 1; i <= len; i++) {
        const char *f =
            lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (f == NULL || !rules_known_field(f)) {
            int rc = bad(R, "%s reads '%.40s', which is no field of the data dictionary", what,
                         f ? f : "?");
            lua_pop(L, 2);
            return rc;
        }
        for (int j = 0; j < *n; j++)
            if (strcmp(names[j], f) == 0) {
                int rc = bad(R, "%s reads '%s' twice", what, f);
                lua_pop(L, 2);
                return rc;
            }
        if ((names[*n] = tnm_strdup(f)) == NULL) {
            lua_pop(L, 2);
            return bad(R, "out of memory");
        }
        (*n)++;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

/* Does the table at t hold keys other than the names?  Fills *which. */
static int stray_key(lua_State *L, int t, sp_part *pt, const char **which) {
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        lua_pop(L, 1);
        int known = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int k = 0; k < pt->nf && !known; k++)
                known = strcmp(pt->f[k].name, lua_tostring(L, -1)) == 0;
        if (!known) {
            *which = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
            lua_pop(L, 1);
            return 1;
        }
    }
    return 0;
}

/* The part table at the top of the stack into pt. */
static int read_part(reader *R, sp_part *pt) {
    lua_State *L = R->L;
    int t = lua_gettop(L);
    lua_pushliteral(L, "name");
    if (lua_rawget(L, t) != LUA_TSTRING || lua_rawlen(L, -1) == 0 || lua_rawlen(L, -1) > 32) {
        lua_pop(L, 1);
        return bad(R, "every part needs a short name");
    }
    pt->name = tnm_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    if (pt->name == NULL)
        return bad(R, "out of memory");
    lua_pushliteral(L, "fn");
    if (lua_rawget(L, t) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return bad(R, "part '%s' needs fn = function(record)", pt->name);
    }
    pt->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    char *names[SP_MAXFIELDS];
    int n = 0;
    char what[64];
    snprintf(what, sizeof what, "part '%s'", pt->name);
    if (read_names(R, t, "reads", what, names, &n) != 0) {
        for (int i = 0; i < n; i++)
            free(names[i]);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        pt->f[i].name = names[i];
        pt->f[i].tok_ref = LUA_NOREF;
        pt->f[i].red_ref = LUA_NOREF;
        pt->f[i].unknown_class = -1;
        pt->f[i].guard = -1;
    }
    pt->nf = n;
    for (int pass = 0; pass < 2; pass++) {
        const char *key = pass ? "lists" : "cuts";
        lua_pushstring(L, key);
        int ty = lua_rawget(L, t);
        if (ty == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        const char *which = NULL;
        if (ty != LUA_TTABLE || stray_key(L, lua_gettop(L), pt, &which)) {
            int rc = which ? bad(R, "part '%s': %s is not one of its reads", pt->name, which)
                           : bad(R, "part '%s': cuts and lists are tables by field", pt->name);
            lua_pop(L, 1);
            return rc;
        }
        for (int k = 0; k < pt->nf; k++) {
            sp_field *f = &pt->f[k];
            lua_pushstring(L, f->name);
            if (lua_rawget(L, -2) == LUA_TNIL) {
                lua_pop(L, 1);
                continue;
            }
            if (f->kind != SP_PLAIN) {
                lua_pop(L, 2);
                return bad(R, "field '%s' has both cuts and a list", f->name);
            }
            if (!pass) { /* cuts: ascending numbers */
                lua_Unsigned nc = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
                if (nc == 0 || nc > SP_MAXCUTS) {
                    lua_pop(L, 2);
                    return bad(R, "cuts of '%s': 1 to 32 numbers", f->name);
                }
                for (lua_Unsigned c = 1; c <= nc; c++) {
                    lua_rawgeti(L, -1, (lua_Integer)c);
                    double x = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
                    lua_pop(L, 1);
                    if (!(x == x) || (c > 1 && !(x > f->cuts[c - 2]))) {
                        lua_pop(L, 2);
                        return bad(R, "cuts of '%s' must be ascending numbers", f->name);
                    }
                    f->cuts[c - 1] = x;
                }
                f->ncuts = (int)nc;
                f->kind = SP_CUT;
            } else { /* lists: {token = function, cap = 1..255} */
                if (!lua_istable(L, -1)) {
                    lua_pop(L, 2);
                    return bad(R, "list '%s' must be {token = function, cap = n}", f->name);
                }
                lua_pushliteral(L, "cap");
                lua_rawget(L, -2);
                lua_Integer cap = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
                lua_pop(L, 1);
                lua_pushliteral(L, "token");
                if (lua_rawget(L, -2) != LUA_TFUNCTION || cap < 1 || cap > 255) {
                    lua_pop(L, 3);
                    return bad(R, "list '%s' must be {token = function, cap = 1..255}", f->name);
                }
                f->tok_ref = luaL_ref(L, LUA_REGISTRYINDEX);
                f->cap = (int)cap;
                lua_pushliteral(L, "reduce");
                if (lua_rawget(L, -2) == LUA_TFUNCTION)
                    f->red_ref = luaL_ref(L, LUA_REGISTRYINDEX);
                else
                    lua_pop(L, 1);
                f->exact.max = SP_MEMO_MAX;
                f->reduced.max = SP_MEMO_MAX;
                lua_pushliteral(L, "unknown");
                if (lua_rawget(L, -2) == LUA_TSTRING && lua_rawlen(L, -1) <= 64 &&
                    (f->unknown_name = tnm_strdup(lua_tostring(L, -1))) == NULL) {
                    lua_pop(L, 3);
                    return bad(R, "out of memory");
                }
                lua_pop(L, 1);
                f->kind = SP_LIST;
                f->tokens.max = SP_TOKENS_MAX;
                f->classes.max = SP_CLASSES_MAX;
                f->ids.max = SP_TOKENS_MAX;
                f->summaries.max = SP_MEMO_MAX;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pushliteral(L, "unless");
    int ut = lua_rawget(L, t);
    const char *which = NULL;
    if (ut != LUA_TNIL && (ut != LUA_TTABLE || stray_key(L, lua_gettop(L), pt, &which))) {
        int rc = which ? bad(R, "part '%s': unless: %s is not one of its reads", pt->name, which)
                       : bad(R, "part '%s': unless is a table by field", pt->name);
        lua_pop(L, 1);
        return rc;
    }
    for (int k = 0; ut == LUA_TTABLE && k < pt->nf; k++) {
        lua_pushstring(L, pt->f[k].name);
        if (lua_rawget(L, -2) != LUA_TNIL) {
            const char *g = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
            for (int j = 0; j < pt->nf; j++)
                if (j != k && strcmp(pt->f[j].name, g) == 0)
                    pt->f[k].guard = j;
            if (pt->f[k].guard < 0 || pt->f[pt->f[k].guard].guard >= 0) {
                int rc = bad(R,
                             "part '%s': unless: %s must name another of its reads (not one "
                             "under unless itself)",
                             pt->name, pt->f[k].name);
                lua_pop(L, 2);
                return rc;
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    pt->memo.max = SP_MEMO_MAX;
    pt->vals.max = SP_VALUES_MAX;
    return 0;
}

int sprog_read(lua_State *L, const char *mod, const char *path, sprog **out, char *err,
               size_t errlen) {
    *out = NULL;
    int mi = lua_gettop(L);
    lua_pushliteral(L, "program");
    int ty = lua_rawget(L, mi);
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    reader R = {L, path, err, errlen};
    if (ty != LUA_TTABLE) {
        lua_pop(L, 1);
        return bad(&R, "must be a table");
    }
    int pi = lua_gettop(L);
    sprog *p = calloc(1, sizeof *p);
    if (p == NULL || (p->mod = tnm_strdup(mod)) == NULL) {
        free(p);
        lua_pop(L, 1);
        return bad(&R, "out of memory");
    }
    p->finish_ref = LUA_NOREF;
    p->fmemo.max = SP_MEMO_MAX;
    p->sep = ';';
    lua_pushliteral(L, "sep");
    if (lua_rawget(L, pi) == LUA_TSTRING) {
        if (lua_rawlen(L, -1) != 1) {
            lua_pop(L, 2);
            sprog_free(L, p);
            return bad(&R, "sep must be one character");
        }
        p->sep = lua_tostring(L, -1)[0];
    }
    lua_pop(L, 1);
    lua_pushliteral(L, "parts");
    lua_Unsigned np = lua_rawget(L, pi) == LUA_TTABLE ? lua_rawlen(L, -1) : 0;
    if (np == 0 || np > SP_MAXPARTS) {
        lua_pop(L, 2);
        sprog_free(L, p);
        return bad(&R, "parts must list 1 to 4 parts");
    }
    for (lua_Unsigned i = 1; i <= np; i++) {
        sp_part *pt = &p->part[p->nparts++];
        pt->fn_ref = LUA_NOREF;
        int rc = lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TTABLE
                     ? read_part(&R, pt)
                     : bad(&R, "a part must be a table");
        lua_settop(L, pi + 1);
        if (rc != 0) {
            lua_pop(L, 2);
            sprog_free(L, p);
            return -1;
        }
        for (lua_Unsigned j = 1; j < i; j++)
            if (strcmp(p->part[j - 1].name, pt->name) == 0) {
                lua_pop(L, 2);
                sprog_free(L, p);
                return bad(&R, "two parts are named '%s'", pt->name);
            }
    }
    lua_pop(L, 1);
    if (read_names(&R, pi, "reads", "finish", p->freads, &p->nfreads) != 0) {
        lua_pop(L, 1);
        sprog_free(L, p);
        return -1;
    }
    lua_pushliteral(L, "finish");
    if (lua_rawget(L, pi) != LUA_TFUNCTION) {
        lua_pop(L, 2);
        sprog_free(L, p);
        return bad(&R, "needs finish = function(parts, record)");
    }
    p->finish_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);
    for (int i = 0; i < p->nparts; i++)
        for (int k = 0; k < p->part[i].nf; k++)
            add_field_name(p, p->part[i].f[k].name);
    for (int i = 0; i < p->nfreads; i++)
        add_field_name(p, p->freads[i]);
    *out = p;
    return 0;
}
