/* main.c - tnmlab: the only place that decides to exit.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Modes (doc/contract.md#command-line):
 *   tnmlab                 interactive on the bundled demo
 *   tnmlab --plain         line REPL even on a terminal
 *   tnmlab SCRIPT [ARGS]   batch: exit 0, 1 on a script error, 2 on usage
 *   tnmlab -e CHUNK ...    run chunks, then exit (-i: stay interactive)
 */
#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autosave.h"
#include "lab.h"
#include "lineedit.h"
#include "options.h"
#include "ruletest.h"
#include "sweep.h"
#include "session.h"
#include "ui.h"

#include <unistd.h>

int main(int argc, char **argv) {
    /* ncursesw needs the user's locale for wide characters; numbers are
     * always read and printed with a '.', whatever the locale says. */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
#ifdef M_MMAP_THRESHOLD
    /* Every rule change allocates and frees a few arrays of one value per
     * patient.  Keep freed memory in the heap instead of returning it to
     * the kernel, so the next change does not fault it in page by page. */
    mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif

    if (argc >= 2 && strcmp(argv[1], "test") == 0)
        return ruletest_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "merge") == 0)
        return sweep_merge_main(argc - 1, argv + 1);

    tnm_options opts;
    char err[4096];
    if (options_parse(argc, argv, &opts, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (opts.help) {
        char help[4096];
        options_help(help, sizeof help);
        fputs(help, stdout);
        return 0;
    }
    if (opts.version) {
        printf("tnmlab %s (%s)\n", PACKAGE_VERSION, LUA_RELEASE);
        return 0;
    }

    session s;
    if (session_init(&s, &opts, sink_file(stdout), sink_file(stderr), err, sizeof err) != 0) {
        sink e = sink_file(stderr); /* the message may quote a script */
        sink_printf(&e, "tnmlab: %s\n", err);
        return 1;
    }
    lineedit_install_sigint();

    int batch = opts.nchunks > 0 || opts.script;
    int interactive = !batch || opts.interactive;
    int rc = lab_startup(&s, interactive);
    /* What the command line named must load; the demo's rules are extras. */
    if (rc && (batch || opts.cohort || opts.rules)) {
        session_close(&s);
        return 1;
    }
    /* A person at a terminal gets the autosave, and after a crash the
     * session back; piped input and scripts leave no state behind. */
    s.autosave = interactive && isatty(STDIN_FILENO);
    /* The front end restores it once its screen is up, so the message shows.
     * A start that names its own rules or cohort, or --no-restore, keeps
     * an unfinished session aside instead of replaying it. */
    s.recover = s.autosave && !opts.cohort && !opts.rules && !opts.no_restore;
    rc = 0;
    for (int i = 0; i < opts.nchunks && rc == 0; i++)
        rc = session_run_chunk(&s, opts.chunks[i], strlen(opts.chunks[i]), "=(command line)", 0);
    if (rc == 0 && opts.script)
        rc = session_run_script(&s, opts.script, argc, argv, opts.script_index);
    if (rc == 0 && (!batch || opts.interactive)) {
        int full = !opts.plain && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
        if (!full || ui_run(&s) != 0)
            rc = lineedit_run(&s);
    }
    autosave_close(&s);
    session_close(&s);
    fflush(stdout);
    return rc ? 1 : 0;
}
