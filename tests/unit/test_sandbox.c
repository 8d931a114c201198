/* test_sandbox.c - the rule sandbox refuses escapes and stops runaway or
 * hungry rules, without touching the trusted side.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "sandbox.h"

/* Runs src in a fresh sandbox; returns 0 on success or -1 with err. */
static int run(sandbox *sb, const char *src, const char *what, char *err, size_t errlen) {
    if (sandbox_loadstring(sb, src, strlen(src), "=rule", err, errlen) != 0)
        return -1;
    return sandbox_pcall(sb, 0, 0, what, err, errlen);
}

static void refused(const char *src, const char *needle) {
    char err[512] = "";
    sandbox *sb = sandbox_new(0, 0, err, sizeof err);
    assert_non_null(sb);
    if (run(sb, src, "escape", err, sizeof err) == 0)
        fail_msg("escape not refused: %s", src);
    if (strstr(err, needle) == NULL)
        fail_msg("%s: message '%s' lacks '%s'", src, err, needle);
    sandbox_free(sb);
}

static void escapes__each_tried__refused(void **state) {
    (void)state;
    refused("os.execute('touch /tmp/tnmlab_pwned')", "unknown name 'os'");
    refused("io.open('/etc/passwd')", "unknown name 'io'");
    refused("local f = string.dump(function() end) return load(f)", "field 'dump'");
    refused("return load('return 1')", "unknown name 'load'");
    refused("return loadfile('/etc/passwd')", "unknown name 'loadfile'");
    refused("return dofile('/etc/passwd')", "unknown name 'dofile'");
    refused("return require('os')", "unknown name 'require'");
    refused("return package.loaded", "unknown name 'package'");
    refused("return debug.getregistry()", "unknown name 'debug'");
    refused("collectgarbage('stop')", "unknown name 'collectgarbage'");
    refused("rawset(_ENV, 'os', 1)", "unknown name 'rawset'");
    refused("return _G.os", "unknown name '_G'");
    refused("print('hi')", "unknown name 'print'");
    refused("return coroutine.create(print)", "unknown name 'coroutine'");
    /* the string metatable is hidden and cannot be replaced */
    refused("getmetatable('').__index = {}", "index a boolean value");
    refused("setmetatable('', {})", "table expected");
    /* library tables are read-only, also when reached through pairs */
    refused("string.rep = function() return 'x' end", "read-only");
    refused("local _, t = pairs(string) t.rep = nil", "read-only");
    refused("math.pi = 3", "read-only");
    /* the environment cannot be unlocked or swapped for a richer one */
    refused("setmetatable(_ENV, nil)", "protected metatable");
    refused("local e = _ENV; _ENV = {}; return e.os", "unknown name 'os'");
    refused("x = 1", "assignment to global 'x'");
    refused("return include('../include_lib')", "not a file name");
}

static void escapes__binary_chunk__refused(void **state) {
    (void)state;
    /* make real bytecode in a trusted state, then offer it to the sandbox */
    lua_State *T = luaL_newstate();
    luaL_openlibs(T);
    assert_int_equal(luaL_dostring(T, "return string.dump(function() return 42 end)"), 0);
    size_t n;
    const char *bc = lua_tolstring(T, -1, &n);
    char err[256] = "";
    sandbox *sb = sandbox_new(0, 0, err, sizeof err);
    assert_int_equal(sandbox_loadstring(sb, bc, n, "=bin", err, sizeof err), -1);
    assert_non_null(strstr(err, "binary chunk"));
    lua_close(T);
    sandbox_free(sb);
}

static void allowed__plain_lua__works(void **state) {
    (void)state;
    char err[256] = "";
    sandbox *sb = sandbox_new(0, 0, err, sizeof err);
    const char *src = "local t = {} for i = 1, 10 do t[#t + 1] = string.format('%d', i) end\n"
                      "assert(table.concat(t, ',') == '1,2,3,4,5,6,7,8,9,10')\n"
                      "assert(('abc'):upper() == 'ABC' and math.floor(2.5) == 2)\n"
                      "assert(utf8.len('\\u{e9}') == 1)\n"
                      "local n = 0 for k in pairs(string) do n = n + 1 end assert(n > 10)\n"
                      "local ok, msg = pcall(error, 'boom') assert(not ok and msg == 'boom')\n"
                      "assert(getmetatable('') == false)\n";
    if (run(sb, src, "plain", err, sizeof err) != 0)
        fail_msg("%s", err);
    sandbox_free(sb);
}

static void budget__endless_loop__stopped_naming_the_rule(void **state) {
    (void)state;
    char err[512] = "";
    sandbox *sb = sandbox_new(0, 2000000, err, sizeof err);
    assert_int_equal(run(sb, "while true do end", "max_lesions", err, sizeof err), -1);
    assert_non_null(strstr(err, "rule 'max_lesions' stopped"));
    assert_non_null(strstr(err, "rule:1:")); /* where it was looping */
    /* catching the error in the rule does not help */
    assert_int_equal(run(sb, "while true do pcall(function() while true do end end) end", "sly",
                         err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "rule 'sly' stopped"));
    assert_int_equal(run(sb,
                         "while true do xpcall(function() while true do end end,"
                         " function(m) return m end) end",
                         "slier", err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "'slier' stopped"));
    /* the state is usable afterwards */
    assert_int_equal(run(sb, "local x = 1 + 1", "after", err, sizeof err), 0);
    sandbox_free(sb);
}

static void memory__unbounded_allocation__stopped(void **state) {
    (void)state;
    char err[512] = "";
    sandbox *sb = sandbox_new(16u << 20, 0, err, sizeof err);
    assert_int_equal(
        run(sb, "local t = {} for i = 1, 1e9 do t[i] = {i} end", "hungry", err, sizeof err), -1);
    assert_non_null(strstr(err, "rule 'hungry' stopped: memory cap of 16 MB exceeded"));
    assert_int_equal(run(sb, "local s = string.rep('x', 1e9)", "rep", err, sizeof err), -1);
    assert_non_null(strstr(err, "memory cap"));
    assert_int_equal(
        run(sb, "while true do pcall(string.rep, 'x', 1e9) end", "catcher", err, sizeof err), -1);
    assert_non_null(strstr(err, "memory cap"));
    assert_true(sandbox_mem_used(sb) < (16u << 20));
    assert_int_equal(
        run(sb, "local t = {} for i = 1, 1000 do t[i] = i end", "after", err, sizeof err), 0);
    /* the trusted side does not share the cap: 64 MB there is fine */
    lua_State *T = luaL_newstate();
    luaL_openlibs(T);
    assert_int_equal(luaL_dostring(T, "s = string.rep('x', 64 * 1024 * 1024)"), 0);
    lua_close(T);
    sandbox_free(sb);
}

static void include__same_folder__loads_and_refuses_paths(void **state) {
    (void)state;
    const char *top = getenv("top_srcdir");
    char path[1024], err[512] = "";
    snprintf(path, sizeof path, "%s/tests/fixtures/rules/include_lib.lua", top ? top : ".");
    sandbox *sb = sandbox_new(0, 0, err, sizeof err);
    lua_State *L = sandbox_state(sb);
    /* the library file needs param/criterion: give minimal stand-ins */
    assert_int_equal(
        sandbox_loadstring(sb, "return function(t) return t end", 31, "=id", err, sizeof err), 0);
    assert_int_equal(sandbox_pcall(sb, 0, 1, "id", err, sizeof err), 0);
    lua_pushvalue(L, -1);
    sandbox_define(sb, "param");
    sandbox_define(sb, "criterion");
    if (sandbox_loadfile(sb, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(sandbox_pcall(sb, 0, 1, "lib", err, sizeof err), 0);
    assert_true(lua_istable(L, -1));
    lua_pop(L, 1);
    snprintf(path, sizeof path, "%s/tests/fixtures/rules/include_escape.lua", top ? top : ".");
    assert_int_equal(sandbox_loadfile(sb, path, err, sizeof err), 0);
    assert_int_equal(sandbox_pcall(sb, 0, 0, "escape", err, sizeof err), -1);
    assert_non_null(strstr(err, "not a file name of the rules folder"));
    sandbox_free(sb);
}

/* A backtracking pattern runs in C where the budget hook never fires:
 * string.rep("a", 2e5):find(".-.-.-b") would take hours.  The guard refuses
 * it before it starts, names the function, and everyday patterns (trim,
 * list splitting, as in scripts/staging) still work. */
static void patterns__pathological__refused_quickly(void **state) {
    (void)state;
    static const char *const bad[] = {
        "local s = string.rep('a', 200000) return s:find('.-.-.-b')",
        "local s = string.rep('a', 200000) return string.match(s, '(a*)*b')",
        "local s = string.rep('a', 200000) return (s:gsub('a-a-a-b', ''))",
        "local s = string.rep('a', 200000) for x in s:gmatch('.-.-b') do end",
        "return ('x'):match(string.rep('a?', 100))",
        "return ('x'):match(string.rep('.', 2000))"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[512] = "";
        sandbox *sb = sandbox_new(0, 0, err, sizeof err);
        clock_t t0 = clock();
        if (run(sb, bad[i], "greedy", err, sizeof err) == 0)
            fail_msg("not refused: %s", bad[i]);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        if (secs > 1.0)
            fail_msg("%s: took %.1f s", bad[i], secs);
        if (strstr(err, "string.") == NULL ||
            (strstr(err, "too long") == NULL && strstr(err, "longer than") == NULL))
            fail_msg("%s: message '%s'", bad[i], err);
        sandbox_free(sb);
    }
    char err[512] = "";
    sandbox *sb = sandbox_new(0, 0, err, sizeof err);
    assert_string_equal(run(sb,
                            "local s = ('  4R; 7 ;10L  '):gsub('^%s+', ''):gsub('%s+$', '')\n"
                            "local n = 0\n"
                            "for item in (s .. ';'):gmatch('([^;]*);') do n = n + 1 end\n"
                            "assert(n == 3 and s:find('7', 1, true) == 5)\n"
                            "assert(string.rep('ab', 3000):gsub('b', 'c'):sub(1, 4) == 'acac')\n"
                            "assert(('pt2a'):match('^y?[cpraus]?([tnm])%s*(%w+)$') == 't')",
                            "everyday", err, sizeof err) == 0
                            ? ""
                            : err,
                        "");
    sandbox_free(sb);
}

/* One rule file must not change what the next one sees: each chunk has a
 * fresh environment, and every global assignment is refused. */
static void environment__one_file_wraps_vocabulary__others_unchanged(void **state) {
    (void)state;
    char err[512] = "";
    sandbox *sb = sandbox_new(0, 0, err, sizeof err);
    lua_State *L = sandbox_state(sb);
    lua_pushinteger(L, 42);
    sandbox_define(sb, "answer");
    assert_int_equal(run(sb, "answer = 1", "a", err, sizeof err), -1);
    assert_non_null(strstr(err, "assignment to global 'answer'"));
    assert_int_equal(run(sb, "ipairs = nil", "b", err, sizeof err), -1);
    assert_int_equal(run(sb, "assert(answer == 42) assert(ipairs)", "c", err, sizeof err), 0);
    sandbox_free(sb);
}

static void finalizers__gc_metamethod__refused(void **state) {
    (void)state;
    refused("setmetatable({}, {__gc = function() while true do end end})",
            "finalizers (__gc) are not allowed");
    /* other metatables are fine */
    char err[512] = "";
    sandbox *sb = sandbox_new(0, 0, err, sizeof err);
    assert_int_equal(run(sb,
                         "local t = setmetatable({}, {__index = function() return 1 end})"
                         " assert(t.x == 1)",
                         "ok", err, sizeof err),
                     0);
    sandbox_free(sb);
}

/* C loops that run no Lua code count against the budget (they would
 * otherwise run for hours with neither the budget nor Ctrl-C able to stop
 * them). */
static void budget__c_loops__charged(void **state) {
    (void)state;
    char err[512] = "";
    sandbox *sb = sandbox_new(0, 0, err, sizeof err);
    time_t t0 = time(NULL);
    assert_int_equal(run(sb, "assert(string.rep('', 1e15) == '')", "rep", err, sizeof err), 0);
    assert_int_equal(run(sb, "table.move({}, 1, 1e15, 2)", "move", err, sizeof err), -1);
    assert_non_null(strstr(err, "rule 'move' stopped"));
    assert_int_equal(run(sb, "while true do string.rep('ab', 1e6) end", "reps", err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "rule 'reps' stopped"));
    assert_int_equal(run(sb, "local s = string.rep('a', 1e5) for i = 1, 1e6 do s:find('^a*b') end",
                         "pats", err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "rule 'pats' stopped"));
    assert_true(time(NULL) - t0 < 30);
    sandbox_free(sb);
}

/* Inside a run, calls share one budget: 10 calls of 30% of it cannot all run. */
static void budget__run__shared_by_calls(void **state) {
    (void)state;
    char err[512] = "";
    sandbox *sb = sandbox_new(0, 1000000, err, sizeof err);
    sandbox_set_run_budget(sb, 3000000);
    const char *src = "local x = 0 for i = 1, 300000 do x = x + 1 end";
    for (int i = 0; i < 10; i++) /* alone, each call fits */
        if (run(sb, src, "row", err, sizeof err) != 0)
            fail_msg("call %d alone: %s", i, err);
    sandbox_run_begin(sb);
    int failed_at = -1;
    for (int i = 0; i < 10 && failed_at < 0; i++)
        if (run(sb, src, "row", err, sizeof err) != 0)
            failed_at = i;
    sandbox_run_end(sb);
    assert_true(failed_at > 0 && failed_at < 10);
    assert_non_null(strstr(err, "in one evaluation"));
    assert_int_equal(run(sb, src, "after", err, sizeof err), 0);
    sandbox_free(sb);
}

/* C memory charged for rule files counts against the same cap. */
static void memory__charges__count_against_cap(void **state) {
    (void)state;
    char err[512] = "";
    sandbox *sb = sandbox_new(16u << 20, 0, err, sizeof err);
    assert_int_equal(sandbox_charge(sb, 10u << 20), 0);
    assert_int_equal(sandbox_charge(sb, 10u << 20), -1);
    assert_int_equal(run(sb, "local s = string.rep('x', 8e6)", "big", err, sizeof err), -1);
    assert_non_null(strstr(err, "memory cap"));
    sandbox_release(sb, 10u << 20);
    assert_int_equal(run(sb, "local s = string.rep('x', 8e6)", "big", err, sizeof err), 0);
    sandbox_free(sb);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes__each_tried__refused),
        cmocka_unit_test(escapes__binary_chunk__refused),
        cmocka_unit_test(allowed__plain_lua__works),
        cmocka_unit_test(budget__endless_loop__stopped_naming_the_rule),
        cmocka_unit_test(memory__unbounded_allocation__stopped),
        cmocka_unit_test(include__same_folder__loads_and_refuses_paths),
        cmocka_unit_test(patterns__pathological__refused_quickly),
        cmocka_unit_test(environment__one_file_wraps_vocabulary__others_unchanged),
        cmocka_unit_test(finalizers__gc_metamethod__refused),
        cmocka_unit_test(budget__c_loops__charged),
        cmocka_unit_test(budget__run__shared_by_calls),
        cmocka_unit_test(memory__charges__count_against_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
