/* test_export.c - exports and sweeps on the NCCTG lung data, checked
 * against R (tests/fixtures/r/lung_reference.tsv, survival 3.5-3): the
 * rule file tests/fixtures/lab/sex.lua selects sex == 2, so "selected" is
 * R's sex=2 stratum and "not selected" its sex=1 stratum.  Times are days
 * in the file and months in the exports (x 12 / 365.25).
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
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

#include "csv.h"
#include "export.h"
#include "model.h"
#include "sweep.h"

#ifndef TNMLAB_SRCDIR
#define TNMLAB_SRCDIR "."
#endif

static const double DAY = 12 / 365.25; /* months per day */

typedef struct fixture {
    cohort *c;
    model m;
} fixture;

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    char err[1024];
    csv_options o;
    csv_options_init(&o);
    static const csv_pair map[] = {{"os_time", "time"}, {"os_event", "status"}};
    o.map = map;
    o.nmap = 2;
    fx->c = csv_read_file(TNMLAB_SRCDIR "/data/ncctg_lung.csv", NULL, &o, err, sizeof err);
    if (fx->c == NULL) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (model_init(&fx->m, NULL, err, sizeof err) != 0 ||
        model_load_rules(&fx->m, TNMLAB_SRCDIR "/tests/fixtures/lab/sex.lua", err, sizeof err) ||
        model_set_cohort(&fx->m, fx->c, "ncctg_lung.csv", "days", err, sizeof err) ||
        model_update(&fx->m, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    model_free(&fx->m);
    cohort_free(fx->c);
    free(fx);
    return 0;
}

/* Writes with fn into memory and returns the text (caller frees). */
typedef int (*writer)(FILE *f, fixture *fx, void *arg);
static char *capture(writer fn, fixture *fx, void *arg) {
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fn(f, fx, arg), 0);
    long n = ftell(f);
    char *text = malloc((size_t)n + 1);
    rewind(f);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

static int table(FILE *f, fixture *fx, void *arg) {
    const int *a = arg; /* {format, what} */
    export_provenance p;
    char err[512];
    assert_int_equal(export_provenance_fill(&p, &fx->m, err, sizeof err), 0);
    return export_table_write(f, (export_format)a[0], &fx->m, (unsigned)a[1], &p, err, sizeof err);
}

/* The CSV cell of column name in the first data line starting with
 * prefix (after the "#" lines and the header). */
static double csv_num(const char *text, const char *prefix, const char *name, char *str, size_t n) {
    const char *h = text;
    while (*h == '#')
        h = strchr(h, '\n') + 1;
    int col = -1, k = 0;
    for (const char *p = h; *p != '\n'; k++) {
        size_t len = strcspn(p, ",\n");
        if (strlen(name) == len && strncmp(p, name, len) == 0)
            col = k;
        p += len + (p[len] == ',');
    }
    assert_true(col >= 0);
    char needle[128];
    snprintf(needle, sizeof needle, "\n%s", prefix);
    const char *row = strstr(h, needle);
    assert_non_null(row);
    row++;
    for (k = 0; k < col; k++)
        row = strchr(row, ',') + 1;
    size_t len = strcspn(row, ",\n");
    if (str)
        snprintf(str, n, "%.*s", (int)len, row);
    return strtod(row, NULL);
}

static void near(double got, double want) {
    if (!(fabs(got - want) <= 1e-6 * fabs(want))) {
        fprintf(stderr, "got %.12g, want %.12g\n", got, want);
        fail();
    }
}

static void table_csv__ncctg_by_sex__figures_as_R(void **state) {
    int a[2] = {EXPORT_CSV, EXPORT_T_OUTCOME};
    char *t = capture(table, *state, a);
    char s[64];
    /* R: survfit(Surv(time, status) ~ sex, lung): sex=2 n 90, events 53,
     * median 426 (348-550); sex=1 n 138, 112 events, median 270 (212-310). */
    assert_int_equal((int)csv_num(t, "OS,selected,", "n", NULL, 0), 90);
    assert_int_equal((int)csv_num(t, "OS,selected,", "events", NULL, 0), 53);
    near(csv_num(t, "OS,selected,", "median", NULL, 0), 426 * DAY);
    near(csv_num(t, "OS,selected,", "median_lower", NULL, 0), 348 * DAY);
    near(csv_num(t, "OS,selected,", "median_upper", NULL, 0), 550 * DAY);
    near(csv_num(t, "OS,not selected,", "median", NULL, 0), 270 * DAY);
    near(csv_num(t, "OS,not selected,", "median_lower", NULL, 0), 212 * DAY);
    /* summary(fit, times = 365): no death between day 365 and 365.25. */
    near(csv_num(t, "OS,selected,", "surv_1y", NULL, 0), 0.526463030186);
    near(csv_num(t, "OS,selected,", "surv_1y_lower", NULL, 0), 0.421486340829);
    near(csv_num(t, "OS,selected,", "surv_1y_upper", NULL, 0), 0.657585537902);
    near(csv_num(t, "OS,not selected,", "surv_2y", NULL, 0), 0.078124091267);
    /* survdiff(~sex): p 0.00131116452036; coxph(~sex), Efron: HR 0.588. */
    near(csv_num(t, "OS,selected,", "logrank_chisq", NULL, 0), 10.3267419549);
    near(csv_num(t, "OS,selected,", "logrank_p", NULL, 0), 0.00131116452036);
    csv_num(t, "OS,selected,", "logrank_p_text", s, sizeof s);
    assert_string_equal(s, "0.001311");
    near(csv_num(t, "OS,selected,", "hr", NULL, 0), 0.588002818564);
    near(csv_num(t, "OS,selected,", "hr_lower", NULL, 0), 0.423717830354);
    near(csv_num(t, "OS,selected,", "hr_upper", NULL, 0), 0.815984813171);
    csv_num(t, "OS,selected,", "hr_compares", s, sizeof s);
    assert_string_equal(s, "selected vs not selected");
    assert_null(strstr(t, "\nPFS,")); /* the NCCTG data have no PFS */
    free(t);
}

static void table_csv__provenance__leading_hash_lines(void **state) {
    int a[2] = {EXPORT_CSV, EXPORT_T_OUTCOME};
    char *t = capture(table, *state, a);
    assert_memory_equal(t, "# generator: tnmlab\n", 20);
    assert_non_null(strstr(t, "\n# rule_set: by_sex\n"));
    assert_non_null(strstr(t, "\n# params: sex_code=2\n"));
    assert_non_null(strstr(t, "\n# cohort_rows: 228\n"));
    assert_non_null(strstr(t, "\n# cohort_kind: observed\n"));
    assert_non_null(strstr(t, "\n# cohort_time_unit: days\n"));
    char hash[65], line[700];
    assert_int_equal(export_file_sha256(TNMLAB_SRCDIR "/tests/fixtures/lab/sex.lua", hash), 0);
    snprintf(line, sizeof line, "/tests/fixtures/lab/sex.lua sha256=%s\n", hash);
    assert_non_null(strstr(t, line));
    /* the header follows the provenance directly */
    assert_non_null(strstr(t, "\nendpoint,group,n,events,median,"));
    free(t);
}

static void table_csv__attrition__counts(void **state) {
    int a[2] = {EXPORT_CSV, EXPORT_T_ATTRITION};
    char *t = capture(table, *state, a);
    /* 228 patients, 90 women (sex = 2) pass, 138 men fail. */
    assert_non_null(strstr(t, "\nstep,before,pass,fail,unknown,unknown_kept,after\n"));
    assert_non_null(strstr(t, "\nsex,228,90,138,0,FALSE,90\n"));
    free(t);
}

static void table_csv__both_tables__refused(void **state) {
    fixture *fx = *state;
    char err[256] = "";
    FILE *f = tmpfile();
    assert_int_equal(export_table_write(f, EXPORT_CSV, &fx->m,
                                        EXPORT_T_OUTCOME | EXPORT_T_ATTRITION, NULL, err,
                                        sizeof err),
                     -1);
    assert_non_null(strstr(err, "one table"));
    fclose(f);
}

static void table_json__ncctg__figures_and_provenance(void **state) {
    int a[2] = {EXPORT_JSON, EXPORT_T_OUTCOME | EXPORT_T_ATTRITION};
    char *t = capture(table, *state, a);
    assert_memory_equal(t, "{\n  \"provenance\": {", 19);
    assert_non_null(strstr(t, "\"params\": {\"sex_code\": 2}"));
    assert_non_null(strstr(t, "\"p_text\": \"0.001311\""));
    const char *g = strstr(t, "{\"label\": \"selected\", \"n\": 90, \"events\": 53, \"median\": ");
    assert_non_null(g);
    const char *med = strstr(g, "\"median\": ");
    assert_non_null(med);
    near(strtod(med + 10, NULL), 426 * DAY);
    assert_non_null(strstr(t, "\"attrition\": ["));
    assert_non_null(strstr(t, "{\"step\": \"sex\", \"before\": 228, \"pass\": 90, \"fail\": 138"));
    assert_string_equal(t + strlen(t) - 3, "\n}\n");
    free(t);
}

static void table_md__ncctg__rounded_rows_and_footer(void **state) {
    int a[2] = {EXPORT_MD, EXPORT_T_OUTCOME | EXPORT_T_ATTRITION};
    char *t = capture(table, *state, a);
    /* 426 (348-550) days = 14.0 (11.4-18.1) months; 1 year 52.6% (42.1-65.8). */
    assert_non_null(
        strstr(t, "| OS | selected | 90 | 53 | 14.0 (11.4-18.1) | 52.6% (42.1-65.8) |"));
    assert_non_null(strstr(t, "| OS | not selected | 138 | 112 | 8.9 (7.0-10.2) |"));
    assert_non_null(strstr(t, "- OS: log-rank p = 0.001311; HR 0.59 (95% CI 0.42-0.82)"));
    assert_non_null(strstr(t, "| sex | 228 | 138 | 0 | 90 |"));
    assert_non_null(strstr(t, "**Provenance**"));
    assert_non_null(strstr(t, "| rule_set | by_sex |"));
    free(t);
}

static int plot(FILE *f, fixture *fx, void *arg) {
    (void)arg;
    export_provenance p;
    char err[512];
    assert_int_equal(export_provenance_fill(&p, &fx->m, err, sizeof err), 0);
    return export_svg_model(f, &fx->m, MODEL_OS, 1, 0, NULL, &p, err, sizeof err);
}

static size_t count(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void svg__ncctg__structure(void **state) {
    char *t = capture(plot, *state, NULL);
    assert_memory_equal(t, "<?xml version=\"1.0\"", 19);
    assert_non_null(strstr(t, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_string_equal(t + strlen(t) - 7, "</svg>\n");
    assert_int_equal(count(t, "class=\"km\""), 2); /* one curve per group */
    assert_int_equal(count(t, "<g"), count(t, "</g>"));
    assert_int_equal(count(t, "<text"), count(t, "</text>"));
    assert_int_equal(count(t, "fill-opacity=\"0.18\""), 2); /* CI bands asked for */
    assert_non_null(strstr(t, ">selected (n = 90)</text>"));
    assert_non_null(strstr(t, ">not selected (n = 138)</text>"));
    assert_non_null(strstr(t, ">Number at risk</text>"));
    assert_non_null(strstr(t, ">Time (months)</text>"));
    assert_non_null(strstr(t, ">Overall survival (%)</text>"));
    assert_non_null(strstr(t, "Log-rank p = 0.001311; HR 0.59 (95% CI 0.42-0.82)"));
    assert_non_null(strstr(t, "<metadata id=\"provenance\">"));
    assert_null(strstr(t, "<!-- tnmlab provenance\n") == NULL ? NULL : strstr(t, "--\n-->"));
    /* at risk at 0 months: 90 women, 138 men (R's n.risk at time 0) */
    assert_non_null(strstr(t, "text-anchor=\"middle\" fill=\"#0072B2\">90</text>"));
    assert_non_null(strstr(t, "text-anchor=\"middle\" fill=\"#E69F00\">138</text>"));
    /* the last death in the data is day 1022 = 33.6 months: axis to 36 */
    assert_non_null(strstr(t, ">36</text>"));
    free(t);
}

static void svg__no_curves__refused(void **state) {
    (void)state;
    export_plot pl = {0};
    char err[128] = "";
    FILE *f = tmpfile();
    assert_int_equal(export_svg_write(f, &pl, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "1 to 8"));
    fclose(f);
}

/* ---- files */

static int leftovers(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

static void file__unwritable_folder__fails_naming_path(void **state) {
    (void)state;
    atomic_file x;
    char err[512];
    assert_int_equal(export_file_open(&x, "/nonexistent/folder/out.csv", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/folder/out.csv"));
    atomic_file_abort(&x); /* harmless */
}

static void file__commit_and_abort__atomic(void **state) {
    (void)state;
    char dir[] = "/tmp/tnmlab-export-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    atomic_file x;
    assert_int_equal(export_file_open(&x, path, err, sizeof err), 0);
    fputs("partial", x.f);
    assert_int_equal(access(path, F_OK), -1); /* nothing at the target yet */
    atomic_file_abort(&x);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(leftovers(dir), 0);
    assert_int_equal(export_file_open(&x, path, err, sizeof err), 0);
    fputs("a,b\n1,2\n", x.f);
    assert_int_equal(export_file_commit(&x, err, sizeof err), 0);
    char buf[32] = "";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    assert_int_equal(n, 8);
    assert_string_equal(buf, "a,b\n1,2\n");
    assert_int_equal(leftovers(dir), 0);
    unlink(path);
    rmdir(dir);
}

static void format_of__extensions(void **state) {
    (void)state;
    assert_int_equal(export_format_of("a/b.CSV"), EXPORT_CSV);
    assert_int_equal(export_format_of("x.md"), EXPORT_MD);
    assert_int_equal(export_format_of("x.json"), EXPORT_JSON);
    assert_int_equal(export_format_of("x.svg"), EXPORT_SVG);
    assert_int_equal(export_format_of("x.png"), EXPORT_PNG);
    assert_int_equal(export_format_of("x.PDF"), EXPORT_PDF);
    assert_int_equal(export_format_of("x.db"), EXPORT_SQLITE);
    assert_int_equal(export_format_of("x.gif"), EXPORT_UNKNOWN);
    assert_int_equal(export_format_of("dir.csv/x"), EXPORT_UNKNOWN);
}

/* ---- hashes */

static void sha256__fips_vector(void **state) {
    (void)state;
    char path[] = "/tmp/tnmlab-sha-XXXXXX", hex[65];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    assert_int_equal(export_file_sha256(path, hex), 0);
    /* FIPS 180-2, appendix B.1 */
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
}

static void cohort_sha256__content_not_level_order(void **state) {
    (void)state;
    const char *a = "id,sex,age\n1,male,60\n2,female,NA\n";
    char err[256], h1[65], h2[65], h3[65];
    csv_options o;
    csv_options_init(&o);
    cohort *c1 = csv_read_buffer(a, strlen(a), "a", &o, err, sizeof err);
    /* the same contents with the levels interned the other way round */
    cohort *c2 = cohort_new(2);
    cohort_column *id = cohort_add(c2, "id", COHORT_NUM);
    cohort_column *sex = cohort_add(c2, "sex", COHORT_STR);
    cohort_column *age = cohort_add(c2, "age", COHORT_NUM);
    id->v.num[0] = 1;
    id->v.num[1] = 2;
    int32_t f = cohort_intern(sex, "female", 6), m = cohort_intern(sex, "male", 4);
    sex->v.str[0] = m;
    sex->v.str[1] = f;
    age->v.num[0] = 60;
    assert_int_equal(export_cohort_sha256(c1, h1), 0);
    assert_int_equal(export_cohort_sha256(c2, h2), 0);
    assert_string_equal(h1, h2);
    age->v.num[1] = 61;
    export_cohort_sha256(c2, h3);
    assert_string_not_equal(h1, h3);
    cohort_free(c1);
    cohort_free(c2);
}

/* ---- sweeps */

static void sweep__ncctg_sex_code__rows_as_R(void **state) {
    fixture *fx = *state;
    int v0 = rules_version(fx->m.rules), n0 = rules_nversions(fx->m.rules);
    sweep_spec spec = {0};
    spec.naxes = 1;
    snprintf(spec.axis[0].name, sizeof spec.axis[0].name, "sex_code");
    spec.axis[0].nvalues = 2;
    snprintf(spec.axis[0].value[0], 32, "1");
    snprintf(spec.axis[0].value[1], 32, "2");
    sweep_result r;
    char err[1024];
    double horizon = fx->m.horizon;
    fx->m.horizon = 730 * DAY;
    assert_int_equal(sweep_run(&fx->m, &spec, &r, err, sizeof err), 0);
    fx->m.horizon = horizon;
    assert_int_equal(r.nrows, 2);
    assert_string_equal(r.rows[0].set, "by_sex");
    assert_int_equal(r.rows[0].nselected, 138); /* men */
    assert_int_equal(r.rows[1].nselected, 90);  /* women */
    near(r.rows[0].ep[MODEL_OS].g[0].median, 270 * DAY);
    near(r.rows[1].ep[MODEL_OS].g[0].median, 426 * DAY);
    near(r.rows[1].ep[MODEL_OS].g[0].median_upper, 550 * DAY);
    near(r.rows[1].ep[MODEL_OS].g[1].median, 270 * DAY); /* not selected: the men */
    near(r.rows[1].ep[MODEL_OS].hr, 0.588002818564);
    near(r.rows[0].ep[MODEL_OS].hr, 1 / 0.588002818564); /* men vs women */
    near(r.rows[1].ep[MODEL_OS].p, 0.00131116452036);
    assert_false(r.rows[1].ep[MODEL_PFS].available);
    /* the user's rules are untouched: no new version, same value */
    assert_int_equal(rules_version(fx->m.rules), v0);
    assert_int_equal(rules_nversions(fx->m.rules), n0);
    rules_param_info info;
    assert_int_equal(rules_param(fx->m.rules, "by_sex", 0, &info), 0);
    assert_true(info.value == 2);
    /* the flat columns and the CSV form */
    const char *name, *str;
    double num;
    assert_int_equal(sweep_cell(&r, 1, 1, &name, &num, &str), 0);
    assert_string_equal(name, "sex_code");
    assert_true(num == 2);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(sweep_write(f, EXPORT_CSV, &r, NULL, err, sizeof err), 0);
    fclose(f);
    /* the long form: one line per grid point, endpoint and group (the
     * cohort has no PFS: no PFS lines) */
    assert_int_equal(r.nlines, 4);
    assert_memory_equal(buf, "rule_set,sex_code,n,selected,endpoint,group,group_n,events,median,",
                        66);
    near(csv_num(buf, "by_sex,2,228,90,OS,selected,", "median", NULL, 0), 426 * DAY);
    near(csv_num(buf, "by_sex,2,228,90,OS,not selected,", "median_lower", NULL, 0), 212 * DAY);
    near(csv_num(buf, "by_sex,2,228,90,OS,selected,", "surv_1y", NULL, 0), 0.526463030186);
    near(csv_num(buf, "by_sex,2,228,90,OS,not selected,", "hr", NULL, 0), 0.588002818564);
    /* the restricted mean to the session's horizon, 730 days here:
     * summary(survfit(Surv(time, status) ~ sex, lung), rmean = 730) */
    assert_int_equal(sweep_long_cell(&r, 1, 22, &name, &num, &str), 0);
    assert_string_equal(name, "rmst_horizon");
    near(num, 730 * DAY);
    near(csv_num(buf, "by_sex,1,228,138,OS,selected,", "rmst", NULL, 0), 311.117765899 * DAY);
    near(csv_num(buf, "by_sex,1,228,138,OS,selected,", "rmst_se", NULL, 0), 19.3017187936 * DAY);
    near(csv_num(buf, "by_sex,2,228,90,OS,selected,", "rmst", NULL, 0), 434.705208027 * DAY);
    free(buf);
    char *text = sweep_text(&r);
    assert_non_null(strstr(text, "14.0 (11.4-18.1)"));
    free(text);
    sweep_result_free(&r);
}

static void sweep__unknown_param_or_value__fails_before_work(void **state) {
    fixture *fx = *state;
    sweep_spec spec = {0};
    spec.naxes = 1;
    snprintf(spec.axis[0].name, sizeof spec.axis[0].name, "max_nope");
    spec.axis[0].nvalues = 1;
    snprintf(spec.axis[0].value[0], 32, "1");
    char err[512];
    assert_int_equal(sweep_check(&fx->m, &spec, err, sizeof err), -1);
    assert_non_null(strstr(err, "has no param 'max_nope'"));
    snprintf(spec.axis[0].name, sizeof spec.axis[0].name, "sex_code");
    snprintf(spec.axis[0].value[0], 32, "3");
    assert_int_equal(sweep_check(&fx->m, &spec, err, sizeof err), -1);
    assert_non_null(strstr(err, "between 1 and 2"));
    spec.nsets = 1;
    snprintf(spec.set[0], sizeof spec.set[0], "nonesuch");
    assert_int_equal(sweep_check(&fx->m, &spec, err, sizeof err), -1);
    assert_non_null(strstr(err, "no rule set 'nonesuch'"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_csv__ncctg_by_sex__figures_as_R),
        cmocka_unit_test(table_csv__provenance__leading_hash_lines),
        cmocka_unit_test(table_csv__attrition__counts),
        cmocka_unit_test(table_csv__both_tables__refused),
        cmocka_unit_test(table_json__ncctg__figures_and_provenance),
        cmocka_unit_test(table_md__ncctg__rounded_rows_and_footer),
        cmocka_unit_test(svg__ncctg__structure),
        cmocka_unit_test(svg__no_curves__refused),
        cmocka_unit_test(file__unwritable_folder__fails_naming_path),
        cmocka_unit_test(file__commit_and_abort__atomic),
        cmocka_unit_test(format_of__extensions),
        cmocka_unit_test(sha256__fips_vector),
        cmocka_unit_test(cohort_sha256__content_not_level_order),
        cmocka_unit_test(sweep__ncctg_sex_code__rows_as_R),
        cmocka_unit_test(sweep__unknown_param_or_value__fails_before_work),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
