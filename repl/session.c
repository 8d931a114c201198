/* session.c - session set-up and line evaluation (see session.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "session.h"

#include <lauxlib.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "interrupt.h"
#include "lab.h"
#include "lcohort.h"
#include "lrules.h"
#include "luastate.h"
#include "text.h"
#include "view.h"

#ifndef TNMLAB_PKGDATADIR
#define TNMLAB_PKGDATADIR "/usr/local/share/tnmlab"
#endif

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Finds a shipped folder ("scripts" or "data"): the environment variable
 * first, then next to the executable (a build in the source tree), then one
 * level up from it (tests/ or an out-of-tree build beside the source), then
 * the installed data directory. */
void session_find_dir(char *out, size_t n, const char *envvar, const char *name) {
    const char *env = getenv(envvar);
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int k = snprintf(out, n, "%s/%s", exe, name);
            if (k > 0 && (size_t)k < n && is_dir(out))
                return;
        }
    }
    snprintf(out, n, "%s/%s", TNMLAB_PKGDATADIR, name);
#ifdef TNMLAB_SRCDIR
    /* Not installed: a build directory outside the source tree. */
    if (!is_dir(out)) {
        int k = snprintf(out, n, "%s/%s", TNMLAB_SRCDIR, name);
        if (k < 0 || (size_t)k >= n || !is_dir(out))
            snprintf(out, n, "%s/%s", TNMLAB_PKGDATADIR, name);
    }
#endif
}

/* print(...) through the session's output sink.  Upvalue 1: the session. */
static int l_print(lua_State *L) {
    session *s = lua_touserdata(L, lua_upvalueindex(1));
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *str = luaL_tolstring(L, i, &len);
        if (i > 1)
            sink_write(&s->out, "\t", 1);
        sink_write(&s->out, str, len);
        lua_pop(L, 1);
    }
    sink_write(&s->out, "\n", 1);
    return 0;
}

int session_init(session *s, const tnm_options *opts, sink out, sink err, char *err_buf,
                 size_t errlen) {
    memset(s, 0, sizeof *s);
    s->out = out;
    s->err = err;
    s->opts = opts;
    session_find_dir(s->scripts_dir, sizeof s->scripts_dir, "TNMLAB_SCRIPTS", "scripts");
    session_find_dir(s->data_dir, sizeof s->data_dir, "TNMLAB_DATA", "data");
    s->L = dsl_state_new(s->scripts_dir, err_buf, errlen);
    if (s->L == NULL)
        return -1;
    lua_pushlightuserdata(s->L, s);
    lua_pushcclosure(s->L, l_print, 1);
    lua_setglobal(s->L, "print");
    lua_pushstring(s->L, s->data_dir);
    lua_setglobal(s->L, "TNMLAB_DATA");
    s->cohort_ref = LUA_NOREF;
    s->lesson_ref = LUA_NOREF;
    s->autosave_lock = -1;
    /* The session owns its rule engine and lends it to the Lua state, so
     * that rules.* in scripts and the commands work on the same rules. */
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/staging", s->scripts_dir);
    s->engine = rules_new(0, 0, err_buf, errlen);
    if (s->engine == NULL || rules_set_staging_dir(s->engine, dir) != 0 ||
        dsl_rules_use(s->L, s->engine) != 0 ||
        model_init(&s->model, s->engine, err_buf, errlen) != 0) {
        if (s->engine) /* model_init cannot fail with an engine given */
            snprintf(err_buf, errlen, "out of memory setting up the rule engine");
        lua_close(s->L);
        s->L = NULL;
        rules_free(s->engine);
        s->engine = NULL;
        return -1;
    }
    lab_open(s);
    return 0;
}

void session_close(session *s) {
    for (int i = 0; i < s->nrule_files; i++)
        free(s->rule_files[i]);
    s->nrule_files = 0;
    for (int i = 0; i < s->nshipped_files; i++)
        free(s->shipped_files[i]);
    s->nshipped_files = 0;
    free(s->last_saved);
    s->last_saved = NULL;
    textlog_free(&s->case_text);
    model_free(&s->model);
    if (s->L)
        lua_close(s->L);
    s->L = NULL;
    rules_free(s->engine); /* after the state: its evaluations use it */
    s->engine = NULL;
}

int session_set_cohort(session *s, int idx, const char *name, const char *time_unit) {
    lua_State *L = s->L;
    idx = lua_absindex(L, idx);
    cohort *c = lcohort_test(L, idx);
    if (c == NULL) {
        sink_printf(&s->err, "not a cohort\n");
        return 1;
    }
    char err[512];
    if (model_set_cohort(&s->model, c, name, time_unit, err, sizeof err) != 0) {
        sink_printf(&s->err, "%s: %s\n", name, err);
        /* The old cohort is still referenced; put it back in the model. */
        if (s->cohort_ref != LUA_NOREF) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, s->cohort_ref);
            cohort *old = lcohort_test(L, -1);
            lua_pop(L, 1);
            model_set_cohort(&s->model, old, s->model.cohort_name, "months", err, sizeof err);
        }
        return 1;
    }
    lua_pushvalue(L, idx);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    luaL_unref(L, LUA_REGISTRYINDEX, s->cohort_ref);
    s->cohort_ref = ref;
    return 0;
}

/* [c] -> [cohort userdata] */
static int push_cohort(lua_State *L) {
    lcohort_push(L, lua_touserdata(L, 1));
    return 1;
}

int session_adopt_cohort(session *s, cohort *c, const char *name, const char *time_unit) {
    lua_State *L = s->L;
    lua_pushcfunction(L, push_cohort);
    lua_pushlightuserdata(L, c);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) { /* out of memory: lcohort_push freed c */
        sink_printf(&s->err, "%s: %s\n", name, dsl_errmsg(L));
        lua_pop(L, 1);
        return 1;
    }
    int rc = session_set_cohort(s, -1, name, time_unit);
    lua_pop(L, 1);
    return rc;
}

void session_print_view(session *s, void (*view)(const model *, textlog *, int)) {
    textlog t;
    if (textlog_init(&t, 1000) != 0)
        return;
    view(&s->model, &t, 100);
    textlog_flush(&t);
    for (size_t i = 0; i < t.count; i++) {
        sink_puts(&s->out, textlog_get(&t, i)->text);
        sink_puts(&s->out, "\n");
    }
    textlog_free(&t);
}

int session_refresh(session *s) {
    char err[1024];
    unsigned long before = s->model.updates;
    if (model_update(&s->model, err, sizeof err) != 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    if (s->print_views && s->model.updates != before && s->model.cur.valid)
        session_print_view(s, view_outcome);
    return 0;
}

/* Reports the error on top of the stack and pops it. */
static void report(session *s) {
    const char *msg = dsl_errmsg(s->L);
    sink_printf(&s->err, "%s\n", msg);
    lua_pop(s->L, 1);
}

/* Prints the values on the stack above base, as lua.c's l_print does. */
static void print_results(session *s, int base) {
    int n = lua_gettop(s->L) - base;
    if (n <= 0)
        return;
    lua_getglobal(s->L, "print");
    lua_insert(s->L, base + 1);
    if (dsl_pcall(s->L, n, 0) != LUA_OK)
        report(s);
}

int session_run_chunk(session *s, const char *chunk, size_t len, const char *chunkname, int print) {
    lua_State *L = s->L;
    int base = lua_gettop(L);
    int status = LUA_ERRSYNTAX;
    if (print) {
        /* As lua.c: an expression typed alone prints its value. */
        lua_pushfstring(L, "return %s;", chunk);
        status = luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), chunkname);
        lua_remove(L, -2);
        if (status != LUA_OK)
            lua_pop(L, 1);
    }
    if (status != LUA_OK)
        status = luaL_loadbuffer(L, chunk, len, chunkname);
    if (status == LUA_OK)
        status = dsl_pcall(L, 0, LUA_MULTRET);
    if (status != LUA_OK) {
        report(s);
        lua_settop(L, base);
        return 1;
    }
    if (print)
        print_results(s, base);
    lua_settop(L, base);
    return 0;
}

int session_run_script(session *s, const char *path, int argc, char **argv, int first) {
    lua_State *L = s->L;
    lua_createtable(L, argc - first, first + 1);
    lua_pushstring(L, argv[0]);
    lua_rawseti(L, -2, -1);
    lua_pushstring(L, path);
    lua_rawseti(L, -2, 0);
    for (int i = first + 1; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - first);
    }
    lua_setglobal(L, "arg");
    int status = luaL_loadfile(L, path);
    if (status == LUA_OK) {
        int nargs = 0;
        for (int i = first + 1; i < argc; i++, nargs++)
            lua_pushstring(L, argv[i]);
        status = dsl_pcall(L, nargs, 0);
    }
    if (status != LUA_OK) {
        report(s);
        return 1;
    }
    return 0;
}

/* A syntax error whose message ends in <eof> means "keep typing" (lua.c). */
static int incomplete(lua_State *L, int status) {
    if (status != LUA_ERRSYNTAX)
        return 0;
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    static const char mark[] = "<eof>";
    return lmsg >= sizeof mark - 1 && strcmp(msg + lmsg - (sizeof mark - 1), mark) == 0;
}

/* "word arg..." where word is a plain name that is not a Lua keyword: the
 * user probably meant a command. */
static int looks_like_command(const char *line) {
    static const char *const keywords[] = {
        "and",      "break",  "do",   "else", "elseif", "end",   "false", "for",
        "function", "goto",   "if",   "in",   "local",  "nil",   "not",   "or",
        "repeat",   "return", "then", "true", "until",  "while", NULL};
    size_t w = 0;
    while (line[w] == '_' || isalnum((unsigned char)line[w]))
        w++;
    if (w == 0 || isdigit((unsigned char)line[0]) || (line[w] != ' ' && line[w] != '\t'))
        return 0;
    for (const char *const *k = keywords; *k; k++)
        if (strlen(*k) == w && strncmp(*k, line, w) == 0)
            return 0;
    const char *rest = line + w;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    return *rest && *rest != '=' && *rest != '(' && *rest != '.' && *rest != ':' && *rest != '[' &&
           *rest != '"' && *rest != '\'' && *rest != '{';
}

feed_status session_feed(session *s, char **pending, const char *line) {
    if (*pending == NULL) {
        int handled = commands_dispatch(s, line);
        if (handled >= 0) {
            tnm_interrupt_clear(); /* a Ctrl-C that stopped the command is spent */
            return handled == 0 ? FEED_DONE : FEED_ERROR;
        }
        *pending = strdup(line);
    } else {
        size_t a = strlen(*pending), b = strlen(line);
        char *joined = realloc(*pending, a + b + 2);
        if (joined == NULL)
            return FEED_ERROR;
        joined[a] = '\n';
        memcpy(joined + a + 1, line, b + 1);
        *pending = joined;
    }
    if (*pending == NULL)
        return FEED_ERROR;
    lua_State *L = s->L;
    /* Complete when either `return <chunk>` or the chunk itself compiles. */
    lua_pushfstring(L, "return %s;", *pending);
    int status = luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin");
    lua_pop(L, 2);
    if (status != LUA_OK) {
        status = luaL_loadbuffer(L, *pending, strlen(*pending), "=stdin");
        if (incomplete(L, status)) {
            lua_pop(L, 1);
            return FEED_MORE;
        }
        lua_pop(L, 1);
    }
    if (status != LUA_OK && looks_like_command(*pending)) {
        size_t w = strcspn(*pending, " \t");
        char word[64], hint[96] = "";
        snprintf(word, sizeof word, "%.*s", (int)(w < 63 ? w : 63), *pending);
        const char *names[128];
        size_t n = 0;
        for (const cmd_entry *c = commands_table; c->name && n < 128; c++)
            names[n++] = c->name;
        const char *close = tnm_closest(word, names, n);
        if (close)
            snprintf(hint, sizeof hint, "; did you mean '%s'?", close);
        sink_printf(&s->err, "'%s' is not a command (help lists them%s), nor valid Lua:\n", word,
                    hint);
    }
    /* A lone word that is neither a command nor a defined Lua name would
     * print a bare nil, which explains nothing. */
    const char *p = *pending;
    size_t w = 0;
    while (p[w] == '_' || isalnum((unsigned char)p[w]))
        w++;
    if (w > 0 && p[w] == '\0' && !isdigit((unsigned char)p[0])) {
        lua_getglobal(L, p);
        int undefined = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (undefined) {
            sink_printf(&s->err,
                        "'%s' is neither a command (help lists them) nor a defined Lua "
                        "name\n",
                        p);
            free(*pending);
            *pending = NULL;
            return FEED_ERROR;
        }
    }
    int rc = session_run_chunk(s, *pending, strlen(*pending), "=stdin", 1);
    free(*pending);
    *pending = NULL;
    tnm_interrupt_clear();
    return rc ? FEED_ERROR : FEED_DONE;
}
