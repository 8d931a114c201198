/* test_csv.c - the CSV reader and writer against real files and fixtures.
 *
 * Expected figures come from outside the code: row/column counts from
 * data/README.md, cells looked up in the raw files with awk,
 * missing counts from R (read.csv(..., na.strings = c("", "NA", "NaN", "."));
 * colSums(is.na(d))), numbers from the C library's strtod.
 */
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
#include <unistd.h>

#include <cmocka.h>

#include "cohort.h"
#include "csv.h"

static char errbuf[1024];

/* $top_srcdir/rel, or ./rel when run by hand from the source tree. */
static const char *src_path(const char *rel) {
    static char buf[4][4096];
    static int k;
    const char *top = getenv("top_srcdir");
    char *p = buf[k++ & 3];
    snprintf(p, sizeof buf[0], "%s/%s", top && *top ? top : ".", rel);
    return p;
}

static cohort *load(const char *rel, const csv_options *o) {
    cohort *c = csv_read_file(src_path(rel), rel, o, errbuf, sizeof errbuf);
    if (!c)
        fail_msg("%s", errbuf);
    return c;
}

/* Loads rel expecting failure; returns the message. */
static const char *load_fails(const char *rel, const csv_options *o) {
    cohort *c = csv_read_file(src_path(rel), rel, o, errbuf, sizeof errbuf);
    if (c) {
        cohort_free(c);
        fail_msg("%s loaded, expected an error", rel);
    }
    return errbuf;
}

static void assert_contains(const char *s, const char *part) {
    if (!strstr(s, part))
        fail_msg("'%s' not found in '%s'", part, s);
}

static double num(const cohort *c, const char *col, size_t row) {
    cohort_column *k = cohort_find(c, col);
    assert_non_null(k);
    assert_int_equal(k->type, COHORT_NUM);
    return k->v.num[row];
}

static const char *str(const cohort *c, const char *col, size_t row) {
    cohort_column *k = cohort_find(c, col);
    assert_non_null(k);
    assert_int_equal(k->type, COHORT_STR);
    return cohort_str(k, row);
}

static size_t missing(const cohort *c, const char *col) {
    cohort_column *k = cohort_find(c, col);
    if (!k)
        fail_msg("no column %s", col);
    return cohort_missing(k, cohort_nrows(c));
}

/* ---- real data ---- */

static void read__ncctg_lung__228x10_cells_and_missing_as_R(void **state) {
    (void)state;
    cohort *c = load("data/ncctg_lung.csv", NULL);
    assert_int_equal(cohort_nrows(c), 228);
    assert_int_equal(cohort_ncols(c), 10);
    static const char *names[] = {"inst",    "time",     "status",    "age",      "sex",
                                  "ph.ecog", "ph.karno", "pat.karno", "meal.cal", "wt.loss"};
    /* R: colSums(is.na(read.csv("ncctg_lung.csv"))) */
    static const size_t miss[] = {1, 0, 0, 0, 0, 1, 1, 3, 47, 14};
    for (size_t j = 0; j < 10; j++) {
        assert_string_equal(cohort_col(c, j)->name, names[j]);
        assert_int_equal(cohort_col(c, j)->type, COHORT_NUM);
        assert_int_equal(missing(c, names[j]), miss[j]);
    }
    /* awk -F, 'NR==2{print $2,$3,$10}' -> 306 2 NA ; NR==4 $9 -> NA */
    assert_true(num(c, "time", 0) == 306);
    assert_true(num(c, "status", 0) == 2);
    assert_true(isnan(num(c, "wt.loss", 0)));
    assert_true(isnan(num(c, "meal.cal", 2)));
    /* R: sum(d$meal.cal, na.rm = TRUE) = 168109, sum(d$wt.loss, na.rm = TRUE) = 2104 */
    double meal = 0, wt = 0;
    for (size_t i = 0; i < 228; i++) {
        if (!isnan(num(c, "meal.cal", i)))
            meal += num(c, "meal.cal", i);
        if (!isnan(num(c, "wt.loss", i)))
            wt += num(c, "wt.loss", i);
    }
    assert_true(meal == 168109);
    assert_true(wt == 2104);
    cohort_free(c);
}

static void read__ncctg_status_option__R_coding_becomes_0_1(void **state) {
    (void)state;
    csv_options o;
    csv_options_init(&o);
    const csv_pair map[] = {{"os_time", "time"}, {"os_event", "status"}};
    const char *status[] = {"os_event"};
    o.map = map;
    o.nmap = 2;
    o.status = status;
    o.nstatus = 1;
    cohort *c = load("data/ncctg_lung.csv", &o);
    assert_null(cohort_find(c, "time"));
    assert_string_equal(cohort_col(c, 1)->name, "os_time");
    assert_string_equal(cohort_col(c, 2)->name, "os_event");
    /* R: sum(lung$status == 2) = 165 deaths */
    double events = 0;
    for (size_t i = 0; i < 228; i++) {
        double e = num(c, "os_event", i);
        assert_true(e == 0 || e == 1);
        events += e;
    }
    assert_true(events == 165);
    assert_true(num(c, "os_event", 2) == 0); /* raw status 1 on line 4 */
    cohort_free(c);
}

static void read__tcga__1026x25_types_and_missing_as_R(void **state) {
    (void)state;
    cohort *c = load("data/tcga_luad_lusc_clinical.csv", NULL);
    assert_int_equal(cohort_nrows(c), 1026);
    assert_int_equal(cohort_ncols(c), 25);
    /* R: sapply(d, class) and colSums(is.na(d)) with na.strings c("", "NA", "NaN", ".") */
    static const struct {
        const char *name;
        cohort_type type;
        size_t miss;
    } want[] = {
        {"bcr_patient_barcode", COHORT_STR, 0},
        {"acronym", COHORT_STR, 0},
        {"gender", COHORT_STR, 0},
        {"age_at_initial_pathologic_diagnosis", COHORT_NUM, 28},
        {"year_of_initial_pathologic_diagnosis", COHORT_NUM, 27},
        {"histological_type", COHORT_STR, 0},
        {"pathologic_T", COHORT_STR, 0},
        {"pathologic_N", COHORT_STR, 1},
        {"pathologic_M", COHORT_STR, 8},
        {"pathologic_stage", COHORT_STR, 3},
        {"ajcc_pathologic_tumor_stage", COHORT_STR, 0},
        {"system_version", COHORT_STR, 124},
        {"tobacco_smoking_history", COHORT_STR, 26},
        {"vital_status", COHORT_STR, 0},
        {"liu_vital_status", COHORT_STR, 0},
        {"days_to_death", COHORT_NUM, 625},
        {"days_to_last_followup", COHORT_NUM, 233},
        {"OS", COHORT_NUM, 0},
        {"OS.time", COHORT_NUM, 15},
        {"DSS", COHORT_NUM, 88},
        {"DSS.time", COHORT_NUM, 15},
        {"DFI", COHORT_NUM, 413},
        {"DFI.time", COHORT_NUM, 417},
        {"PFI", COHORT_NUM, 0},
        {"PFI.time", COHORT_NUM, 14},
    };
    for (size_t j = 0; j < 25; j++) {
        const cohort_column *col = cohort_col(c, j);
        assert_string_equal(col->name, want[j].name);
        assert_int_equal(col->type, want[j].type);
        assert_int_equal(missing(c, want[j].name), want[j].miss);
    }
    /* awk -F, 'NR==501' : TCGA-MP-A4T8, age 68, OS.time 161, PFI.time 161 */
    assert_string_equal(str(c, "bcr_patient_barcode", 499), "TCGA-MP-A4T8");
    assert_true(num(c, "age_at_initial_pathologic_diagnosis", 499) == 68);
    assert_true(num(c, "OS.time", 499) == 161);
    assert_true(num(c, "PFI.time", 499) == 161);
    /* the README: 34 patients recorded as stage IV */
    size_t stage4 = 0;
    for (size_t i = 0; i < 1026; i++) {
        const char *s = str(c, "pathologic_stage", i);
        stage4 += s && strcmp(s, "Stage IV") == 0;
    }
    assert_int_equal(stage4, 34);
    /* R: sprintf("%.17g", mean(d$OS.time, na.rm = TRUE)) = 937.18793273986148 */
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < 1026; i++)
        if (!isnan(num(c, "OS.time", i)))
            sum += num(c, "OS.time", i), n++;
    assert_int_equal(n, 1011);
    assert_true(fabs(sum / (double)n - 937.18793273986148) < 1e-9);
    cohort_free(c);
}

static void read__lung1__422x10_or_skip(void **state) {
    (void)state;
    const char *rel = "../shared/data/lung1_clinical_v1.csv";
    if (access(src_path(rel), R_OK) != 0) {
        print_message("skipped: %s is absent (CC BY-NC, not bundled)\n", src_path(rel));
        skip();
    }
    cohort *c = load(rel, NULL);
    assert_int_equal(cohort_nrows(c), 422);
    assert_int_equal(cohort_ncols(c), 10);
    /* R: colSums(is.na(...)) and sapply(d, class) */
    assert_int_equal(missing(c, "age"), 22);
    assert_int_equal(missing(c, "clinical.T.Stage"), 1);
    assert_int_equal(missing(c, "Overall.Stage"), 1);
    assert_int_equal(missing(c, "Histology"), 42); /* quoted "NA" is missing, as in R */
    assert_int_equal(missing(c, "Survival.time"), 0);
    assert_int_equal(cohort_find(c, "gender")->type, COHORT_STR);
    /* R: d[57, ] = LUNG1-057, 74.9076, 2, 2, 0, IIIa, nos, male, 98, 1 */
    assert_string_equal(str(c, "PatientID", 56), "LUNG1-057");
    assert_true(num(c, "age", 56) == 74.9076);
    assert_true(num(c, "Survival.time", 56) == 98);
    assert_string_equal(str(c, "Histology", 56), "nos");
    assert_true(isnan(num(c, "age", 55))); /* LUNG1-056 age "NA" */
    /* R: sprintf("%.17g", sum(d$age, na.rm = TRUE)) = 27214.599999999999 */
    double sum = 0;
    for (size_t i = 0; i < 422; i++)
        if (!isnan(num(c, "age", i)))
            sum += num(c, "age", i);
    assert_true(fabs(sum - 27214.6) < 1e-8);
    cohort_free(c);
}

/* ---- fixtures: the RFC 4180 corners ---- */

static void read__basic__types_inferred_none_is_not_missing(void **state) {
    (void)state;
    cohort *c = load("tests/fixtures/csv/basic.csv", NULL);
    assert_int_equal(cohort_nrows(c), 4);
    assert_int_equal(cohort_find(c, "age")->type, COHORT_NUM);
    assert_int_equal(cohort_find(c, "smoker")->type, COHORT_BOOL);
    assert_int_equal(cohort_find(c, "sex")->type, COHORT_STR);
    assert_true(num(c, "age", 3) == 58.5);
    assert_true(isnan(num(c, "age", 2)));  /* NA */
    assert_true(isnan(num(c, "ecog", 3))); /* empty */
    assert_int_equal(cohort_find(c, "smoker")->v.b[1], 0);
    assert_int_equal(cohort_find(c, "smoker")->v.b[2], COHORT_NA);
    /* `none` = known empty list; an empty cell = unknown */
    assert_string_equal(str(c, "n_stations", 0), "none");
    assert_null(str(c, "n_stations", 2));
    assert_string_equal(str(c, "n_stations", 1), "4R;7");
    cohort_free(c);
}

static void read__quoted_crlf_bom__fields_kept_exactly(void **state) {
    (void)state;
    cohort *c = load("tests/fixtures/csv/quoted.csv", NULL);
    assert_int_equal(cohort_nrows(c), 4);              /* the blank CRLF line is skipped */
    assert_string_equal(cohort_col(c, 0)->name, "id"); /* no BOM in the name */
    assert_string_equal(str(c, "note", 1), "with, comma");
    assert_string_equal(str(c, "note", 2), "say \"hi\"");
    assert_string_equal(str(c, "note", 3), "two\r\nlines");
    assert_true(num(c, "size", 0) == 1.5);
    assert_true(num(c, "size", 3) == 0.4); /* 4e-1 */
    cohort_free(c);
}

static void read__semicolon_decimal_comma__with_options(void **state) {
    (void)state;
    csv_options o;
    csv_options_init(&o);
    const char *msg = load_fails("tests/fixtures/csv/semicolon.csv", &o);
    assert_contains(msg, "semicolon.csv:2:2:");
    assert_contains(msg, "sep = \";\"");
    o.sep = ';';
    o.decimal = ',';
    cohort *c = load("tests/fixtures/csv/semicolon.csv", &o);
    assert_int_equal(cohort_ncols(c), 3);
    assert_true(num(c, "size", 0) == 1.25);
    assert_true(num(c, "size", 1) == 0.5);
    assert_true(num(c, "size", 2) == -375);
    assert_true(isnan(num(c, "age", 1)));
    cohort_free(c);
}

static void read__numbers__equal_strtod_to_the_bit(void **state) {
    (void)state;
    cohort *c = load("tests/fixtures/csv/numbers.csv", NULL);
    static const char *lit[] = {"0.1",
                                "1e308",
                                "1.7976931348623157e308",
                                "5e-324",
                                "-0",
                                "123456789012345678901234567890",
                                "0.30000000000000004",
                                "42",
                                "+7",
                                ".5",
                                "5.",
                                "Inf",
                                "-inf",
                                "0x1A"};
    assert_int_equal(cohort_nrows(c), sizeof lit / sizeof lit[0]);
    for (size_t i = 0; i < sizeof lit / sizeof lit[0]; i++) {
        double want = strtod(lit[i], NULL), got = num(c, "n", i);
        if (memcmp(&want, &got, sizeof want) != 0)
            fail_msg("row %zu: %s read as %.17g, strtod says %.17g", i + 1, lit[i], got, want);
    }
    cohort_free(c);
}

/* Random decimals of every shape: the fast path and strtod agree bit for bit. */
static void parse_number__random_decimals__equal_strtod(void **state) {
    (void)state;
    uint64_t x = 88172645463325252ULL;
    char s[64];
    for (int k = 0; k < 300000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int len = 0;
        if (x & 1)
            s[len++] = '-';
        int ndig = 1 + (int)((x >> 1) % 22), point = (int)((x >> 6) % (unsigned)(ndig + 2));
        uint64_t y = x * 2862933555777941757ULL + 3037000493ULL;
        for (int d = 0; d < ndig; d++) {
            if (d == point)
                s[len++] = '.';
            y = y * 6364136223846793005ULL + 1442695040888963407ULL;
            s[len++] = (char)('0' + (y >> 33) % 10);
        }
        if ((x >> 12) % 3 == 0)
            len += sprintf(s + len, "e%d", (int)((x >> 20) % 80) - 40);
        s[len] = '\0';
        double want = strtod(s, NULL), got;
        assert_int_equal(csv_parse_number(s, (size_t)len, '.', &got), 1);
        if (memcmp(&want, &got, sizeof want) != 0)
            fail_msg("%s: got %.17g, strtod %.17g", s, got, want);
    }
    double v;
    assert_int_equal(csv_parse_number("1e", 2, '.', &v), 0);
    assert_int_equal(csv_parse_number(".", 1, '.', &v), 0);
    assert_int_equal(csv_parse_number("nan", 3, '.', &v), 1); /* R: NaN */
    assert_true(isnan(v));
    assert_int_equal(csv_parse_number("NAN", 3, '.', &v), 0); /* R: text */
    assert_int_equal(csv_parse_number("1.5", 3, ',', &v), 0); /* '.' is not the mark */
    assert_int_equal(csv_parse_number("1,5", 3, ',', &v), 1);
    assert_true(v == 1.5);
}

/* Overflow, infinities, NaN and hexadecimal as R reads them.  The expected
 * values are R 4.2's: print(read.csv("tests/hostile/csv/numbers_r.csv")$x)
 * gives Inf -Inf Inf -Inf Inf -Inf Inf NaN NaN NaN 26 -26 8 0 NA 3 (NaN and
 * NA are both missing here: a number column holds NaN for missing). */
static void read__r_number_words_overflow_hex__as_r(void **state) {
    (void)state;
    cohort *c = load("tests/hostile/csv/numbers_r.csv", NULL);
    static const double want[] = {INFINITY, -INFINITY, INFINITY, -INFINITY, INFINITY, -INFINITY,
                                  INFINITY, NAN,       NAN,      NAN,       26,       -26,
                                  8,        0,         NAN,      3};
    assert_int_equal(cohort_nrows(c), 16);
    for (size_t i = 0; i < 16; i++) {
        double got = num(c, "x", i);
        if (isnan(want[i]) ? !isnan(got) : got != want[i])
            fail_msg("row %zu: got %g, R reads %g", i + 1, got, want[i]);
    }
    cohort_free(c);
    /* R reads "NAN" (NA, then junk) as text, so the column is text */
    static const char text[] = "x\nNAN\n1\n";
    c = csv_read_buffer(text, sizeof text - 1, "NAN.csv", NULL, errbuf, sizeof errbuf);
    assert_non_null(c);
    assert_string_equal(str(c, "x", 0), "NAN");
    cohort_free(c);
}

/* "0x1A.8": C reads 26.5, R 424 (it drops the point: R 4.2,
 * read.csv("tests/hostile/csv/hexfrac.csv")$x is 2.5 424).  Refused at
 * load with its position, unless the column is text anyway. */
static void read__hex_fraction__refused_with_position(void **state) {
    (void)state;
    assert_contains(load_fails("tests/hostile/csv/hexfrac.csv", NULL),
                    "tests/hostile/csv/hexfrac.csv:3:2: '0x1A.8' in column 'x' is a hexadecimal "
                    "fraction");
    csv_options o;
    csv_options_init(&o);
    csv_typespec t = {"x", COHORT_NUM};
    o.types = &t;
    o.ntypes = 1;
    assert_contains(load_fails("tests/hostile/csv/hexfrac.csv", &o), "hexfrac.csv:3:2: '0x1A.8'");
    static const char text[] = "x\n0x1A.8\nabc\n";
    cohort *c = csv_read_buffer(text, sizeof text - 1, "t.csv", NULL, errbuf, sizeof errbuf);
    assert_non_null(c);
    assert_string_equal(str(c, "x", 0), "0x1A.8");
    cohort_free(c);
}

/* The process locale must not matter: de_DE writes 1,5 for 1.5. */
static void parse_number__german_locale__still_reads_points(void **state) {
    (void)state;
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "de_DE.utf8")) {
        print_message("skipped: no de_DE locale installed\n");
        skip();
    }
    double v = 0;
    assert_int_equal(csv_parse_number("1.25e-1", 7, '.', &v), 1);
    assert_true(v == 0.125);
    assert_int_equal(csv_parse_number("0.1000000000000000055511151231257827", 36, '.', &v), 1);
    assert_true(v == 0.1);
    char buf[32];
    csv_format_number(0.1, '.', buf);
    assert_string_equal(buf, "0.1");
    setlocale(LC_NUMERIC, "C");
}

static void read__late_text__column_becomes_string_levels_first_seen(void **state) {
    (void)state;
    cohort *c = load("tests/fixtures/csv/late_text.csv", NULL);
    assert_int_equal(cohort_nrows(c), 51);
    cohort_column *code = cohort_find(c, "code");
    assert_int_equal(code->type, COHORT_STR); /* 50 numbers, then "X9" */
    assert_string_equal(code->levels[0], "1");
    assert_string_equal(cohort_str(code, 50), "X9");
    assert_int_equal(cohort_find(c, "late_bool")->type, COHORT_STR);
    assert_int_equal(cohort_find(c, "empty")->type, COHORT_NUM); /* nothing in it */
    assert_int_equal(missing(c, "empty"), 51);
    assert_null(str(c, "list", 0));
    assert_string_equal(str(c, "list", 1), "7");
    assert_string_equal(str(c, "list", 2), "none");
    cohort_free(c);
}

static void read__blank_lines_cr_only_dup_names_header_only(void **state) {
    (void)state;
    cohort *c = load("tests/fixtures/csv/blank_lines.csv", NULL);
    assert_int_equal(cohort_nrows(c), 2);
    assert_true(num(c, "x", 1) == 2);
    cohort_free(c);
    c = load("tests/fixtures/csv/cr_only.csv", NULL);
    assert_int_equal(cohort_nrows(c), 2);
    assert_true(num(c, "b", 1) == 4);
    cohort_free(c);
    c = load("tests/fixtures/csv/dup_names.csv", NULL); /* R: a, a.1, X, b */
    assert_string_equal(cohort_col(c, 1)->name, "a.1");
    assert_string_equal(cohort_col(c, 2)->name, "X");
    cohort_free(c);
    c = load("tests/fixtures/csv/header_only.csv", NULL);
    assert_int_equal(cohort_nrows(c), 0);
    assert_int_equal(cohort_ncols(c), 2);
    cohort_free(c);
}

/* Repeated and empty names are renamed as R's read.csv does; the expected
 * names are R 4.2's: names(read.csv(text = "a,a,a.1,a,,\n1,2,3,4,5,6"))
 * and names(read.csv(text = "a,a,a.1,a,,,X,X.1,a.1\n1,2,3,4,5,6,7,8,9")). */
static void read__repeated_names__renamed_as_r_make_unique(void **state) {
    (void)state;
    static const char data[] = "a,a,a.1,a,,\n1,2,3,4,5,6\n";
    cohort *c = csv_read_buffer(data, sizeof data - 1, "dup.csv", NULL, errbuf, sizeof errbuf);
    assert_non_null(c);
    static const char *const want[] = {"a", "a.2", "a.1", "a.3", "X", "X.1"};
    assert_int_equal(cohort_ncols(c), 6);
    for (size_t j = 0; j < 6; j++)
        assert_string_equal(cohort_col(c, j)->name, want[j]);
    assert_true(num(c, "a.3", 0) == 4);
    cohort_free(c);
    /* the header's own X keeps its name; the empty ones come after it */
    static const char data2[] = "a,a,a.1,a,,,X,X.1,a.1\n1,2,3,4,5,6,7,8,9\n";
    c = csv_read_buffer(data2, sizeof data2 - 1, "dup2.csv", NULL, errbuf, sizeof errbuf);
    assert_non_null(c);
    static const char *const want2[] = {"a",   "a.2", "a.1", "a.3",  "X.2",
                                        "X.3", "X",   "X.1", "a.1.1"};
    assert_int_equal(cohort_ncols(c), 9);
    for (size_t j = 0; j < 9; j++)
        assert_string_equal(cohort_col(c, j)->name, want2[j]);
    assert_true(num(c, "X", 0) == 7);
    cohort_free(c);
}

static void read__status12__2_becomes_event_bool_column(void **state) {
    (void)state;
    csv_options o;
    csv_options_init(&o);
    const char *status[] = {"status"};
    o.status = status;
    o.nstatus = 1;
    cohort *c = load("tests/fixtures/csv/status12.csv", &o);
    assert_true(num(c, "status", 0) == 0);
    assert_true(num(c, "status", 1) == 1);
    assert_true(isnan(num(c, "status", 2)));
    assert_int_equal(cohort_find(c, "flag")->type, COHORT_BOOL);
    cohort_free(c);
    const char *msg = load_fails("tests/fixtures/csv/status_mixed.csv", &o);
    assert_contains(msg, "status_mixed.csv:4:2:");
    assert_contains(msg, "mixes");
}

static void read__types_option__forced_string_bool_and_number(void **state) {
    (void)state;
    csv_options o;
    csv_options_init(&o);
    const csv_typespec ts[] = {{"ecog", COHORT_STR}, {"smoker", COHORT_BOOL}};
    o.types = ts;
    o.ntypes = 2;
    cohort *c = load("tests/fixtures/csv/basic.csv", &o);
    assert_string_equal(str(c, "ecog", 0), "1");
    assert_null(str(c, "ecog", 3));
    assert_int_equal(cohort_find(c, "smoker")->type, COHORT_BOOL);
    cohort_free(c);

    const csv_typespec num_age[] = {{"age", COHORT_NUM}};
    o.types = num_age;
    o.ntypes = 1;
    const char *msg = load_fails("tests/fixtures/csv/badnumber.csv", &o);
    assert_string_equal(
        msg, "tests/fixtures/csv/badnumber.csv:3:2: expected a number in column 'age', got 'abc'");
}

static void read__na_option__replaces_default_markers(void **state) {
    (void)state;
    csv_options o;
    csv_options_init(&o);
    const char *na[] = {"NA"};
    o.na = na;
    o.nna = 1;
    cohort *c = load("tests/fixtures/csv/basic.csv", &o);
    /* empty string cells are values now, empty numbers still missing (as R) */
    assert_string_equal(str(c, "n_stations", 2), "");
    assert_true(isnan(num(c, "ecog", 3)));
    cohort_free(c);
}

/* ---- bad input ---- */

static void read__bad_input__file_line_field_in_message(void **state) {
    (void)state;
    assert_contains(load_fails("tests/fixtures/csv/ragged_short.csv", NULL),
                    "ragged_short.csv:3:2: row has 2 fields, the header has 3");
    assert_contains(load_fails("tests/fixtures/csv/ragged_long.csv", NULL),
                    "ragged_long.csv:4:4: row has more fields than the header's 3");
    assert_contains(load_fails("tests/fixtures/csv/unterminated.csv", NULL),
                    "unterminated.csv:3:2: unterminated quoted field");
    assert_contains(load_fails("tests/fixtures/csv/after_quote.csv", NULL),
                    "after_quote.csv:2:2: unexpected 'x' after a closing quote");
    assert_contains(load_fails("tests/fixtures/csv/empty.csv", NULL), "empty.csv:1:1: empty file");
    assert_contains(load_fails("tests/fixtures/csv/no_such_file.csv", NULL),
                    "no_such_file.csv: cannot open: No such file or directory");
    assert_contains(load_fails("tests/fixtures/csv", NULL), "tests/fixtures/csv: is a directory");

    csv_options o;
    csv_options_init(&o);
    const csv_pair map[] = {{"age", "age_at_diagnosis"}};
    o.map = map;
    o.nmap = 1;
    assert_contains(load_fails("tests/fixtures/csv/basic.csv", &o),
                    "basic.csv:1: map: no column 'age_at_diagnosis' in the header");
    const csv_pair clash[] = {{"sex", "id"}};
    o.map = clash;
    assert_contains(load_fails("tests/fixtures/csv/basic.csv", &o), "'sex' would appear twice");
    o.nmap = 0;
    const csv_typespec ts[] = {{"weight", COHORT_NUM}};
    o.types = ts;
    o.ntypes = 1;
    assert_contains(load_fails("tests/fixtures/csv/basic.csv", &o), "types: no column 'weight'");
}

static void read_buffer__nul_byte__refused_with_position(void **state) {
    (void)state;
    static const char data[] = "a,b\n1,2\n3,\0\n";
    cohort *c = csv_read_buffer(data, sizeof data - 1, "bin.csv", NULL, errbuf, sizeof errbuf);
    assert_null(c);
    assert_contains(errbuf, "bin.csv:3: NUL byte");
}

/* ---- writer ---- */

static void assert_same_table(const cohort *a, const cohort *b) {
    assert_int_equal(cohort_nrows(a), cohort_nrows(b));
    assert_int_equal(cohort_ncols(a), cohort_ncols(b));
    for (size_t j = 0; j < cohort_ncols(a); j++) {
        const cohort_column *x = cohort_col(a, j), *y = cohort_col(b, j);
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->type, y->type);
        for (size_t i = 0; i < cohort_nrows(a); i++) {
            switch (x->type) {
            case COHORT_NUM:
                if (memcmp(&x->v.num[i], &y->v.num[i], sizeof(double)) != 0 &&
                    !(isnan(x->v.num[i]) && isnan(y->v.num[i])))
                    fail_msg("%s row %zu: %.17g vs %.17g", x->name, i, x->v.num[i], y->v.num[i]);
                break;
            case COHORT_STR: {
                const char *s = cohort_str(x, i), *t = cohort_str(y, i);
                if (!s || !t)
                    assert_true(s == t);
                else
                    assert_string_equal(s, t);
                break;
            }
            case COHORT_BOOL:
                assert_int_equal(x->v.b[i], y->v.b[i]);
                break;
            }
        }
    }
}

static void roundtrip(const char *rel, const csv_options *o, const csv_write_options *w) {
    cohort *a = load(rel, o);
    char path[] = "/tmp/tnmlab-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(csv_write_file(a, path, w, errbuf, sizeof errbuf), 0);
    cohort *b = csv_read_file(path, NULL, o, errbuf, sizeof errbuf);
    if (!b)
        fail_msg("re-reading %s: %s", rel, errbuf);
    assert_same_table(a, b);
    unlink(path);
    cohort_free(a);
    cohort_free(b);
}

static void write__read_write_read__same_table(void **state) {
    (void)state;
    roundtrip("data/ncctg_lung.csv", NULL, NULL);
    roundtrip("data/tcga_luad_lusc_clinical.csv", NULL, NULL);
    roundtrip("tests/fixtures/csv/quoted.csv", NULL, NULL);
    roundtrip("tests/fixtures/csv/basic.csv", NULL, NULL);
    roundtrip("tests/fixtures/csv/numbers.csv", NULL, NULL);
    csv_options o;
    csv_options_init(&o);
    o.sep = ';';
    o.decimal = ',';
    csv_write_options w = {';', ',', NULL};
    roundtrip("tests/fixtures/csv/semicolon.csv", &o, &w);
}

static void write__numbers__shortest_text_that_reads_back(void **state) {
    (void)state;
    char buf[32];
    csv_format_number(0.1, '.', buf);
    assert_string_equal(buf, "0.1");
    csv_format_number(0.1 + 0.2, '.', buf);
    assert_string_equal(buf, "0.30000000000000004");
    csv_format_number(1e300, '.', buf);
    assert_string_equal(buf, "1e+300");
    csv_format_number(-306, '.', buf);
    assert_string_equal(buf, "-306");
    csv_format_number(NAN, '.', buf);
    assert_string_equal(buf, "NA");
    csv_format_number(-INFINITY, '.', buf);
    assert_string_equal(buf, "-Inf");
    csv_format_number(2.5, ',', buf);
    assert_string_equal(buf, "2,5");
}

static void write__unwritable_path__error_and_old_file_kept(void **state) {
    (void)state;
    cohort *c = load("tests/fixtures/csv/basic.csv", NULL);
    assert_int_equal(csv_write_file(c, "/nonexistent-dir/x.csv", NULL, errbuf, sizeof errbuf), -1);
    assert_contains(errbuf, "/nonexistent-dir/x.csv: cannot create");
    cohort_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read__ncctg_lung__228x10_cells_and_missing_as_R),
        cmocka_unit_test(read__ncctg_status_option__R_coding_becomes_0_1),
        cmocka_unit_test(read__tcga__1026x25_types_and_missing_as_R),
        cmocka_unit_test(read__lung1__422x10_or_skip),
        cmocka_unit_test(read__basic__types_inferred_none_is_not_missing),
        cmocka_unit_test(read__quoted_crlf_bom__fields_kept_exactly),
        cmocka_unit_test(read__semicolon_decimal_comma__with_options),
        cmocka_unit_test(read__numbers__equal_strtod_to_the_bit),
        cmocka_unit_test(parse_number__random_decimals__equal_strtod),
        cmocka_unit_test(parse_number__german_locale__still_reads_points),
        cmocka_unit_test(read__r_number_words_overflow_hex__as_r),
        cmocka_unit_test(read__hex_fraction__refused_with_position),
        cmocka_unit_test(read__late_text__column_becomes_string_levels_first_seen),
        cmocka_unit_test(read__blank_lines_cr_only_dup_names_header_only),
        cmocka_unit_test(read__repeated_names__renamed_as_r_make_unique),
        cmocka_unit_test(read__status12__2_becomes_event_bool_column),
        cmocka_unit_test(read__types_option__forced_string_bool_and_number),
        cmocka_unit_test(read__na_option__replaces_default_markers),
        cmocka_unit_test(read__bad_input__file_line_field_in_message),
        cmocka_unit_test(read_buffer__nul_byte__refused_with_position),
        cmocka_unit_test(write__read_write_read__same_table),
        cmocka_unit_test(write__numbers__shortest_text_that_reads_back),
        cmocka_unit_test(write__unwritable_path__error_and_old_file_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
