/* lcohort.c - the `cohort` Lua binding (see lcohort.h).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three userdata types:
 *   tnmlab.cohort  a box holding the cohort pointer (NULL once collected);
 *   tnmlab.column  a view of one column: {box, column position}, with the
 *                  cohort userdata as its user value so the cohort outlives it;
 *   tnmlab.row     the row handed to c:filter's function, same layout.
 * Missing values read as nil; integral numbers as Lua integers.
 */
#include "lcohort.h"

#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "pg_read.h"
#include "sqlite_read.h"
#include "lcell.h"

#define COHORT_MT "tnmlab.cohort"
#define COLUMN_MT "tnmlab.column"
#define ROW_MT "tnmlab.row"

typedef struct cohort_box {
    cohort *c;
} cohort_box;

typedef struct column_view {
    cohort *c;
    cohort_column *col; /* checked against position on each use */
    size_t pos;
} column_view;

typedef struct row_ref {
    cohort *c;
    size_t row;
} row_ref;

cohort *lcohort_test(lua_State *L, int idx) {
    cohort_box *b = luaL_testudata(L, idx, COHORT_MT);
    return b ? b->c : NULL;
}

cohort *lcohort_check(lua_State *L, int idx) {
    cohort_box *b = luaL_checkudata(L, idx, COHORT_MT);
    if (!b->c)
        luaL_argerror(L, idx, "cohort is closed");
    return b->c;
}

/* [] -> [box] with c = NULL: made before the work, so nothing leaks if
 * Lua runs out of memory after the cohort exists. */
static cohort_box *new_box(lua_State *L) {
    cohort_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->c = NULL;
    luaL_setmetatable(L, COHORT_MT);
    return b;
}

/* [lightuserdata c] -> [box] (run protected by lcohort_push) */
static int push_protected(lua_State *L) {
    cohort *c = lua_touserdata(L, 1);
    new_box(L)->c = c;
    return 1;
}

void lcohort_push(lua_State *L, cohort *c) {
    lua_pushcfunction(L, push_protected);
    lua_pushlightuserdata(L, c);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        cohort_free(c);
        lua_error(L);
    }
}

/* Pushes malloc'd text without its final newline and frees it.  [] -> [s] */
static void push_text(lua_State *L, char *s) {
    if (!s)
        luaL_error(L, "not enough memory");
    size_t len = strlen(s);
    if (len && s[len - 1] == '\n')
        len--;
    lua_pushlstring(L, s, len);
    free(s);
}

/* ---- cohort methods ---- */

/* __gc: [c] -> [] */
static int c_gc(lua_State *L) {
    cohort_box *b = luaL_checkudata(L, 1, COHORT_MT);
    cohort_free(b->c);
    b->c = NULL;
    return 0;
}

/* __len: [c] -> [rows] */
static int c_len(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)cohort_nrows(lcohort_check(L, 1)));
    return 1;
}

/* __tostring: [c] -> [summary text] */
static int c_tostring(lua_State *L) {
    cohort_box *b = luaL_checkudata(L, 1, COHORT_MT);
    if (!b->c) {
        lua_pushliteral(L, "cohort (closed)");
        return 1;
    }
    push_text(L, cohort_summary_text(b->c));
    return 1;
}

/* c:columns(): [c] -> [{name, ...}] */
static int c_columns(lua_State *L) {
    cohort *c = lcohort_check(L, 1);
    size_t n = cohort_ncols(c);
    lua_createtable(L, (int)n, 0);
    for (size_t j = 0; j < n; j++) {
        lua_pushstring(L, cohort_col(c, j)->name);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    return 1;
}

/* c:column(name): [c, name] -> [view] or [nil] */
static int c_column(lua_State *L) {
    cohort *c = lcohort_check(L, 1);
    const char *name = luaL_checkstring(L, 2);
    for (size_t j = 0; j < cohort_ncols(c); j++) {
        cohort_column *col = cohort_col(c, j);
        if (strcmp(col->name, name) == 0) {
            column_view *v = lua_newuserdatauv(L, sizeof *v, 1);
            v->c = c;
            v->col = col;
            v->pos = j;
            lua_pushvalue(L, 1);
            lua_setiuservalue(L, -2, 1); /* keeps the cohort alive */
            luaL_setmetatable(L, COLUMN_MT);
            return 1;
        }
    }
    lua_pushnil(L);
    return 1;
}

/* A column view's column, found again if another binding removed or added
 * columns since the view was made; raises an error if it is gone. */
static cohort_column *view_column(lua_State *L, column_view *v) {
    if (cohort_col(v->c, v->pos) == v->col)
        return v->col;
    for (size_t j = 0; j < cohort_ncols(v->c); j++)
        if (cohort_col(v->c, j) == v->col) {
            v->pos = j;
            return v->col;
        }
    luaL_error(L, "column view: the column no longer exists");
    return NULL;
}

/* view[i]: [view, i] -> [value or nil] */
static int v_index(lua_State *L) {
    column_view *v = luaL_checkudata(L, 1, COLUMN_MT);
    cohort_column *col = view_column(L, v);
    int isint;
    lua_Integer i = lua_tointegerx(L, 2, &isint);
    if (!isint || i < 1 || (lua_Unsigned)i > cohort_nrows(v->c)) {
        lua_pushnil(L);
        return 1;
    }
    lcell_push(L, col, (size_t)i - 1);
    return 1;
}

/* __newindex: always an error, the view is read-only */
static int v_newindex(lua_State *L) {
    luaL_checkudata(L, 1, COLUMN_MT);
    return luaL_error(L, "column view is read-only (use a derived column to change values)");
}

/* #view: [view] -> [rows] */
static int v_len(lua_State *L) {
    column_view *v = luaL_checkudata(L, 1, COLUMN_MT);
    lua_pushinteger(L, (lua_Integer)cohort_nrows(v->c));
    return 1;
}

/* tostring(view): [view] -> ["column 'age' (number, 228 rows, 0 missing)"] */
static int v_tostring(lua_State *L) {
    column_view *v = luaL_checkudata(L, 1, COLUMN_MT);
    cohort_column *col = view_column(L, v);
    size_t n = cohort_nrows(v->c);
    lua_pushfstring(L, "column '%s' (%s, %I rows, %I missing)", col->name,
                    cohort_type_name(col->type), (lua_Integer)n,
                    (lua_Integer)cohort_missing(col, n));
    return 1;
}

/* row.name inside c:filter: [row, name] -> [value or nil] */
static int r_index(lua_State *L) {
    row_ref *r = luaL_checkudata(L, 1, ROW_MT);
    const char *name = luaL_checkstring(L, 2);
    cohort_column *col = cohort_find(r->c, name);
    if (!col)
        return luaL_error(L, "row has no column '%s'", name);
    lcell_push(L, col, r->row);
    return 1;
}

static int r_newindex(lua_State *L) {
    luaL_checkudata(L, 1, ROW_MT);
    return luaL_error(L, "a row of a cohort is read-only");
}

/* c:filter(fn): fn(row, i) for each row; rows where it returns a true value
 * make a new cohort.  [c, fn] -> [cohort] */
static int c_filter(lua_State *L) {
    cohort *c = lcohort_check(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    size_t n = cohort_nrows(c);
    cohort_mask *m = cohort_mask_new(n, 0);
    if (!m)
        return luaL_error(L, "not enough memory");
    /* the mask is freed by a to-be-closed value if fn raises an error */
    cohort_mask **guard = lua_newuserdatauv(L, sizeof *guard, 0);
    *guard = m;
    luaL_setmetatable(L, "tnmlab.maskguard");
    lua_toclose(L, -1);
    for (size_t i = 0; i < n; i++) {
        lua_pushvalue(L, 2);
        row_ref *r = lua_newuserdatauv(L, sizeof *r, 1);
        r->c = c;
        r->row = i;
        lua_pushvalue(L, 1);
        lua_setiuservalue(L, -2, 1);
        luaL_setmetatable(L, ROW_MT);
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_call(L, 2, 1);
        if (lua_toboolean(L, -1))
            cohort_mask_set(m, i, 1);
        lua_pop(L, 1);
    }
    size_t k;
    uint32_t *idx = cohort_mask_index(m, &k);
    if (!idx && k)
        return luaL_error(L, "not enough memory");
    cohort_box *b = new_box(L);
    b->c = cohort_select(c, idx, k);
    free(idx);
    if (!b->c)
        return luaL_error(L, "not enough memory");
    return 1;
}

/* __close of the filter's mask guard: frees the mask.  [guard, err] -> [] */
static int mask_close(lua_State *L) {
    cohort_mask **g = lua_touserdata(L, 1);
    if (g && *g) {
        cohort_mask_free(*g);
        *g = NULL;
    }
    return 0;
}

/* c:head([n = 6]): [c, n] -> [text of the first n rows] */
static int c_head(lua_State *L) {
    cohort *c = lcohort_check(L, 1);
    lua_Integer n = luaL_optinteger(L, 2, 6);
    luaL_argcheck(L, n >= 0, 2, "must not be negative");
    push_text(L, cohort_format_rows(c, 0, (size_t)n));
    return 1;
}

/* __tostring of a summary table: upvalue 1 is the text.  [t] -> [text] */
static int summary_tostring(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    return 1;
}

/* c:summary(): [c] -> [{rows =, ncols =, columns = {{name =, type =, missing =}, ...}}]
 * columns is also keyed by name; tostring() of the result is the summary. */
static int c_summary(lua_State *L) {
    cohort *c = lcohort_check(L, 1);
    size_t n = cohort_nrows(c), k = cohort_ncols(c);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)n);
    lua_setfield(L, -2, "rows");
    lua_pushinteger(L, (lua_Integer)k);
    lua_setfield(L, -2, "ncols");
    lua_createtable(L, (int)k, (int)k);
    for (size_t j = 0; j < k; j++) {
        const cohort_column *col = cohort_col(c, j);
        lua_createtable(L, 0, 4);
        lua_pushstring(L, col->name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, cohort_type_name(col->type));
        lua_setfield(L, -2, "type");
        lua_pushinteger(L, (lua_Integer)cohort_missing(col, n));
        lua_setfield(L, -2, "missing");
        if (col->type == COHORT_STR) {
            lua_pushinteger(L, col->nlevels);
            lua_setfield(L, -2, "levels");
        }
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, col->name);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_setfield(L, -2, "columns");
    /* the text, for tostring() */
    lua_createtable(L, 0, 1);
    push_text(L, cohort_summary_text(c));
    lua_pushcclosure(L, summary_tostring, 1);
    lua_setfield(L, -2, "__tostring");
    lua_setmetatable(L, -2);
    return 1;
}

/* ---- options ---- */

/* A single-byte option value from a one-character string field. */
static char opt_char(lua_State *L, int t, const char *key, char dflt) {
    char ch = dflt;
    if (lua_getfield(L, t, key) != LUA_TNIL) {
        size_t len = 0;
        const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        if (!s || len != 1)
            luaL_error(L, "option '%s' must be a one-character string", key);
        ch = s[0];
    }
    lua_pop(L, 1);
    return ch;
}

/* The size limit: option max_bytes (a positive integer) of the options
 * table at t (0 = none), else csv_env_max_bytes.  Stack unchanged; raises a
 * Lua error on a bad value. */
static uint64_t opt_max_bytes(lua_State *L, int t) {
    uint64_t n = 0;
    if (t && lua_getfield(L, t, "max_bytes") != LUA_TNIL) {
        int ok = 0;
        lua_Integer v = lua_tointegerx(L, -1, &ok);
        if (!ok || v <= 0)
            luaL_error(L, "option 'max_bytes' must be a positive whole number of bytes");
        n = (uint64_t)v;
    } else {
        char err[256];
        if (csv_env_max_bytes(&n, err, sizeof err) != 0)
            luaL_error(L, "%s", err);
    }
    if (t)
        lua_pop(L, 1);
    return n;
}

/* Scratch memory that Lua collects, so an error cannot leak it.  [] -> [ud] */
static void *scratch(lua_State *L, size_t n, size_t size) {
    return lua_newuserdatauv(L, (n ? n : 1) * size, 0);
}

/* The strings of an array field (or a single string); they stay valid while
 * the options table is on the stack.  Pushes one scratch userdata. */
static const char **opt_strings(lua_State *L, int t, const char *key, size_t *n) {
    *n = 0;
    int ty = lua_getfield(L, t, key);
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushnil(L); /* keep the stack shape: one slot */
        return NULL;
    }
    if (ty == LUA_TSTRING) {
        const char **v = scratch(L, 1, sizeof *v);
        v[0] = lua_tostring(L, -2);
        *n = 1;
        lua_remove(L, -2); /* the string stays referenced by the table */
        return v;
    }
    if (ty != LUA_TTABLE)
        luaL_error(L, "option '%s' must be a list of strings", key);
    size_t len = (size_t)lua_rawlen(L, -1);
    const char **v = scratch(L, len, sizeof *v);
    for (size_t i = 0; i < len; i++) {
        if (lua_rawgeti(L, -2, (lua_Integer)i + 1) != LUA_TSTRING)
            luaL_error(L, "option '%s': item %d is not a string", key, (int)i + 1);
        v[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    *n = len;
    lua_remove(L, -2);
    return v;
}

/* The pairs of a table field {key = "value"}.  Pushes one scratch userdata. */
static csv_pair *opt_pairs(lua_State *L, int t, const char *key, size_t *n) {
    *n = 0;
    if (lua_getfield(L, t, key) == LUA_TNIL) {
        return NULL; /* the nil is the slot */
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "option '%s' must be a table {name = \"column\"}", key);
    size_t count = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        count++;
        lua_pop(L, 1);
    }
    csv_pair *v = scratch(L, count, sizeof *v);
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "option '%s': entries must be name = \"column\" strings", key);
        v[*n].key = lua_tostring(L, -2);
        v[*n].value = lua_tostring(L, -1);
        (*n)++;
        lua_pop(L, 1);
    }
    lua_remove(L, -2);
    return v;
}

/* opts.recode = {column = {from = to, ...}, ...}: from and to are text or
 * numbers (or booleans for to), as the file spells them.  Pushes the
 * recode table (or nil), a scratch userdata and a table holding the text
 * forms, which stay valid while they are on the stack. */
static csv_recode *opt_recode(lua_State *L, int t, size_t *n) {
    *n = 0;
    if (lua_getfield(L, t, "recode") == LUA_TNIL)
        return NULL;
    if (!lua_istable(L, -1))
        luaL_error(L, "option 'recode' must be a table {column = {from = to, ...}}");
    int rt = lua_gettop(L);
    size_t count = 0;
    lua_pushnil(L);
    while (lua_next(L, rt)) {
        if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1))
            luaL_error(L, "option 'recode': entries are column = {from = to, ...}");
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            count++;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    csv_recode *v = scratch(L, count, sizeof *v);
    lua_newtable(L);
    int holder = lua_gettop(L), kept = 0;
    lua_pushnil(L);
    while (lua_next(L, rt)) {
        const char *col = lua_tostring(L, -2); /* a string key: no conversion */
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            int tk = lua_type(L, -2), tv = lua_type(L, -1);
            if ((tk != LUA_TSTRING && tk != LUA_TNUMBER) ||
                (tv != LUA_TSTRING && tv != LUA_TNUMBER && tv != LUA_TBOOLEAN))
                luaL_error(L, "option 'recode.%s': entries are from = to, text or numbers", col);
            v[*n].column = col;
            luaL_tolstring(L, -2, NULL); /* a copy: the key itself stays as it is */
            v[*n].from = lua_tostring(L, -1);
            lua_rawseti(L, holder, ++kept);
            luaL_tolstring(L, -1, NULL);
            v[*n].to = lua_tostring(L, -1);
            lua_rawseti(L, holder, ++kept);
            (*n)++;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    return v;
}

static void check_keys(lua_State *L, int t, const char *fn, const char *const *known) {
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        int ok = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (const char *const *k = known; *k; k++)
                ok |= strcmp(*k, lua_tostring(L, -1)) == 0;
        if (!ok) {
            lua_pushfstring(L, "%s: unknown option '%s'", fn, luaL_tolstring(L, -1, NULL));
            lua_error(L);
        }
    }
}

/* cohort.read_csv(path [, opts]): [path, opts] -> [cohort]
 * opts: map = {name = "header"}, na = {...}, sep = ";", decimal = ",",
 * recode = {column = {from = to}} (after the map),
 * types = {col = "number"|"string"|"bool"}, status = {"col", ...},
 * max_bytes = N (the size limit; default $TNMLAB_CSV_MAX_BYTES or 4 GiB). */
static int l_read_csv(lua_State *L) {
    const char *path = luaL_checkstring(L, 1);
    csv_options o;
    csv_options_init(&o);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        static const char *const known[] = {"map",    "na",        "sep",    "decimal", "types",
                                            "status", "max_bytes", "recode", NULL};
        check_keys(L, 2, "read_csv", known);
        o.recode = opt_recode(L, 2, &o.nrecode);
        o.sep = opt_char(L, 2, "sep", 0);
        o.decimal = opt_char(L, 2, "decimal", 0);
        o.map = opt_pairs(L, 2, "map", &o.nmap);
        o.na = opt_strings(L, 2, "na", &o.nna);
        o.status = opt_strings(L, 2, "status", &o.nstatus);
        size_t ntypes;
        csv_pair *tp = opt_pairs(L, 2, "types", &ntypes);
        csv_typespec *ts = scratch(L, ntypes, sizeof *ts);
        for (size_t i = 0; i < ntypes; i++) {
            const char *t = tp[i].value;
            ts[i].name = tp[i].key;
            if (!strcmp(t, "number"))
                ts[i].type = COHORT_NUM;
            else if (!strcmp(t, "string"))
                ts[i].type = COHORT_STR;
            else if (!strcmp(t, "bool"))
                ts[i].type = COHORT_BOOL;
            else
                return luaL_error(
                    L,
                    "read_csv: type of '%s' must be \"number\", \"string\" or \"bool\", not '%s'",
                    tp[i].key, t);
        }
        o.types = ts;
        o.ntypes = ntypes;
    }
    o.max_bytes = opt_max_bytes(L, lua_isnoneornil(L, 2) ? 0 : 2);
    cohort_box *b = new_box(L);
    char err[512];
    b->c = csv_read_file(path, NULL, &o, err, sizeof err);
    if (!b->c) { /* the message names file:line:column already */
        lua_pushstring(L, err);
        return lua_error(L);
    }
    return 1;
}

/* cohort.read_sqlite(path, table_or_query [, opts]) and
 * cohort.read_pg(conninfo, table_or_query [, opts]): [src, what, opts] ->
 * [cohort]; opts as read_csv's, without sep, decimal and types (a
 * database's values say what they are) */
static int read_db(lua_State *L, const char *fn,
                   cohort *(*reader)(const char *, const char *, const csv_options *, char *,
                                     size_t)) {
    const char *src = luaL_checkstring(L, 1);
    const char *what = luaL_checkstring(L, 2);
    csv_options o;
    csv_options_init(&o);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        static const char *const known[] = {"map", "na", "status", "max_bytes", "recode", NULL};
        check_keys(L, 3, fn, known);
        o.recode = opt_recode(L, 3, &o.nrecode);
        o.map = opt_pairs(L, 3, "map", &o.nmap);
        o.na = opt_strings(L, 3, "na", &o.nna);
        o.status = opt_strings(L, 3, "status", &o.nstatus);
    }
    o.max_bytes = opt_max_bytes(L, lua_isnoneornil(L, 3) ? 0 : 3);
    cohort_box *b = new_box(L);
    char err[1024];
    b->c = reader(src, what, &o, err, sizeof err);
    if (!b->c) {
        lua_pushstring(L, err);
        return lua_error(L);
    }
    return 1;
}

static int l_read_sqlite(lua_State *L) {
    return read_db(L, "read_sqlite", sqlite_read);
}

/* conninfo: "postgresql://user@host/db", or "pg:" + libpq keywords */
static int l_read_pg(lua_State *L) {
    if (!pg_is_conninfo(luaL_checkstring(L, 1)))
        return luaL_error(L, "read_pg: a postgresql://... URL or pg:KEYWORDS, not a file name");
    return read_db(L, "read_pg", pg_read);
}

/* c:write_sqlite(path, table [, {replace = bool}]): [c, path, table, opts] -> [true] */
static int c_write_sqlite(lua_State *L) {
    cohort *c = lcohort_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    const char *table = luaL_checkstring(L, 3);
    int replace = 0;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        static const char *const known[] = {"replace", NULL};
        check_keys(L, 4, "write_sqlite", known);
        lua_getfield(L, 4, "replace");
        replace = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    char err[1024];
    if (sqlite_write(c, path, table, replace, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    lua_pushboolean(L, 1);
    return 1;
}

/* c:write_csv(path [, {sep =, decimal =, na =}]): [c, path, opts] -> [true] */
static int c_write_csv(lua_State *L) {
    cohort *c = lcohort_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    csv_write_options o = {0, 0, NULL};
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        static const char *const known[] = {"sep", "decimal", "na", NULL};
        check_keys(L, 3, "write_csv", known);
        o.sep = opt_char(L, 3, "sep", 0);
        o.decimal = opt_char(L, 3, "decimal", 0);
        if (lua_getfield(L, 3, "na") != LUA_TNIL)
            o.na = luaL_checkstring(L, -1); /* stays on the stack */
        if (o.decimal && o.decimal != '.' && o.decimal != ',')
            return luaL_error(L, "write_csv: decimal must be \".\" or \",\"");
        if ((o.sep ? o.sep : ',') == (o.decimal ? o.decimal : '.'))
            return luaL_error(L, "write_csv: decimal mark and separator are both '%c'",
                              o.sep ? o.sep : ',');
    }
    char err[512];
    if (csv_write_file(c, path, &o, err, sizeof err) != 0) {
        lua_pushstring(L, err);
        return lua_error(L);
    }
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg cohort_methods[] = {{"columns", c_columns},
                                          {"column", c_column},
                                          {"filter", c_filter},
                                          {"write_csv", c_write_csv},
                                          {"write_sqlite", c_write_sqlite},
                                          {"head", c_head},
                                          {"summary", c_summary},
                                          {NULL, NULL}};

static const luaL_Reg cohort_meta[] = {
    {"__gc", c_gc}, {"__len", c_len}, {"__tostring", c_tostring}, {NULL, NULL}};

static const luaL_Reg column_meta[] = {{"__index", v_index},
                                       {"__newindex", v_newindex},
                                       {"__len", v_len},
                                       {"__tostring", v_tostring},
                                       {NULL, NULL}};

static const luaL_Reg row_meta[] = {{"__index", r_index}, {"__newindex", r_newindex}, {NULL, NULL}};

static const luaL_Reg cohort_lib[] = {
    {"read_csv", l_read_csv}, {"read_sqlite", l_read_sqlite}, {"read_pg", l_read_pg}, {NULL, NULL}};

int dsl_open_cohort(lua_State *L) {
    luaL_newmetatable(L, COHORT_MT);
    luaL_setfuncs(L, cohort_meta, 0);
    luaL_newlib(L, cohort_methods);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "cohort");
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);

    luaL_newmetatable(L, COLUMN_MT);
    luaL_setfuncs(L, column_meta, 0);
    lua_pop(L, 1);

    luaL_newmetatable(L, ROW_MT);
    luaL_setfuncs(L, row_meta, 0);
    lua_pop(L, 1);

    luaL_newmetatable(L, "tnmlab.maskguard");
    lua_pushcfunction(L, mask_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, mask_close);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);

    /* keep a `cohort` table another binding may have started (cohort.demo) */
    if (lua_getglobal(L, "cohort") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
    }
    luaL_setfuncs(L, cohort_lib, 0);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "cohort");
    return 1;
}
