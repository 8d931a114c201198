/* file_open.c - see file_open.h.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include "file_open.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"

static const char *kind_of(mode_t m) {
    return S_ISFIFO(m)   ? "a FIFO (named pipe)"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

int file_open_regular(const char *path, const char *name, const char *wanted, const char *hint,
                      struct stat *st, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        tnm_errf(err, errlen, "%s: cannot open: %s", name, strerror(errno));
        return -1;
    }
    if (fstat(fd, st) < 0) {
        tnm_errf(err, errlen, "%s: cannot read: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st->st_mode)) {
        tnm_errf(err, errlen, "%s: is a directory, not %s", name, wanted);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        tnm_errf(err, errlen, "%s: is %s, not a regular file%s", name, kind_of(st->st_mode),
                 hint ? hint : "");
        close(fd);
        return -1;
    }
    return fd;
}
