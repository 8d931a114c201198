/* atomic_file.c - a file written whole or not at all (see atomic_file.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(atomic_file *x, int e) {
    x->error = e;
    if (x->f)
        fclose(x->f);
    x->f = NULL;
    if (x->tmp[0])
        unlink(x->tmp);
    x->tmp[0] = '\0';
    return -1;
}

int atomic_file_open(atomic_file *x, const char *path) {
    memset(x, 0, sizeof *x);
    if (path == NULL || *path == '\0')
        return fail(x, ENOENT);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return fail(x, EISDIR);
    if (snprintf(x->path, sizeof x->path, "%s", path) >= (int)sizeof x->path ||
        snprintf(x->tmp, sizeof x->tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof x->tmp) {
        x->tmp[0] = '\0';
        return fail(x, ENAMETOOLONG);
    }
    /* Beside the target, so that rename() stays within one file system
     * and is atomic. */
    int fd = mkstemp(x->tmp);
    if (fd < 0) {
        x->tmp[0] = '\0';
        return fail(x, errno);
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask); /* mkstemp makes 0600; this is an ordinary file */
    x->f = fdopen(fd, "w");
    if (x->f == NULL) {
        int e = errno;
        close(fd);
        return fail(x, e);
    }
    return 0;
}

int atomic_file_commit(atomic_file *x) {
    if (x->f == NULL)
        return fail(x, EBADF);
    errno = 0;
    if (fflush(x->f) != 0 || ferror(x->f))
        return fail(x, errno ? errno : EIO);
    if (fsync(fileno(x->f)) != 0)
        return fail(x, errno);
    FILE *f = x->f;
    x->f = NULL;
    if (fclose(f) != 0 || rename(x->tmp, x->path) != 0)
        return fail(x, errno);
    x->tmp[0] = '\0';
    /* Make the rename itself durable. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", x->path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

void atomic_file_abort(atomic_file *x) {
    fail(x, x->error);
}
