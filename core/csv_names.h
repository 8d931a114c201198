/* csv_names.h - column names of a CSV header: R's make.unique, duplicates.
 *
 * Part of tnmlab (core layer, private to the CSV reader).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both run in time linear in the number of names (a hash set), so a header
 * of 100,000 columns or of 5,000 copies of one name costs milliseconds.
 */
#ifndef TNMLAB_CSV_NAMES_H
#define TNMLAB_CSV_NAMES_H

#include <stddef.h>

/* Renames names[0..n) in place as R's read.csv does (make.names with
 * unique = TRUE, but no other change to a name): an empty name becomes
 * "X"; the second "x" becomes "x.1", the third "x.2", skipping any "x.k"
 * already among the names; the header's own names are served before the
 * made-up "X"s.  Each names[i] is a malloc'd string; a renamed one is
 * freed and replaced.  Returns 0, or -1 on ENOMEM (names are then still
 * valid and still the caller's, some perhaps renamed). */
int csv_names_make_unique(char **names, size_t n);

/* Looks for a name that occurs twice in names[0..n).  Returns 0 when all
 * are distinct; 1 when one repeats, with *second the first position that
 * repeats an earlier name and *first that name's first position (0-based);
 * -1 on ENOMEM. */
int csv_names_find_duplicate(char *const *names, size_t n, size_t *first, size_t *second);

#endif
