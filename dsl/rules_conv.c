/* rules_conv.c - reads the declarations a rule file made into a rules_prog.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs as a protected C function in the sandbox state, so a Lua error (or
 * out of memory) unwinds cleanly: every malloc'ed piece is stored into the
 * program before the next Lua call, and the caller frees a half-built
 * program.  Messages name "file:line: criterion 'x': ...", and misspelt
 * fields ("resaon") are errors, not silently ignored.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

int rules_convert(rules *r, rprog *p, char *err, size_t errlen);

/* Fields whose value is known only after baseline (doc/data-dictionary.md#landmarks). */
static const char *const post_baseline[] = {"induction_response", NULL};

typedef struct conv {
    rprog *p;
    sandbox *sb;
    const char *path;
    const char *kind, *name; /* what is being read, for messages */
    int line;
} conv;

static int fail(lua_State *L, const conv *cv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(lua_State *L, const conv *cv, const char *fmt, ...) {
    char msg[600], head[300];
    if (cv->name)
        snprintf(head, sizeof head, "%s:%d: %s '%s': ", cv->path, cv->line, cv->kind, cv->name);
    else
        snprintf(head, sizeof head, "%s:%d: %s: ", cv->path, cv->line, cv->kind);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lua_pushfstring(L, "%s%s", head, msg);
    return lua_error(L);
}

static char *copy(lua_State *L, const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d == NULL)
        luaL_error(L, "out of memory");
    return memcpy(d, s, n);
}

/* Pushes t[pos] if not nil, else t[key].  Returns the type pushed. */
static int field(lua_State *L, int t, int pos, const char *key) {
    if (pos > 0) {
        if (lua_rawgeti(L, t, pos) != LUA_TNIL)
            return lua_type(L, -1);
        lua_pop(L, 1);
    }
    lua_pushstring(L, key);
    return lua_rawget(L, t);
}

/* A copy of the text at t[pos] / t.key, or NULL when absent. */
static char *get_text(lua_State *L, const conv *cv, int t, int pos, const char *key) {
    int ty = field(L, t, pos, key);
    char *s = NULL;
    if (ty == LUA_TSTRING)
        s = copy(L, lua_tostring(L, -1));
    else if (ty != LUA_TNIL)
        fail(L, cv, "'%s' must be text, not %s", key, lua_typename(L, ty));
    lua_pop(L, 1);
    return s;
}

static int is_ident(const char *s) {
    static const char *const kw[] = {"and",   "or",      "not", "in", "true",
                                     "false", "unknown", "nil", NULL};
    if (!s || !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return 0;
    for (const char *q = s; *q; q++)
        if (!(*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
              (*q >= '0' && *q <= '9')))
            return 0;
    for (int i = 0; kw[i]; i++)
        if (strcmp(kw[i], s) == 0)
            return 0;
    return 1;
}

/* Limits on what one rule file declares.  Names are what `use`, `set`,
 * completion and the screen show.  C allocates per criterion (1 byte),
 * derive (8; a staging derive 16) and arm (1) one array over the cohort,
 * so these counts bound what one evaluation takes beside the cohort: at
 * most 64 + 12 * 8 + 4 * 16 + 16 = 240 bytes a patient, about 230 MB at a
 * million patients (under 4x the default sandbox cap), whatever the rule
 * file does. */
enum {
    NAME_MAX_LEN = 40,
    COLUMN_MAX_LEN = 256,
    DOC_MAX_LEN = 4096,
    MAX_SETS = 64,
    MAX_ITEMS = 256,
    MAX_CRITERIA = 64,
    MAX_DERIVES = 16,
    MAX_STAGING = 4,
    MAX_ARMS = 16,
    MAX_CHOICES = 64,
    MAX_READS = 64,
    MAX_FIELDS = 64
};

/* Refuses text with control characters (a terminal escape in a name or a
 * doc would reach the screen) or longer than max; a doc may hold line
 * breaks and tabs.  `what` names the field for the message. */
static void check_text(lua_State *L, const conv *cv, const char *what, const char *t, size_t max,
                       int multiline) {
    if (t == NULL)
        return;
    size_t n = strlen(t);
    if (n > max)
        fail(L, cv, "%s is longer than %zu characters", what, max);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *u = (const unsigned char *)t + i;
        unsigned char c = u[0];
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
            fail(L, cv, "%s holds a control character (byte 0x%02x at %zu)", what, c, i + 1);
        /* C1 controls (U+0080-U+009F) and the bidirectional overrides and
         * isolates (U+202A-U+202E, U+2066-U+2069), which reorder what a
         * reader sees */
        if ((c == 0xc2 && i + 1 < n && u[1] >= 0x80 && u[1] <= 0x9f) ||
            (c == 0xe2 && i + 2 < n && u[1] == 0x80 && u[2] >= 0xaa && u[2] <= 0xae) ||
            (c == 0xe2 && i + 2 < n && u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9))
            fail(L, cv, "%s holds a control or text-direction character (at byte %zu)", what,
                 i + 1);
    }
}

/* Names of rule sets, params, criteria, derives and arms. */
static void check_name(lua_State *L, const conv *cv, const char *name) {
    check_text(L, cv, "the name", name, NAME_MAX_LEN, 0);
}

/* Copies the list of text on top of the stack (`key` of the declaration)
 * into *out / *n, at most max_items items of at most max_len characters;
 * `item` names one for messages.  Each copy is stored before the next Lua
 * call, so a half-read list is freed with the program. */
static void read_text_list(lua_State *L, const conv *cv, const char *key, const char *item,
                           int max_items, size_t max_len, char ***out, int *n) {
    lua_Unsigned len = lua_rawlen(L, -1);
    if (len > (lua_Unsigned)max_items)
        fail(L, cv, "%s lists more than %d items", key, max_items);
    if ((*out = calloc((size_t)len + 1, sizeof **out)) == NULL)
        luaL_error(L, "out of memory");
    for (int i = 1; i <= (int)len; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            fail(L, cv, "%s must be a list of text", key);
        check_text(L, cv, item, lua_tostring(L, -1), max_len, 0);
        (*out)[(*n)++] = copy(L, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
}

/* Counts the bytes the parsed tree of e takes against the sandbox's cap
 * (binding it to a cohort is counted again, in rules_eval.c). */
static void charge_expr(lua_State *L, const conv *cv, const expr *e) {
    size_t bytes = expr_nnodes(e) * (size_t)EXPR_PARSED_BYTES;
    if (sandbox_charge(cv->sb, bytes) != 0)
        fail(L, cv,
             "the rule file's expressions need more than the memory cap of "
             "%zu MB",
             sandbox_mem_cap(cv->sb) >> 20);
    cv->p->charged += bytes;
}

/* Refuses keys of t outside `allowed` (positional keys up to npos). */
static void check_keys(lua_State *L, const conv *cv, int t, int npos, const char *const *allowed) {
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TNUMBER) {
            lua_Integer k = lua_tointeger(L, -1);
            if (npos >= 0 && (k < 1 || k > npos))
                fail(L, cv, "too many values (at most %d before the named ones)", npos);
            continue;
        }
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
        int ok = strcmp(k, "__kind") == 0 || strcmp(k, "__line") == 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], k) == 0;
        if (!ok)
            fail(L, cv, "unknown field '%s'", k);
    }
}

static expr *compile(lua_State *L, const conv *cv, const char *src) {
    char e[300];
    expr *x = expr_parse(src, e, sizeof e);
    if (x == NULL)
        fail(L, cv, "in \"%.200s\": %s", src, e);
    return x;
}

static double num_field(lua_State *L, const conv *cv, int t, const char *key, double def) {
    int ty = field(L, t, 0, key);
    double v = def;
    if (ty == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    else if (ty != LUA_TNIL)
        fail(L, cv, "'%s' must be a number", key);
    lua_pop(L, 1);
    return v;
}

static void read_param(lua_State *L, conv *cv, rset *set, int t) {
    static const char *const keys[] = {"name", "default", "min",     "max",
                                       "doc",  "type",    "choices", NULL};
    rparam *pp = &set->params[set->np++];
    cv->kind = "param";
    pp->line = cv->line;
    pp->name = get_text(L, cv, t, 1, "name");
    cv->name = pp->name;
    check_name(L, cv, pp->name);
    if (!is_ident(pp->name))
        fail(L, cv, "needs a name: param { \"max_lesions\", 4, min = 1, max = 20 }");
    check_keys(L, cv, t, 2, keys);
    if (rules_known_field(pp->name))
        fail(L, cv, "has the name of a patient field; choose another");
    for (int i = 0; i < set->np - 1; i++)
        if (strcmp(set->params[i].name, pp->name) == 0)
            fail(L, cv, "declared twice");
    pp->doc = get_text(L, cv, t, 0, "doc");
    check_text(L, cv, "doc", pp->doc, DOC_MAX_LEN, 1);
    char *type = get_text(L, cv, t, 0, "type");
    int dt = field(L, t, 2, "default");
    if (dt == LUA_TBOOLEAN)
        pp->type = RULES_P_BOOLEAN;
    else if (dt == LUA_TSTRING)
        pp->type = RULES_P_TEXT;
    else if (dt == LUA_TNUMBER)
        pp->type = lua_isinteger(L, -1) ? RULES_P_INTEGER : RULES_P_NUMBER;
    else {
        free(type);
        fail(L, cv, "needs a default value (a number, true/false or text)");
    }
    if (type) {
        int want = strcmp(type, "number") == 0    ? RULES_P_NUMBER
                   : strcmp(type, "integer") == 0 ? RULES_P_INTEGER
                   : strcmp(type, "boolean") == 0 ? RULES_P_BOOLEAN
                   : strcmp(type, "text") == 0    ? RULES_P_TEXT
                                                  : 0;
        int fits = want == (int)pp->type ||
                   (want == RULES_P_NUMBER && pp->type == RULES_P_INTEGER) ||
                   (want == RULES_P_INTEGER && pp->type == RULES_P_NUMBER &&
                    lua_tonumber(L, -1) == floor(lua_tonumber(L, -1)));
        free(type);
        if (!want)
            fail(L, cv, "type must be number, integer, boolean or text");
        if (!fits)
            fail(L, cv, "the default does not have the declared type");
        pp->type = (rules_ptype)want;
    }
    if (pp->type == RULES_P_TEXT) {
        check_text(L, cv, "the default", lua_tostring(L, -1), DOC_MAX_LEN, 0);
        pp->text_def = copy(L, lua_tostring(L, -1));
    } else if (pp->type == RULES_P_BOOLEAN) {
        pp->def = lua_toboolean(L, -1);
    } else {
        pp->def = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    pp->min = num_field(L, cv, t, "min", pp->type == RULES_P_BOOLEAN ? 0 : -HUGE_VAL);
    pp->max = num_field(L, cv, t, "max", pp->type == RULES_P_BOOLEAN ? 1 : HUGE_VAL);
    /* a value that no comparison can order, or an integer a double cannot
     * hold exactly, would make every criterion reading it meaningless */
    if (pp->type == RULES_P_NUMBER || pp->type == RULES_P_INTEGER) {
        if (!isfinite(pp->def))
            fail(L, cv, "the default must be a finite number, not %g", pp->def);
        if (isnan(pp->min) || isnan(pp->max))
            fail(L, cv, "min and max must be numbers, not NaN");
        if (pp->min > pp->max)
            fail(L, cv, "min %.10g is above max %.10g", pp->min, pp->max);
    }
    if (pp->type == RULES_P_INTEGER) {
        if (fabs(pp->def) > RULES_INT_EXACT)
            fail(L, cv,
                 "the default %.17g is beyond the exactly representable "
                 "integers (+-2^53)",
                 pp->def);
        if ((isfinite(pp->min) && pp->min < -RULES_INT_EXACT) ||
            (isfinite(pp->max) && pp->max > RULES_INT_EXACT))
            fail(L, cv,
                 "min and max of an integer param must lie within +-2^53 "
                 "(or be -math.huge/math.huge)");
    }
    if (pp->type != RULES_P_TEXT && (pp->def < pp->min || pp->def > pp->max))
        fail(L, cv, "default %.10g is outside min..max", pp->def);
    int ct = field(L, t, 0, "choices");
    if (ct == LUA_TTABLE)
        read_text_list(L, cv, "choices", "a choice", MAX_CHOICES, NAME_MAX_LEN, &pp->choices,
                       &pp->nchoices);
    else if (ct != LUA_TNIL)
        fail(L, cv, "choices must be a list of text");
    lua_pop(L, 1);
}

static int unknown_policy(lua_State *L, const conv *cv, int t, int def) {
    char *u = get_text(L, cv, t, 0, "unknown");
    int keep = def;
    if (u) {
        int ok = strcmp(u, "include") == 0 || strcmp(u, "exclude") == 0;
        keep = strcmp(u, "include") == 0;
        free(u);
        if (!ok)
            fail(L, cv, "unknown must be \"exclude\" or \"include\"");
    }
    return keep;
}

static void read_criterion(lua_State *L, conv *cv, rset *set, int t) {
    static const char *const keys[] = {"name", "reason", "expr", "unknown", "reads", "doc", NULL};
    rcrit *c = &set->crit[set->nc++];
    c->fn_ref = LUA_NOREF;
    cv->kind = "criterion";
    c->line = cv->line;
    c->name = get_text(L, cv, t, 1, "name");
    cv->name = c->name;
    check_name(L, cv, c->name);
    if (!is_ident(c->name))
        fail(L, cv,
             "needs a name: criterion { \"ecog\", \"ECOG <= max_ecog\", "
             "\"ecog <= max_ecog\" }");
    check_keys(L, cv, t, 3, keys);
    for (int i = 0; i < set->nc - 1; i++)
        if (strcmp(set->crit[i].name, c->name) == 0)
            fail(L, cv, "declared twice");
    c->reason = get_text(L, cv, t, 2, "reason");
    check_text(L, cv, "reason", c->reason, DOC_MAX_LEN, 0);
    c->unknown_keep = unknown_policy(L, cv, t, set->unknown_keep);
    int et = field(L, t, 3, "expr");
    if (et == LUA_TSTRING) {
        c->e = compile(L, cv, lua_tostring(L, -1));
        lua_pop(L, 1);
        charge_expr(L, cv, c->e);
    } else if (et == LUA_TFUNCTION) {
        c->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
        fail(L, cv, "needs a condition: an expression in quotes or a function");
    }
    if (c->reason == NULL)
        c->reason = copy(L, c->e ? expr_source(c->e) : c->name);
    int rt = field(L, t, 0, "reads");
    if (rt == LUA_TTABLE)
        read_text_list(L, cv, "reads", "a field in reads", MAX_READS, COLUMN_MAX_LEN, &c->reads,
                       &c->nreads);
    else if (rt != LUA_TNIL)
        fail(L, cv, "reads must be a list of field names");
    lua_pop(L, 1);
}

/* Is name taken by a derive (or one of a staging derive's columns) among
 * the first nd of set? */
static int derive_named(const rset *set, int nd, const char *name) {
    for (int i = 0; i < nd; i++) {
        if (strcmp(set->der[i].name, name) == 0)
            return 1;
        for (int k = 0; k < 3 && set->der[i].staging; k++)
            if (strcmp(set->der[i].out[k], name) == 0)
                return 1;
    }
    return 0;
}

/* derive { "stage", staging = "tnm8" | "<text param>" }: the group column
 * is named as the derive; T, N and M are t, n, m for a derive named
 * "stage", else <name>_t, <name>_n, <name>_m. */
static void read_staging(lua_State *L, conv *cv, rset *set, rderive *d, int t) {
    d->staging = get_text(L, cv, t, 0, "staging");
    d->stage_param = -1;
    if (field(L, t, 2, "expr") != LUA_TNIL)
        fail(L, cv, "has both an expression and staging; give one");
    lua_pop(L, 1);
    if (!is_ident(d->staging))
        fail(L, cv,
             "staging names a staging module (\"tnm8\") or a text param "
             "whose choices name modules");
    int stage = strcmp(d->name, "stage") == 0;
    static const char *const sfx[3] = {"t", "n", "m"};
    for (int k = 0; k < 3; k++) {
        char nm[200];
        snprintf(nm, sizeof nm, stage ? "%s" : "%.150s_%s", stage ? sfx[k] : d->name, sfx[k]);
        d->out[k] = copy(L, nm);
        if (derive_named(set, set->nd - 1, nm))
            fail(L, cv, "its column '%s' is already derived", nm);
        for (int i = 0; i < set->np; i++)
            if (strcmp(set->params[i].name, nm) == 0)
                fail(L, cv, "its column '%s' has the name of a param", nm);
    }
    d->out[3] = copy(L, d->name);
}

/* After the whole set is read: a staging derive that names a param takes
 * that param's choices as its modules. */
static void resolve_staging(lua_State *L, conv *cv, rset *set) {
    for (int j = 0; j < set->nd; j++) {
        rderive *d = &set->der[j];
        if (d->staging == NULL)
            continue;
        cv->kind = "derive";
        cv->name = d->name;
        cv->line = d->line;
        for (int i = 0; i < set->np; i++)
            if (strcmp(set->params[i].name, d->staging) == 0)
                d->stage_param = i;
        if (d->stage_param < 0 && strcmp(d->staging, "edition") == 0) {
            /* the session's edition (rules_set_edition), version by version */
            d->stage_param = RULES_STAGE_EDITION;
            d->mods = calloc(3, sizeof *d->mods);
            if (d->mods == NULL)
                luaL_error(L, "out of memory");
            d->mods[d->nmods++] = copy(L, "tnm8");
            d->mods[d->nmods++] = copy(L, "tnm9");
        } else if (d->stage_param >= 0) {
            const rparam *p = &set->params[d->stage_param];
            if (p->type != RULES_P_TEXT || p->nchoices == 0)
                fail(L, cv,
                     "staging param '%s' must be text with choices naming the "
                     "modules: param { \"%s\", \"tnm8\", choices = "
                     "{\"tnm8\", \"tnm9\"} }",
                     p->name, p->name);
            d->mods = calloc((size_t)p->nchoices + 1, sizeof *d->mods);
            if (d->mods == NULL)
                luaL_error(L, "out of memory");
            for (int c = 0; c < p->nchoices; c++) {
                if (!is_ident(p->choices[c]))
                    fail(L, cv, "choice '%s' of param '%s' is not a module name", p->choices[c],
                         p->name);
                d->mods[d->nmods++] = copy(L, p->choices[c]);
            }
        } else {
            d->mods = calloc(2, sizeof *d->mods);
            if (d->mods == NULL)
                luaL_error(L, "out of memory");
            d->mods[d->nmods++] = copy(L, d->staging);
        }
        d->stagers = calloc((size_t)d->nmods + 1, sizeof *d->stagers);
        if (d->stagers == NULL)
            luaL_error(L, "out of memory");
    }
}

static void read_derive(lua_State *L, conv *cv, rset *set, int t) {
    static const char *const keys[] = {"name", "expr", "doc", "staging", NULL};
    rderive *d = &set->der[set->nd++];
    cv->kind = "derive";
    d->line = cv->line;
    d->stage_param = -1;
    d->name = get_text(L, cv, t, 1, "name");
    cv->name = d->name;
    check_name(L, cv, d->name);
    if (!is_ident(d->name) || strcmp(d->name, "eligible") == 0)
        fail(L, cv, "needs a name: derive { \"lesions\", \"lesions(m_sites)\" }");
    check_keys(L, cv, t, 2, keys);
    if (derive_named(set, set->nd - 1, d->name))
        fail(L, cv, "declared twice");
    for (int i = 0; i < set->np; i++)
        if (strcmp(set->params[i].name, d->name) == 0)
            fail(L, cv, "has the name of a param");
    d->doc = get_text(L, cv, t, 0, "doc");
    check_text(L, cv, "doc", d->doc, DOC_MAX_LEN, 1);
    if (field(L, t, 0, "staging") != LUA_TNIL) {
        lua_pop(L, 1);
        int nst = 0;
        for (int i = 0; i < set->nd - 1; i++)
            nst += set->der[i].staging != NULL;
        if (nst >= MAX_STAGING)
            fail(L, cv, "more than %d staging derives in rule set '%s'", MAX_STAGING, set->name);
        read_staging(L, cv, set, d, t);
        return;
    }
    lua_pop(L, 1);
    char *src = get_text(L, cv, t, 2, "expr");
    if (src == NULL)
        fail(L, cv, "needs an expression (or staging = \"tnm8\")");
    char e[300];
    d->e = expr_parse(src, e, sizeof e);
    if (d->e == NULL) {
        lua_pushfstring(L, "in \"%s\": %s", src, e);
        free(src);
        fail(L, cv, "%.400s", lua_tostring(L, -1));
    }
    free(src);
    charge_expr(L, cv, d->e);
}

static void read_arm(lua_State *L, conv *cv, rset *set, int t) {
    static const char *const keys[] = {"name", "when", "doc", NULL};
    rarm *a = &set->arms[set->na++];
    cv->kind = "arm";
    a->line = cv->line;
    a->name = get_text(L, cv, t, 1, "name");
    cv->name = a->name;
    check_name(L, cv, a->name);
    if (a->name == NULL || !*a->name)
        fail(L, cv, "needs a name: arm { \"radical\", when = \"eligible\" }");
    check_keys(L, cv, t, 2, keys);
    for (int i = 0; i < set->na - 1; i++)
        if (strcmp(set->arms[i].name, a->name) == 0)
            fail(L, cv, "declared twice");
    a->doc = get_text(L, cv, t, 0, "doc");
    check_text(L, cv, "doc", a->doc, DOC_MAX_LEN, 1);
    char *src = get_text(L, cv, t, 2, "when");
    if (src) {
        char e[300];
        a->when = expr_parse(src, e, sizeof e);
        if (a->when == NULL) {
            lua_pushfstring(L, "in \"%s\": %s", src, e);
            free(src);
            fail(L, cv, "%.400s", lua_tostring(L, -1));
        }
        free(src);
        charge_expr(L, cv, a->when);
    }
}

static void add_warning(lua_State *L, rset *set, const char *msg) {
    char **w = realloc(set->warnings, (size_t)(set->nw + 1) * sizeof *w);
    if (w == NULL)
        luaL_error(L, "out of memory");
    set->warnings = w;
    set->warnings[set->nw] = copy(L, msg);
    set->nw++;
}

static int same_name(void *ud, const rules_name_use *u) {
    return strcmp(u->name, ud) == 0;
}

/* Does any expression (or Lua criterion's reads) of set read name? */
static int reads_name(const rset *set, const char *name) {
    return rules_each_name(set, same_name, (void *)name);
}

/* Every name an expression (or a Lua criterion's reads) uses must be known
 * at load (rules_check_names): a typo such as `ecgo` is an error naming
 * file:line, not a rule that quietly selects nobody.  Stack: unchanged. */
static void check_names(lua_State *L, conv *cv, rset *set, int t) {
    const char *fields[MAX_FIELDS];
    int nf = 0;
    int ty = field(L, t, 0, "fields");
    if (ty == LUA_TTABLE) {
        int ft = lua_gettop(L);
        if (lua_rawlen(L, ft) > MAX_FIELDS)
            fail(L, cv, "fields lists more than %d names", MAX_FIELDS);
        for (int i = 1; i <= (int)lua_rawlen(L, ft); i++) {
            if (lua_rawgeti(L, ft, i) != LUA_TSTRING || !is_ident(lua_tostring(L, -1)))
                fail(L, cv, "fields must be a list of field names");
            fields[nf++] = lua_tostring(L, -1); /* kept alive by the list */
            lua_pop(L, 1);
        }
    } else if (ty != LUA_TNIL) {
        fail(L, cv, "fields must be a list of field names");
    }
    rules_name_problem pb;
    if (rules_check_names(set, fields, nf, &pb) != 0) {
        cv->kind = pb.kind;
        cv->name = pb.item;
        cv->line = pb.line;
        fail(L, cv, "%s", pb.msg);
    }
    lua_pop(L, 1);
}

/* Messages name the rule set itself (not its last item).  Returns cv. */
static conv *set_conv(conv *cv, const rset *set) {
    cv->kind = "rule set";
    cv->name = set->name;
    cv->line = set->line;
    return cv;
}

/* t, n, m and stage for every rule set: a set that reads one of them and
 * derives none of them gets, as its first derive, the staging of the
 * session's edition: derive { "stage", staging = "edition" }. */
static void add_edition_staging(lua_State *L, rset *set) {
    static const char *const names[4] = {"t", "n", "m", "stage"};
    int reads = 0;
    for (int k = 0; k < 4; k++) {
        reads |= reads_name(set, names[k]);
        for (int j = 0; j < set->nd; j++)
            if (strcmp(set->der[j].name, names[k]) == 0 || set->der[j].staging)
                return;
        for (int i = 0; i < set->np; i++)
            if (strcmp(set->params[i].name, names[k]) == 0)
                return;
    }
    if (!reads)
        return;
    memmove(set->der + 1, set->der, (size_t)set->nd * sizeof *set->der);
    memset(set->der, 0, sizeof *set->der);
    set->nd++;
    rderive *d = &set->der[0];
    d->line = set->line;
    d->name = copy(L, "stage");
    d->doc = copy(L, "T, N, M and stage group by the session's TNM edition (edition 8|9)");
    d->staging = copy(L, "edition");
    d->stage_param = -1;
    for (int k = 0; k < 4; k++)
        d->out[k] = copy(L, names[k]);
}

/* The landmark: an implicit first criterion and a param of the same name. */
static void add_landmark(lua_State *L, conv *cv, rset *set) {
    cv->kind = "landmark";
    cv->name = set->name;
    for (int i = 0; i < set->np; i++)
        if (strcmp(set->params[i].name, "landmark") == 0)
            fail(L, cv, "a param named 'landmark' clashes with the landmark");
    rparam *pp = &set->params[set->np++];
    pp->line = set->line;
    pp->name = copy(L, "landmark");
    pp->doc = copy(L, "landmark time: patients with an event or censoring before "
                      "it are excluded; outcomes are counted from it");
    pp->type = RULES_P_NUMBER;
    pp->def = set->landmark;
    pp->min = 0;
    pp->max = HUGE_VAL;
    memmove(set->crit + 1, set->crit, (size_t)set->nc * sizeof *set->crit);
    memset(set->crit, 0, sizeof *set->crit);
    set->nc++;
    rcrit *c = &set->crit[0];
    c->fn_ref = LUA_NOREF;
    c->line = set->line;
    c->name = copy(L, "landmark");
    char src[160];
    snprintf(src, sizeof src, "%s >= landmark", set->landmark_time);
    c->e = compile(L, cv, src);
    charge_expr(L, cv, c->e);
    snprintf(src, sizeof src, "followed up to the landmark (%s >= landmark)", set->landmark_time);
    c->reason = copy(L, src);
}

/* Reads one ruleset declaration at stack index d ({name, line, def}). */
static void read_set(lua_State *L, conv *cv, rset *set, int d) {
    static const char *const keys[] = {"doc",           "unknown", "landmark",
                                       "post_baseline", "fields",  NULL};
    lua_getfield(L, d, "line");
    set->line = cv->line = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, d, "name");
    set->name = copy(L, lua_tostring(L, -1));
    lua_pop(L, 1);
    cv->kind = "rule set";
    cv->name = set->name;
    check_name(L, cv, set->name);
    if (set->name[0] == '\0')
        fail(L, cv, "needs a name");
    set->landmark = NAN;
    lua_getfield(L, d, "def");
    int t = lua_gettop(L);
    check_keys(L, cv, t, -1, keys);
    set->doc = get_text(L, cv, t, 0, "doc");
    check_text(L, cv, "doc", set->doc, DOC_MAX_LEN, 1);
    set->unknown_keep = unknown_policy(L, cv, t, 0);
    int lt = field(L, t, 0, "landmark");
    if (lt == LUA_TNUMBER) {
        set->landmark = lua_tonumber(L, -1);
        set->landmark_time = copy(L, "os_time");
    } else if (lt == LUA_TTABLE) {
        set->landmark = num_field(L, cv, lua_gettop(L), "at", NAN);
        set->landmark_time = get_text(L, cv, lua_gettop(L), 0, "time");
        if (set->landmark_time == NULL)
            set->landmark_time = copy(L, "os_time");
    } else if (lt != LUA_TNIL) {
        fail(L, cv, "landmark must be a time (3) or {at = 3, time = \"os_time\"}");
    }
    if (lt != LUA_TNIL && (!(set->landmark >= 0) || !is_ident(set->landmark_time)))
        fail(L, cv, "landmark needs a time >= 0 and a time field");
    lua_pop(L, 1);

    lua_Unsigned nitems = lua_rawlen(L, t);
    if (nitems > MAX_ITEMS)
        fail(L, cv, "declares %llu items; a rule set holds at most %d", (unsigned long long)nitems,
             MAX_ITEMS);
    int n = (int)nitems;
    set->params = calloc((size_t)n + 2, sizeof *set->params);
    set->crit = calloc((size_t)n + 2, sizeof *set->crit);
    set->der = calloc((size_t)n + 1, sizeof *set->der);
    set->arms = calloc((size_t)n + 1, sizeof *set->arms);
    if (!set->params || !set->crit || !set->der || !set->arms)
        luaL_error(L, "out of memory");
    for (int i = 1; i <= n; i++) {
        int it = lua_gettop(L) + 1;
        lua_rawgeti(L, t, i);
        const char *kind = NULL;
        if (lua_istable(L, it)) {
            lua_pushliteral(L, "__kind");
            if (lua_rawget(L, it) == LUA_TSTRING)
                kind = lua_tostring(L, -1);
            lua_pushliteral(L, "__line");
            lua_rawget(L, it);
            cv->line = (int)lua_tointeger(L, -1);
            lua_pop(L, 2);
        }
        if (kind == NULL) {
            cv->line = set->line;
            cv->kind = "rule set";
            cv->name = set->name;
            fail(L, cv, "item %d is not a param, criterion, derive or arm", i);
        }
        if ((strcmp(kind, "criterion") == 0 && set->nc >= MAX_CRITERIA) ||
            (strcmp(kind, "derive") == 0 && set->nd >= MAX_DERIVES) ||
            (strcmp(kind, "arm") == 0 && set->na >= MAX_ARMS))
            fail(L, set_conv(cv, set), "more than %d %s in rule set '%s'",
                 kind[0] == 'c'   ? MAX_CRITERIA
                 : kind[0] == 'd' ? MAX_DERIVES
                                  : MAX_ARMS,
                 kind[0] == 'c'   ? "criteria"
                 : kind[0] == 'd' ? "derives"
                                  : "arms",
                 set->name);
        if (strcmp(kind, "param") == 0)
            read_param(L, cv, set, it);
        else if (strcmp(kind, "criterion") == 0)
            read_criterion(L, cv, set, it);
        else if (strcmp(kind, "derive") == 0)
            read_derive(L, cv, set, it);
        else
            read_arm(L, cv, set, it);
        lua_settop(L, it - 1);
    }
    if (set->landmark == set->landmark)
        add_landmark(L, cv, set);
    add_edition_staging(L, set);
    resolve_staging(L, cv, set);
    check_names(L, cv, set, t);
    set_conv(cv, set); /* what follows is about the rule set as a whole */

    /* post-baseline fields without a landmark: immortal-time bias */
    int pbt = field(L, t, 0, "post_baseline");
    if (pbt != LUA_TNIL && pbt != LUA_TTABLE)
        fail(L, cv, "post_baseline must be a list of field names");
    int nb = (int)(sizeof post_baseline / sizeof *post_baseline) - 1;
    int m = pbt == LUA_TTABLE ? (int)lua_rawlen(L, -1) : 0;
    for (int i = 0; set->landmark != set->landmark && i < nb + m; i++) {
        const char *f = NULL;
        if (i < nb)
            f = post_baseline[i];
        else if (lua_rawgeti(L, -1, i - nb + 1) == LUA_TSTRING)
            f = lua_tostring(L, -1);
        if (f && reads_name(set, f)) {
            char w[400];
            snprintf(w, sizeof w,
                     "rule set '%s' reads post-baseline field '%s' "
                     "but declares no landmark: outcomes counted from baseline "
                     "carry immortal-time bias",
                     set->name, f);
            add_warning(L, set, w);
        }
        if (i >= nb)
            lua_pop(L, 1);
    }
    lua_settop(L, t - 1);
}

/* Stack: [conv*, decls] -> []. */
static int convert_fn(lua_State *L) {
    conv *cv = lua_touserdata(L, 1);
    lua_Unsigned nsets = lua_rawlen(L, 2);
    if (nsets > MAX_SETS) {
        cv->kind = "rules";
        cv->name = NULL;
        cv->line = 1;
        fail(L, cv, "declares %llu rule sets; a file holds at most %d", (unsigned long long)nsets,
             MAX_SETS);
    }
    int n = (int)nsets;
    if (n == 0) {
        cv->kind = "rules";
        cv->name = NULL;
        cv->line = 1;
        fail(L, cv, "no rule set declared (ruleset \"name\" { ... })");
    }
    cv->p->sets = calloc((size_t)n, sizeof *cv->p->sets);
    if (cv->p->sets == NULL)
        luaL_error(L, "out of memory");
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, 2, i);
        rset *set = &cv->p->sets[cv->p->nsets++];
        read_set(L, cv, set, lua_gettop(L));
        for (int j = 0; j < cv->p->nsets - 1; j++)
            if (strcmp(cv->p->sets[j].name, set->name) == 0)
                fail(L, set_conv(cv, set), "declared twice in this file");
        lua_pop(L, 1);
    }
    return 0;
}

int rules_convert(rules *r, rprog *p, char *err, size_t errlen) {
    lua_State *L = sandbox_state(rules_sandbox(r));
    conv cv = {p, rules_sandbox(r), p->path, "rules", NULL, 0};
    lua_pushcfunction(L, convert_fn);
    lua_pushlightuserdata(L, &cv);
    lua_pushvalue(L, -3); /* the decls table */
    /* metered and capped like the file itself: reading the declarations can
     * run rule code (a metamethod on a table the file built) */
    const char *base = strrchr(p->path, '/');
    return sandbox_pcall(rules_sandbox(r), 2, 0, base ? base + 1 : p->path, err, errlen);
}
