/* export_plot_table.c - export plot and export table, for the command and
 * for lab.export_plot and lab.export_table (see export.h).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * do_export_plot() and do_export_table() are the work `export` and the Lua
 * functions share; lab.export_plot can also draw a survival.km fit of the
 * caller's, copied here into C curves.  The command's words and the Lua
 * options are read in export_cmd.c; the SVG and the tables are written by
 * export_svg.c and export.c.
 */
#include "config.h"

#include "export.h"
#include "export_int.h"

#include <lauxlib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

/* ---- the work, shared by the command and Lua */

/* Writes path whole or not at all: the file is opened before any work (an
 * unwritable path costs nothing), then the outcome is brought up to date,
 * the provenance filled and write() called.  job names it in messages.
 * 0, or -1 with err; the target is left as it was on failure. */
int export_write(session *s, const char *path, const char *job,
                 int (*write)(FILE *f, const model *m, const void *req, const export_provenance *p,
                              char *err, size_t errlen),
                 const void *req, char *err, size_t errlen) {
    atomic_file x;
    if (export_file_open(&x, path, err, errlen) != 0)
        return -1;
    char e2[1024];
    export_provenance p;
    if (model_update(&s->model, e2, sizeof e2) != 0 ||
        export_provenance_fill(&p, &s->model, e2, sizeof e2) != 0 ||
        write(x.f, &s->model, req, &p, e2, sizeof e2) != 0) {
        atomic_file_abort(&x);
        snprintf(err, errlen, "%s: %s", job, e2);
        return -1;
    }
    return export_file_commit(&x, err, errlen);
}

static int write_plot(FILE *f, const model *m, const void *req, const export_provenance *p,
                      char *err, size_t errlen) {
    const plot_req *rq = req;
    if (rq->fmt != EXPORT_PNG && rq->fmt != EXPORT_PDF)
        return export_svg_model(f, m, rq->endpoint, rq->ci, rq->before, rq->title, p, err, errlen);
    /* PNG and PDF: the SVG drawn, so that all three hold the same plot */
    char *svg = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&svg, &len);
    if (mf == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = export_svg_model(mf, m, rq->endpoint, rq->ci, rq->before, rq->title, p, err, errlen);
    fclose(mf);
    if (rc == 0)
        rc = export_raster(f, rq->fmt, svg, len, err, errlen);
    free(svg);
    return rc;
}

typedef struct table_req {
    export_format fmt;
    unsigned what;
} table_req;

static int write_table(FILE *f, const model *m, const void *req, const export_provenance *p,
                       char *err, size_t errlen) {
    const table_req *rq = req;
    return export_table_write(f, rq->fmt, m, rq->what, p, err, errlen);
}

/* Opens path, brings the outcome up to date, writes the plot.  0 or -1
 * with err. */
int do_export_plot(session *s, const char *path, const plot_req *rq, char *err, size_t errlen) {
    plot_req r = *rq;
    r.fmt = export_format_of(path);
    if (r.fmt != EXPORT_SVG && r.fmt != EXPORT_PNG && r.fmt != EXPORT_PDF) {
        snprintf(err, errlen, "export plot: %s: plots are written as .svg, .png or .pdf", path);
        return -1;
    }
    return export_write(s, path, "export plot", write_plot, &r, err, errlen);
}

/* export table FILE.db: the outcome and the attrition (or the one asked
 * for) as tables `outcome` and `attrition`, and the provenance. */
static int export_table_sqlite(session *s, const char *path, unsigned what, char *err,
                               size_t errlen) {
    char e2[1024] = "";
    export_provenance p;
    model *m = &s->model;
    if (model_update(m, e2, sizeof e2) != 0 || export_provenance_fill(&p, m, e2, sizeof e2) != 0) {
        snprintf(err, errlen, "export table: %s", e2);
        return -1;
    }
    if (!m->cur.valid) {
        snprintf(err, errlen,
                 "export table: no outcome to export (load a cohort and a rule set "
                 "first)");
        return -1;
    }
    if (what == 0)
        what = EXPORT_T_OUTCOME | EXPORT_T_ATTRITION;
    rtable t[2];
    const rtable *tp[2];
    const char *names[2];
    int n = 0, rc = 0;
    memset(t, 0, sizeof t);
    if (what & EXPORT_T_OUTCOME) {
        rc |= export_outcome_table(m, &m->cur, &t[n]);
        tp[n] = &t[n];
        names[n++] = "outcome";
    }
    if (what & EXPORT_T_ATTRITION) {
        rc |= export_attrition_table(&m->cur, &t[n]);
        tp[n] = &t[n];
        names[n++] = "attrition";
    }
    if (rc == 0)
        rc = export_sqlite_write(path, tp, names, n, &p, e2, sizeof e2);
    else
        snprintf(e2, sizeof e2, "out of memory");
    for (int i = 0; i < n; i++)
        rtable_free(&t[i]);
    if (rc != 0)
        snprintf(err, errlen, "export table: %s", e2);
    return rc;
}

int do_export_table(session *s, const char *path, unsigned what, char *err, size_t errlen) {
    export_format fmt = export_format_of(path);
    if (fmt == EXPORT_SQLITE)
        return export_table_sqlite(s, path, what, err, errlen);
    if (fmt != EXPORT_CSV && fmt != EXPORT_MD && fmt != EXPORT_JSON) {
        snprintf(err, errlen,
                 "export table: %s: tables are written as .csv, .md, .json or a SQLite .db", path);
        return -1;
    }
    if (what == 0)
        what = fmt == EXPORT_CSV ? EXPORT_T_OUTCOME : EXPORT_T_OUTCOME | EXPORT_T_ATTRITION;
    if (fmt == EXPORT_CSV && what == (EXPORT_T_OUTCOME | EXPORT_T_ATTRITION)) {
        snprintf(err, errlen, "export table: a CSV file holds one table: outcome or attrition");
        return -1;
    }
    table_req rq = {fmt, what};
    return export_write(s, path, "export table", write_table, &rq, err, errlen);
}

/* ---- Lua */

/* Curves of a survival.km fit at index fi, copied into C arrays kept in a
 * userdata pushed on the stack (freed by Lua).  Returns the count. */
typedef struct fit_copy {
    int n;
    km_curve km[8];
    char label[8][96];
    char short_label[8][32];
    double *mem;
} fit_copy;

static int fit_copy_gc(lua_State *L) {
    fit_copy *fc = lua_touserdata(L, 1);
    free(fc->mem);
    fc->mem = NULL;
    return 0;
}

static double field_at(lua_State *L, int t, lua_Integer j) {
    lua_geti(L, t, j);
    double v = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
    lua_pop(L, 1);
    return v;
}

static fit_copy *copy_fit(lua_State *L, int fi) {
    fit_copy *fc = lua_newuserdatauv(L, sizeof *fc, 0);
    memset(fc, 0, sizeof *fc);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, fit_copy_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    if (lua_getfield(L, fi, "strata") != LUA_TTABLE)
        luaL_error(L, "export_plot: fit is not a survival.km result");
    int ns = (int)luaL_len(L, -1);
    if (ns < 1 || ns > 8)
        luaL_error(L, "export_plot: the fit has %d strata (1 to 8 can be drawn)", ns);
    size_t total = 0;
    for (int i = 1; i <= ns; i++) { /* f:curve(i) */
        lua_getfield(L, fi, "curve");
        lua_pushvalue(L, fi);
        lua_pushinteger(L, i);
        lua_call(L, 2, 1);
        lua_getfield(L, -1, "time");
        total += (size_t)luaL_len(L, -1);
        lua_pop(L, 2);
    }
    /* one block: 5 double arrays + 3 uint32 arrays per curve, all as doubles */
    fc->mem = malloc((total + 1) * 8 * sizeof(double));
    if (fc->mem == NULL)
        luaL_error(L, "export_plot: out of memory");
    double *mem = fc->mem;
    for (int i = 1; i <= ns; i++) {
        km_curve *c = &fc->km[i - 1];
        lua_getfield(L, fi, "curve");
        lua_pushvalue(L, fi);
        lua_pushinteger(L, i);
        lua_call(L, 2, 1);
        int ct = lua_gettop(L);
        lua_getfield(L, ct, "time");
        size_t n = (size_t)luaL_len(L, -1);
        lua_pop(L, 1);
        c->ntime = n;
        c->time = mem;
        c->surv = mem + n;
        c->std_err = mem + 2 * n;
        c->lower = mem + 3 * n;
        c->upper = mem + 4 * n;
        c->n_risk = (uint32_t *)(mem + 5 * n);
        c->n_event = (uint32_t *)(mem + 6 * n);
        c->n_censor = (uint32_t *)(mem + 7 * n);
        mem += 8 * n;
        const char *names[] = {"time",  "surv",   "std_err", "lower",
                               "upper", "n_risk", "n_event", "n_censor"};
        double *dst[5] = {c->time, c->surv, c->std_err, c->lower, c->upper};
        uint32_t *cnt[3] = {c->n_risk, c->n_event, c->n_censor};
        for (int k = 0; k < 8; k++) {
            lua_getfield(L, ct, names[k]);
            int at = lua_gettop(L);
            for (size_t j = 0; j < n; j++) {
                double v = field_at(L, at, (lua_Integer)j + 1);
                if (k < 5)
                    dst[k][j] = v;
                else
                    /* a count from a user's table: NaN or negative is 0, past
                     * UINT32_MAX it saturates (no out-of-range cast) */
                    cnt[k - 5][j] = !(v > 0)                  ? 0
                                    : v >= (double)UINT32_MAX ? UINT32_MAX
                                                              : (uint32_t)v;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        lua_geti(L, -1, i); /* strata[i] */
        lua_getfield(L, -1, "name");
        lua_getfield(L, -2, "n");
        snprintf(fc->label[i - 1], sizeof fc->label[i - 1], "%s (n = %.0f)",
                 lua_isstring(L, -2) ? lua_tostring(L, -2) : "all",
                 lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 0.0);
        snprintf(fc->short_label[i - 1], sizeof fc->short_label[i - 1], "%s",
                 lua_isstring(L, -2) ? lua_tostring(L, -2) : "all");
        lua_pop(L, 3);
        c->n = 0;
    }
    lua_pop(L, 1); /* strata */
    fc->n = ns;
    return fc;
}

/* lab.export_plot(path [, {endpoint = "os"|"pfs", ci =, before =, title =,
 *                          fit =, labels = {}, tmax =, tick =, ylabel =}]) -> path
 * With fit (a survival.km result) the plot shows its strata; otherwise the
 * laboratory's current outcome. */
int l_export_plot(lua_State *L) {
    session *s = sess(L);
    const char *path = luaL_checkstring(L, 1);
    int t = lua_istable(L, 2) ? 2 : 0;
    if (!t && !lua_isnoneornil(L, 2))
        luaL_typeerror(L, 2, "table of options");
    const char *ep = lopt_str(L, t, "endpoint", s->plot_endpoint == MODEL_PFS ? "pfs" : "os");
    plot_req rq = {MODEL_OS, lopt_bool(L, t, "ci", 0), lopt_bool(L, t, "before", 0),
                   lopt_str(L, t, "title", NULL), EXPORT_UNKNOWN};
    if (!strcmp(ep, "pfs") || !strcmp(ep, "PFS"))
        rq.endpoint = MODEL_PFS;
    else if (strcmp(ep, "os") && strcmp(ep, "OS"))
        return luaL_error(L, "export_plot: endpoint is \"os\" or \"pfs\", not \"%s\"", ep);
    char err[1200];
    int has_fit = t && lua_getfield(L, t, "fit") != LUA_TNIL;
    if (t)
        lua_pop(L, 1);
    if (!has_fit) {
        if (do_export_plot(s, path, &rq, err, sizeof err) != 0)
            return luaL_error(L, "%s", err);
        lua_pushstring(L, path);
        return 1;
    }
    if (export_format_of(path) != EXPORT_SVG)
        return luaL_error(L, "export_plot: %s: plots are written as .svg", path);
    lua_getfield(L, t, "fit");
    int fi = lua_gettop(L);
    fit_copy *fc = copy_fit(L, fi);
    export_curve cv[8];
    int has_labels = lua_getfield(L, t, "labels") == LUA_TTABLE;
    for (int i = 0; i < fc->n; i++) {
        if (has_labels && lua_geti(L, -1, i + 1) == LUA_TSTRING) {
            snprintf(fc->label[i], sizeof fc->label[i], "%s", lua_tostring(L, -1));
            snprintf(fc->short_label[i], sizeof fc->short_label[i], "%s", lua_tostring(L, -1));
        }
        if (has_labels)
            lua_pop(L, 1);
        cv[i] = (export_curve){&fc->km[i], fc->label[i], 0, fc->short_label[i], 0};
    }
    lua_pop(L, 1);
    lua_getfield(L, fi, "unit");
    const char *unit = lua_isstring(L, -1) ? lua_tostring(L, -1) : "months";
    export_plot plot = {.curves = cv,
                        .ncurves = fc->n,
                        .title = rq.title,
                        .ylabel = lopt_str(L, t, "ylabel", "Survival (%)"),
                        .unit = unit,
                        .tmax = lopt_num(L, t, "tmax", 0),
                        .tick = lopt_num(L, t, "tick", 0),
                        .ci = rq.ci};
    /* Opened once every Lua value is read: nothing after this raises, so
     * the temporary file cannot be left behind. */
    atomic_file x;
    if (export_file_open(&x, path, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    export_provenance p;
    char e2[1024];
    if (export_provenance_fill(&p, &s->model, e2, sizeof e2) != 0 ||
        export_svg_write(x.f, &plot, &p, e2, sizeof e2) != 0) {
        atomic_file_abort(&x);
        return luaL_error(L, "export_plot: %s", e2);
    }
    if (export_file_commit(&x, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    lua_pushstring(L, path);
    return 1;
}

/* lab.export_table(path [, {what = "outcome"|"attrition"|"all"}]) -> path */
int l_export_table(lua_State *L) {
    session *s = sess(L);
    const char *path = luaL_checkstring(L, 1);
    int t = lua_istable(L, 2) ? 2 : 0;
    const char *w = lopt_str(L, t, "what", NULL);
    unsigned what = 0;
    if (w && what_of(w, &what) != 0)
        return luaL_error(
            L, "export_table: what is \"outcome\", \"attrition\" or \"all\", not \"%s\"", w);
    char err[1200];
    if (do_export_table(s, path, what, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    lua_pushstring(L, path);
    return 1;
}
