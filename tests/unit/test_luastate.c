/* test_luastate.c - the trusted state: protected calls, tracebacks, Ctrl-C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>

#include "interrupt.h"
#include "luastate.h"

static lua_State *new_state(void) {
    char err[512];
    lua_State *L = dsl_state_new(NULL, err, sizeof err);
    assert_non_null(L);
    return L;
}

static void pcall__runtime_error__message_has_chunk_line_and_traceback(void **state) {
    (void)state;
    lua_State *L = new_state();
    assert_int_equal(luaL_loadstring(L, "local x = nil\nreturn x.y"), LUA_OK);
    assert_int_not_equal(dsl_pcall(L, 0, 0), LUA_OK);
    const char *msg = dsl_errmsg(L);
    assert_non_null(strstr(msg, ":2: attempt to index a nil value"));
    assert_non_null(strstr(msg, "stack traceback:"));
    size_t first = dsl_errmsg_firstline(msg);
    assert_null(memchr(msg, '\n', first));
    lua_close(L);
}

static void pcall__error_object_table__described(void **state) {
    (void)state;
    lua_State *L = new_state();
    assert_int_equal(luaL_loadstring(L, "error({})"), LUA_OK);
    assert_int_not_equal(dsl_pcall(L, 0, 0), LUA_OK);
    assert_non_null(strstr(dsl_errmsg(L), "error object is a table value"));
    lua_close(L);
}

/* An endless loop stops once the interrupt flag is set (as Ctrl-C does). */
static void pcall__interrupt_flag__stops_endless_loop(void **state) {
    (void)state;
    lua_State *L = new_state();
    tnm_interrupt_flag = 1;
    assert_int_equal(luaL_loadstring(L, "while true do end"), LUA_OK);
    assert_int_not_equal(dsl_pcall(L, 0, 0), LUA_OK);
    assert_non_null(strstr(dsl_errmsg(L), "interrupted"));
    tnm_interrupt_clear();
    lua_pop(L, 1);
    /* The state is still usable afterwards. */
    assert_int_equal(luaL_loadstring(L, "return 1 + 1"), LUA_OK);
    assert_int_equal(dsl_pcall(L, 0, 1), LUA_OK);
    assert_int_equal(lua_tointeger(L, -1), 2);
    lua_close(L);
}

static void pcall__results__returned_in_order(void **state) {
    (void)state;
    lua_State *L = new_state();
    assert_int_equal(luaL_loadstring(L, "return 1, 'two', 3.5"), LUA_OK);
    assert_int_equal(dsl_pcall(L, 0, LUA_MULTRET), LUA_OK);
    assert_int_equal(lua_gettop(L), 3);
    assert_string_equal(lua_tostring(L, 2), "two");
    assert_true(lua_tonumber(L, 3) == 3.5);
    lua_close(L);
}

static void load_module__missing_file__error_names_path(void **state) {
    (void)state;
    lua_State *L = new_state();
    char err[512];
    assert_int_equal(dsl_load_module(L, "/nonexistent", "staging/x.lua", "x", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/staging/x.lua"));
    lua_close(L);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pcall__runtime_error__message_has_chunk_line_and_traceback),
        cmocka_unit_test(pcall__error_object_table__described),
        cmocka_unit_test(pcall__interrupt_flag__stops_endless_loop),
        cmocka_unit_test(pcall__results__returned_in_order),
        cmocka_unit_test(load_module__missing_file__error_names_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
