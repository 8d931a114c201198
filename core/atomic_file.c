/* atomic_file.c - a file written whole or not at all (see atomic_file.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _XOPEN_SOURCE 700 /* realpath */
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
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return fail(x, EISDIR);
    /* A link is written through: the file it names is replaced, the link
     * stays. */
    char *real = NULL;
    const char *target = path;
    struct stat lst;
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
        (real = realpath(path, NULL)) != NULL)
        target = real;
    int toolong = snprintf(x->path, sizeof x->path, "%s", target) >= (int)sizeof x->path;
    free(real);
    if (toolong ||
        snprintf(x->tmp, sizeof x->tmp, "%s.tmp-XXXXXX", x->path) >= (int)sizeof x->tmp) {
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
    /* mkstemp makes 0600: a new file is an ordinary one (0666 less the
     * umask); a file written again keeps its mode. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, exists && S_ISREG(st.st_mode) ? st.st_mode & 07777 : 0666 & ~mask);
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
