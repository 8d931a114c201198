/* test_layout.c - pane geometry and scrollback wrapping, without a terminal. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"
#include "textlog.h"

/* Every cell of the screen belongs to exactly one pane. */
static void assert_tiles(int cols, int rows) {
    layout l;
    assert_int_equal(layout_compute(cols, rows, &l), 0);
    static unsigned char owner[300][300];
    memset(owner, 0, sizeof owner);
    for (int p = 0; p < PANE_COUNT; p++) {
        rect r = l.pane[p];
        assert_true(r.h >= 1 && r.w >= 1);
        assert_true(r.y >= 0 && r.x >= 0 && r.y + r.h <= rows && r.x + r.w <= cols);
        for (int y = r.y; y < r.y + r.h; y++)
            for (int x = r.x; x < r.x + r.w; x++) {
                assert_int_equal(owner[y][x], 0);
                owner[y][x] = (unsigned char)(p + 1);
            }
    }
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++)
            assert_int_not_equal(owner[y][x], 0);
}

static void layout__sizes_from_80x24_up__panes_tile_the_screen(void **state) {
    (void)state;
    int sizes[][2] = {{80, 24}, {81, 25}, {100, 30}, {120, 40}, {200, 60}, {299, 299}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        assert_tiles(sizes[i][0], sizes[i][1]);
}

static void layout__80x24__input_is_the_last_row_and_plot_usable(void **state) {
    (void)state;
    layout l;
    assert_int_equal(layout_compute(80, 24, &l), 0);
    assert_int_equal(l.pane[PANE_INPUT].y, 23);
    assert_int_equal(l.pane[PANE_STATUS].y, 0);
    /* A KM plot needs room for axes and a few rows of curve. */
    assert_true(l.pane[PANE_PLOT].h >= 6);
    assert_true(l.pane[PANE_PLOT].w >= 40);
    assert_true(l.pane[PANE_OUTCOME].h >= 9);
}

static void layout__below_80x24__refused(void **state) {
    (void)state;
    layout l;
    assert_int_equal(layout_compute(79, 24, &l), -1);
    assert_int_equal(layout_compute(80, 23, &l), -1);
    assert_int_equal(layout_compute(1, 1, &l), -1);
}

static void textlog__partial_writes__join_into_lines(void **state) {
    (void)state;
    textlog t;
    assert_int_equal(textlog_init(&t, 10), 0);
    textlog_write(&t, "ab", 2, TL_NORMAL);
    textlog_write(&t, "c\nde", 4, TL_NORMAL);
    textlog_write(&t, "\r\n", 2, TL_ERROR);
    assert_int_equal(t.count, 2);
    assert_string_equal(textlog_get(&t, 0)->text, "abc");
    assert_string_equal(textlog_get(&t, 1)->text, "de");
    /* A line takes the style it started with. */
    assert_int_equal(textlog_get(&t, 1)->style, TL_NORMAL);
    textlog_free(&t);
}

static void textlog__over_capacity__oldest_dropped(void **state) {
    (void)state;
    textlog t;
    assert_int_equal(textlog_init(&t, 3), 0);
    for (int i = 0; i < 5; i++) {
        char line[8];
        int n = snprintf(line, sizeof line, "%d\n", i);
        textlog_write(&t, line, (size_t)n, TL_NORMAL);
    }
    assert_int_equal(t.count, 3);
    assert_string_equal(textlog_get(&t, 0)->text, "2");
    assert_string_equal(textlog_get(&t, 2)->text, "4");
    assert_null(textlog_get(&t, 3));
    textlog_free(&t);
}

static void wrap__wide_characters__counted_by_display_width(void **state) {
    (void)state;
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
        skip();
    size_t starts[8];
    /* Four CJK characters, two columns each: 8 columns -> two rows of 4. */
    const char *cjk = "\xe8\x82\xba\xe7\x99\x8c\xe5\x88\x86\xe6\x9c\x9f";
    assert_int_equal(textlog_wrap(cjk, 4, starts, 8), 2);
    assert_int_equal(starts[1], 6); /* the third character starts at byte 6 */
    /* Accented Latin letters are one column each, two bytes each. */
    assert_int_equal(textlog_wrap("\xc3\xa4\xc3\xb6\xc3\xbc", 3, starts, 8), 1);
    assert_int_equal(textlog_wrap("abcdefg", 3, starts, 8), 3);
    assert_int_equal(starts[2], 6);
    assert_int_equal(textlog_wrap("", 10, starts, 8), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout__sizes_from_80x24_up__panes_tile_the_screen),
        cmocka_unit_test(layout__80x24__input_is_the_last_row_and_plot_usable),
        cmocka_unit_test(layout__below_80x24__refused),
        cmocka_unit_test(textlog__partial_writes__join_into_lines),
        cmocka_unit_test(textlog__over_capacity__oldest_dropped),
        cmocka_unit_test(wrap__wide_characters__counted_by_display_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
