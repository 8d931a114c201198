/* session.h - one interactive or batch session: the Lua state, the sinks,
 * the paths, and the evaluation of one input line.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One session struct is passed explicitly everywhere (as SQLite's shell
 * passes its ShellState); nothing here is global.
 */
#ifndef TNMLAB_SESSION_H
#define TNMLAB_SESSION_H

#include <lua.h>
#include <stddef.h>
#include <sys/types.h>

#include "model.h"
#include "textlog.h"
#include "options.h"
#include "sink.h"

/* How deep `restore` may nest inside session files. */
enum { SESSION_MAX_NESTING = 8 };

/* What the full screen's lower-right pane shows. */
enum { PANE_SHOWS_PLOT = 0, PANE_SHOWS_CASE = 1 };

typedef struct session {
    lua_State *L;            /* the trusted state */
    sink out;                /* results and print() */
    sink err;                /* error messages */
    const tnm_options *opts; /* the command line, borrowed */
    char scripts_dir[4096];  /* folder with staging/, selection/, ... */
    char data_dir[4096];     /* folder with the bundled cohorts */
    char history_path[4096]; /* readline history, "" when none */
    int quit;                /* set by `quit` and Ctrl-D */
    model model;             /* cohort, rules, outcome */
    rules *engine;           /* the rule engine, owned; lent to L and model */
    int cohort_ref;          /* registry ref keeping the model's cohort alive */
    int print_views;         /* line mode: print the outcome after a change */
    int pane_case;           /* full screen, lower right: PANE_SHOWS_PLOT/CASE */
    int plot_endpoint;       /* MODEL_OS or MODEL_PFS */
    char cohort_cmd[4096];   /* the command that recreates the cohort, "" if none */
    char *rule_files[64];    /* rule files loaded by `load rules`, absolute paths */
    int nrule_files;
    int autosave;             /* keep $XDG_STATE_HOME/tnmlab/session.tnm up to date */
    int recover;              /* restore a session that did not end cleanly, then clear */
    char autosave_path[4096]; /* this process's session file (autosave.c), "" before */
    int autosave_lock;        /* fd holding the lock on session.tnm, -1 when not ours */
    int save_failed;          /* the last autosave failed, and that was reported */
    int history_failed;       /* the last history write failed, and that was reported */
    int history_unsaved;      /* history entries added since the last history write */
    int defer_save;           /* the front end autosaves after drawing, not on accept */
    char *last_saved;         /* text of the last autosave, to skip identical writes */
    char *shipped_files[64];  /* rule files loaded at start-up (not saved) */
    int nshipped_files;
    /* Set by the full screen: suspend (resume = 0) before running another
     * program on the terminal, resume (1) after it. */
    void (*suspend)(struct session *s, int resume);
    int lesson_ref;  /* registry ref of the running lesson, LUA_NOREF if none */
    int lesson_step; /* 1-based step shown last */
    int lesson_page; /* full screen: the page of the step's text shown (F3 pages) */
    char lesson_name[64];
    /* Session files being replayed, outermost first (device and inode), so
     * that a file restoring itself, directly or in a cycle, is refused. */
    struct {
        dev_t dev;
        ino_t ino;
    } restoring[SESSION_MAX_NESTING];
    int nrestoring;
    /* The case pane's text (lab_case_text), made when what it shows changed:
     * the cohort or its cells, the outcome, the patient or the edition. */
    textlog case_text;
    struct {
        const void *cohort;
        uint64_t cells;
        unsigned long updates;
        size_t row;
        int edition, version, valid;
    } case_key;
} session;

/* Result of feeding one line to session_feed(). */
typedef enum { FEED_DONE, FEED_MORE, FEED_ERROR } feed_status;

/* Sets up the session: finds the scripts and data folders, creates the
 * Lua state with every binding, and routes print() to s->out.
 * Returns 0, or -1 with err filled (the caller reports it and exits). */
int session_init(session *s, const tnm_options *opts, sink out, sink err, char *err_buf,
                 size_t errlen);
/* Closes the Lua state; the sinks are borrowed and stay open. */
void session_close(session *s);

/* Runs one trusted chunk (a -e argument or a REPL entry) and prints its
 * results as the lua REPL does; errors go to s->err.  chunkname as in
 * lua_load ("=stdin").  Returns 0 on success, 1 on a Lua error. */
int session_run_chunk(session *s, const char *chunk, size_t len, const char *chunkname,
                      int print_results);

/* Runs a batch script with arg set as lua(1) does (arg[0] = path, arg[1..]
 * = argv[first..argc-1], arg[-1] = the program).  Returns 0 or 1. */
int session_run_script(session *s, const char *path, int argc, char **argv, int first);

/* Feeds one input line to the REPL.  *pending accumulates an unfinished
 * chunk across calls (malloc'd, owned by the caller, freed and NULLed here
 * when a chunk completes).  A line that starts with a command name runs the
 * command; anything else is Lua.  Returns FEED_MORE while the chunk is
 * incomplete.  The front end autosaves (autosave_save) once the result
 * is on the screen. */
feed_status session_feed(session *s, char **pending, const char *line);

/* Makes the cohort userdata at stack index idx the session's cohort (the
 * model borrows it; the session keeps a reference).  name labels it,
 * time_unit is "months" or "days".  Returns 0, or 1 with the message on
 * s->err; the previous cohort stays on failure. */
int session_set_cohort(session *s, int idx, const char *name, const char *time_unit);
/* The same for a cohort C made (a CSV read, a simulation): the session
 * takes c over, as a userdata of its Lua state so that lab.cohort() returns
 * it, and frees it on failure.  Returns 0, or 1 with the message on s->err. */
int session_adopt_cohort(session *s, cohort *c, const char *name, const char *time_unit);

/* Runs model_update and, in line mode, prints what changed.  Returns 0 or
 * 1 (message on s->err). */
int session_refresh(session *s);

/* Writes a view (view_rules, view_outcome, ...) to the output sink. */
void session_print_view(session *s, void (*view)(const model *, textlog *, int));

/* The folder `name` (scripts, data): $envvar, else beside the program,
 * else the installed one (or the source tree's, when not installed). */
void session_find_dir(char *out, size_t n, const char *envvar, const char *name);

#endif
