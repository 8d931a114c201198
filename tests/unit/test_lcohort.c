/* test_lcohort.c - the `cohort` Lua API: read_csv, views, filter, errors.
 * Figures checked against R: sum(lung$sex == 2) = 90, sum(lung$status == 2) = 165. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lcohort.h"

static lua_State *new_state(void) {
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    lua_pushcfunction(L, dsl_open_cohort);
    assert_int_equal(lua_pcall(L, 0, 0, 0), LUA_OK);
    const char *top = getenv("top_srcdir");
    lua_pushstring(L, top && *top ? top : ".");
    lua_setglobal(L, "TOP");
    return L;
}

/* Runs chunk; fails the test with Lua's message if it raises an error. */
static void run(lua_State *L, const char *chunk) {
    if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
}

static void read_csv__ncctg__length_columns_and_view(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L, "c = cohort.read_csv(TOP .. '/data/ncctg_lung.csv')\n"
           "assert(#c == 228, #c)\n"
           "local cols = c:columns()\n"
           "assert(#cols == 10 and cols[1] == 'inst' and cols[10] == 'wt.loss')\n"
           "local t = c:column('time')\n"
           "assert(#t == 228 and t[1] == 306 and math.type(t[1]) == 'integer')\n"
           "assert(t[0] == nil and t[229] == nil and t.x == nil)\n"
           "assert(c:column('wt.loss')[1] == nil)  -- NA reads as nil\n"
           "assert(c:column('nope') == nil)\n"
           "assert(not pcall(function() t[1] = 5 end))\n"
           "assert(tostring(t):find(\"column 'time' %(number, 228 rows, 0 missing%)\"))\n");
    /* the view keeps the cohort alive after the last other reference goes */
    run(L, "local v = c:column('age'); c = nil; collectgarbage(); collectgarbage()\n"
           "assert(v[1] == 74 and #v == 228)\n");
    lua_close(L);
}

static void read_csv__map_and_status__renamed_and_recoded(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L, "local c = cohort.read_csv(TOP .. '/data/ncctg_lung.csv',\n"
           "  {map = {os_time = 'time', os_event = 'status'}, status = {'os_event'}})\n"
           "local e, n = c:column('os_event'), 0\n"
           "for i = 1, #e do n = n + e[i] end\n"
           "assert(n == 165, n)\n"
           "assert(c:column('time') == nil and c:column('os_time')[1] == 306)\n");
    lua_close(L);
}

static void filter__sex_female__90_rows_as_R(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L, "local c = cohort.read_csv(TOP .. '/data/ncctg_lung.csv')\n"
           "local f = c:filter(function(r) return r.sex == 2 end)\n"
           "assert(#f == 90, #f)\n"
           "local g = c:filter(function(r, i) return i <= 3 end)\n"
           "assert(#g == 3 and g:column('time')[3] == 1010)\n"
           "assert(#c == 228)  -- the original is untouched\n"
           "local ok, err = pcall(c.filter, c, function(r) return r.no_such end)\n"
           "assert(not ok and err:find(\"no column 'no_such'\"))\n"
           "local ok2, err2 = pcall(c.filter, c, function(r) error('boom') end)\n"
           "assert(not ok2 and err2:find('boom'))\n");
    lua_close(L);
}

static void summary_head__text_and_table(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L, "local c = cohort.read_csv(TOP .. '/data/ncctg_lung.csv')\n"
           "local s = c:summary()\n"
           "assert(s.rows == 228 and s.ncols == 10)\n"
           "assert(s.columns[9].name == 'meal.cal' and s.columns[9].missing == 47)\n"
           "assert(s.columns['wt.loss'].missing == 14 and s.columns['wt.loss'].type == 'number')\n"
           "assert(tostring(s):find('228 rows x 10 columns', 1, true))\n"
           "assert(tostring(c) == tostring(s))\n"
           "local h = c:head(2)\n"
           "local lines = select(2, h:gsub('\\n', '')) + 1\n"
           "assert(lines == 3, h)\n"
           "assert(h:find('306') and h:find('455') and not h:find('1010'))\n");
    lua_close(L);
}

static void write_csv__roundtrip__same_values(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L, "local c = cohort.read_csv(TOP .. '/data/tcga_luad_lusc_clinical.csv')\n"
           "local p = os.tmpname()\n"
           "assert(c:write_csv(p) == true)\n"
           "local d = cohort.read_csv(p)\n"
           "os.remove(p)\n"
           "assert(#d == #c)\n"
           "for _, name in ipairs(c:columns()) do\n"
           "  local a, b = c:column(name), d:column(name)\n"
           "  for i = 1, #a do assert(a[i] == b[i], name .. ' row ' .. i) end\n"
           "end\n");
    lua_close(L);
}

/* A failed load raises file:line:column and leaves the loaded cohort intact. */
static void read_csv__bad_file__error_names_place_old_cohort_kept(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L,
        "c = cohort.read_csv(TOP .. '/data/ncctg_lung.csv')\n"
        "local ok, err = pcall(function()\n"
        "  c = cohort.read_csv(TOP .. '/tests/fixtures/csv/badnumber.csv', {types = {age = "
        "'number'}})\n"
        "end)\n"
        "assert(not ok)\n"
        "assert(err:find(\"badnumber.csv:3:2: expected a number in column 'age', got 'abc'\", 1, "
        "true), err)\n"
        "assert(#c == 228 and c:column('time')[1] == 306)\n"
        "ok, err = pcall(cohort.read_csv, TOP .. '/tests/fixtures/csv/ragged_short.csv')\n"
        "assert(not ok and err:find('ragged_short.csv:3:2:', 1, true), err)\n"
        "ok, err = pcall(cohort.read_csv, 'no/such.csv')\n"
        "assert(not ok and err:find('no/such.csv: cannot open', 1, true), err)\n"
        "ok, err = pcall(cohort.read_csv, TOP .. '/data/ncctg_lung.csv', {mapp = {}})\n"
        "assert(not ok and err:find(\"unknown option 'mapp'\"), err)\n"
        "ok, err = pcall(cohort.read_csv, TOP .. '/data/ncctg_lung.csv', {map = {age = "
        "'age_at_dx'}})\n"
        "assert(not ok and err:find(\"no column 'age_at_dx'\"), err)\n"
        "ok, err = pcall(cohort.read_csv, TOP .. '/data/ncctg_lung.csv', {types = {age = 'int'}})\n"
        "assert(not ok and err:find('must be \"number\"'), err)\n");
    lua_close(L);
}

static void read_csv__options__sep_decimal_na_types(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L, "local c = cohort.read_csv(TOP .. '/tests/fixtures/csv/semicolon.csv', {sep = ';', "
           "decimal = ','})\n"
           "assert(c:column('size')[1] == 1.25 and c:column('age')[2] == nil)\n"
           "local b = cohort.read_csv(TOP .. '/tests/fixtures/csv/basic.csv',\n"
           "  {types = {ecog = 'string'}, na = {'NA'}})\n"
           "assert(b:column('ecog')[1] == '1')\n"
           "assert(b:column('n_stations')[3] == '' and b:column('n_stations')[1] == 'none')\n"
           "assert(b:column('smoker')[1] == true and b:column('smoker')[2] == false)\n");
    lua_close(L);
}

/* Other bindings receive cohorts through lcohort_check / lcohort_push. */
static void push_check__c_side__same_pointer_and_type_errors(void **state) {
    (void)state;
    lua_State *L = new_state();
    cohort *c = cohort_new(7);
    cohort_add(c, "x", COHORT_NUM);
    lcohort_push(L, c);
    assert_ptr_equal(lcohort_check(L, -1), c);
    assert_ptr_equal(lcohort_test(L, -1), c);
    lua_setglobal(L, "pushed");
    run(L, "assert(#pushed == 7 and pushed:columns()[1] == 'x')\n");
    lua_pushinteger(L, 3);
    assert_null(lcohort_test(L, -1));
    lua_pop(L, 1);
    lua_close(L); /* __gc frees c: no leak under ASan */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_csv__ncctg__length_columns_and_view),
        cmocka_unit_test(read_csv__map_and_status__renamed_and_recoded),
        cmocka_unit_test(filter__sex_female__90_rows_as_R),
        cmocka_unit_test(summary_head__text_and_table),
        cmocka_unit_test(write_csv__roundtrip__same_values),
        cmocka_unit_test(read_csv__bad_file__error_names_place_old_cohort_kept),
        cmocka_unit_test(read_csv__options__sep_decimal_na_types),
        cmocka_unit_test(push_check__c_side__same_pointer_and_type_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
