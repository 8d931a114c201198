/* test_csv_file.c - csv_read_file against files that change, never end,
 * block, or are too big; and Ctrl-C (the interrupt flag) while loading.
 *
 * The file is changed at a known point through csv_options.progress, which
 * the reader calls after each block it reads: deterministic, no race with
 * a second process.  With the earlier mmap reader the same truncation
 * killed the process with SIGBUS.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cohort.h"
#include "csv.h"
#include "interrupt.h"

static char errbuf[1024];
static char dir[64];
static char path[128];

static void assert_contains(const char *s, const char *part) {
    if (!strstr(s, part))
        fail_msg("'%s' not found in '%s'", part, s);
}

/* A fresh folder with big.csv: header "id,x" and rows "i,i" up to at
 * least bytes bytes (more than one 8 MiB block when bytes is large). */
static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tnmlab-csvfile-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/big.csv", dir);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char p[160];
    static const char *const names[] = {"big.csv", "fifo.csv", "sub", "link.csv"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (remove(p) < 0 && errno != ENOENT)
            return -1;
    }
    return rmdir(dir);
}

static size_t write_rows(const char *p, size_t bytes) {
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    size_t n = (size_t)fprintf(f, "id,x\n"), rows = 0;
    while (n < bytes) {
        n += (size_t)fprintf(f, "%zu,%zu.5\n", rows, rows);
        rows++;
    }
    assert_int_equal(fclose(f), 0);
    return rows;
}

/* What the progress hook does to the file, once, at its first call. */
enum change { SHRINK, EMPTY, GROW, UNLINK, INTERRUPT };

typedef struct hook {
    enum change what;
    int calls;
} hook;

static void on_progress(void *ctx, uint64_t done, uint64_t total) {
    hook *h = ctx;
    assert_true(done <= total);
    if (h->calls++)
        return;
    FILE *f;
    switch (h->what) {
    case SHRINK:
        assert_int_equal(truncate(path, (off_t)(done + 1000)), 0);
        break;
    case EMPTY:
        assert_int_equal(truncate(path, 0), 0);
        break;
    case GROW:
        f = fopen(path, "a");
        assert_non_null(f);
        fputs("999999999,1\n", f);
        fclose(f);
        break;
    case UNLINK:
        assert_int_equal(unlink(path), 0);
        break;
    case INTERRUPT:
        tnm_interrupt_flag = 1;
        break; /* as Ctrl-C's handler does */
    }
}

static cohort *read_with(enum change what, hook *h) {
    csv_options o;
    csv_options_init(&o);
    h->what = what;
    h->calls = 0;
    o.progress = on_progress;
    o.progress_ctx = h;
    return csv_read_file(path, "big.csv", &o, errbuf, sizeof errbuf);
}

static void read_file__truncated_while_read__error_not_sigbus(void **state) {
    (void)state;
    write_rows(path, (size_t)20 << 20);
    hook h;
    cohort *c = read_with(SHRINK, &h);
    assert_null(c);
    assert_contains(errbuf, "big.csv: the file shrank from ");
    assert_contains(errbuf, "while it was read");
    write_rows(path, (size_t)20 << 20);
    c = read_with(EMPTY, &h);
    assert_null(c);
    assert_contains(errbuf, "big.csv: the file shrank from ");
    assert_contains(errbuf, " to 8388608 bytes"); /* one 8 MiB block was read */
}

static void read_file__appended_while_read__error(void **state) {
    (void)state;
    write_rows(path, (size_t)10 << 20);
    hook h;
    assert_null(read_with(GROW, &h));
    assert_contains(errbuf, "big.csv: the file grew while it was read");
}

/* An unlinked file is still whole for whoever has it open: the load is
 * of the file as it was when opened. */
static void read_file__unlinked_while_read__loads_what_was_opened(void **state) {
    (void)state;
    size_t rows = write_rows(path, (size_t)10 << 20);
    hook h;
    cohort *c = read_with(UNLINK, &h);
    if (!c)
        fail_msg("%s", errbuf);
    assert_int_equal(cohort_nrows(c), rows);
    assert_true(cohort_find(c, "x")->v.num[rows - 1] == (double)(rows - 1) + 0.5);
    cohort_free(c);
}

static void read_file__interrupt_flag_while_read__interrupted(void **state) {
    (void)state;
    write_rows(path, (size_t)10 << 20);
    hook h;
    cohort *c = read_with(INTERRUPT, &h);
    tnm_interrupt_clear();
    assert_null(c);
    assert_string_equal(errbuf, "big.csv: interrupted");
    assert_int_equal(h.calls, 1); /* it stopped at the next block */
}

/* The flag set before a load of a small file (one block): interrupted too,
 * and once cleared the same file loads. */
static void read_file__interrupt_flag_set__interrupted_then_loads(void **state) {
    (void)state;
    write_rows(path, 1000);
    tnm_interrupt_flag = 1;
    cohort *c = csv_read_file(path, NULL, NULL, errbuf, sizeof errbuf);
    tnm_interrupt_clear();
    assert_null(c);
    assert_contains(errbuf, "big.csv: interrupted");
    c = csv_read_file(path, NULL, NULL, errbuf, sizeof errbuf);
    assert_non_null(c);
    cohort_free(c);
}

/* Parsing polls the flag too: a buffer of 200,000 rows is interrupted. */
static void read_buffer__interrupt_flag__interrupted(void **state) {
    (void)state;
    size_t rows = 200000, cap = rows * 16 + 64, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    n += (size_t)snprintf(buf + n, cap - n, "id,x\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%zu,%s\n", i, i + 1 == rows ? "text" : "1");
    tnm_interrupt_flag = 1;
    cohort *c = csv_read_buffer(buf, n, "rows.csv", NULL, errbuf, sizeof errbuf);
    tnm_interrupt_clear();
    free(buf);
    assert_null(c);
    assert_string_equal(errbuf, "rows.csv: interrupted");
}

static void read_file__directory__refused_with_name(void **state) {
    (void)state;
    char sub[160];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_null(csv_read_file(sub, "sub", NULL, errbuf, sizeof errbuf));
    assert_string_equal(errbuf, "sub: is a directory, not a CSV file");
}

/* A FIFO with no writer would block open() and read() for ever. */
static void read_file__fifo_without_writer__refused_at_once(void **state) {
    (void)state;
    char fifo[160];
    snprintf(fifo, sizeof fifo, "%s/fifo.csv", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_null(csv_read_file(fifo, "fifo.csv", NULL, errbuf, sizeof errbuf));
    assert_contains(errbuf, "fifo.csv: is a FIFO (named pipe), not a regular file");
}

static void read_file__dev_zero__refused_at_once(void **state) {
    (void)state;
    assert_null(csv_read_file("/dev/zero", NULL, NULL, errbuf, sizeof errbuf));
    assert_contains(errbuf, "/dev/zero: is a character device, not a regular file");
}

/* The size is checked before anything is read: a sparse 5 GiB file costs
 * no disk and no memory, and is refused by the default 4 GiB limit. */
static void read_file__above_size_limit__refused_before_reading(void **state) {
    (void)state;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(truncate(path, (off_t)5 << 30), 0);
    assert_null(csv_read_file(path, "big.csv", NULL, errbuf, sizeof errbuf));
    assert_string_equal(errbuf, "big.csv: 5.0 GiB is above the size limit of 4.0 GiB (raise it "
                                "with max_bytes or TNMLAB_CSV_MAX_BYTES)");
    write_rows(path, 5000);
    csv_options o;
    csv_options_init(&o);
    o.max_bytes = 4096;
    assert_null(csv_read_file(path, "big.csv", &o, errbuf, sizeof errbuf));
    assert_contains(errbuf, "big.csv: ");
    assert_contains(errbuf, "bytes is above the size limit of 4096 bytes (raise it with max_bytes "
                            "or TNMLAB_CSV_MAX_BYTES)");
    o.max_bytes = 1 << 20;
    cohort *c = csv_read_file(path, "big.csv", &o, errbuf, sizeof errbuf);
    assert_non_null(c);
    cohort_free(c);
}

/* Writing a cohort onto a file a person keeps private, or onto a symbolic
 * link to it, replaces the file's contents as `cp` would: the mode stays
 * 0600 and the link stays a link (ls -l shows what it showed). */
static void write_file__private_file_behind_a_link__mode_and_link_kept(void **state) {
    (void)state;
    write_rows(path, 100);
    assert_int_equal(chmod(path, 0600), 0);
    char link[160];
    snprintf(link, sizeof link, "%s/link.csv", dir);
    assert_int_equal(symlink("big.csv", link), 0);
    cohort *c = csv_read_file(path, NULL, NULL, errbuf, sizeof errbuf);
    assert_non_null(c);
    assert_int_equal(csv_write_file(c, link, NULL, errbuf, sizeof errbuf), 0);
    cohort_free(c);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(st.st_size > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(read_file__truncated_while_read__error_not_sigbus, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(read_file__appended_while_read__error, setup, teardown),
        cmocka_unit_test_setup_teardown(read_file__unlinked_while_read__loads_what_was_opened,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(read_file__interrupt_flag_while_read__interrupted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(read_file__interrupt_flag_set__interrupted_then_loads,
                                        setup, teardown),
        cmocka_unit_test(read_buffer__interrupt_flag__interrupted),
        cmocka_unit_test_setup_teardown(read_file__directory__refused_with_name, setup, teardown),
        cmocka_unit_test_setup_teardown(read_file__fifo_without_writer__refused_at_once, setup,
                                        teardown),
        cmocka_unit_test(read_file__dev_zero__refused_at_once),
        cmocka_unit_test_setup_teardown(read_file__above_size_limit__refused_before_reading, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(write_file__private_file_behind_a_link__mode_and_link_kept,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
