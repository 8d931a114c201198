/* csv_file.c - a CSV file into memory for the reader (see csv_read_file in csv.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why read() and not mmap: a mapped file that another program truncates
 * while we parse it kills the process with SIGBUS, and the only cures
 * (a SIGBUS handler with siglongjmp, or a lock no writer honours) are worse
 * than one copy.  On the benchmark's 67 MB file (bench/bench_csv.sh) the
 * copy, into huge pages, takes as many page faults as the mapping did
 * (38,000 against 39,000) and a few percent more CPU time.
 *
 * Only regular files are read (file_open.h says why).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE), where there is one */

#include "csv.h"
#include "errbuf.h"
#include "file_open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupt.h"

/* Bytes per read(): small enough that Ctrl-C is seen within a few
 * milliseconds, large enough that the system calls cost nothing. */
#define BLOCK ((size_t)8 << 20)

/* A size for a message: "5.0 GiB", "4096 bytes". */
static void show_size(char *buf, size_t len, uint64_t n) {
    if (n >= (uint64_t)1 << 30)
        snprintf(buf, len, "%.1f GiB", (double)n / (double)((uint64_t)1 << 30));
    else if (n >= (uint64_t)1 << 20)
        snprintf(buf, len, "%.1f MiB", (double)n / (double)((uint64_t)1 << 20));
    else
        snprintf(buf, len, "%llu bytes", (unsigned long long)n);
}

/* Memory for a file of size bytes; the caller frees it with free().
 * Why huge pages: the copy itself is cheap, but faulting in a 67 MB buffer
 * 4 KiB at a time took 55,000 page faults and twice the system time of the
 * mapping; in 2 MiB pages it takes fewer faults than the mapping did. */
static char *alloc_buffer(size_t size) {
#ifdef MADV_HUGEPAGE
    const size_t huge = (size_t)2 << 20;
    if (size >= 2 * huge) {
        size_t rounded = (size + huge - 1) / huge * huge;
        char *buf = aligned_alloc(huge, rounded);
        if (buf)
            madvise(buf, rounded, MADV_HUGEPAGE); /* only advice: failure is fine */
        return buf;
    }
#endif
    return malloc(size ? size : 1);
}

/* Reads exactly size bytes of fd into a new buffer (*out, the caller's to
 * free) and checks that the file ends there.  Returns 0, or -1 with err. */
static int read_whole(int fd, uint64_t size, const char *name, const csv_options *o, char **out,
                      char *err, size_t errlen) {
    char *buf = alloc_buffer((size_t)size);
    if (!buf) {
        tnm_errf(err, errlen, "%s: out of memory for its %llu bytes", name,
                 (unsigned long long)size);
        return -1;
    }
    uint64_t done = 0;
    for (;;) {
        if (tnm_interrupted()) {
            tnm_errf(err, errlen, "%s: interrupted", name);
            goto fail;
        }
        /* at the end, one more byte: a file still being written is longer */
        char extra;
        size_t want = done < size ? (size_t)(size - done < BLOCK ? size - done : BLOCK) : 1;
        ssize_t got = read(fd, done < size ? buf + done : &extra, want);
        if (got < 0) {
            if (errno == EINTR)
                continue; /* Ctrl-C sets the flag: seen at the top */
            tnm_errf(err, errlen, "%s: cannot read: %s", name, strerror(errno));
            goto fail;
        }
        if (done == size) {
            if (got == 0)
                break;
            tnm_errf(err, errlen,
                     "%s: the file grew while it was read (is another program writing it?)", name);
            goto fail;
        }
        if (got == 0) {
            tnm_errf(err, errlen,
                     "%s: the file shrank from %llu to %llu bytes while it was read "
                     "(is another program writing it?)",
                     name, (unsigned long long)size, (unsigned long long)done);
            goto fail;
        }
        done += (uint64_t)got;
        if (o && o->progress)
            o->progress(o->progress_ctx, done, size);
    }
    *out = buf;
    return 0;
fail:
    free(buf);
    return -1;
}

cohort *csv_read_file(const char *path, const char *name, const csv_options *o, char *err,
                      size_t errlen) {
    if (!name)
        name = path;
    if (err && errlen)
        err[0] = '\0';
    struct stat st;
    int fd = file_open_regular(path, name, "a CSV file", ": save the data to a file first", &st,
                               err, errlen);
    if (fd < 0)
        return NULL;
    uint64_t size = (uint64_t)st.st_size;
    uint64_t limit = o && o->max_bytes ? o->max_bytes : CSV_DEFAULT_MAX_BYTES;
    if (size > limit || size > (uint64_t)SIZE_MAX / 2) {
        char have[32], most[32];
        show_size(have, sizeof have, size);
        show_size(most, sizeof most, limit);
        tnm_errf(err, errlen,
                 "%s: %s is above the size limit of %s (raise it with max_bytes or "
                 "TNMLAB_CSV_MAX_BYTES)",
                 name, have, most);
        close(fd);
        return NULL;
    }
    char *buf = NULL;
    int bad = read_whole(fd, size, name, o, &buf, err, errlen);
    close(fd);
    if (bad)
        return NULL;
    cohort *c = csv_read_buffer(buf, (size_t)size, name, o, err, errlen);
    free(buf);
    return c;
}

int csv_env_max_bytes(uint64_t *out, char *err, size_t errlen) {
    *out = 0;
    const char *env = getenv("TNMLAB_CSV_MAX_BYTES");
    if (env == NULL || *env == '\0')
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(env, &end, 10);
    if (errno || *end || v == 0 || *env == '-') {
        tnm_errf(err, errlen,
                 "TNMLAB_CSV_MAX_BYTES must be a positive whole number of bytes, not '%s'", env);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int csv_sniff(const char *path, char *sep, char *decimal) {
    /* a regular file only (a FIFO would block): anything else is left to
     * csv_read_file to refuse with its message */
    struct stat st;
    char e[64];
    int fd = file_open_regular(path, path, "a CSV file", "", &st, e, sizeof e);
    if (fd < 0)
        return -1;
    char buf[65536];
    ssize_t got = read(fd, buf, sizeof buf);
    close(fd);
    if (got < 0)
        return -1;
    size_t n = (size_t)got;
    /* the header line, outside quotes: the candidate that occurs most */
    static const char cand[3] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0}, i = 0;
    int q = 0;
    for (; i < n && (q || (buf[i] != '\n' && buf[i] != '\r')); i++) {
        if (buf[i] == '"')
            q = !q;
        for (int k = 0; !q && k < 3; k++)
            count[k] += buf[i] == cand[k];
    }
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    *sep = count[best] ? cand[best] : ',';
    /* a decimal comma: only where ',' is not the separator, and a field of
     * the data reads as digits, a comma, digits ("12,5") */
    *decimal = '.';
    if (*sep != ',') {
        for (size_t j = i; j + 2 < n; j++)
            if (buf[j] == ',' && buf[j - 1] >= '0' && buf[j - 1] <= '9' && buf[j + 1] >= '0' &&
                buf[j + 1] <= '9') {
                *decimal = ',';
                break;
            }
    }
    return 0;
}
