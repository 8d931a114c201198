/* test_plot.c - KM curves rasterised to a character grid, read back as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "plot.h"

static char rows[40][512];

static void render(plot_spec *sp, int w, int h, plot_grid *g) {
    assert_int_equal(plot_render(sp, w, h, g), 0);
    for (int y = 0; y < h; y++)
        plot_row_utf8(g, y, rows[y], sizeof rows[y]);
}

/* S = 1 until 18 months, then 0.5 until 30, then 0; ASCII grid 46 x 12:
 * margin 9 ("selected" is 8 wide), drawing area 36 columns x 7 rows. */
static void ascii__step_curve__drops_at_the_event_times(void **state) {
    (void)state;
    double t[] = {18, 30}, s[] = {0.5, 0.0}, c[] = {24};
    int risk[] = {10, 8, 4, 0};
    plot_curve cu = {"selected", t, s, 2, c, 1, risk, 0, 0};
    plot_spec sp = {&cu, 1, 36, 12, "months", 1};
    plot_grid g;
    render(&sp, 46, 12, &g);
    int ph = 12 - 1 - 2 - 1;
    /* The y axis is labelled at 100%, 50% and 0%. */
    assert_non_null(strstr(rows[1], "100%|"));
    assert_non_null(strstr(rows[ph], "  0%|"));
    /* The curve starts flat at the top... */
    assert_int_equal(rows[1][10], '-');
    /* ...drops at 18 months: column = 10 + round(18/36 * 35) = 28 (17.5 rounds up). */
    int drop = 10 + 18;
    assert_int_equal(rows[1][drop - 1], '-');
    assert_int_equal(rows[2][drop], '|');
    /* The censoring at 24 months is a '+' on the 50% level. */
    int half = 1 + (int)((1 - 0.5) * (ph - 1) + 0.5);
    assert_int_equal(rows[half][10 + 23], '+');
    /* Nothing is drawn right of the last observation (30 months). */
    assert_int_equal(rows[ph][45], ' ');
    /* Ticks 0, 12, 24, 36 with their labels, and the unit. */
    assert_non_null(strstr(rows[ph + 1], "+"));
    assert_non_null(strstr(rows[ph + 2], "0"));
    assert_non_null(strstr(rows[ph + 2], "12"));
    assert_non_null(strstr(rows[ph + 2], "24"));
    /* Number at risk under the ticks, labelled with the curve. */
    assert_int_equal(strncmp(rows[ph + 3], "selected", 8), 0);
    assert_non_null(strstr(rows[ph + 3], "10"));
    assert_non_null(strstr(rows[ph + 3], " 8 "));
    assert_non_null(strstr(rows[ph + 3], " 4 "));
    free(g.cells);
}

/* Braille: a curve at 100% sets only the top dots (bits 0x01 and 0x08). */
static void braille__flat_at_one__top_dots_only(void **state) {
    (void)state;
    double t[] = {100}, s[] = {1.0};
    plot_curve cu = {"all", t, s, 1, NULL, 0, NULL, 0, 0};
    plot_spec sp = {&cu, 1, 36, 12, "months", 0};
    plot_grid g;
    render(&sp, 40, 10, &g);
    uint32_t ch = g.cells[1 * g.w + 10].ch;
    assert_int_equal(ch, 0x2800 + 0x01 + 0x08);
    assert_int_equal(g.cells[1 * g.w + 10].curve, 0);
    free(g.cells);
}

/* The previous version's curve is dimmed and loses shared cells. */
static void dimmed_curve__marked_and_yields_shared_cells(void **state) {
    (void)state;
    double t[] = {100}, s[] = {1.0};
    plot_curve cu[2] = {{"now", t, s, 1, NULL, 0, NULL, 0, 0},
                        {"now", t, s, 1, NULL, 0, NULL, 1, 0}};
    plot_spec sp = {cu, 2, 36, 12, "months", 0};
    plot_grid g;
    render(&sp, 40, 10, &g);
    plot_cell pc = g.cells[1 * g.w + 10];
    assert_int_equal(pc.curve, 0);
    assert_int_equal(pc.dim, 0);
    assert_non_null(strstr(rows[0], "\xe2\x95\x8d\xe2\x95\x8d before"));
    free(g.cells);
}

/* Alone, the previous version's curve shows its dashes: two cells drawn,
 * two left out, in braille and in ASCII; a reference curve is dotted. */
static void dashed_and_dotted__gaps_a_person_sees(void **state) {
    (void)state;
    double t[] = {100}, s[] = {0.6};
    for (int ascii = 0; ascii <= 1; ascii++)
        for (int style = 0; style < 2; style++) {
            plot_curve cu = {"c", t, s, 1, NULL, 0, NULL, style == 0, style == 1};
            plot_spec sp = {&cu, 1, 36, 12, "months", ascii};
            plot_grid g;
            render(&sp, 60, 12, &g);
            /* the curve's row: count drawn and empty cells along it */
            int row = -1;
            for (int y = 1; y < g.h && row < 0; y++)
                for (int x = 10; x < 20; x++)
                    if (g.cells[y * g.w + x].curve == 0)
                        row = y;
            assert_true(row > 0);
            int on = 0, off = 0;
            for (int x = 12; x < 44; x++) {
                int drawn = g.cells[row * g.w + x].curve == 0;
                on += drawn;
                off += !drawn;
            }
            assert_true(on >= 12 && off >= 12); /* about half of each */
            free(g.cells);
        }
}

static void too_small__refused(void **state) {
    (void)state;
    double t[] = {1}, s[] = {0.5};
    plot_curve cu = {"x", t, s, 1, NULL, 0, NULL, 0, 0};
    plot_spec sp = {&cu, 1, 36, 12, "months", 0};
    plot_grid g;
    assert_int_equal(plot_render(&sp, 29, 10, &g), -1);
    assert_int_equal(plot_render(&sp, 40, 5, &g), -1);
    sp.tmax = 0;
    assert_int_equal(plot_render(&sp, 40, 10, &g), -1);
}

static void nticks__inclusive_of_the_end(void **state) {
    (void)state;
    plot_spec sp = {NULL, 0, 36, 12, "months", 0};
    assert_int_equal(plot_nticks(&sp), 4);
    sp.tmax = 35.9;
    assert_int_equal(plot_nticks(&sp), 3);
}

/* Far more ticks than an int holds, or an infinite axis: capped, no
 * out-of-range float-to-int cast (UBSan float-cast-overflow). */
static void nticks__huge_or_infinite_axis__capped(void **state) {
    (void)state;
    plot_spec sp = {NULL, 0, 1e300, 1e-300, "months", 0};
    assert_int_equal(plot_nticks(&sp), PLOT_MAX_TICKS);
    sp.tmax = INFINITY;
    sp.tick = 12;
    assert_int_equal(plot_nticks(&sp), PLOT_MAX_TICKS);
    sp.tmax = 36;
    sp.tick = NAN;
    assert_int_equal(plot_nticks(&sp), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ascii__step_curve__drops_at_the_event_times),
        cmocka_unit_test(braille__flat_at_one__top_dots_only),
        cmocka_unit_test(dimmed_curve__marked_and_yields_shared_cells),
        cmocka_unit_test(dashed_and_dotted__gaps_a_person_sees),
        cmocka_unit_test(too_small__refused),
        cmocka_unit_test(nticks__inclusive_of_the_end),
        cmocka_unit_test(nticks__huge_or_infinite_axis__capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
