/* errbuf.h - the one way core fills a caller's error buffer.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core never prints: a function that fails writes its message into the
 * (err, errlen) buffer its caller gave, and returns a status.
 */
#ifndef TNMLAB_ERRBUF_H
#define TNMLAB_ERRBUF_H

#include <stddef.h>

/* Formats the message into err (always NUL-terminated, cut to errlen);
 * does nothing when err is NULL or errlen is 0. */
void tnm_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
