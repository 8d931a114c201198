/* stage_module_path.c - where a staging module is, and whether it changed:
 * the folders a module is looked for in, the refusal of a link that leads
 * out of a rule file's folder, and a signature of the module's folder.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* realpath */

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules_int.h"

uint64_t rules_hash_mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h * 0xFF51AFD7ED558CCDull;
}

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* Names, sizes and times of the .lua files of dir: a module and what it
 * includes live there, so an edit to any of them changes this. */
uint64_t rules_folder_sig(const char *dir) {
    uint64_t h = 7;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".lua") != 0)
            continue;
        char path[8400];
        struct stat st;
        snprintf(path, sizeof path, "%.4200s/%.4000s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        /* order of readdir varies: combine commutatively */
        h += rules_hash_mix(
            hash_bytes(e->d_name, n),
            rules_hash_mix((uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec * 1000000000ull +
                                                     (uint64_t)st.st_mtim.tv_nsec));
    }
    closedir(d);
    return h;
}

/* Is there a file dir/name.lua?  Fills path. */
int rules_try_dir(const char *dir, size_t dlen, const char *name, char *path, size_t plen) {
    snprintf(path, plen, "%.*s%s%s.lua", (int)dlen, dir, dlen && dir[dlen - 1] != '/' ? "/" : "",
             name);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Does the file at path, with every symbolic link resolved, lie in the
 * folder that holds the name path (resolved the same way)?  A module
 * beside a rule file that is a link to a file elsewhere must not be run,
 * nor quoted by a syntax error, as include() refuses such a link too. */
int rules_stays_in_folder(const char *path) {
    char dir[4200], rd[PATH_MAX], rp[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *sl = strrchr(dir, '/');
    if (sl == dir)
        sl[1] = '\0';
    else if (sl)
        *sl = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (realpath(path, rp) == NULL || realpath(dir, rd) == NULL)
        return 0;
    size_t n = strlen(rd);
    return strncmp(rd, rp, n) == 0 && (rp[n] == '/' || (n == 1 && rd[0] == '/'));
}
