/* sandbox.c - the separate, capped Lua state for rule files.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why a separate state: the memory cap lives in this state's allocator, so it
 * cannot starve the trusted REPL state, and nothing a rule does (changing a
 * library table, a metatable) can reach trusted code.
 *
 * Why pcall/xpcall are wrapped: a rule could otherwise catch the "budget
 * exceeded" or "out of memory" error in a loop and go on forever.  Once a
 * limit has been hit, the wrappers re-raise whatever they caught.
 *
 * Here: the state and its allocator, the metering (count hook, budget,
 * time charges, Ctrl-C), loading rule files (include() too) and the public
 * calls.  The wrappers themselves and the environment a rule file sees
 * are sandbox_env.c's.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "sandbox_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "file_open.h"
#include "interrupt.h"

enum {
    HOOK_STEP = 1000,         /* instructions between hook calls */
    MAX_RULE_FILE = 8u << 20, /* bytes; a rule file larger than this is refused */
    MAX_INCLUDE_DEPTH = 16
};

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    sandbox *sb = ud;
    if (ptr == NULL)
        osize = 0; /* osize then encodes the object type */
    if (nsize == 0) {
        free(ptr);
        sb->used -= osize;
        return NULL;
    }
    if (sb->enforce && nsize > osize && sb->used - osize + nsize > sb->cap) {
        sb->mem_hit = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL)
        return NULL;
    sb->used = sb->used - osize + nsize;
    if (sb->used > sb->peak)
        sb->peak = sb->used;
    return p;
}

sandbox *sb_of(lua_State *L) {
    return *(sandbox **)lua_getextraspace(L);
}

/* Raises "rule 'x' stopped: ..." at the position of the running Lua code
 * (level 0 in a hook, 1 in a C function it called). */
static int budget_error(lua_State *L, sandbox *sb, int level) {
    sb->budget_hit = 1;
    luaL_where(L, level);
    lua_pushfstring(L,
                    "rule '%s' stopped: more than %d million instructions%s "
                    "(an endless loop, or too slow for this cohort?)",
                    sb->what ? sb->what : "?", (int)(sb->budget / 1000000),
                    sb->in_run ? " in one evaluation of the rule set" : "");
    lua_concat(L, 2);
    return lua_error(L);
}

/* Raises "rule 'x' interrupted" when Ctrl-C was pressed. */
static void check_interrupt(lua_State *L, sandbox *sb, int level) {
    if (tnm_interrupted()) {
        sb->interrupted = 1;
        luaL_where(L, level);
        lua_pushfstring(L, "rule '%s' interrupted", sb->what ? sb->what : "?");
        lua_concat(L, 2);
        lua_error(L);
    }
}

double now_ns(void) {
    /* The thread's CPU time, not the wall clock: time the machine gave to
     * other processes is not the rule's work, and on a loaded machine it
     * would charge a rule for being descheduled. */
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Time, for work the instruction count cannot see: one VM instruction or
 * one library call can take long (== on two long strings, table.sort of
 * a big table).  Such time is charged at NS_PER_INSTRUCTION, far slower
 * than real instructions run even under a sanitizer on a loaded machine,
 * so ordinary rule code is limited by its instruction count alone and the
 * budget stays the same from run to run. */
#define NS_PER_INSTRUCTION 20.0
#define SLOW_CALL_NS 1e6                  /* a library call this long is charged */
#define SLOW_STEP_NS (1000.0 * HOOK_STEP) /* a hook interval this long is charged */

static void sb_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    sandbox *sb = sb_of(L);
    double now = now_ns(), elapsed = now - sb->mark;
    sb->mark = now;
    sb->steps += HOOK_STEP;
    if (elapsed > SLOW_STEP_NS)
        sb->steps += (long)(elapsed / NS_PER_INSTRUCTION);
    /* in a hook, level 0 is the Lua function that was running */
    check_interrupt(L, sb, 0);
    if (sb->steps > sb->budget)
        budget_error(L, sb, 0);
}

/* Charges cost instructions' worth of work done in C (a library function
 * that loops without running Lua code) to the budget, raising the budget
 * error before the work starts when it would not fit. */
void sb_charge(lua_State *L, double cost) {
    sandbox *sb = sb_of(L);
    if (cost > (double)(sb->budget - sb->steps))
        budget_error(L, sb, 1);
    sb->steps += (long)cost;
}

/* After a library call that took dt ns: a slow one is charged its time
 * (which the hook then does not count again), and Ctrl-C is looked at (the
 * hook may be a thousand such calls away).  A quick one is left to the
 * hook, which sees the time of many of them together. */
void charge_time(lua_State *L, double dt) {
    sandbox *sb = sb_of(L);
    if (dt > SLOW_CALL_NS) {
        sb->mark += dt;
        check_interrupt(L, sb, 1);
        sb_charge(L, dt / NS_PER_INSTRUCTION);
    }
}

int limit_hit(const sandbox *sb) {
    return sb->budget_hit || sb->mem_hit || sb->interrupted;
}

static int read_file(const char *path, char **out, size_t *len, char *err, size_t errlen) {
    struct stat st;
    int fd = file_open_regular(path, path, "a rule file", NULL, &st, err, errlen);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap >= MAX_RULE_FILE) {
            snprintf(err, errlen, "%s: file larger than %u bytes", path, (unsigned)MAX_RULE_FILE);
            free(buf);
            fclose(f);
            return -1;
        }
        char *nb = realloc(buf, cap * 2);
        if (nb == NULL)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: %s", path, buf ? "read error" : "out of memory");
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

/* Loads text as a chunk with the environment as its _ENV.
 * Stack: [] -> [f] (returns LUA_OK) or [msg]. */
static int load_text(sandbox *sb, const char *src, size_t len, const char *name) {
    lua_State *L = sb->L;
    int old = sb->enforce;
    sb->enforce = 1;
    int st = luaL_loadbufferx(L, src, len, name, "t");
    sb->enforce = old;
    if (st == LUA_OK) {
        sandbox_push_env(sb);
        lua_setupvalue(L, -2, 1);
    }
    return st;
}

/* Does path, with every symbolic link resolved, lie in dir (resolved the
 * same way)?  A missing file counts as inside: opening it gives the error. */
static int inside_folder(const char *dir, const char *path) {
    char rd[PATH_MAX], rp[PATH_MAX];
    if (realpath(path, rp) == NULL)
        return errno == ENOENT;
    if (realpath(*dir ? dir : ".", rd) == NULL)
        return 0;
    size_t n = strlen(rd);
    return strncmp(rd, rp, n) == 0 && (rp[n] == '/' || (n == 1 && rd[0] == '/'));
}

/* include(name): runs another rule file of the same folder in the sandbox
 * and returns what it returns.  Stack: [name] -> [results...]. */
int sb_include(lua_State *L) {
    sandbox *sb = sb_of(L);
    size_t n;
    const char *name = luaL_checklstring(L, 1, &n);
    if (n == 0 || name[0] == '.' || strchr(name, '/') || strchr(name, '\\') || strstr(name, ".."))
        return luaL_error(L,
                          "include: '%s' is not a file name of the rules "
                          "folder",
                          name);
    if (!sb->loading)
        return luaL_error(L, "include: only while a rule file loads (at its top "
                             "level), not from a criterion or classify");
    if (sb->include_depth >= MAX_INCLUDE_DEPTH)
        return luaL_error(L, "include: nested more than %d deep (a cycle?)", MAX_INCLUDE_DEPTH);
    int has_ext = n > 4 && strcmp(name + n - 4, ".lua") == 0;
    char path[4200];
    snprintf(path, sizeof path, "%s%s%s", sb->basedir, name, has_ext ? "" : ".lua");
    if (!inside_folder(sb->basedir, path))
        return luaL_error(L,
                          "include: '%s' leads outside the rules folder (a "
                          "symbolic link?)",
                          name);
    char err[512], *src;
    size_t len;
    double t0 = now_ns();
    if (read_file(path, &src, &len, err, sizeof err) != 0)
        return luaL_error(L, "include: %s", err);
    lua_pushfstring(L, "@%s", path);
    int st = load_text(sb, src, len, lua_tostring(L, -1));
    free(src);
    if (st == LUA_OK)
        charge_time(L, now_ns() - t0); /* reading and compiling, in C */
    if (st != LUA_OK)
        return lua_error(L);
    int base = lua_gettop(L);
    sb->include_depth++;
    lua_call(L, 0, LUA_MULTRET); /* errors propagate, depth reset by caller */
    sb->include_depth--;
    return lua_gettop(L) - base + 1;
}

sandbox *sandbox_new(size_t mem_cap, long budget, char *err, size_t errlen) {
    sandbox *sb = calloc(1, sizeof *sb);
    if (sb == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    sb->cap = mem_cap ? mem_cap : SANDBOX_DEFAULT_MEM;
    sb->call_budget = sb->budget = budget > 0 ? budget : SANDBOX_DEFAULT_BUDGET;
    sb->run_budget = SANDBOX_DEFAULT_RUN_BUDGET;
    sb->L = lua_newstate(sb_alloc, sb);
    if (sb->L == NULL) {
        snprintf(err, errlen, "out of memory");
        free(sb);
        return NULL;
    }
    *(sandbox **)lua_getextraspace(sb->L) = sb;
    build(sb);
    return sb;
}

void sandbox_free(sandbox *sb) {
    if (sb == NULL)
        return;
    lua_close(sb->L);
    free(sb);
}

lua_State *sandbox_state(sandbox *sb) {
    return sb->L;
}

int sandbox_loadstring(sandbox *sb, const char *src, size_t len, const char *chunkname, char *err,
                       size_t errlen) {
    if (load_text(sb, src, len, chunkname) != LUA_OK) {
        const char *m = lua_tostring(sb->L, -1);
        snprintf(err, errlen, "%s", m ? m : "load error");
        lua_pop(sb->L, 1);
        return -1;
    }
    return 0;
}

int sandbox_loadfile(sandbox *sb, const char *path, char *err, size_t errlen) {
    char *src;
    size_t len;
    if (read_file(path, &src, &len, err, errlen) != 0)
        return -1;
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    if (dl >= sizeof sb->basedir)
        dl = 0;
    memcpy(sb->basedir, path, dl);
    sb->basedir[dl] = '\0';
    char name[4200];
    snprintf(name, sizeof name, "@%s", path);
    int r = sandbox_loadstring(sb, src, len, name, err, errlen);
    free(src);
    return r;
}

int sandbox_dofile(sandbox *sb, const char *path, const char *what, char *err, size_t errlen) {
    char saved[sizeof sb->basedir];
    memcpy(saved, sb->basedir, sizeof saved);
    int st = sandbox_loadfile(sb, path, err, errlen);
    int was = sandbox_set_loading(sb, 1);
    if (st == 0)
        st = sandbox_pcall(sb, 0, 1, what, err, errlen);
    sandbox_set_loading(sb, was);
    memcpy(sb->basedir, saved, sizeof saved);
    return st;
}

int sandbox_pcall(sandbox *sb, int nargs, int nresults, const char *what, char *err,
                  size_t errlen) {
    lua_State *L = sb->L;
    if (!sb->in_run) {
        sb->steps = 0;
        sb->budget_hit = sb->mem_hit = sb->interrupted = 0;
    }
    sb->include_depth = 0;
    sb->mark = now_ns(); /* time before this call is not the rule's */
    sb->what = what;
    sb->enforce = 1;
    lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_STEP);
    int st = lua_pcall(L, nargs, nresults, 0);
    lua_sethook(L, NULL, 0, 0);
    sb->enforce = 0;
    if (st == LUA_OK)
        return 0;
    const char *m = lua_tostring(L, -1);
    if (sb->mem_hit && (st == LUA_ERRMEM || (m && strstr(m, "not enough memory"))))
        snprintf(err, errlen, "rule '%s' stopped: memory cap of %zu MB exceeded", what ? what : "?",
                 sb->cap >> 20);
    else if (m != NULL)
        snprintf(err, errlen, "%s", m);
    else
        snprintf(err, errlen, "rule '%s': error object is a %s value", what ? what : "?",
                 luaL_typename(L, -1));
    lua_pop(L, 1);
    /* a limit error may leave much garbage: give it back now */
    lua_gc(L, LUA_GCCOLLECT);
    return -1;
}

size_t sandbox_mem_used(const sandbox *sb) {
    return sb->used;
}
size_t sandbox_mem_peak(const sandbox *sb) {
    return sb->peak;
}

void sandbox_set_limits(sandbox *sb, size_t mem_cap, long budget) {
    if (mem_cap)
        sb->cap = mem_cap;
    if (budget > 0)
        sb->call_budget = sb->budget = budget;
}

void sandbox_set_run_budget(sandbox *sb, long budget) {
    if (budget > 0)
        sb->run_budget = budget;
}

void sandbox_run_begin(sandbox *sb) {
    sb->in_run = 1;
    sb->steps = 0;
    sb->budget_hit = sb->mem_hit = sb->interrupted = 0;
    sb->budget = sb->run_budget;
}

void sandbox_run_end(sandbox *sb) {
    sb->in_run = 0;
    sb->budget = sb->call_budget;
}

int sandbox_charge(sandbox *sb, size_t bytes) {
    if (bytes > sb->cap || sb->used > sb->cap - bytes)
        return -1;
    sb->used += bytes;
    sb->charged += bytes;
    if (sb->used > sb->peak)
        sb->peak = sb->used;
    return 0;
}

void sandbox_release(sandbox *sb, size_t bytes) {
    if (bytes > sb->charged)
        bytes = sb->charged;
    sb->charged -= bytes;
    sb->used -= bytes;
}

size_t sandbox_mem_cap(const sandbox *sb) {
    return sb->cap;
}

int sandbox_set_loading(sandbox *sb, int on) {
    int was = sb->loading;
    sb->loading = on;
    return was;
}
