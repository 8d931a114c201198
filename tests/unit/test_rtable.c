/* test_rtable.c - the result table's renderers keep the rules a reader of
 * each format relies on: CSV as RFC 4180 and R's read.csv read it (quotes
 * doubled, NA for missing, TRUE/FALSE for logicals, no "inf"), JSON with
 * null for missing and true/false, Markdown with '|' escaped and numbers
 * right-aligned, text in aligned columns without trailing spaces. */
#define _POSIX_C_SOURCE 200809L
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rtable.h"

/* step | n | hr | kept: two rows, one with a comma, a quote and a pipe. */
static void build(rtable *t) {
    assert_int_equal(rtable_init(t, 4), 0);
    rtable_col_set(t, 0, "step", RTABLE_TEXT, NULL, 1);
    rtable_col_set(t, 1, "n", RTABLE_COUNT, NULL, 0);
    rtable_col_set(t, 2, "hr", RTABLE_NUM, NULL, 0);
    rtable_col_set(t, 3, "kept", RTABLE_BOOL, NULL, 0);
    size_t r = rtable_add_row(t);
    rtable_set_text(t, r, 0, "ecog");
    rtable_set_num(t, r, 1, 228);
    rtable_set_num(t, r, 2, 0.588002818564);
    rtable_set_num(t, r, 3, 1);
    r = rtable_add_row(t);
    rtable_set_text(t, r, 0, "a, \"b\" | c");
    rtable_set_num(t, r, 1, 12);
    rtable_set_num(t, r, 2, INFINITY); /* no estimate */
    /* kept left missing */
}

static char *render(int fmt, const rtable *t) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    int rc = fmt == 0   ? rtable_write_csv(f, t)
             : fmt == 1 ? rtable_write_json(f, t, "")
                        : rtable_write_md(f, t);
    assert_int_equal(rc, 0);
    fclose(f);
    return buf;
}

static void csv__quotes_na_logicals__as_read_csv_reads(void **state) {
    (void)state;
    rtable t;
    build(&t);
    char *s = render(0, &t);
    assert_string_equal(s, "step,n,hr,kept\n"
                           "ecog,228,0.588002818564,TRUE\n"
                           "\"a, \"\"b\"\" | c\",12,NA,NA\n");
    free(s);
    rtable_free(&t);
}

static void json__null_and_booleans(void **state) {
    (void)state;
    rtable t;
    build(&t);
    char *s = render(1, &t);
    assert_string_equal(
        s, "[\n  {\"step\": \"ecog\", \"n\": 228, \"hr\": 0.588002818564, \"kept\": true},"
           "\n  {\"step\": \"a, \\\"b\\\" | c\", \"n\": 12, \"hr\": null, \"kept\": null}\n]");
    free(s);
    rtable_free(&t);
}

static void md_and_text__escaped_and_aligned(void **state) {
    (void)state;
    rtable t;
    build(&t);
    char *s = render(2, &t);
    assert_string_equal(s, "| step | n | hr | kept |\n|---|--:|--:|--:|\n"
                           "| ecog | 228 | 0.588002818564 | yes |\n"
                           "| a, \"b\" \\| c | 12 | NA | NA |\n");
    free(s);
    s = rtable_text(&t);
    assert_string_equal(s, "step          n              hr  kept\n"
                           "ecog        228  0.588002818564   yes\n"
                           "a, \"b\" | c   12              NA    NA\n");
    free(s);
    rtable_free(&t);
}

/* Non-ASCII labels line up by characters, not bytes, as a terminal in a
 * UTF-8 locale shows them. */
static void text__utf8__aligned_by_characters(void **state) {
    (void)state;
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
        skip();
    rtable t;
    assert_int_equal(rtable_init(&t, 2), 0);
    rtable_col_set(&t, 0, "arm", RTABLE_TEXT, NULL, 1);
    rtable_col_set(&t, 1, "n", RTABLE_COUNT, NULL, 0);
    size_t r = rtable_add_row(&t);
    rtable_set_text(&t, r, 0, "Größe");
    rtable_set_num(&t, r, 1, 7);
    r = rtable_add_row(&t);
    rtable_set_text(&t, r, 0, "radical");
    rtable_set_num(&t, r, 1, 12);
    char *s = rtable_text(&t);
    assert_string_equal(s, "arm       n\nGröße     7\nradical  12\n");
    free(s);
    rtable_free(&t);
    setlocale(LC_CTYPE, "C");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv__quotes_na_logicals__as_read_csv_reads),
        cmocka_unit_test(json__null_and_booleans),
        cmocka_unit_test(md_and_text__escaped_and_aligned),
        cmocka_unit_test(text__utf8__aligned_by_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
