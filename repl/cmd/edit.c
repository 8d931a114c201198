/* edit.c - `reload` and `edit`: rule files read again, or opened in $EDITOR
 * and read again when the editor exits.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file that fails to load keeps the previous version of its rules.
 */
#include "cmd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session.h"

/* Every rule file this session loaded: shipped ones, then the user's. */
static int nfiles(session *s) {
    return s->nshipped_files + s->nrule_files;
}
static const char *file_at(session *s, int i) {
    return i < s->nshipped_files ? s->shipped_files[i] : s->rule_files[i - s->nshipped_files];
}

int cmd_reload(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return cmd_usage(s, "reload");
    int failed = 0;
    for (int i = 0; i < nfiles(s); i++) {
        char err[1024];
        if (rules_load(s->model.rules, file_at(s, i), err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n(the previous version of these rules stays active)\n", err);
            failed = 1;
        }
    }
    sink_printf(&s->out, "reloaded %d rule file%s%s\n", nfiles(s), nfiles(s) == 1 ? "" : "s",
                failed ? " (some failed, see above)" : "");
    return session_refresh(s) || failed;
}

/* The rule file that defines rule set `set`: the one whose text holds
 * ruleset "set" (or 'set'). */
static const char *file_of_set(session *s, const char *set) {
    char pat1[128], pat2[128];
    snprintf(pat1, sizeof pat1, "ruleset \"%s\"", set);
    snprintf(pat2, sizeof pat2, "ruleset '%s'", set);
    for (int i = nfiles(s) - 1; i >= 0; i--) {
        FILE *f = fopen(file_at(s, i), "r");
        if (f == NULL)
            continue;
        char line[1024];
        int found = 0;
        while (!found && fgets(line, sizeof line, f))
            found = strstr(line, pat1) || strstr(line, pat2);
        fclose(f);
        if (found)
            return file_at(s, i);
    }
    return NULL;
}

int cmd_edit(session *s, int argc, char **argv) {
    if (argc > 2)
        return cmd_usage(s, "edit");
    const char *set = argc == 2 ? argv[1] : s->model.set;
    if (!set[0]) {
        sink_printf(&s->err, "edit: no rule set is active; name one (rules lists them)\n");
        return 1;
    }
    const char *path = file_of_set(s, set);
    if (path == NULL) {
        sink_printf(&s->err, "edit: no loaded rule file defines rule set '%s'\n", set);
        return 1;
    }
    if (access(path, W_OK) != 0) {
        sink_printf(&s->err, "edit: %s is read-only here; copy it, then load rules COPY and edit\n",
                    path);
        return 1;
    }
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor)
        editor = getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    char *file = strdup(path);
    if (s->suspend)
        s->suspend(s, 0);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", editor, file, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    if (s->suspend)
        s->suspend(s, 1);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127) {
        sink_printf(&s->err, "edit: could not run the editor '%s' (set $EDITOR)\n", editor);
        free(file);
        return 1;
    }
    char err[1024];
    int rc = rules_load(s->model.rules, file, err, sizeof err);
    if (rc != 0)
        sink_printf(&s->err, "%s\n(the previous version of the rules stays active)\n", err);
    else
        sink_printf(&s->out, "reloaded %s\n", file);
    free(file);
    return session_refresh(s) || rc != 0;
}
