/* test_visible.c - control characters from untrusted text made visible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "visible.h"

static char *esc(const char *in) {
    size_t n;
    char *out = visible_escape(in, strlen(in), &n);
    assert_non_null(out);
    assert_int_equal(n, strlen(out));
    return out;
}

static void escape__esc_bel_cr_del__shown_as_hex(void **state) {
    (void)state;
    char *out = esc("a\033[2Jb\007c\rd\177e");
    assert_string_equal(out, "a\\x1b[2Jb\\x07c\\x0dd\\x7fe");
    free(out);
}

static void escape__newline_tab_and_utf8__kept(void **state) {
    (void)state;
    const char *ok = "line\tcol\r\n\xc3\xa9t\xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80\n";
    assert_int_equal(visible_needed(ok, strlen(ok)), 0);
    char *out = esc(ok);
    assert_string_equal(out, ok);
    free(out);
}

static void escape__c1_control_in_utf8__shown_as_u(void **state) {
    (void)state;
    char *out = esc("x\xc2\x9b"
                    "31my");
    assert_string_equal(out, "x\\u009b31my");
    free(out);
}

static void escape__bytes_that_are_not_utf8__shown_as_hex(void **state) {
    (void)state;
    char *out = esc("\x9b\xff\xc0\x80\xed\xa0\x80z");
    assert_string_equal(out, "\\x9b\\xff\\xc0\\x80\\xed\\xa0\\x80z");
    free(out);
}

static void escape__sequence_cut_by_the_end__kept_for_the_next_write(void **state) {
    (void)state;
    assert_int_equal(visible_needed("ab\xe2\x80", 4), 0);
}

static void escape__escaped_text__unchanged_when_escaped_again(void **state) {
    (void)state;
    char *once = esc("\033]0;title\007\x01\xc2\x85");
    assert_int_equal(visible_needed(once, strlen(once)), 0);
    char *twice = esc(once);
    assert_string_equal(once, twice);
    free(once);
    free(twice);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape__esc_bel_cr_del__shown_as_hex),
        cmocka_unit_test(escape__newline_tab_and_utf8__kept),
        cmocka_unit_test(escape__c1_control_in_utf8__shown_as_u),
        cmocka_unit_test(escape__bytes_that_are_not_utf8__shown_as_hex),
        cmocka_unit_test(escape__sequence_cut_by_the_end__kept_for_the_next_write),
        cmocka_unit_test(escape__escaped_text__unchanged_when_escaped_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
