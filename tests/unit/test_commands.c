/* test_commands.c - splitting a REPL line into words, as a user types it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "commands.h"

static void split__plain_words__split_on_spaces_and_tabs(void **state) {
    (void)state;
    char buf[256], *argv[8];
    int n = commands_split("  set \tmax_lesions   3 ", buf, sizeof buf, argv, 8);
    assert_int_equal(n, 3);
    assert_string_equal(argv[0], "set");
    assert_string_equal(argv[1], "max_lesions");
    assert_string_equal(argv[2], "3");
}

static void split__quoted_path__one_word_with_spaces(void **state) {
    (void)state;
    char buf[256], *argv[8];
    int n = commands_split("load cohort \"/tmp/my data/lung.csv\" days", buf, sizeof buf, argv, 8);
    assert_int_equal(n, 4);
    assert_string_equal(argv[2], "/tmp/my data/lung.csv");
    assert_string_equal(argv[3], "days");
}

static void split__escaped_quote_inside_quotes__kept(void **state) {
    (void)state;
    char buf[256], *argv[8];
    int n = commands_split("set site \"a \\\"b\\\" c\"", buf, sizeof buf, argv, 8);
    assert_int_equal(n, 3);
    assert_string_equal(argv[2], "a \"b\" c");
}

static void split__unterminated_quote__refused(void **state) {
    (void)state;
    char buf[256], *argv[8];
    assert_int_equal(commands_split("load cohort \"/tmp/x.csv", buf, sizeof buf, argv, 8), -1);
}

static void split__too_many_words_or_too_long__refused(void **state) {
    (void)state;
    char buf[16], *argv[2];
    assert_int_equal(commands_split("a b c", buf, sizeof buf, argv, 2), -1);
    assert_int_equal(commands_split("abcdefghijklmnopqrstuvwxyz", buf, sizeof buf, argv, 2), -1);
}

static void split__empty_line__no_words(void **state) {
    (void)state;
    char buf[16], *argv[2];
    assert_int_equal(commands_split("   \t ", buf, sizeof buf, argv, 2), 0);
}

/* A session file writes names through commands_quote; splitting the line
 * must give back every byte, and the quoted word never spans lines. */
static void quote__quotes_newlines_and_escapes__split_gives_them_back(void **state) {
    (void)state;
    const char *hostile = "a \"b\\\nquit\r\t\x1b[31m\x7f;x";
    char q[256], line[300], buf[256], *argv[8];
    size_t need = commands_quote(hostile, q, sizeof q);
    assert_int_equal(need, strlen(q));
    assert_null(strpbrk(q, "\n\r\x1b\x7f"));
    snprintf(line, sizeof line, "use %s", q);
    int n = commands_split(line, buf, sizeof buf, argv, 8);
    assert_int_equal(n, 2);
    assert_string_equal(argv[1], hostile);
}

static void quote__too_small__truncated_and_length_needed(void **state) {
    (void)state;
    char q[4];
    assert_int_equal(commands_quote("abcdef", q, sizeof q), 8);
    assert_string_equal(q, "\"ab");
}

static void find__leading_dot_as_in_sqlite__same_command(void **state) {
    (void)state;
    assert_non_null(commands_find("help"));
    assert_ptr_equal(commands_find(".help"), commands_find("help"));
    assert_null(commands_find("frobnicate"));
}

/* Every command has usage and help text: help and completion read them. */
static void table__every_command__documented(void **state) {
    (void)state;
    int n = 0;
    for (const cmd_entry *c = commands_table; c->name; c++, n++) {
        assert_non_null(c->usage);
        assert_non_null(c->help);
        assert_true(strlen(c->help) > 10);
        assert_non_null(c->fn);
    }
    assert_true(n >= 25);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split__plain_words__split_on_spaces_and_tabs),
        cmocka_unit_test(quote__quotes_newlines_and_escapes__split_gives_them_back),
        cmocka_unit_test(quote__too_small__truncated_and_length_needed),
        cmocka_unit_test(split__quoted_path__one_word_with_spaces),
        cmocka_unit_test(split__escaped_quote_inside_quotes__kept),
        cmocka_unit_test(split__unterminated_quote__refused),
        cmocka_unit_test(split__too_many_words_or_too_long__refused),
        cmocka_unit_test(split__empty_line__no_words),
        cmocka_unit_test(find__leading_dot_as_in_sqlite__same_command),
        cmocka_unit_test(table__every_command__documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
