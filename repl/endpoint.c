/* endpoint.c - an endpoint's entries sorted once, picked per computation
 * (see endpoint.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "endpoint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* An entry's code: arm slot << 2 | event (0 censored, 1 event, 2 missing). */
enum { EV_MISSING = 2 };

struct endpoint_data {
    char tcol[64], ecol[64]; /* column names (without @ARM) */
    size_t npatients;
    int narms;                                      /* slots; 1 for a real cohort */
    char arm[ENDPOINT_MAX_ARMS][ENDPOINT_ARM_NAME]; /* "" for a real cohort */
    size_t n;                                       /* timed entries */
    double *time;                                   /* months, ascending, near-ties merged */
    uint32_t *patient;
    uint8_t *code;
    uint64_t *untimed_bits; /* no time: a bit per patient and slot */
    /* The picked entries, kept between computations (npatients each: a
     * patient counts once, under the one arm assigned or chosen). */
    double *p_time, *p_event;
    int32_t *p_group, *p_key;
    uint32_t *ident;
    uint8_t *pbyte;  /* the choice packed per patient */
    uint64_t *pbits; /* or one bit per patient and arm */
};

/* Event values as R's Surv() reads them (surv_event_coded12): 0/1,
 * FALSE/TRUE, or 1/2 where 2 is the event.  Writes 0, 1 or EV_MISSING per
 * row; a value that is no event code is refused, naming its row. */
static int read_events(const cohort_column *col, size_t n, uint8_t *out, char *err, size_t errlen) {
    if (col->type == COHORT_BOOL) {
        for (size_t i = 0; i < n; i++)
            out[i] = col->v.b[i] < 0 ? EV_MISSING : col->v.b[i] != 0;
        return 0;
    }
    if (col->type != COHORT_NUM) {
        char why[160];
        csv_why_not_numbers(col, n, why, sizeof why);
        const char *w = col->nlevels > 0 ? col->levels[0] : "dead";
        snprintf(err, errlen,
                 "event column '%s' is text%s%s; it must be 0/1, TRUE/FALSE or 1/2 (load cohort "
                 "FILE recode:%s:%.40s=1 ... says which words are events)",
                 col->name, why[0] ? ": " : "", why, col->name, w);
        return -1;
    }
    int coded12 = surv_event_coded12(col->v.num, n);
    double off = coded12 ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        double v = col->v.num[i];
        if (isnan(v)) {
            out[i] = EV_MISSING;
        } else if (v == off || v == off + 1) {
            out[i] = v == off + 1;
        } else {
            snprintf(err, errlen, "event column '%s', row %zu: %g is not %s", col->name, i + 1, v,
                     coded12 ? "1/2 (the largest value is 2: coded 1 = censored, 2 = event)"
                             : "0/1 (or 1/2)");
            return -1;
        }
    }
    return 0;
}

/* Times in months; a negative or infinite time is refused here, where the
 * row is the cohort's (the statistics see times in sorted order and could
 * only name a position).  NaN is missing (dropped, as R does); Inf reads
 * as a number, as in R, but is no survival time. */
static int read_times(const cohort_column *col, size_t n, double to_months, double *out, char *err,
                      size_t errlen) {
    if (col->type != COHORT_NUM) {
        char why[160];
        csv_why_not_numbers(col, n, why, sizeof why);
        snprintf(err, errlen, "time column '%s' is not numeric%s%s", col->name, why[0] ? ": " : "",
                 why);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        double t = col->v.num[i];
        if (!isnan(t) && (isinf(t) || t < 0)) {
            char shown[32];
            csv_format_number(t, '.', shown);
            snprintf(err, errlen, "time column '%s', row %zu: %s is not a time (%s)", col->name,
                     i + 1, shown, t < 0 && !isinf(t) ? "negative" : "not finite");
            return -1;
        }
        out[i] = t * to_months;
    }
    return 0;
}

void endpoint_data_free(endpoint_data *d) {
    if (d == NULL)
        return;
    free(d->time);
    free(d->patient);
    free(d->code);
    free(d->p_time);
    free(d->p_event);
    free(d->p_group);
    free(d->p_key);
    free(d->ident);
    free(d->pbyte);
    free(d->pbits);
    free(d->untimed_bits);
    free(d);
}

/* The arms of a simulated cohort: X for every pair time_col@X, event_col@X. */
static int find_arms(const cohort *c, const char *time_col, const char *event_col,
                     const cohort_column *tc[], const cohort_column *ec[], endpoint_data *d) {
    size_t tl = strlen(time_col);
    for (size_t i = 0; i < cohort_ncols(c) && d->narms < ENDPOINT_MAX_ARMS; i++) {
        const char *name = cohort_col(c, i)->name;
        if (strncmp(name, time_col, tl) != 0 || name[tl] != '@' || !name[tl + 1] ||
            strlen(name + tl + 1) >= ENDPOINT_ARM_NAME)
            continue;
        char en[160];
        snprintf(en, sizeof en, "%s@%s", event_col, name + tl + 1);
        const cohort_column *e = cohort_find(c, en);
        if (e == NULL)
            continue;
        tc[d->narms] = cohort_col(c, i);
        ec[d->narms] = e;
        snprintf(d->arm[d->narms], ENDPOINT_ARM_NAME, "%s", name + tl + 1);
        d->narms++;
    }
    return d->narms;
}

endpoint_data *endpoint_data_new(const cohort *c, const char *time_col, const char *event_col,
                                 int simulated, double to_months, char *err, size_t errlen) {
    err[0] = '\0';
    endpoint_data *d = calloc(1, sizeof *d);
    if (d == NULL)
        goto nomem;
    size_t n = d->npatients = cohort_nrows(c);
    snprintf(d->tcol, sizeof d->tcol, "%s", time_col);
    snprintf(d->ecol, sizeof d->ecol, "%s", event_col);
    const cohort_column *tc[ENDPOINT_MAX_ARMS], *ec[ENDPOINT_MAX_ARMS];
    if (simulated) {
        if (find_arms(c, time_col, event_col, tc, ec, d) == 0)
            goto fail;
    } else {
        tc[0] = cohort_find(c, time_col);
        ec[0] = cohort_find(c, event_col);
        if (!tc[0] || !ec[0])
            goto fail;
        d->narms = 1;
    }
    size_t total = (size_t)d->narms * n;
    if (total > UINT32_MAX) {
        snprintf(err, errlen, "%s: too many patients", time_col);
        goto fail;
    }
    /* Every arm's times one after the other, sorted once. */
    double *all = malloc(total * sizeof *all + 1);
    uint8_t *ev = malloc(total + 1);
    surv_order *ord = NULL;
    int rc = all && ev ? 0 : -2;
    for (int a = 0; rc == 0 && a < d->narms; a++)
        if (read_times(tc[a], n, to_months, all + (size_t)a * n, err, errlen) != 0 ||
            read_events(ec[a], n, ev + (size_t)a * n, err, errlen) != 0)
            rc = -1;
    if (rc == 0 && surv_order_build(all, total, &ord, err, errlen) != 0)
        rc = -1;
    free(all);
    if (rc == 0) {
        d->n = ord->n;
        d->time = malloc(d->n * sizeof *d->time + 1);
        d->patient = malloc(d->n * sizeof *d->patient + 1);
        d->code = malloc(d->n + 1);
        rc = d->time && d->patient && d->code ? 0 : -2;
    }
    if (rc == 0) {
        for (size_t k = 0; k < d->n; k++) {
            uint32_t r = ord->idx[k];
            d->time[k] = ord->time[k];
            d->patient[k] = (uint32_t)(r % n);
            d->code[k] = (uint8_t)((r / n) << 2 | ev[r]);
        }
        /* the NaN tail, per arm */
        size_t words = (n + 63) / 64;
        d->untimed_bits = calloc((size_t)d->narms * words + 1, sizeof(uint64_t));
        if (d->untimed_bits == NULL)
            rc = -2;
        for (size_t k = ord->n; rc == 0 && k < total; k++) {
            uint32_t r = ord->idx[k], s = r / (uint32_t)n, p = r % (uint32_t)n;
            d->untimed_bits[s * words + (p >> 6)] |= (uint64_t)1 << (p & 63);
        }
    }
    surv_order_free(ord);
    free(ev);
    if (rc == 0) {
        /* one more than can be kept: the pick writes every entry at the
         * next free place, kept or not */
        d->p_time = malloc((n + 1) * sizeof(double));
        d->p_event = malloc((n + 1) * sizeof(double));
        d->p_group = malloc((n + 1) * sizeof(int32_t));
        d->p_key = malloc((n + 1) * sizeof(int32_t));
        d->ident = malloc(n * sizeof(uint32_t) + 1);
        d->pbyte = malloc(n + 1);
        d->pbits = malloc((size_t)d->narms * ((n + 63) / 64 + 1) * sizeof(uint64_t));
        rc = d->p_time && d->p_event && d->p_group && d->p_key && d->ident && d->pbyte && d->pbits
                 ? 0
                 : -2;
    }
    if (rc == -2)
        goto nomem;
    if (rc != 0)
        goto fail;
    for (size_t i = 0; i < n; i++)
        d->ident[i] = (uint32_t)i;
    return d;
nomem:
    snprintf(err, errlen, "out of memory");
fail:
    endpoint_data_free(d);
    return NULL;
}

int endpoint_narms(const endpoint_data *d) {
    return d->narms;
}

/* The one pass over the entries.  Each patient's choice is packed first,
 * small so that the patients read at random stay in cache:
 *  - PICK_BITS (a simulated cohort's outcome by assigned arm, the hot
 *    case): one bit per patient and arm, the group is the arm;
 *  - PICK_ARM: a byte per patient, the group + 1 (0: not used) in the high
 *    nibble and the arm assigned + 1 in the low one;
 *  - PICK_GROUP: the same byte without the arm (a real cohort, or one arm
 *    for everybody).
 * An entry is written whatever happens and kept by moving the write
 * position: no branch on the choice.  Inlined per mode. */
enum { PICK_BITS, PICK_ARM, PICK_GROUP };

static inline __attribute__((always_inline)) size_t
pick_pass(endpoint_data *d, int mode, const uint8_t *b, const uint64_t *bits, size_t words,
          const uint8_t slot_want[ENDPOINT_MAX_ARMS], double L, size_t *before) {
    size_t w = 0, early = 0;
    double *pt = d->p_time;
    int32_t *pk = d->p_key;
    const uint32_t *patient = d->patient;
    const uint8_t *code = d->code;
    const double *time = d->time;
    for (size_t k = 0; k < d->n; k++) {
        unsigned c = code[k], s = c >> 2;
        uint32_t p = patient[k];
        unsigned ok;
        int32_t g;
        if (mode == PICK_BITS) {
            ok = (unsigned)(bits[s * words + (p >> 6)] >> (p & 63)) & 1u;
            g = (int32_t)slot_want[s] - 1;
        } else if (mode == PICK_ARM) {
            unsigned v = b[p];
            ok = ((v & 15u) == slot_want[s]) & (v != 0);
            g = (int32_t)(v >> 4) - 1;
        } else {
            unsigned v = b[p];
            ok = (v != 0) & slot_want[s];
            g = (int32_t)(v >> 4) - 1;
        }
        double t = time[k];
        unsigned late = !(t < L);
        early += ok & !late;
        ok &= late;
        unsigned e = c & 3u;
        int32_t miss = -(int32_t)(e == EV_MISSING); /* -1 or 0 */
        pt[w] = t;
        pk[w] = (g * 2 + (int32_t)e) | miss;
        w += ok;
    }
    *before = early;
    return w;
}

int endpoint_select(endpoint_data *d, const endpoint_choice *ch, endpoint_pick *out, char *err,
                    size_t errlen) {
    memset(out, 0, sizeof *out);
    int simulated = d->arm[0][0] != '\0';
    int16_t slot_arm[ENDPOINT_MAX_ARMS];
    for (int s = 0; s < ENDPOINT_MAX_ARMS; s++)
        slot_arm[s] = -1;
    int by_arm = simulated && ch->arm; /* each patient under the arm assigned */
    int32_t ngroups = ch->ngroups;
    if (by_arm) {
        if (ch->narms > ENDPOINT_MAX_ARMS) {
            snprintf(err, errlen, "more than %d arms", ENDPOINT_MAX_ARMS);
            return -1;
        }
        for (size_t a = 0; a < ch->narms; a++) {
            int s = 0;
            while (s < d->narms && strcmp(d->arm[s], ch->arm_name[a]) != 0)
                s++;
            if (s == d->narms) {
                snprintf(err, errlen, "no potential outcomes %s@%s/%s@%s", d->tcol, ch->arm_name[a],
                         d->ecol, ch->arm_name[a]);
                return -1;
            }
            slot_arm[s] = (int16_t)a;
        }
        if (ch->group == NULL)
            ngroups = (int32_t)ch->narms;
    } else if (simulated) {
        for (int s = 0; s < d->narms; s++)
            if (ch->only_arm && strcmp(d->arm[s], ch->only_arm) == 0)
                slot_arm[s] = 0;
        if (ch->only_arm == NULL || ch->group == NULL) {
            snprintf(err, errlen, "a simulated cohort's outcome needs the arms");
            return -1;
        }
        int found = 0;
        for (int s = 0; s < d->narms; s++)
            found |= slot_arm[s] >= 0;
        if (!found) {
            snprintf(err, errlen, "no potential outcomes %s@%s/%s@%s in this cohort", d->tcol,
                     ch->only_arm, d->ecol, ch->only_arm);
            return -1;
        }
    } else {
        if (ch->group == NULL) {
            snprintf(err, errlen, "no groups");
            return -1;
        }
        slot_arm[0] = 0;
    }
    if (ngroups < 1) {
        snprintf(err, errlen, "no groups");
        return -1;
    }
    if (ngroups > 15) {
        snprintf(err, errlen, "more than 15 groups");
        return -1;
    }
    double L = isnan(ch->landmark) ? -INFINITY : ch->landmark;
    size_t n = d->npatients;
    uint8_t slot_want[ENDPOINT_MAX_ARMS];
    for (int s = 0; s < ENDPOINT_MAX_ARMS; s++)
        slot_want[s] = by_arm ? (uint8_t)(slot_arm[s] + 1) : slot_arm[s] >= 0;
    const int32_t *grp = ch->group;
    size_t w;
    if (by_arm && grp == NULL) {
        /* the outcome by assigned arm: bits straight from the arms */
        size_t words = (n + 63) / 64;
        uint64_t *bits = d->pbits;
        memset(bits, 0, (size_t)d->narms * words * sizeof *bits);
        int8_t slot_of[ENDPOINT_MAX_ARMS]; /* arm -> slot */
        memset(slot_of, -1, sizeof slot_of);
        for (int s = 0; s < d->narms; s++)
            if (slot_arm[s] >= 0)
                slot_of[slot_arm[s]] = (int8_t)s;
        const int16_t *arm = ch->arm;
        for (size_t i = 0; i < n; i++) {
            int a = arm[i];
            int s = a >= 0 && a < ENDPOINT_MAX_ARMS ? slot_of[a] : -1;
            if (s >= 0)
                bits[(size_t)s * words + (i >> 6)] |= (uint64_t)1 << (i & 63);
        }
        w = pick_pass(d, PICK_BITS, NULL, bits, words, slot_want, L, &out->before_landmark);
        for (int s = 0; s < d->narms; s++) /* assigned, but no time under the arm */
            for (size_t j = 0; j < words; j++)
                out->untimed += (size_t)__builtin_popcountll(
                    bits[(size_t)s * words + j] & d->untimed_bits[(size_t)s * words + j]);
    } else {
        uint8_t *pb = d->pbyte;
        if (by_arm) {
            const int16_t *arm = ch->arm;
            for (size_t i = 0; i < n; i++) {
                int a = arm[i], g = grp[i];
                pb[i] = a >= 0 && a < ENDPOINT_MAX_ARMS && g >= 0 && g < ngroups
                            ? (uint8_t)((g + 1) << 4 | (a + 1))
                            : 0;
            }
            w = pick_pass(d, PICK_ARM, pb, NULL, 0, slot_want, L, &out->before_landmark);
        } else {
            for (size_t i = 0; i < n; i++)
                pb[i] = grp[i] >= 0 && grp[i] < ngroups ? (uint8_t)((grp[i] + 1) << 4) : 0;
            w = pick_pass(d, PICK_GROUP, pb, NULL, 0, slot_want, L, &out->before_landmark);
        }
        /* Used patients with no time under the arm that counts. */
        size_t words = (n + 63) / 64;
        for (int s = 0; s < d->narms; s++) {
            if (slot_arm[s] < 0)
                continue;
            for (size_t j = 0; j < words; j++)
                for (uint64_t u = d->untimed_bits[(size_t)s * words + j]; u; u &= u - 1) {
                    unsigned v = pb[j * 64 + (size_t)__builtin_ctzll(u)];
                    out->untimed += by_arm ? v && (v & 15u) == slot_want[s] : v != 0;
                }
        }
    }
    out->order = (surv_order){.nrows = w, .n = w, .idx = d->ident, .time = d->p_time};
    out->keys = (surv_keys){.n = w, .key = d->p_key};
    out->keys1 = (surv_keys){.n = w, .key = d->p_key, .pooled = 1};
    out->in = (surv_input){.nrows = w,
                           .time = d->p_time,
                           .order = &out->order,
                           .event_num = d->p_event,
                           .group = d->p_group,
                           .ngroups = ngroups,
                           .keys = &out->keys};
    out->pooled = out->in;
    out->pooled.group = NULL;
    out->pooled.ngroups = 1;
    out->pooled.keys = &out->keys1;
    out->d = d;
    return 0;
}

int endpoint_pick_columns(endpoint_pick *pk) {
    endpoint_data *d = pk->d;
    const int32_t *key = d->p_key;
    int32_t *pg = d->p_group;
    double *pe = d->p_event;
    for (size_t k = 0; k < pk->in.nrows; k++) {
        int32_t v = key[k];
        pg[k] = v < 0 ? 0 : v >> 1;
        pe[k] = v < 0 ? NAN : (double)(v & 1);
    }
    return 0;
}
