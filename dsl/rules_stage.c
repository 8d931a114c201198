/* rules_stage.c - staging inside rule sets: T, N, M and the stage group
 * derived by a staging module (scripts/staging/tnm8.lua ...) run in the
 * sandbox.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why not per patient: classify is Lua (100 us a call), so it runs once per
 * DISTINCT combination of the fields it reads.  Rows are grouped by the raw
 * values of those columns (a hash of codes and number bits, compared against
 * a representative row); each group's result comes from a memo of the
 * module, keyed by the values themselves, so another evaluation of the same
 * cohort (a version diff, another rule set, switching the edition back)
 * runs no Lua at all.  The results land in four text columns of a private
 * cohort, so expressions read them like any text field (==, in, within).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* realpath */

#include <dirent.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bytemap.h"
#include "lcell.h"
#include "rules_int.h"
#include "text.h"

enum { MEMO_MAX = 1 << 20 }; /* combinations remembered per module */

/* Fields tnmX.classify reads (tnm_common.lua), unless the module lists its
 * own as `reads`. */
/* A word list reads better in lines of words. */
/* clang-format off */
static const char *const default_reads[] = {
    "t_size_cm", "t_insitu", "t_mia", "t_superficial", "t_invasion", "t_nodules",
    "n_stations", "side", "m_sites", "m_pleural_effusion", "m_lesions", "m_organs",
    "m_contralateral_nodule", "m_pleural", "edition", "t", "n", "m", NULL};
/* clang-format on */

struct rstager {
    char *name, *path;
    uint64_t sig; /* of the module's folder, to notice edits */
    int fn_ref;   /* classify, in the sandbox registry */
    char **fields;
    int nfields;
    bytemap memo;           /* a record's values -> its cells in mout */
    const char *(*mout)[4]; /* pooled; NULL = missing */
    int32_t nmout, capmout;
    char **pool; /* distinct result strings */
    int npool;
    sprog *prog;        /* the module's column program, or NULL */
    char **site_words;  /* the keys of descriptors.m_sites, NULL-ended, or NULL */
    char *thoracic[17]; /* those of them that are thoracic (M1a), NULL-ended */
    int nthoracic;
};

/* ------------------------------------------------------------ modules */

static void stager_free(lua_State *L, rstager *s) {
    if (s == NULL)
        return;
    bytemap_free(&s->memo);
    free(s->mout);
    for (int i = 0; i < s->npool; i++)
        free(s->pool[i]);
    free(s->pool);
    for (int i = 0; i < s->nfields; i++)
        free(s->fields[i]);
    free(s->fields);
    if (L && s->fn_ref > 0)
        luaL_unref(L, LUA_REGISTRYINDEX, s->fn_ref);
    sprog_free(L, s->prog);
    for (int i = 0; s->site_words && s->site_words[i]; i++)
        free(s->site_words[i]);
    free(s->site_words);
    for (int i = 0; i < s->nthoracic; i++)
        free(s->thoracic[i]);
    free(s->name);
    free(s->path);
    free(s);
}

void rules_stagers_free(rules *r) {
    for (int i = 0; i < r->nstagers; i++)
        stager_free(sandbox_state(r->sb), r->stagers[i]);
    free(r->stagers);
    r->stagers = NULL;
    r->nstagers = 0;
}

enum { STAGE_READS_MAX = 32, STAGE_WHY_MAX = 64 };

/* The site words the module knows, the keys of descriptors.m_sites (the
 * table the module stages m_sites with), for the list functions of the
 * rules: one vocabulary for staging and selection.  Read raw; none when
 * the module has no such table.  Stack unchanged. */
static void read_site_words(lua_State *L, rstager *s) {
    lua_pushliteral(L, "descriptors");
    if (lua_rawget(L, -2) == LUA_TTABLE) {
        lua_pushliteral(L, "m_sites");
        if (lua_rawget(L, -2) == LUA_TTABLE) {
            size_t n = 0, cap = 16;
            char **w = malloc(cap * sizeof *w);
            int top = lua_gettop(L);
            lua_pushnil(L);
            while (w && lua_next(L, -2) != 0) {
                /* thoracic sites (M1a) are listed apart: not counted in
                 * m_lesions and m_organs */
                int thoracic = 0;
                if (lua_istable(L, -1)) {
                    lua_pushliteral(L, "thoracic");
                    thoracic = lua_rawget(L, -2) == LUA_TBOOLEAN && lua_toboolean(L, -1);
                    lua_pop(L, 1);
                }
                lua_pop(L, 1);
                if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) > 64 || n > 255)
                    continue;
                if (thoracic && s->nthoracic < 16 &&
                    (s->thoracic[s->nthoracic] = tnm_strdup(lua_tostring(L, -1))) != NULL)
                    s->nthoracic++;
                if (n + 2 > cap) {
                    char **nw = realloc(w, (cap *= 2) * sizeof *w);
                    if (nw == NULL)
                        break;
                    w = nw;
                }
                if ((w[n] = tnm_strdup(lua_tostring(L, -1))) != NULL)
                    n++;
            }
            lua_settop(L, top); /* a walk cut short leaves its key */
            if (w && n) {
                qsort(w, n, sizeof *w, tnm_strptr_cmp);
                w[n] = NULL;
                s->site_words = w;
            } else if (w) {
                free(w);
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* Reads the module table on top of the stack into s (fields, classify).
 * Stack: [mod] -> []. */
static int read_module(lua_State *L, rstager *s, char *err, size_t errlen) {
    if (!lua_istable(L, -1)) {
        snprintf(err, errlen, "%s: a staging module must return a table", s->path);
        lua_pop(L, 1);
        return -1;
    }
    /* raw reads: a metamethod here would run rule code outside any
     * metered call */
    lua_pushliteral(L, "classify");
    if (lua_rawget(L, -2) != LUA_TFUNCTION) {
        snprintf(err, errlen, "%s: the module has no classify(record) function", s->path);
        lua_pop(L, 2);
        return -1;
    }
    s->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (sprog_read(L, s->name, s->path, &s->prog, err, errlen) != 0) {
        lua_pop(L, 1);
        return -1;
    }
    read_site_words(L, s);
    int n = 0;
    lua_pushliteral(L, "reads");
    if (lua_rawget(L, -2) == LUA_TTABLE) {
        /* fields of the data dictionary, each once: a handful */
        lua_Unsigned nr = lua_rawlen(L, -1);
        if (nr > STAGE_READS_MAX) {
            snprintf(err, errlen,
                     "%s: reads lists %llu fields; a staging module reads "
                     "at most %d",
                     s->path, (unsigned long long)nr, STAGE_READS_MAX);
            lua_pop(L, 2);
            return -1;
        }
        n = (int)nr;
    }
    int def = n == 0 && s->prog == NULL;
    int prog = s->prog != NULL; /* the program's fields, whatever reads says */
    if (prog)
        n = sprog_nfields(s->prog);
    if (def)
        while (default_reads[n])
            n++;
    s->fields = calloc((size_t)n + 1, sizeof *s->fields);
    if (s->fields == NULL) {
        lua_pop(L, 2);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const char *f = prog ? sprog_field(s->prog, i) : default_reads[def ? i : 0];
        if (!def && !prog) {
            lua_rawgeti(L, -1, i + 1);
            f = lua_tostring(L, -1);
            if (f == NULL || !rules_known_field(f)) {
                snprintf(err, errlen,
                         "%s: reads: '%.40s' is not a field of the data "
                         "dictionary",
                         s->path, f ? f : "?");
                lua_pop(L, 3);
                return -1;
            }
            for (int j = 0; j < i; j++)
                if (strcmp(s->fields[j], f) == 0) {
                    snprintf(err, errlen, "%s: reads: '%s' is listed twice", s->path, f);
                    lua_pop(L, 3);
                    return -1;
                }
        }
        s->fields[i] = tnm_strdup(f);
        if (!def && !prog)
            lua_pop(L, 1);
        if (s->fields[i] == NULL) {
            lua_pop(L, 2);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        s->nfields = i + 1;
    }
    lua_pop(L, 2);
    return 0;
}

sprog *rstager_program(const rstager *s) {
    return s->prog;
}

rstager *rules_stager_get(rules *r, const char *name, const char *rule_path, char *err,
                          size_t errlen) {
    char path[4200];
    int found = 0;
    const char *slash = rule_path ? strrchr(rule_path, '/') : NULL;
    size_t dl = slash ? (size_t)(slash - rule_path) + 1 : 0;
    char up[4200];
    snprintf(up, sizeof up, "%.*s../staging", (int)dl, rule_path ? rule_path : "");
    if (r->staging_dir)
        found = rules_try_dir(r->staging_dir, strlen(r->staging_dir), name, path, sizeof path);
    if (!found && dl) {
        found = rules_try_dir(rule_path, dl, name, path, sizeof path) ||
                rules_try_dir(up, strlen(up), name, path, sizeof path);
        /* the shipped staging folder is trusted; one beside a rule file
         * holds only its own files */
        if (found && !rules_stays_in_folder(path)) {
            snprintf(err, errlen,
                     "staging module '%s': %s leads outside its folder (a "
                     "symbolic link?)",
                     name, path);
            return NULL;
        }
    }
    if (!found) {
        snprintf(err, errlen, "staging module '%s' not found (looked in %s%s%.*s%s%s)", name,
                 r->staging_dir ? r->staging_dir : "", r->staging_dir && dl ? ", " : "", (int)dl,
                 dl ? rule_path : "", dl ? " and " : "", dl ? up : "");
        if (!r->staging_dir && !dl)
            snprintf(err, errlen,
                     "staging module '%s' not found: no staging folder "
                     "set (rules_set_staging_dir)",
                     name);
        return NULL;
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *ds = strrchr(dir, '/');
    if (ds)
        *ds = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    uint64_t sig = rules_folder_sig(dir);
    for (int i = r->nstagers - 1; i >= 0; i--)
        if (strcmp(r->stagers[i]->path, path) == 0 && r->stagers[i]->sig == sig)
            return r->stagers[i];

    rstager **ns = realloc(r->stagers, (size_t)(r->nstagers + 1) * sizeof *ns);
    rstager *s = calloc(1, sizeof *s);
    if (ns)
        r->stagers = ns;
    if (ns == NULL || s == NULL || (s->name = tnm_strdup(name)) == NULL ||
        (s->path = tnm_strdup(path)) == NULL) {
        stager_free(NULL, s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->sig = sig;
    s->fn_ref = LUA_NOREF;
    char what[128];
    snprintf(what, sizeof what, "staging %s", name);
    lua_State *L = sandbox_state(r->sb);
    char e[600];
    if (sandbox_dofile(r->sb, path, what, e, sizeof e) != 0 ||
        read_module(L, s, e, sizeof e) != 0) {
        snprintf(err, errlen, "staging module '%s': %s", name, e);
        stager_free(L, s);
        return NULL;
    }
    r->stagers[r->nstagers++] = s;
    return s;
}

/* ---------------------------------------------------------------- memo */

/* A staging module gives codes such as "T2a" or "IIIA", or a few of them
 * as candidates ("IA1|IA2|IA3"): a few characters from a small set.  A
 * value that is long or holds control characters is refused, and so is the
 * module's 1025th distinct value, so that a hostile module cannot make C
 * keep one string per patient. */
enum { STAGE_CODE_MAX = 160, STAGE_POOL_MAX = 1024 };

/* The module's one copy of code v (NULL stays NULL), added if new.  NULL
 * with err filled (when err is not NULL) if v is no short code, the pool is
 * full, or on ENOMEM. */
const char *rstager_pooled(rstager *s, const char *v, const char *part, char *err, size_t errlen) {
    if (v == NULL)
        return NULL;
    for (int i = 0; i < s->npool; i++)
        if (strcmp(s->pool[i], v) == 0)
            return s->pool[i];
    size_t n = strlen(v);
    int ctrl = 0;
    for (size_t i = 0; i < n; i++)
        ctrl |= (unsigned char)v[i] < 0x20 || v[i] == 0x7f;
    if (n > STAGE_CODE_MAX || ctrl) {
        if (err)
            snprintf(err, errlen,
                     "%s.classify: '%s' must be a short code (at most %d "
                     "characters, no control characters)",
                     s->name, part, STAGE_CODE_MAX);
        return NULL;
    }
    if (s->npool >= STAGE_POOL_MAX) {
        if (err)
            snprintf(err, errlen,
                     "%s.classify: more than %d distinct codes for t, n, m "
                     "and stage together",
                     s->name, STAGE_POOL_MAX);
        return NULL;
    }
    char **np = realloc(s->pool, (size_t)(s->npool + 1) * sizeof *np);
    if (np == NULL || (np[s->npool] = tnm_strdup(v)) == NULL) {
        if (np)
            s->pool = np;
        if (err)
            snprintf(err, errlen, "out of memory staging rule set");
        return NULL;
    }
    s->pool = np;
    return s->pool[s->npool++];
}

/* Remembers out for key; forgetting is harmless, so ENOMEM is ignored. */
static void memo_put(rstager *s, const char *key, size_t klen, uint64_t h,
                     const char *const out[4]) {
    if (s->nmout >= MEMO_MAX) {
        bytemap_clear(&s->memo);
        s->nmout = 0;
    }
    if (s->nmout == s->capmout) {
        int32_t cap = s->capmout ? s->capmout * 2 : 1024;
        const char *(*nm)[4] = realloc(s->mout, (size_t)cap * sizeof *nm);
        if (nm == NULL)
            return;
        s->mout = nm;
        s->capmout = cap;
    }
    if (bytemap_put(&s->memo, key, klen, h, s->nmout) == 0)
        memcpy(s->mout[s->nmout++], out, sizeof *s->mout);
}

/* ------------------------------------------------------ per evaluation */

typedef struct mod_result {
    int done;
    int32_t *codes; /* [ncombo * 4]: codes in the output columns */
} mod_result;

struct rstage_eval {
    const rderive *d;
    const cohort *c;
    size_t n;
    cohort *out; /* private: the four output columns */
    cohort_column *col[4];
    /* inputs: the module's fields present in the cohort (by module) */
    const cohort_column **in; /* [nmods][maxfields], NULL where absent */
    int maxfields;
    const cohort_column **uin; /* distinct inputs over all modules */
    uint64_t *ugen;
    int nuin;
    int grouped;
    uint32_t *combo; /* row -> combination */
    uint32_t *rep;   /* combination -> a row that has it */
    size_t ncombo;
    mod_result *res; /* [nmods] */
    int shown;       /* module in the output columns, -1 none */
    uint64_t *pgen;  /* input generations of the last program run */
    int pfresh;      /* the output columns hold that run's result */
};

static void results_drop(rstage_eval *se) {
    for (int m = 0; m < se->d->nmods; m++) {
        free(se->res[m].codes);
        se->res[m].codes = NULL;
        se->res[m].done = 0;
    }
    se->shown = -1;
}

void rstage_eval_free(rstage_eval *se) {
    if (se == NULL)
        return;
    if (se->res)
        results_drop(se);
    free(se->res);
    free(se->in);
    free(se->uin);
    free(se->ugen);
    free(se->pgen);
    free(se->combo);
    free(se->rep);
    cohort_free(se->out);
    free(se);
}

rstage_eval *rstage_eval_new(const rderive *d, const cohort *c) {
    rstage_eval *se = calloc(1, sizeof *se);
    if (se == NULL)
        return NULL;
    se->d = d;
    se->c = c;
    se->n = cohort_nrows(c);
    se->shown = -1;
    int maxf = 0;
    for (int m = 0; m < d->nmods; m++)
        if (d->stagers[m]->nfields > maxf)
            maxf = d->stagers[m]->nfields;
    se->maxfields = maxf;
    se->in = calloc((size_t)(d->nmods * maxf) + 1, sizeof *se->in);
    se->uin = calloc((size_t)(d->nmods * maxf) + 1, sizeof *se->uin);
    se->ugen = calloc((size_t)(d->nmods * maxf) + 1, sizeof *se->ugen);
    se->pgen = calloc((size_t)(d->nmods * maxf) + 1, sizeof *se->pgen);
    se->res = calloc((size_t)d->nmods + 1, sizeof *se->res);
    se->out = cohort_new(se->n);
    if (!se->in || !se->uin || !se->ugen || !se->pgen || !se->res || !se->out)
        goto fail;
    for (int k = 0; k < 4; k++) {
        if ((se->col[k] = cohort_add(se->out, d->out[k], COHORT_STR)) == NULL)
            goto fail;
        se->col[k]->alternatives = 1; /* "IA1|IA2|IA3": one of them */
        /* cohort_add fills with missing already */
    }
    for (int m = 0; m < d->nmods; m++) {
        const rstager *s = d->stagers[m];
        for (int f = 0; f < s->nfields; f++) {
            const cohort_column *col = cohort_find(c, s->fields[f]);
            se->in[m * maxf + f] = col;
            int dup = col == NULL;
            for (int u = 0; u < se->nuin && !dup; u++)
                dup = se->uin[u] == col;
            if (!dup)
                se->uin[se->nuin++] = col;
        }
    }
    return se;
fail:
    rstage_eval_free(se);
    return NULL;
}

const cohort_column *rstage_eval_col(const rstage_eval *se, int k) {
    return se->col[k];
}
int rstage_eval_ninputs(const rstage_eval *se) {
    return se->nuin;
}
const cohort_column *rstage_eval_input(const rstage_eval *se, int i) {
    return se->uin[i];
}
int rstage_eval_module(const rstage_eval *se) {
    return se->shown;
}

/* Groups rows by their values in the input columns. */
static int group_rows(rstage_eval *se) {
    size_t n = se->n;
    free(se->combo);
    free(se->rep);
    se->combo = malloc((n ? n : 1) * sizeof *se->combo);
    se->rep = malloc((n ? n : 1) * sizeof *se->rep);
    size_t cap = 1024;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slot = calloc(cap, sizeof *slot);
    if (se->combo == NULL || se->rep == NULL || slot == NULL) {
        free(slot);
        return -1;
    }
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = 0x12345;
        for (int u = 0; u < se->nuin; u++)
            h = rules_hash_mix(h, rules_cell_bits(se->uin[u], i));
        size_t j = h & (cap - 1);
        for (;; j = (j + 1) & (cap - 1)) {
            if (slot[j] == 0) {
                slot[j] = (uint32_t)nc + 1;
                se->rep[nc] = (uint32_t)i;
                se->combo[i] = (uint32_t)nc++;
                break;
            }
            size_t r = se->rep[slot[j] - 1];
            int same = 1;
            for (int u = 0; u < se->nuin && same; u++)
                same = rules_cell_bits(se->uin[u], i) == rules_cell_bits(se->uin[u], r);
            if (same) {
                se->combo[i] = slot[j] - 1;
                break;
            }
        }
    }
    free(slot);
    se->ncombo = nc;
    for (int u = 0; u < se->nuin; u++)
        se->ugen[u] = se->uin[u]->generation;
    se->grouped = 1;
    return 0;
}

/* Appends to buf the memo key of row for module m: every field the module
 * reads, tagged, by value (so it means the same for any cohort). */
static size_t row_key(const rstage_eval *se, int m, size_t row, char *buf, size_t cap) {
    const rstager *s = se->d->stagers[m];
    size_t k = 0;
    for (int f = 0; f < s->nfields; f++) {
        size_t n = rules_cell_key(se->in[m * se->maxfields + f], row, buf + k, cap - k);
        if (n == (size_t)-1)
            return n;
        k += n;
    }
    return k;
}

/* Calls module s's classify on row, the record made of the fields it reads
 * that are present (cols, parallel to s->fields; NULL where the cohort has
 * none) and not missing; leaves the result table.  -1 with e filled by
 * the sandbox's message, or -2 with e the type of a result that is no
 * table.  Stack: [] -> [res] (nothing on an error). */
static int classify_row(rules *r, rstager *s, const cohort_column *const *cols, size_t row, char *e,
                        size_t elen) {
    lua_State *L = sandbox_state(r->sb);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->fn_ref);
    lua_createtable(L, 0, s->nfields);
    for (int f = 0; f < s->nfields; f++) {
        if (cols[f] == NULL)
            continue;
        if (lcell_push(L, cols[f], row))
            lua_setfield(L, -2, s->fields[f]);
        else
            lua_pop(L, 1);
    }
    char what[160];
    snprintf(what, sizeof what, "%s.classify", s->name);
    r->stage_calls++;
    if (sandbox_pcall(r->sb, 1, 1, what, e, elen) != 0)
        return -1;
    if (!lua_istable(L, -1)) {
        snprintf(e, elen, "%s", luaL_typename(L, -1));
        lua_pop(L, 1);
        return -2;
    }
    return 0;
}

/* Calls line() with each line of the `why` of the classification on top
 * (at most STAGE_WHY_MAX: an explanation, not a dump).  Stack unchanged. */
static void why_lines(lua_State *L, void (*line)(void *ud, const char *text), void *ud) {
    lua_pushliteral(L, "why");
    if (lua_rawget(L, -2) == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n && i <= STAGE_WHY_MAX; i++) {
            if (lua_rawgeti(L, -1, i) == LUA_TSTRING)
                line(ud, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

/* classify_row for row of the evaluation's cohort with module m, the error
 * naming the derive and the row.  Stack: [] -> [res]. */
static int classify(rstage_eval *se, rules *r, int m, size_t row, const char *path, char *err,
                    size_t errlen) {
    rstager *s = se->d->stagers[m];
    char e[500];
    int rc = classify_row(r, s, se->in + m * se->maxfields, row, e, sizeof e);
    if (rc == -1)
        snprintf(err, errlen, "%s:%d: derive '%s': %s.classify (row %zu): %s", path, se->d->line,
                 se->d->name, s->name, row + 1, e);
    else if (rc == -2)
        snprintf(err, errlen, "%s:%d: derive '%s': %s.classify returned %s, not a table", path,
                 se->d->line, se->d->name, s->name, e);
    return rc ? -1 : 0;
}

/* Classifies every combination for module m. */
static int classify_all(rstage_eval *se, rules *r, int m, const char *path, char *err,
                        size_t errlen) {
    rstager *s = se->d->stagers[m];
    lua_State *L = sandbox_state(r->sb);
    mod_result *res = &se->res[m];
    res->codes = malloc((se->ncombo ? se->ncombo : 1) * 4 * sizeof *res->codes);
    size_t kcap = 4096;
    char *key = malloc(kcap);
    if (res->codes == NULL || key == NULL) {
        free(key);
        snprintf(err, errlen, "out of memory staging rule set");
        return -1;
    }
    for (size_t g = 0; g < se->ncombo; g++) {
        size_t row = se->rep[g], klen;
        while ((klen = row_key(se, m, row, key, kcap)) == (size_t)-1) {
            char *nk = realloc(key, kcap * 2);
            if (nk == NULL) {
                free(key);
                snprintf(err, errlen, "out of memory staging rule set");
                return -1;
            }
            key = nk;
            kcap *= 2;
        }
        uint64_t h = bytemap_hash(key, klen);
        int32_t me = bytemap_get(&s->memo, key, klen, h);
        const char *out[4] = {NULL, NULL, NULL, NULL};
        if (me >= 0) {
            memcpy(out, s->mout[me], sizeof out);
        } else {
            if (classify(se, r, m, row, path, err, errlen) != 0) {
                free(key);
                return -1;
            }
            if (rstage_cells(L, s, out, err, errlen) != 0) {
                lua_pop(L, 1);
                free(key);
                return -1;
            }
            lua_pop(L, 1);
            memo_put(s, key, klen, h, out);
        }
        for (int k = 0; k < 4; k++) {
            int32_t code = COHORT_NA;
            if (out[k] && (code = cohort_intern(se->col[k], out[k], strlen(out[k]))) < 0) {
                free(key);
                snprintf(err, errlen, "out of memory staging rule set");
                return -1;
            }
            res->codes[g * 4 + (size_t)k] = code;
        }
    }
    free(key);
    res->done = 1;
    return 0;
}

/* The module's column program over the cohort, when its inputs or the
 * module changed since the last run. */
static int run_program(rstage_eval *se, rules *r, int mod, const char *path, char *err,
                       size_t errlen) {
    int fresh = se->shown == mod && se->pfresh;
    for (int u = 0; u < se->nuin && fresh; u++)
        fresh = se->pgen[u] == se->uin[u]->generation;
    if (fresh)
        return 0;
    rstager *s = se->d->stagers[mod];
    char e[600];
    se->shown = -1;
    se->pfresh = 0;
    int rc = sprog_run(s->prog, r, s, se->c, se->col, e, sizeof e);
    for (int k = 0; k < 4; k++)
        se->col[k]->generation++;
    if (rc != 0) {
        snprintf(err, errlen, "%s:%d: derive '%s': %s", path, se->d->line, se->d->name, e);
        return -1;
    }
    for (int u = 0; u < se->nuin; u++)
        se->pgen[u] = se->uin[u]->generation;
    se->pfresh = 1;
    se->shown = mod;
    return 0;
}

int rstage_eval_run(rstage_eval *se, rules *r, int mod, const char *path, char *err,
                    size_t errlen) {
    if (se->d->stagers[mod]->prog)
        return run_program(se, r, mod, path, err, errlen);
    int regroup = !se->grouped;
    for (int u = 0; u < se->nuin && !regroup; u++)
        regroup = se->ugen[u] != se->uin[u]->generation;
    if (regroup) {
        results_drop(se);
        if (group_rows(se) != 0) {
            se->grouped = 0;
            snprintf(err, errlen, "out of memory staging rule set");
            return -1;
        }
    }
    if (!se->res[mod].done && classify_all(se, r, mod, path, err, errlen) != 0) {
        results_drop(se);
        se->grouped = 0;
        return -1;
    }
    if (se->shown == mod)
        return 0;
    /* gather; a column whose codes did not change keeps its generation, so
     * criteria reading only the group are not recomputed when T moved */
    const int32_t *codes = se->res[mod].codes;
    for (int k = 0; k < 4; k++) {
        int32_t *dst = se->col[k]->v.str;
        int changed = 0;
        for (size_t i = 0; i < se->n; i++) {
            int32_t v = codes[(size_t)se->combo[i] * 4 + (size_t)k];
            changed |= dst[i] != v;
            dst[i] = v;
        }
        if (changed)
            se->col[k]->generation++;
    }
    se->shown = mod;
    return 0;
}

int rstage_eval_why(rstage_eval *se, rules *r, size_t row, void (*line)(void *ud, const char *text),
                    void *ud, char *err, size_t errlen) {
    if (se->shown < 0 || row >= se->n)
        return 0;
    if (classify(se, r, se->shown, row, "", err, errlen) != 0)
        return -1;
    lua_State *L = sandbox_state(r->sb);
    why_lines(L, line, ud);
    lua_pop(L, 1);
    return 0;
}

int rstage_eval_check_row(rstage_eval *se, rules *r, size_t row, int *same, char *err,
                          size_t errlen) {
    *same = 1;
    if (se->shown < 0 || row >= se->n)
        return 0;
    lua_State *L = sandbox_state(r->sb);
    if (classify(se, r, se->shown, row, "", err, errlen) != 0)
        return -1;
    const char *cell[4];
    int rc = rstage_cells(L, se->d->stagers[se->shown], cell, err, errlen);
    lua_pop(L, 1);
    for (int k = 0; k < 4 && rc == 0; k++) {
        const char *col = cohort_str(se->col[k], row);
        *same &= (col == NULL) == (cell[k] == NULL) && (col == NULL || strcmp(col, cell[k]) == 0);
    }
    return rc;
}

int rules_stage_record(rules *r, int edition, const cohort *c, size_t row, char cells[4][200],
                       void (*line)(void *ud, const char *text), void *ud, char *err,
                       size_t errlen) {
    const char *name = edition == 9 ? "tnm9" : "tnm8";
    rstager *s = rules_stager_get(r, name, NULL, err, errlen);
    if (s == NULL)
        return -1;
    if (row >= cohort_nrows(c)) {
        snprintf(err, errlen, "row %zu is out of range", row + 1);
        return -1;
    }
    /* a module reads at most STAGE_READS_MAX fields, its program at most 80 */
    const cohort_column *cols[128];
    if (s->nfields > (int)(sizeof cols / sizeof *cols)) {
        snprintf(err, errlen, "%s reads too many fields", name);
        return -1;
    }
    for (int f = 0; f < s->nfields; f++)
        cols[f] = cohort_find(c, s->fields[f]);
    char e[500];
    int rc = classify_row(r, s, cols, row, e, sizeof e);
    if (rc != 0) {
        snprintf(err, errlen, rc == -1 ? "%s.classify: %s" : "%s.classify returned %s, not a table",
                 name, e);
        return -1;
    }
    lua_State *L = sandbox_state(r->sb);
    const char *cell[4];
    if (rstage_cells(L, s, cell, err, errlen) != 0) {
        lua_pop(L, 1);
        return -1;
    }
    for (int k = 0; k < 4; k++)
        snprintf(cells[k], sizeof cells[k], "%s", cell[k] ? cell[k] : "");
    if (line)
        why_lines(L, line, ud);
    lua_pop(L, 1);
    return 0;
}

const char *const *rules_site_words(rules *r) {
    if (!r->site_words_tried) {
        r->site_words_tried = 1;
        char err[600];
        if (r->staging_dir)
            r->site_stager = rules_stager_get(r, "tnm8", NULL, err, sizeof err);
    }
    return r->site_stager ? (const char *const *)r->site_stager->site_words : NULL;
}

const char *const *rules_thoracic_sites(rules *r) {
    rules_site_words(r);
    return r->site_stager ? (const char *const *)r->site_stager->thoracic : NULL;
}
