/* histfile.c - merged, atomic history writes (see histfile.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "histfile.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "persist.h"

/* The file's bytes (malloc'd, *len set), an empty text when it does not
 * exist yet, or NULL with err filled. */
static char *slurp(const char *path, size_t *len, char *err, size_t errlen) {
    *len = 0;
    char *p = tnm_read_file(path, len);
    if (p == NULL && errno == ENOENT)
        return calloc(1, 1);
    if (p == NULL)
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return p;
}

int histfile_append(const char *path, const char *const *entries, size_t n, size_t max, char *err,
                    size_t errlen) {
    /* The folder is the lock: flock on a directory works on Linux, and it
     * leaves no lock file beside the history. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    int lock = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock >= 0)
        flock(lock, LOCK_EX);
    size_t len;
    char *old = slurp(path, &len, err, errlen);
    int rc = -1;
    if (old) {
        size_t add = 0;
        for (size_t i = 0; i < n; i++)
            add += strlen(entries[i]) + 1;
        char *all = malloc(len + add + 2);
        if (all) {
            memcpy(all, old, len);
            if (len && all[len - 1] != '\n')
                all[len++] = '\n';
            for (size_t i = 0; i < n; i++) {
                size_t k = strlen(entries[i]);
                memcpy(all + len, entries[i], k);
                len += k;
                all[len++] = '\n';
            }
            /* Keep the last max lines. */
            size_t lines = 0, from = len;
            while (from > 0 && lines <= max)
                if (all[--from] == '\n' && ++lines > max)
                    from++;
            rc = persist_write(path, all + from, len - from, err, errlen);
            free(all);
        } else {
            snprintf(err, errlen, "out of memory writing %s", path);
        }
        free(old);
    }
    if (lock >= 0)
        close(lock); /* and with it the lock */
    return rc;
}
