/* bench_sim.c - simulating the stage IV scenario with both arms' outcomes.
 *
 * Part of tnmlab (benchmarks; not run by make check).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   TNMLAB_SCRIPTS=scripts ./bench/bench_sim [N]     (N = 1000000)
 * Prints the median wall time of 5 runs; the budget (README.md, Benchmarks) is 2 s.
 */
#define _POSIX_C_SOURCE 200809L
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lsim.h"
#include "sim.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    const char *dir = getenv("TNMLAB_SCRIPTS");
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushstring(L, dir ? dir : "scripts");
    lua_setglobal(L, "TNMLAB_SCRIPTS");
    static sim_params p;
    char err[1024];
    if (lsim_load_scenario(L, "stage_iv", &p, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    lua_close(L);
    double t[5];
    size_t bytes = 0;
    for (int r = 0; r < 5; r++) {
        cohort *c;
        double t0 = now();
        if (sim_generate(&p, NULL, n, (uint64_t)r + 1, &c, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        t[r] = now() - t0;
        bytes = cohort_memory(c);
        cohort_free(c);
    }
    qsort(t, 5, sizeof t[0], cmp);
    printf("simulate stage_iv, %zu patients, both arms: median of 5 %.3f s "
           "(min %.3f, max %.3f; budget 2 s); cohort %.1f MB (%.0f B/patient)\n",
           n, t[2], t[0], t[4], (double)bytes / 1e6, (double)bytes / (double)n);
    return 0;
}
