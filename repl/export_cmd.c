/* export_cmd.c - the `export` command and lab.export_plot, lab.export_table,
 * lab.sweep and lab.manpage (see export.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file reads the command's words and the Lua functions' options and
 * registers the functions; the jobs are in export_plot_table.c, export_sweep.c and
 * export_man.c (export_int.h lists what they share).  Every job checks its
 * arguments and opens its output files before it computes anything, so a
 * typo in a param or an unwritable path costs nothing and leaves nothing
 * behind.
 */
#include "config.h"

#include "export.h"
#include "export_int.h"

#include <lauxlib.h>
#include <string.h>

#include "commands.h"
#include "lesson.h"
#include "lcohort.h"
#include "session.h"
#include "sqlite_read.h"
#include "csv.h"

/* ---- the command */

int what_of(const char *w, unsigned *what) {
    if (!strcmp(w, "outcome"))
        *what = EXPORT_T_OUTCOME;
    else if (!strcmp(w, "attrition"))
        *what = EXPORT_T_ATTRITION;
    else if (!strcmp(w, "all"))
        *what = EXPORT_T_OUTCOME | EXPORT_T_ATTRITION;
    else
        return -1;
    return 0;
}

int export_cmd(session *s, int argc, char **argv) {
    const cmd_entry *c = commands_find("export");
    char err[1200];
    if (argc >= 3 && strcmp(argv[1], "plot") == 0) {
        plot_req rq = {MODEL_OS, 0, 0, NULL, EXPORT_UNKNOWN};
        if (s->plot_endpoint == MODEL_PFS)
            rq.endpoint = MODEL_PFS;
        for (int i = 3; i < argc; i++) {
            if (!strcmp(argv[i], "os") || !strcmp(argv[i], "OS"))
                rq.endpoint = MODEL_OS;
            else if (!strcmp(argv[i], "pfs") || !strcmp(argv[i], "PFS"))
                rq.endpoint = MODEL_PFS;
            else if (!strcmp(argv[i], "ci"))
                rq.ci = 1;
            else if (!strcmp(argv[i], "before"))
                rq.before = 1;
            else {
                sink_printf(&s->err, "export plot: '%s' is not os, pfs, ci or before\n", argv[i]);
                return 1;
            }
        }
        if (do_export_plot(s, argv[2], &rq, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        sink_printf(&s->out, "wrote %s\n", argv[2]);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "table1") == 0) {
        if (do_export_table1(s, argc, argv, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        sink_printf(&s->out, "wrote %s\n", argv[2]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "ids") == 0) {
        if (do_export_ids(s, argv[2], err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        sink_printf(&s->out, "wrote %s\n", argv[2]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "lesson") == 0) {
        if (lesson_export(s, argv[2], err, sizeof err) != 0) {
            sink_printf(&s->err, "export lesson: %s\n", err);
            return 1;
        }
        sink_printf(&s->out, "wrote %s/index.md and a plot per step (step-NN.svg, step-NN.png)\n",
                    argv[2]);
        return 0;
    }
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "cohort") == 0) {
        /* the session's cohort as it is (staging and selection are not
         * columns of it): a CSV file, or a table of a SQLite database */
        export_format fmt = export_format_of(argv[2]);
        const cohort *co = s->model.cohort;
        int rc = -1;
        if (co == NULL)
            snprintf(err, sizeof err, "export cohort: no cohort is loaded");
        else if (fmt == EXPORT_SQLITE)
            rc = sqlite_write(co, argv[2], argc == 4 ? argv[3] : "cohort", 1, err, sizeof err);
        else if (fmt == EXPORT_CSV && argc == 3)
            rc = csv_write_file(co, argv[2], NULL, err, sizeof err);
        else
            snprintf(err, sizeof err,
                     "export cohort: %s: a cohort is written as .csv, or as a table of a SQLite "
                     ".db (export cohort FILE.db [TABLE])",
                     argv[2]);
        if (rc != 0) {
            sink_printf(&s->err, "%s%s\n", strncmp(err, "export", 6) ? "export cohort: " : "", err);
            return 1;
        }
        sink_printf(&s->out, "wrote %s (%zu patients)\n", argv[2], cohort_nrows(co));
        return 0;
    }
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "table") == 0) {
        unsigned what = 0;
        if (argc == 4 && what_of(argv[3], &what) != 0) {
            sink_printf(&s->err, "export table: '%s' is not outcome, attrition or all\n", argv[3]);
            return 1;
        }
        if (do_export_table(s, argv[2], what, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        sink_printf(&s->out, "wrote %s\n", argv[2]);
        return 0;
    }
    sink_printf(&s->err, "usage: export %s\n", c ? c->usage : "plot FILE.svg | table FILE.csv");
    return 1;
}

/* ---- Lua */

session *sess(lua_State *L) {
    return lua_touserdata(L, lua_upvalueindex(1));
}

void export_open(session *s) {
    static const luaL_Reg fns[] = {
        {"export_plot", l_export_plot}, {"export_table", l_export_table}, {"sweep", l_sweep},
        {"table1", l_table1},           {"manpage", l_manpage},           {NULL, NULL}};
    lua_State *L = s->L;
    if (lua_getglobal(L, "lab") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setglobal(L, "lab");
    }
    lua_pushlightuserdata(L, s);
    luaL_setfuncs(L, fns, 1);
    lua_pop(L, 1);
}
