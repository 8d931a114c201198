/* stage_program_lua.c - the column program's calls into the staging
 * module (token, reduce, the parts, finish), each through a memo keyed by
 * values, so that another cohort, another evaluation or the other edition
 * and back costs no call at all; and the cells a classification gives.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcell.h"
#include "stage_program_int.h"

/* ------------------------------------------------------------ cells */

uint64_t rules_cell_bits(const cohort_column *col, size_t row) {
    switch (col->type) {
    case COHORT_NUM: {
        double x = col->v.num[row];
        uint64_t b;
        if (x != x)
            return 0x7FF8000000000000ull;
        if (x == 0)
            x = 0; /* -0 */
        memcpy(&b, &x, sizeof b);
        return b;
    }
    case COHORT_BOOL:
        return (uint64_t)(int64_t)col->v.b[row];
    default:
        return (uint64_t)(int64_t)col->v.str[row];
    }
}

size_t rules_cell_key(const cohort_column *col, size_t row, char *buf, size_t cap) {
    char tag = 0;
    const void *p = NULL;
    size_t len = 0;
    double x = col && col->type == COHORT_NUM ? col->v.num[row] : NAN;
    int8_t b;
    if (x == x) {
        tag = 'n';
        if (x == 0)
            x = 0;
        p = &x;
        len = sizeof x;
    } else if (col && col->type == COHORT_BOOL && (b = col->v.b[row]) >= 0) {
        tag = 'b';
        p = &b;
        len = 1;
    } else if (col && col->type == COHORT_STR && cohort_str(col, row)) {
        tag = 's';
        p = cohort_str(col, row);
        len = strlen(p) + 1;
    }
    if (1 + len > cap)
        return (size_t)-1;
    buf[0] = tag;
    if (len)
        memcpy(buf + 1, p, len);
    return 1 + len;
}

int sp_oom(run *R) {
    snprintf(R->err, R->errlen, "out of memory staging rule set");
    return -1;
}

static int full(run *R, const char *what) {
    snprintf(R->err, R->errlen, "%s.program: too many distinct %s", R->p->mod, what);
    return -1;
}

/* Calls the function on the stack with nargs arguments and nres results,
 * metered.  0, or -1 with err filled. */
static int call(run *R, int nargs, int nres, const char *what) {
    char w[160], e[500];
    snprintf(w, sizeof w, "%s.%s", R->p->mod, what);
    R->r->stage_calls++;
    if (sandbox_pcall(R->r->sb, nargs, nres, w, e, sizeof e) != 0) {
        snprintf(R->err, R->errlen, "%s: %s", w, e);
        return -1;
    }
    return 0;
}

static int32_t token_memo(run *R, sp_field *f, const char *s, size_t n, int alone, char *key);

/* The token number of one item word of list field f (calls token()). */
static int32_t token_of(run *R, sp_field *f, const char *s, size_t n, int alone) {
    char small[256], *key = n + 1 <= sizeof small ? small : malloc(n + 1);
    if (key == NULL)
        return sp_oom(R), -2;
    int32_t t = token_memo(R, f, s, n, alone, key);
    if (key != small)
        free(key);
    return t;
}

static int32_t token_memo(run *R, sp_field *f, const char *s, size_t n, int alone, char *key) {
    memcpy(key, s, n);
    key[n] = (char)alone;
    uint64_t h = bytemap_hash(key, n + 1);
    int32_t t = bytemap_get(&f->tokens, key, n + 1, h);
    if (t >= 0)
        return t;
    lua_State *L = R->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->tok_ref);
    lua_pushlstring(L, s, n);
    lua_pushboolean(L, alone);
    char what[80];
    snprintf(what, sizeof what, "%s token", f->name);
    if (call(R, 2, 3, what) != 0)
        return -2;
    lua_Integer ccap = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : f->cap;
    lua_pop(L, 1);
    if (ccap < 1 || ccap > 255)
        ccap = f->cap;
    int32_t cls = -1, id = -1;
    size_t cl = 0;
    const char *c = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &cl) : NULL;
    if (c == NULL || cl > 64) {
        lua_pop(L, 2);
        snprintf(R->err, R->errlen,
                 "%s.program: the token function of %s must return a class (a "
                 "short text)",
                 R->p->mod, f->name);
        return -2;
    }
    if (cl > 0) {
        uint64_t ch = bytemap_hash(c, cl);
        if ((cls = bytemap_get(&f->classes, c, cl, ch)) < 0) {
            char **nn = realloc(f->cname, ((size_t)f->nclasses + 1) * sizeof *nn);
            if (nn)
                f->cname = nn;
            uint8_t *nc = nn ? realloc(f->ccap, (size_t)f->nclasses + 1) : NULL;
            if (nc)
                f->ccap = nc;
            char *copy = nc ? malloc(cl + 1) : NULL;
            if (copy == NULL || bytemap_put(&f->classes, c, cl, ch, f->nclasses) != 0) {
                free(copy);
                lua_pop(L, 2);
                return copy ? full(R, "item classes") : sp_oom(R), -2;
            }
            memcpy(copy, c, cl);
            copy[cl] = '\0';
            f->cname[f->nclasses] = copy;
            f->ccap[f->nclasses] = (uint8_t)ccap; /* the first word of a class sets it */
            cls = f->nclasses++;
        }
        size_t il = 0;
        const char *i = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &il) : NULL;
        if (i && il <= 64 && (id = bytemap_intern(&f->ids, i, il, &f->nids)) < 0) {
            lua_pop(L, 2);
            return full(R, "item ids"), -2;
        }
    }
    lua_pop(L, 2);
    if (f->ntok == f->captok) {
        int cap = f->captok ? f->captok * 2 : 64;
        int32_t *a = realloc(f->tok_class, (size_t)cap * sizeof *a);
        if (a)
            f->tok_class = a;
        int32_t *b = a ? realloc(f->tok_id, (size_t)cap * sizeof *b) : NULL;
        if (b == NULL)
            return sp_oom(R), -2;
        f->tok_id = b;
        f->captok = cap;
    }
    if (bytemap_put(&f->tokens, key, n + 1, h, f->ntok) != 0)
        return full(R, "item words"), -2;
    f->tok_class[f->ntok] = cls;
    f->tok_id[f->ntok] = id;
    return f->ntok++;
}

typedef struct item {
    int32_t cls, id;
} item;

static int item_cmp(const void *a, const void *b) {
    const item *x = a, *y = b;
    if (x->cls != y->cls)
        return x->cls < y->cls ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The summary of a cell whose (class, count) pairs are key (k bytes, hash
 * h) for a list with reduce: cells whose items reduce to the same key
 * share it. */
static int32_t reduced(run *R, sp_field *f, const uint8_t *key, size_t k, uint64_t h) {
    int32_t sid = bytemap_get(&f->exact, key, k, h);
    if (sid >= 0)
        return sid;
    lua_State *L = R->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->red_ref);
    lua_createtable(L, (int)(k / 5), 0);
    for (size_t i = 0; i < k; i += 5) {
        int32_t cls;
        memcpy(&cls, key + i, 4);
        lua_createtable(L, 0, 2);
        lua_pushstring(L, f->cname[cls]);
        lua_setfield(L, -2, "class");
        lua_pushinteger(L, key[i + 4]);
        lua_setfield(L, -2, "count");
        lua_rawseti(L, -2, (lua_Integer)(i / 5) + 1);
    }
    char what[80];
    snprintf(what, sizeof what, "%s reduce", f->name);
    if (call(R, 1, 1, what) != 0)
        return -2;
    size_t rl = 0;
    const char *rk = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &rl) : NULL;
    if (rk == NULL || rl > SP_KEY_MAX) {
        lua_pop(L, 1);
        snprintf(R->err, R->errlen, "%s.program: the reduce function of %s must return a text",
                 R->p->mod, f->name);
        return -2;
    }
    sid = bytemap_intern(&f->reduced, rk, rl, &f->nsum);
    lua_pop(L, 1);
    if (sid < 0)
        return full(R, "list summaries"), -2;
    if (bytemap_put(&f->exact, key, k, h, sid) != 0)
        return full(R, "list cells"), -2;
    return sid;
}

/* The summary number of one list cell: its items' classes with counts. */
int32_t sp_summary_of(run *R, sp_field *f, const char *s, uint8_t *unknown) {
    item it[SP_ITEMS_MAX];
    int n = 0;
    int alone = strchr(s, R->p->sep) == NULL;
    for (const char *q = s;;) {
        const char *e = strchr(q, R->p->sep);
        size_t len = e ? (size_t)(e - q) : strlen(q);
        int32_t t = token_of(R, f, q, len, alone);
        if (t == -2)
            return -2;
        if (f->tok_class[t] >= 0) {
            if (n == SP_ITEMS_MAX) {
                snprintf(R->err, R->errlen, "%s: a cell lists more than %d items", f->name,
                         SP_ITEMS_MAX);
                return -2;
            }
            it[n++] = (item){f->tok_class[t], f->tok_id[t]};
        }
        if (e == NULL)
            break;
        q = e + 1;
    }
    *unknown = 0;
    if (n == 1 && f->unknown_name) {
        size_t ul = strlen(f->unknown_name);
        int32_t uc =
            bytemap_get(&f->classes, f->unknown_name, ul, bytemap_hash(f->unknown_name, ul));
        *unknown = uc >= 0 && it[0].cls == uc;
    }
    qsort(it, (size_t)n, sizeof *it, item_cmp);
    /* (class, count) pairs: an id counts once, an item without one each
     * time; at most cap */
    uint8_t key[SP_ITEMS_MAX * 5];
    size_t k = 0;
    for (int i = 0; i < n;) {
        int j = i, cnt = 0;
        while (j < n && it[j].cls == it[i].cls) {
            if (it[j].id < 0 || j == i || it[j].id != it[j - 1].id)
                cnt++;
            j++;
        }
        if (cnt > f->ccap[it[i].cls])
            cnt = f->ccap[it[i].cls];
        memcpy(key + k, &it[i].cls, 4);
        key[k + 4] = (uint8_t)cnt;
        k += 5;
        i = j;
    }
    uint64_t h = bytemap_hash(key, k);
    if (f->red_ref != LUA_NOREF)
        return reduced(R, f, key, k, h);
    int32_t sid = bytemap_intern(&f->summaries, key, k, &f->nsum);
    if (sid < 0)
        return full(R, "list summaries"), -2;
    return sid;
}

/* Pushes the record of the given fields at row.  Stack: [] -> [rec]. */
static void push_fields(lua_State *L, const cohort_column *const *cols, sp_field *f,
                        char *const *names, int n, size_t row) {
    lua_createtable(L, 0, n);
    for (int k = 0; k < n; k++) {
        if (cols[k] == NULL)
            continue;
        if (lcell_push(L, cols[k], row))
            lua_setfield(L, -2, f ? f[k].name : names[k]);
        else
            lua_pop(L, 1);
    }
}

/* The value number of part p at row (calls the part when new). */
int32_t sp_part_value(run *R, int p, size_t row) {
    sp_part *pt = &R->p->part[p];
    char key[SP_KEY_MAX];
    size_t k = 0;
    const cohort_column *cols[SP_MAXFIELDS];
    for (int f = 0; f < pt->nf; f++) {
        const cohort_column *col = cols[f] = R->col[p][f];
        if (guarded(R, p, f, row)) {
            key[k++] = 'x';
            cols[f] = NULL; /* the part does not see it either */
            continue;
        }
        if (R->lev[p][f] || (pt->f[f].kind == SP_CUT && col && col->type == COHORT_NUM)) {
            uint64_t id = field_id(R, p, f, row);
            key[k++] = R->lev[p][f] ? 'L' : 'C';
            memcpy(key + k, &id, sizeof id);
            k += sizeof id;
            continue;
        }
        size_t n = rules_cell_key(col, row, key + k, sizeof key - k);
        if (n == (size_t)-1)
            return full(R, "part keys (a value is too long)"), -2;
        k += n;
    }
    uint64_t h = bytemap_hash(key, k);
    int32_t v = bytemap_get(&pt->memo, key, k, h);
    if (v >= 0)
        return v;
    lua_State *L = R->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, pt->fn_ref);
    push_fields(L, cols, pt->f, NULL, pt->nf, row);
    char what[80];
    snprintf(what, sizeof what, "program part %s", pt->name);
    if (call(R, 1, 2, what) != 0)
        return -2;
    size_t vl = 0;
    const char *vk = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &vl) : NULL;
    if (!lua_istable(L, -2) || vk == NULL || vl > SP_KEY_MAX) {
        lua_pop(L, 2);
        snprintf(R->err, R->errlen,
                 "%s.program: part %s must return its result (a table) and its key (a text)",
                 R->p->mod, pt->name);
        return -2;
    }
    uint64_t vh = bytemap_hash(vk, vl);
    if ((v = bytemap_get(&pt->vals, vk, vl, vh)) < 0) {
        if (pt->nvals == pt->capvals) {
            int cap = pt->capvals ? pt->capvals * 2 : 64;
            int *nr = realloc(pt->vref, (size_t)cap * sizeof *nr);
            if (nr == NULL) {
                lua_pop(L, 2);
                return sp_oom(R), -2;
            }
            pt->vref = nr;
            pt->capvals = cap;
        }
        if (bytemap_put(&pt->vals, vk, vl, vh, pt->nvals) != 0) {
            lua_pop(L, 2);
            return full(R, "part results"), -2;
        }
        lua_pop(L, 1);
        pt->vref[pt->nvals] = luaL_ref(L, LUA_REGISTRYINDEX);
        v = pt->nvals++;
    } else {
        lua_pop(L, 2);
    }
    if (bytemap_put(&pt->memo, key, k, h, v) != 0)
        bytemap_clear(&pt->memo); /* forgetting is harmless */
    return v;
}

/* The cell text of one part of a classification (the table on top): the
 * code when decided; several candidates as "a|b" (an alternatives column:
 * a comparison is unknown unless every candidate agrees); missing when
 * there is none, or when any T is possible.  Writes into buf. */
static const char *cell_text(lua_State *L, const char *k, char *buf, size_t cap) {
    const char *out = NULL;
    lua_pushliteral(L, "candidates");
    if (lua_rawget(L, -2) == LUA_TTABLE) {
        lua_pushstring(L, k);
        if (lua_rawget(L, -2) == LUA_TTABLE && lua_rawlen(L, -1) >= 2) {
            size_t n = 0;
            lua_Unsigned len = lua_rawlen(L, -1);
            out = buf;
            for (lua_Unsigned i = 1; i <= len && out; i++) {
                size_t l = 0;
                const char *s = lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TSTRING
                                    ? lua_tolstring(L, -1, &l)
                                    : NULL;
                if (s == NULL || strcmp(s, "T*") == 0 || n + l + 2 > cap)
                    out = NULL;
                else {
                    if (n)
                        buf[n++] = '|';
                    memcpy(buf + n, s, l);
                    n += l;
                    buf[n] = '\0';
                }
                lua_pop(L, 1);
            }
            lua_pop(L, 2);
            return out;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_pushstring(L, k);
    if (lua_rawget(L, -2) == LUA_TSTRING) {
        snprintf(buf, cap, "%s", lua_tostring(L, -1));
        out = buf;
    }
    lua_pop(L, 1);
    return out;
}

int rstage_cells(lua_State *L, rstager *s, const char *out[4], char *err, size_t errlen) {
    static const char *const part[4] = {"t", "n", "m", "stage"};
    for (int k = 0; k < 4; k++) {
        char buf[200];
        const char *v = cell_text(L, part[k], buf, sizeof buf);
        out[k] = NULL;
        if (v && (out[k] = rstager_pooled(s, v, part[k], err, errlen)) == NULL)
            return -1;
    }
    return 0;
}

/* The result number for row given its parts' value numbers. */
int32_t sp_finish_value(run *R, const int32_t *vals, size_t row) {
    sprog *p = R->p;
    char key[SP_KEY_MAX];
    size_t k = 0;
    memcpy(key, vals, (size_t)p->nparts * sizeof *vals);
    k = (size_t)p->nparts * sizeof *vals;
    for (int f = 0; f < p->nfreads; f++) {
        size_t n = rules_cell_key(R->fcol[f], row, key + k, sizeof key - k);
        if (n == (size_t)-1)
            return full(R, "finish keys (a value is too long)"), -2;
        k += n;
    }
    uint64_t h = bytemap_hash(key, k);
    int32_t v = bytemap_get(&p->fmemo, key, k, h);
    if (v >= 0)
        return v;
    lua_State *L = R->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->finish_ref);
    lua_createtable(L, 0, p->nparts);
    for (int i = 0; i < p->nparts; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->part[i].vref[vals[i]]);
        lua_setfield(L, -2, p->part[i].name);
    }
    push_fields(L, R->fcol, NULL, p->freads, p->nfreads, row);
    if (call(R, 2, 1, "program finish") != 0)
        return -2;
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        snprintf(R->err, R->errlen, "%s.program: finish must return a table", p->mod);
        return -2;
    }
    const char *cells[4];
    if (rstage_cells(L, R->s, cells, R->err, R->errlen) != 0) {
        lua_pop(L, 1);
        return -2;
    }
    lua_pop(L, 1);
    if (p->nres == p->capres) {
        int cap = p->capres ? p->capres * 2 : 64;
        const char *(*nr)[4] = realloc(p->res, (size_t)cap * sizeof *nr);
        if (nr == NULL)
            return sp_oom(R), -2;
        p->res = nr;
        p->capres = cap;
    }
    if (p->nres >= SP_MEMO_MAX || bytemap_put(&p->fmemo, key, k, h, p->nres) != 0)
        return full(R, "classifications"), -2;
    memcpy(p->res[p->nres], cells, sizeof cells);
    return p->nres++;
}
