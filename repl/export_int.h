/* export_int.h - private to export_cmd.c and the jobs it dispatches to.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * export_cmd.c reads the `export` command's words and the Lua functions'
 * options, fills the provenance and registers the lab.* functions; the
 * jobs are in export_plot_table.c (plots and tables, for the command and
 * Lua), export_sweep.c (lab.sweep) and export_man.c (lab.manpage).
 */
#ifndef TNMLAB_EXPORT_INT_H
#define TNMLAB_EXPORT_INT_H

#include <lua.h>
#include <stddef.h>

#include "export.h"
#include "lopt.h"
#include "rtable.h"
#include "session.h"

/* ---- export_cmd.c */

/* "outcome", "attrition" or "all" as EXPORT_T_* bits into *what; 0, or -1
 * for any other word. */
int what_of(const char *w, unsigned *what);

/* The session: upvalue 1 of every lab.* function registered by export_open. */
session *sess(lua_State *L);

/* ---- export_plot_table.c */

typedef struct plot_req {
    int endpoint, ci, before;
    const char *title;
    export_format fmt; /* set by do_export_plot from the file name */
} plot_req;

/* The work of `export plot` and lab.export_plot, and of `export table` and
 * lab.export_table: 0, or -1 with err. */
int do_export_plot(session *s, const char *path, const plot_req *rq, char *err, size_t errlen);
int do_export_table(session *s, const char *path, unsigned what, char *err, size_t errlen);

int l_export_plot(lua_State *L);
int l_export_table(lua_State *L);

/* ---- export_sweep.c */

int l_sweep(lua_State *L);

/* ---- export_man.c */

int l_manpage(lua_State *L);

/* Writes path whole or not at all: the file is opened before any work,
 * the outcome brought up to date, the provenance filled and write() called
 * (export_plot_table.c).  job names it in messages.  0, or -1 with err. */
struct session;
int export_write(struct session *s, const char *path, const char *job,
                 int (*write)(FILE *f, const model *m, const void *req, const export_provenance *p,
                              char *err, size_t errlen),
                 const void *req, char *err, size_t errlen);
/* Writes t as CSV (provenance comment lines first), Markdown, or JSON (an
 * object with the provenance and the rows under json_key) (export_prov.c).
 * 0, or -1 when the table failed to build. */
int export_rtable(FILE *f, export_format fmt, const rtable *t, const char *json_key,
                  const export_provenance *p);
/* export table1 FILE.csv|.md|.json [by COLUMN | arms] [VAR[:cat]...]
 * (export_table1.c). */
int do_export_table1(struct session *s, int argc, char **argv, char *err, size_t errlen);
/* lab.table1{by =, vars =} (export_table1.c). */
int l_table1(lua_State *L);
/* export ids FILE.csv|.md|.json: the selected patients (export_ids.c). */
int do_export_ids(struct session *s, const char *path, char *err, size_t errlen);

#endif
