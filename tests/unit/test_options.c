/* test_options.c - the command line as doc/contract.md#command-line states it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"

static int parse(tnm_options *o, char *err, int argc, char **argv) {
    return options_parse(argc, argv, o, err, 512);
}

static void parse__script_with_args__args_left_for_script(void **state) {
    (void)state;
    char *argv[] = {"tnmlab", "--seed", "7", "run.lua", "-e", "x", NULL};
    tnm_options o;
    char err[512];
    assert_int_equal(parse(&o, err, 6, argv), 0);
    assert_string_equal(o.script, "run.lua");
    assert_int_equal(o.script_index, 3);
    assert_int_equal(o.nchunks, 0); /* "-e x" belongs to the script */
    assert_true(o.has_seed);
    assert_int_equal(o.seed, 7);
}

static void parse__repeated_e__kept_in_order(void **state) {
    (void)state;
    char *argv[] = {"tnmlab", "-e", "a=1", "-eb=2", "--execute=print(a+b)", "-i", NULL};
    tnm_options o;
    char err[512];
    assert_int_equal(parse(&o, err, 6, argv), 0);
    assert_int_equal(o.nchunks, 3);
    assert_string_equal(o.chunks[0], "a=1");
    assert_string_equal(o.chunks[1], "b=2");
    assert_string_equal(o.chunks[2], "print(a+b)");
    assert_true(o.interactive);
    assert_null(o.script);
}

static void parse__unknown_option__usage_error_names_it(void **state) {
    (void)state;
    char *argv[] = {"tnmlab", "--frobnicate", NULL};
    tnm_options o;
    char err[512];
    assert_int_equal(parse(&o, err, 2, argv), 2);
    assert_non_null(strstr(err, "--frobnicate"));
}

static void parse__missing_value__usage_error(void **state) {
    (void)state;
    char *argv[] = {"tnmlab", "--cohort", NULL};
    tnm_options o;
    char err[512];
    assert_int_equal(parse(&o, err, 2, argv), 2);
    assert_non_null(strstr(err, "FILE.csv"));
}

static void parse__bad_seed__usage_error(void **state) {
    (void)state;
    char *argv[] = {"tnmlab", "--seed", "12x", NULL};
    tnm_options o;
    char err[512];
    assert_int_equal(parse(&o, err, 3, argv), 2);
    assert_non_null(strstr(err, "12x"));
}

static void parse__flag_with_value__usage_error(void **state) {
    (void)state;
    char *argv[] = {"tnmlab", "--plain=yes", NULL};
    tnm_options o;
    char err[512];
    assert_int_equal(parse(&o, err, 2, argv), 2);
}

static void parse__double_dash__next_is_script(void **state) {
    (void)state;
    char *argv[] = {"tnmlab", "--plain", "--", "-odd-name.lua", NULL};
    tnm_options o;
    char err[512];
    assert_int_equal(parse(&o, err, 4, argv), 0);
    assert_true(o.plain);
    assert_string_equal(o.script, "-odd-name.lua");
}

/* --help is generated from the table: every option appears in it. */
static void help__lists_every_option_of_the_table(void **state) {
    (void)state;
    char buf[4096];
    size_t need = options_help(buf, sizeof buf);
    assert_true(need < sizeof buf);
    for (const tnm_option_spec *s = options_table; s->lng; s++) {
        char want[64];
        snprintf(want, sizeof want, "--%s", s->lng);
        assert_non_null(strstr(buf, want));
    }
    assert_non_null(strstr(buf, "--plain"));
    assert_non_null(strstr(buf, "--cohort FILE.csv"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse__script_with_args__args_left_for_script),
        cmocka_unit_test(parse__repeated_e__kept_in_order),
        cmocka_unit_test(parse__unknown_option__usage_error_names_it),
        cmocka_unit_test(parse__missing_value__usage_error),
        cmocka_unit_test(parse__bad_seed__usage_error),
        cmocka_unit_test(parse__flag_with_value__usage_error),
        cmocka_unit_test(parse__double_dash__next_is_script),
        cmocka_unit_test(help__lists_every_option_of_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
