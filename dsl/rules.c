/* rules.c - the rule engine: vocabulary in the sandbox, loading rule files
 * into immutable programs, params and versions.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rule file only *declares*: param{}, criterion{}, derive{} and arm{} tag
 * tables with their kind and line, ruleset "name" {...} records the list.
 * After the file has run, C reads the declarations (rules_conv.c) into a
 * rules_prog; nothing of the sandbox is consulted again except Lua function
 * criteria.  Evaluation lives in rules_eval.c.
 */
#include <lauxlib.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"
#include "text.h"

const char *const rules_dictionary[] = {"id",
                                        "age",
                                        "sex",
                                        "ecog",
                                        "histology",
                                        "side",
                                        "driver",
                                        "t_size_cm",
                                        "t_insitu",
                                        "t_mia",
                                        "t_superficial",
                                        "t_invasion",
                                        "t_nodules",
                                        "n_stations",
                                        "m_sites",
                                        "m_pleural_effusion",
                                        "m_all_treatable",
                                        "m_lesions",
                                        "m_organs",
                                        "m_contralateral_nodule",
                                        "m_pleural",
                                        "t",
                                        "n",
                                        "m",
                                        "stage",
                                        "edition",
                                        "induction_response",
                                        "arm",
                                        "os_time",
                                        "os_event",
                                        "pfs_time",
                                        "pfs_event",
                                        NULL};

int rules_known_field(const char *name) {
    for (int i = 0; rules_dictionary[i]; i++)
        if (strcmp(rules_dictionary[i], name) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------ vocabulary */

#define DECLS_KEY "tnmlab.rules.decls"

static int caller_line(lua_State *L) {
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
        return ar.currentline;
    return 0;
}

/* param{...}, criterion{...}, derive{...}, arm{...}: tag the table with its
 * kind and the line it was written on.  Stack: [t] -> [t]. */
static int tag(lua_State *L, const char *kind) {
    if (!lua_istable(L, 1))
        return luaL_error(L, "%s needs a table: %s { \"name\", ... }", kind, kind);
    lua_settop(L, 1);
    lua_pushliteral(L, "__kind");
    lua_pushstring(L, kind);
    lua_rawset(L, 1);
    lua_pushliteral(L, "__line");
    lua_pushinteger(L, caller_line(L));
    lua_rawset(L, 1);
    return 1;
}

static int voc_param(lua_State *L) {
    return tag(L, "param");
}
static int voc_criterion(lua_State *L) {
    return tag(L, "criterion");
}
static int voc_derive(lua_State *L) {
    return tag(L, "derive");
}
static int voc_arm(lua_State *L) {
    return tag(L, "arm");
}

/* The function ruleset "name" returns.  Upvalues: name, line.
 * Stack: [def] -> []. */
static int voc_ruleset_body(lua_State *L) {
    if (!lua_istable(L, 1))
        return luaL_error(L, "ruleset \"%s\" needs a table: ruleset \"%s\" { ... }",
                          lua_tostring(L, lua_upvalueindex(1)),
                          lua_tostring(L, lua_upvalueindex(1)));
    if (lua_getfield(L, LUA_REGISTRYINDEX, DECLS_KEY) != LUA_TTABLE)
        return luaL_error(L, "ruleset: only allowed while a rule file loads");
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setfield(L, -2, "name");
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_setfield(L, -2, "line");
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "def");
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    return 0;
}

/* ruleset "name" -> function(def).  Stack: [name] -> [f]. */
static int voc_ruleset(lua_State *L) {
    if (lua_type(L, 1) != LUA_TSTRING)
        return luaL_error(L, "ruleset needs a name: ruleset \"name\" { ... }");
    lua_settop(L, 1);
    lua_pushinteger(L, caller_line(L));
    lua_pushcclosure(L, voc_ruleset_body, 2);
    return 1;
}

/* ----------------------------------------------------------- programs */

static void free_strv(char **v, int n) {
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void set_free(sandbox *sb, rset *s) {
    for (int i = 0; i < s->np; i++) {
        rparam *p = &s->params[i];
        free(p->name);
        free(p->doc);
        free(p->text_def);
        free_strv(p->choices, p->nchoices);
    }
    for (int i = 0; i < s->nc; i++) {
        rcrit *c = &s->crit[i];
        free(c->name);
        free(c->reason);
        expr_free(c->e);
        free_strv(c->reads, c->nreads);
        if (c->fn_ref != LUA_NOREF && c->fn_ref != 0 && sb)
            luaL_unref(sandbox_state(sb), LUA_REGISTRYINDEX, c->fn_ref);
    }
    for (int i = 0; i < s->nd; i++) {
        rderive *d = &s->der[i];
        free(d->name);
        free(d->doc);
        expr_free(d->e);
        free(d->staging);
        free_strv(d->mods, d->nmods);
        free(d->stagers); /* the modules themselves belong to the engine */
        for (int k = 0; k < 4; k++)
            free(d->out[k]);
    }
    for (int i = 0; i < s->na; i++) {
        free(s->arms[i].name);
        free(s->arms[i].doc);
        expr_free(s->arms[i].when);
    }
    free(s->params);
    free(s->crit);
    free(s->der);
    free(s->arms);
    free_strv(s->warnings, s->nw);
    free(s->name);
    free(s->doc);
    free(s->landmark_time);
}

void rules_prog_ref(rprog *p) {
    p->refs++;
}

void rules_prog_unref(rprog *p) {
    if (p == NULL || --p->refs > 0)
        return;
    for (int i = 0; i < p->nsets; i++)
        set_free(p->owner ? p->owner->sb : NULL, &p->sets[i]);
    if (p->owner)
        sandbox_release(p->owner->sb, p->charged);
    free(p->sets);
    free(p->path);
    free(p);
}

/* Defined in rules_conv.c: reads the declarations (on top of the stack of
 * the sandbox state) into p.  Returns 0, or -1 with err filled. */
int rules_convert(rules *r, rprog *p, char *err, size_t errlen);

/* ------------------------------------------------------------ versions */

static void version_clear(rversion *v) {
    for (int i = 0; i < v->nprogs; i++) {
        const rprog *p = v->progs[i];
        int np = 0;
        for (int s = 0; s < p->nsets; s++)
            np += p->sets[s].np;
        for (int j = 0; v->vals && v->vals[i] && j < np; j++)
            free(v->vals[i][j].text);
        if (v->vals)
            free(v->vals[i]);
        rules_prog_unref(v->progs[i]);
    }
    free(v->progs);
    free(v->vals);
    memset(v, 0, sizeof *v);
}

static int prog_nparams(const rprog *p) {
    int np = 0;
    for (int s = 0; s < p->nsets; s++)
        np += p->sets[s].np;
    return np;
}

/* Copies src into dst, taking new references.  0 or -1 on ENOMEM. */
static int version_copy(rversion *dst, const rversion *src) {
    memset(dst, 0, sizeof *dst);
    dst->edition = src->edition;
    int n = src->nprogs;
    dst->progs = calloc((size_t)n + 1, sizeof *dst->progs);
    dst->vals = calloc((size_t)n + 1, sizeof *dst->vals);
    if (dst->progs == NULL || dst->vals == NULL)
        goto fail;
    for (int i = 0; i < n; i++) {
        int np = prog_nparams(src->progs[i]);
        dst->vals[i] = calloc((size_t)np + 1, sizeof(rval));
        if (dst->vals[i] == NULL)
            goto fail;
        dst->progs[i] = src->progs[i];
        rules_prog_ref(dst->progs[i]);
        dst->nprogs = i + 1;
        for (int j = 0; j < np; j++) {
            dst->vals[i][j].num = src->vals[i][j].num;
            if (src->vals[i][j].text &&
                (dst->vals[i][j].text = tnm_strdup(src->vals[i][j].text)) == NULL)
                goto fail;
        }
    }
    return 0;
fail:
    version_clear(dst);
    return -1;
}

/* Forgets the oldest version; numbers of the others stay. */
static void drop_oldest(rules *r) {
    version_clear(&r->v[0]);
    memmove(r->v, r->v + 1, (size_t)(r->nv - 1) * sizeof *r->v);
    r->nv--;
    r->cur--;
    r->base++;
}

/* Makes v (taken over) the current version, dropping the redo tail. */
static int version_push(rules *r, rversion *v) {
    while (r->nv > r->cur)
        version_clear(&r->v[--r->nv]);
    if (r->nv == r->cap) {
        int cap = r->cap ? r->cap * 2 : 16;
        rversion *nv = realloc(r->v, (size_t)cap * sizeof *nv);
        if (nv == NULL) {
            version_clear(v);
            return -1;
        }
        r->v = nv;
        r->cap = cap;
    }
    r->v[r->nv++] = *v;
    r->cur = r->nv;
    /* a long session (or a rule file reloaded in a loop) keeps only the
     * recent history: each old version holds its programs, whose memory
     * counts against the sandbox's cap */
    while (r->nv > RULES_MAX_VERSIONS)
        drop_oldest(r);
    return 0;
}

/* Before a load: old versions go while the rule files' memory is past half
 * the cap, so that reloading a large file again and again keeps working
 * (the current version always stays). */
static void trim_history(rules *r) {
    sandbox *sb = r->sb;
    while (r->cur > 1 && sandbox_mem_used(sb) > sandbox_mem_cap(sb) / 2) {
        drop_oldest(r);
        lua_gc(sandbox_state(sb), LUA_GCCOLLECT);
    }
}

const rversion *rules_version_at(const rules *r, int v) {
    int i = v - r->base;
    return i >= 1 && i <= r->nv ? &r->v[i - 1] : NULL;
}

const rset *rules_find_set(const rules *r, int v, const char *name, int *prog, int *poff) {
    const rversion *ver = rules_version_at(r, v);
    if (ver == NULL || name == NULL)
        return NULL;
    for (int i = 0; i < ver->nprogs; i++) {
        int off = 0;
        for (int s = 0; s < ver->progs[i]->nsets; s++) {
            const rset *set = &ver->progs[i]->sets[s];
            if (strcmp(set->name, name) == 0) {
                if (prog)
                    *prog = i;
                if (poff)
                    *poff = off;
                return set;
            }
            off += set->np;
        }
    }
    return NULL;
}

sandbox *rules_sandbox(rules *r) {
    return r->sb;
}

/* ------------------------------------------------------------- public */

rules *rules_new(size_t mem_cap, long budget, char *err, size_t errlen) {
    rules *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if ((r->sb = sandbox_new(mem_cap, budget, err, errlen)) == NULL) {
        free(r);
        return NULL;
    }
    if (budget > 0)
        sandbox_set_run_budget(r->sb, budget * 10);
    static const struct {
        const char *name;
        lua_CFunction fn;
    } voc[] = {{"param", voc_param},
               {"criterion", voc_criterion},
               {"derive", voc_derive},
               {"arm", voc_arm},
               {"ruleset", voc_ruleset}};
    lua_State *L = sandbox_state(r->sb);
    for (size_t i = 0; i < sizeof voc / sizeof voc[0]; i++) {
        lua_pushcfunction(L, voc[i].fn);
        sandbox_define(r->sb, voc[i].name);
    }
    return r;
}

void rules_free(rules *r) {
    if (r == NULL)
        return;
    for (int i = 0; i < r->nv; i++)
        version_clear(&r->v[i]);
    free(r->v);
    rules_stagers_free(r);
    free(r->staging_dir);
    sandbox_free(r->sb);
    free(r);
}

/* Loads the staging modules the program's staging derives name, so that a
 * missing or broken module is a load error naming the derive. */
static int load_stagers(rules *r, rprog *p, char *err, size_t errlen) {
    for (int s = 0; s < p->nsets; s++)
        for (int j = 0; j < p->sets[s].nd; j++) {
            rderive *d = &p->sets[s].der[j];
            for (int m = 0; m < d->nmods; m++) {
                char e[700];
                if ((d->stagers[m] = rules_stager_get(r, d->mods[m], p->path, e, sizeof e)) ==
                    NULL) {
                    snprintf(err, errlen, "%s:%d: derive '%s': %s", p->path, d->line, d->name, e);
                    return -1;
                }
            }
        }
    return 0;
}

/* Runs the chunk on top of the sandbox stack, converts its declarations and
 * makes the new version. */
static int load_chunk(rules *r, const char *path, char *err, size_t errlen) {
    lua_State *L = sandbox_state(r->sb);
    trim_history(r);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, DECLS_KEY);
    const char *base = strrchr(path, '/');
    int was = sandbox_set_loading(r->sb, 1);
    int st = sandbox_pcall(r->sb, 0, 0, base ? base + 1 : path, err, errlen);
    sandbox_set_loading(r->sb, was);
    rprog *p = NULL;
    if (st == 0) {
        p = calloc(1, sizeof *p);
        if (p == NULL || (p->path = tnm_strdup(path)) == NULL) {
            free(p);
            p = NULL;
            snprintf(err, errlen, "out of memory");
            st = -1;
        } else {
            p->refs = 1;
            p->owner = r;
            lua_getfield(L, LUA_REGISTRYINDEX, DECLS_KEY);
            st = rules_convert(r, p, err, errlen);
            lua_pop(L, 1);
        }
    }
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, DECLS_KEY);
    if (st == 0)
        st = load_stagers(r, p, err, errlen);
    lua_gc(L, LUA_GCCOLLECT);
    if (st != 0) {
        rules_prog_unref(p);
        return -1;
    }

    /* new version: the current one with this file's program replaced */
    rversion nv = {.edition = rules_edition(r)};
    if (r->cur > 0 && version_copy(&nv, &r->v[r->cur - 1]) != 0)
        goto oom;
    int slot = -1;
    for (int i = 0; i < nv.nprogs; i++)
        if (strcmp(nv.progs[i]->path, path) == 0)
            slot = i;
    for (int i = 0; i < nv.nprogs; i++) {
        if (i == slot)
            continue;
        for (int a = 0; a < nv.progs[i]->nsets; a++)
            for (int b = 0; b < p->nsets; b++)
                if (strcmp(nv.progs[i]->sets[a].name, p->sets[b].name) == 0) {
                    snprintf(err, errlen,
                             "%s:%d: rule set '%s' is already defined "
                             "by %s",
                             path, p->sets[b].line, p->sets[b].name, nv.progs[i]->path);
                    version_clear(&nv);
                    rules_prog_unref(p);
                    return -1;
                }
    }
    int np = prog_nparams(p);
    rval *vals = calloc((size_t)np + 1, sizeof *vals);
    if (vals == NULL)
        goto oom_nv;
    /* a param keeps its current value when its declaration did not change */
    int k = 0;
    for (int s = 0; s < p->nsets; s++) {
        const rset *set = &p->sets[s];
        int op, ooff;
        const rset *old =
            slot >= 0 ? rules_find_set(r, rules_version(r), set->name, &op, &ooff) : NULL;
        for (int j = 0; j < set->np; j++, k++) {
            const rparam *pp = &set->params[j];
            vals[k].num = pp->def;
            const char *text = pp->text_def;
            for (int oj = 0; old && oj < old->np; oj++) {
                const rparam *o = &old->params[oj];
                if (strcmp(o->name, pp->name) == 0 && o->type == pp->type && o->def == pp->def &&
                    o->min == pp->min && o->max == pp->max &&
                    (o->text_def == NULL) == (pp->text_def == NULL) &&
                    (o->text_def == NULL || strcmp(o->text_def, pp->text_def) == 0)) {
                    vals[k].num = r->v[r->cur - 1].vals[op][ooff + oj].num;
                    if (pp->type == RULES_P_TEXT)
                        text = r->v[r->cur - 1].vals[op][ooff + oj].text;
                }
            }
            if (text && (vals[k].text = tnm_strdup(text)) == NULL) {
                for (int q = 0; q < k; q++)
                    free(vals[q].text);
                free(vals);
                goto oom_nv;
            }
        }
    }
    if (slot < 0) {
        rprog **pr = realloc(nv.progs, (size_t)(nv.nprogs + 1) * sizeof *pr);
        if (pr)
            nv.progs = pr;
        rval **vr = pr ? realloc(nv.vals, (size_t)(nv.nprogs + 1) * sizeof *vr) : NULL;
        if (vr == NULL) {
            for (int q = 0; q < np; q++)
                free(vals[q].text);
            free(vals);
            goto oom_nv;
        }
        nv.vals = vr;
        slot = nv.nprogs++;
        nv.progs[slot] = NULL;
        nv.vals[slot] = NULL;
    } else {
        int onp = prog_nparams(nv.progs[slot]);
        for (int q = 0; q < onp; q++)
            free(nv.vals[slot][q].text);
        free(nv.vals[slot]);
        rules_prog_unref(nv.progs[slot]);
    }
    nv.progs[slot] = p;
    nv.vals[slot] = vals;
    snprintf(nv.label, sizeof nv.label, "load %.240s", path);
    if (version_push(r, &nv) != 0)
        goto oom;
    return 0;
oom_nv:
    version_clear(&nv);
oom:
    rules_prog_unref(p);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}

int rules_load(rules *r, const char *path, char *err, size_t errlen) {
    if (sandbox_loadfile(r->sb, path, err, errlen) != 0)
        return -1;
    return load_chunk(r, path, err, errlen);
}

int rules_load_string(rules *r, const char *src, const char *chunkname, char *err, size_t errlen) {
    char name[512];
    snprintf(name, sizeof name, "=%s", chunkname);
    if (sandbox_loadstring(r->sb, src, strlen(src), name, err, errlen) != 0)
        return -1;
    return load_chunk(r, chunkname, err, errlen);
}

size_t rules_nsets(const rules *r) {
    if (r->cur == 0)
        return 0;
    size_t n = 0;
    const rversion *v = &r->v[r->cur - 1];
    for (int i = 0; i < v->nprogs; i++)
        n += (size_t)v->progs[i]->nsets;
    return n;
}

size_t rules_nfiles(const rules *r) {
    return r->cur ? (size_t)r->v[r->cur - 1].nprogs : 0;
}

const char *rules_file(const rules *r, size_t i) {
    return i < rules_nfiles(r) ? r->v[r->cur - 1].progs[i]->path : NULL;
}

const char *rules_set_name(const rules *r, size_t i) {
    if (r->cur == 0)
        return NULL;
    const rversion *v = &r->v[r->cur - 1];
    for (int p = 0; p < v->nprogs; p++) {
        if (i < (size_t)v->progs[p]->nsets)
            return v->progs[p]->sets[i].name;
        i -= (size_t)v->progs[p]->nsets;
    }
    return NULL;
}

const char *rules_set_doc(const rules *r, const char *set) {
    const rset *s = rules_find_set(r, rules_version(r), set, NULL, NULL);
    return s ? s->doc : NULL;
}

const char *rules_set_warning(const rules *r, const char *set, size_t i) {
    const rset *s = rules_find_set(r, rules_version(r), set, NULL, NULL);
    return s && i < (size_t)s->nw ? s->warnings[i] : NULL;
}

size_t rules_nparams(const rules *r, const char *set) {
    const rset *s = rules_find_set(r, rules_version(r), set, NULL, NULL);
    return s ? (size_t)s->np : 0;
}

int rules_param(const rules *r, const char *set, size_t i, rules_param_info *out) {
    int pi, off;
    const rset *s = rules_find_set(r, rules_version(r), set, &pi, &off);
    if (s == NULL || i >= (size_t)s->np)
        return -1;
    const rparam *p = &s->params[i];
    const rval *v = &r->v[r->cur - 1].vals[pi][off + (int)i];
    const rprog *prog = r->v[r->cur - 1].progs[pi];
    *out = (rules_param_info){
        p->name,     p->doc,     p->type, v->num,      p->def,
        p->min,      p->max,     v->text, p->text_def, (const char *const *)p->choices,
        p->nchoices, prog->path, p->line};
    return 0;
}

static void fmt_value(char *buf, size_t n, const rparam *p, double num, const char *text) {
    if (p->type == RULES_P_TEXT)
        snprintf(buf, n, "\"%s\"", text ? text : "");
    else if (p->type == RULES_P_BOOLEAN)
        snprintf(buf, n, "%s", num != 0 ? "true" : "false");
    else
        snprintf(buf, n, "%.10g", num);
}

int rules_set_param(rules *r, const char *set, const char *name, double value, const char *text,
                    char *err, size_t errlen) {
    int pi, off;
    const rset *s = rules_find_set(r, rules_version(r), set, &pi, &off);
    if (s == NULL) {
        snprintf(err, errlen, "no rule set '%s'", set ? set : "");
        return -1;
    }
    int j = -1;
    for (int i = 0; i < s->np; i++)
        if (strcmp(s->params[i].name, name) == 0)
            j = i;
    if (j < 0) {
        snprintf(err, errlen, "rule set '%s' has no param '%s'", set, name);
        return -1;
    }
    const rparam *p = &s->params[j];
    const rprog *prog = r->v[r->cur - 1].progs[pi];
    if (p->type == RULES_P_TEXT) {
        int ok = text != NULL && p->nchoices == 0;
        for (int c = 0; text && c < p->nchoices; c++)
            ok |= strcmp(p->choices[c], text) == 0;
        if (!ok) {
            snprintf(err, errlen, "%s:%d: param '%s' is text%s", prog->path, p->line, name,
                     p->nchoices ? " and must be one of its choices" : "");
            return -1;
        }
    } else if (text != NULL || value != value) {
        snprintf(err, errlen, "%s:%d: param '%s' needs a %s", prog->path, p->line, name,
                 p->type == RULES_P_BOOLEAN ? "boolean" : "number");
        return -1;
    } else if (p->type == RULES_P_BOOLEAN) {
        value = value != 0;
    } else if (value < p->min || value > p->max || !isfinite(value) ||
               (p->type == RULES_P_INTEGER &&
                (value != floor(value) || fabs(value) > RULES_INT_EXACT))) {
        /* an unbounded side reads as the largest whole number a double holds */
        double lim = p->type == RULES_P_INTEGER ? RULES_INT_EXACT : INFINITY;
        snprintf(err, errlen, "%s:%d: param '%s' must be %s between %.10g and %.10g", prog->path,
                 p->line, name, p->type == RULES_P_INTEGER ? "a whole number" : "a number",
                 p->min < -lim ? -lim : p->min, p->max > lim ? lim : p->max);
        return -1;
    }
    /* the value it has already: no new version (undo would change nothing) */
    const rval *cv = &r->v[r->cur - 1].vals[pi][off + j];
    if (p->type == RULES_P_TEXT ? cv->text && strcmp(cv->text, text) == 0 : cv->num == value)
        return 0;
    rversion nv;
    if (version_copy(&nv, &r->v[r->cur - 1]) != 0)
        goto oom;
    rval *v = &nv.vals[pi][off + j];
    char before[96], after[96];
    fmt_value(before, sizeof before, p, v->num, v->text);
    if (p->type == RULES_P_TEXT) {
        char *t = tnm_strdup(text);
        if (t == NULL) {
            version_clear(&nv);
            goto oom;
        }
        free(v->text);
        v->text = t;
    } else {
        v->num = value;
    }
    fmt_value(after, sizeof after, p, v->num, v->text);
    snprintf(nv.label, sizeof nv.label, "%.60s.%.60s %.40s -> %.40s", set, name, before, after);
    if (version_push(r, &nv) != 0)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

int rules_edition(const rules *r) {
    int e = r->cur ? r->v[r->cur - 1].edition : r->edition;
    return e == 9 ? 9 : 8;
}

int rules_set_edition(rules *r, int edition, char *err, size_t errlen) {
    if (edition != 8 && edition != 9) {
        snprintf(err, errlen, "edition must be 8 or 9, not %d", edition);
        return -1;
    }
    if (edition == rules_edition(r))
        return 0;
    if (r->cur == 0) { /* nothing loaded yet: the first version takes it */
        r->edition = edition;
        return 0;
    }
    rversion nv;
    if (version_copy(&nv, &r->v[r->cur - 1]) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    nv.edition = edition;
    snprintf(nv.label, sizeof nv.label, "edition %d -> %d", edition == 9 ? 8 : 9, edition);
    if (version_push(r, &nv) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 1;
}

int rules_set_staging_dir(rules *r, const char *dir) {
    char *d = NULL;
    if (dir && *dir && (d = tnm_strdup(dir)) == NULL)
        return -1;
    free(r->staging_dir);
    r->staging_dir = d;
    return 0;
}

unsigned long rules_staging_calls(const rules *r) {
    return r->stage_calls;
}

int rules_version(const rules *r) {
    return r->cur ? r->base + r->cur : 0;
}
int rules_nversions(const rules *r) {
    return r->base + r->nv;
}

/* Is set `name` the same in versions a and b: the same program (not
 * reloaded), the same param values, the same edition? */
static int same_set(const rules *r, const char *name, int a, int b) {
    int pa, oa, pb, ob;
    const rset *sa = rules_find_set(r, a, name, &pa, &oa);
    const rset *sb = rules_find_set(r, b, name, &pb, &ob);
    const rversion *va = rules_version_at(r, a), *vb = rules_version_at(r, b);
    if (!sa || !sb || sa != sb || va->edition != vb->edition)
        return 0;
    for (int i = 0; i < sa->np; i++) {
        const rval *x = &va->vals[pa][oa + i], *y = &vb->vals[pb][ob + i];
        if (x->num != y->num || (x->text == NULL) != (y->text == NULL) ||
            (x->text && strcmp(x->text, y->text) != 0))
            return 0;
    }
    return 1;
}

int rules_set_version(const rules *r, const char *set, int version) {
    if (version == 0)
        version = rules_version(r);
    if (!rules_find_set(r, version, set, NULL, NULL))
        return 0;
    int k = version, n = 1;
    /* back to the first kept version that has the set, counting the
     * versions at which it changed */
    while (rules_version_at(r, k - 1) && rules_find_set(r, k - 1, set, NULL, NULL)) {
        n += !same_set(r, set, k - 1, k);
        k--;
    }
    return n;
}

const char *rules_version_label(const rules *r, int version) {
    const rversion *v = rules_version_at(r, version);
    return v ? v->label : NULL;
}

void rules_squash(rules *r, const char *label) {
    if (r->cur == 0)
        return;
    for (int i = 0; i < r->nv; i++)
        if (i != r->cur - 1)
            version_clear(&r->v[i]);
    r->v[0] = r->v[r->cur - 1];
    r->nv = r->cur = 1;
    r->base = 0;
    if (label)
        snprintf(r->v[0].label, sizeof r->v[0].label, "%s", label);
}

int rules_undo(rules *r) {
    if (r->cur <= 1)
        return -1;
    r->cur--;
    return 0;
}

int rules_redo(rules *r) {
    if (r->cur >= r->nv)
        return -1;
    r->cur++;
    return 0;
}
