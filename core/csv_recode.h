/* csv_recode.h - the reader's recodings (csv_options.recode), private to
 * the CSV reader.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_CSV_RECODE_H
#define TNMLAB_CSV_RECODE_H

#include "csv.h"

/* Does the reader leave column `name`'s forced type or status to the
 * recoding (the column is recoded)? */
int csv_recoded(const csv_options *o, const char *name);

/* Applies o's recodings to c, read from `name` with o's map: each recoded
 * column is written out as text with its values recoded and read back by
 * csv_read_buffer, so that its type (and, for a status column, its event
 * coding) is what the reader infers from the recoded values; it keeps its
 * place among the columns.  -1 with err "NAME: recode: ..." for a column
 * that is not there or a value no row holds. */
int csv_apply_recode(cohort *c, const csv_options *o, const char *name, char *err, size_t errlen);

#endif
