/* autosave.c - the autosave, its lock and crash recovery (see autosave.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "autosave.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "persist.h"
#include "session.h"

enum { MAX_CANDIDATES = 64 };

/* An unfinished session file that nobody runs. */
typedef struct candidate {
    char path[4096];
    struct timespec mtime;
} candidate;

static int alive(long pid) {
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Takes the lock that makes this process the owner of session.tnm.
 * Returns 1 when taken, 0 when another process holds it, -1 when the
 * lock file cannot be opened (the state folder is not writable: then
 * nothing can be saved there anyway, and the first write says so). */
static int take_lock(session *s) {
    char path[4096];
    persist_state_path("session.lock", path, sizeof path);
    /* O_CLOEXEC: an editor started by `edit` must not hold the lock. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return 0;
    }
    s->autosave_lock = fd;
    return 1;
}

/* The file's first line says the session did not end cleanly. */
static int unfinished(const char *path) {
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char first[64] = "";
    if (fgets(first, sizeof first, f) == NULL)
        first[0] = '\0';
    fclose(f);
    return strncmp(first, "# tnmlab session: open", 22) == 0;
}

static void add_candidate(candidate *c, int *n, const char *path) {
    struct stat st;
    if (*n == MAX_CANDIDATES || stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !unfinished(path))
        return;
    snprintf(c[*n].path, sizeof c[*n].path, "%s", path);
    c[*n].mtime = st.st_mtim;
    (*n)++;
}

/* The owner's session.tnm, and session-PID.tnm of every process that is
 * gone (our own pid too: a file with it is from an earlier process). */
static int find_candidates(int owner, candidate *c) {
    int n = 0;
    char path[4400];
    if (owner) {
        persist_state_path("session.tnm", path, sizeof path);
        add_candidate(c, &n, path);
    }
    char dir[4096];
    persist_state_path("", dir, sizeof dir);
    DIR *d = opendir(dir);
    if (d == NULL)
        return n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        int end = 0;
        if (sscanf(e->d_name, "session-%ld.tnm%n", &pid, &end) != 1 || e->d_name[end] != '\0')
            continue;
        if (pid != (long)getpid() && alive(pid))
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s%s", dir, e->d_name) < sizeof path)
            add_candidate(c, &n, path);
    }
    closedir(d);
    return n;
}

/* Renames path to PATH.WHAT-YYYYmmdd-HHMMSS (with -N when that exists)
 * and writes the new name to out.  Returns 0, or -1 (out holds path). */
static int move_aside(const char *path, const char *what, char *out, size_t n) {
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
    for (int k = 0; k < 100; k++) {
        if (k)
            snprintf(out, n, "%s.%s-%s-%d", path, what, stamp, k);
        else
            snprintf(out, n, "%s.%s-%s", path, what, stamp);
        /* link + unlink rather than rename: never overwrite an older copy. */
        if (link(path, out) == 0) {
            unlink(path);
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
    if (access(out, F_OK) != 0 && rename(path, out) == 0)
        return 0;
    snprintf(out, n, "%s", path);
    return -1;
}

/* The pid in a replay marker: -1 when there is no marker, 0 when it holds
 * no pid (then it is treated as left by a process that is gone). */
static long marker_pid(const char *marker) {
    FILE *f = fopen(marker, "r");
    if (f == NULL)
        return -1;
    long pid = 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    return pid;
}

/* Drops the candidates whose last replay never finished: their file goes
 * aside, with a message.  A replay still running in another process
 * leaves its candidate alone. */
static int drop_failed_replays(session *s, candidate *c, int n) {
    int kept = 0;
    for (int i = 0; i < n; i++) {
        char marker[4200], aside[4300];
        snprintf(marker, sizeof marker, "%s.replaying", c[i].path);
        long pid = marker_pid(marker);
        if (pid < 0) {
            c[kept++] = c[i];
            continue;
        }
        if (alive(pid) && pid != (long)getpid())
            continue;
        move_aside(c[i].path, "failed", aside, sizeof aside);
        unlink(marker);
        sink_printf(&s->err,
                    "The last start did not finish restoring its session (it crashed or hung); "
                    "starting clean.  The session file is kept as %s\n",
                    aside);
    }
    return kept;
}

/* Replays path between a marker's creation and its removal. */
static void replay(session *s, const char *path) {
    char marker[4200], pid[32], err[512];
    snprintf(marker, sizeof marker, "%s.replaying", path);
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    int marked = persist_write(marker, pid, strlen(pid), err, sizeof err) == 0;
    if (persist_restore(s, path, err, sizeof err) < 0)
        sink_printf(&s->err, "%s\n", err);
    session_refresh(s);
    if (marked)
        unlink(marker);
}

int autosave_recover(session *s) {
    if (!s->autosave)
        return 0;
    int want = s->recover;
    s->recover = 0;
    persist_make_state_dir();
    /* Without the lock (another process holds it, or the lock file cannot
     * be opened, e.g. it is a folder) this process writes its own file:
     * two processes never share session.tnm. */
    int lock = take_lock(s);
    if (lock == 1) {
        persist_state_path("session.tnm", s->autosave_path, sizeof s->autosave_path);
    } else {
        char name[64], main_path[4096];
        snprintf(name, sizeof name, "session-%ld.tnm", (long)getpid());
        persist_state_path(name, s->autosave_path, sizeof s->autosave_path);
        persist_state_path("session.tnm", main_path, sizeof main_path);
        if (lock == 0)
            sink_printf(&s->out, "Another tnmlab is using %s; this one autosaves to %s\n",
                        main_path, s->autosave_path);
    }
    if (!s->autosave_path[0])
        return 0;
    candidate *c = malloc(MAX_CANDIDATES * sizeof *c);
    if (c == NULL) {
        autosave_save(s);
        return 0;
    }
    /* only the lock holder may restore, move aside or remove session.tnm */
    int n = drop_failed_replays(s, c, find_candidates(lock == 1, c));
    /* The newest wins; the others are kept aside, never replayed over it. */
    int newest = -1;
    for (int i = 0; i < n; i++)
        if (newest < 0 || c[i].mtime.tv_sec > c[newest].mtime.tv_sec ||
            (c[i].mtime.tv_sec == c[newest].mtime.tv_sec &&
             c[i].mtime.tv_nsec > c[newest].mtime.tv_nsec))
            newest = i;
    for (int i = 0; i < n; i++) {
        if (want && i == newest)
            continue;
        char aside[4300];
        move_aside(c[i].path, want ? "older" : "unrestored", aside, sizeof aside);
        if (want)
            sink_printf(&s->out, "An older unfinished session is kept as %s\n", aside);
        else
            sink_printf(&s->out,
                        "The last session did not end cleanly; not restored (%s).  It "
                        "is kept as %s (restore FILE replays it)\n",
                        s->opts && s->opts->no_restore ? "--no-restore"
                                                       : "--cohort or --rules given",
                        aside);
    }
    int restored = 0;
    if (want && newest >= 0) {
        replay(s, c[newest].path);
        sink_printf(&s->out, "The last session did not end cleanly; restored it from %s\n",
                    c[newest].path);
        restored = 1;
    }
    autosave_save(s);
    /* A gone process's file now lives on in ours. */
    if (restored && !s->save_failed && strcmp(c[newest].path, s->autosave_path) != 0)
        unlink(c[newest].path);
    free(c);
    return restored;
}

void autosave_save(session *s) {
    if (!s->autosave || !s->autosave_path[0])
        return;
    char *text = persist_text(s, 0);
    if (text == NULL)
        return;
    if (s->last_saved && strcmp(s->last_saved, text) == 0) {
        free(text);
        return;
    }
    char err[512];
    if (persist_write(s->autosave_path, text, strlen(text), err, sizeof err) != 0) {
        if (!s->save_failed)
            sink_printf(&s->err,
                        "autosave: %s; this session is not autosaved until that is "
                        "fixed (save FILE writes it elsewhere)\n",
                        err);
        s->save_failed = 1;
        free(text);
        return;
    }
    if (s->save_failed)
        sink_printf(&s->out, "autosave: %s is written again\n", s->autosave_path);
    s->save_failed = 0;
    free(s->last_saved);
    s->last_saved = text;
}

void autosave_close(session *s) {
    if (s->autosave && s->autosave_path[0]) {
        char err[512];
        persist_save(s, s->autosave_path, 1, err, sizeof err);
    }
    if (s->autosave_lock >= 0)
        close(s->autosave_lock);
    s->autosave_lock = -1;
}
