/* SPDX-License-Identifier: BSD-2-Clause */
/* config_ini_int.h: private to the config loader: an INI reader that keeps line numbers. */
#ifndef STEER_CONFIG_INI_INT_H
#define STEER_CONFIG_INI_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <steer/config.h>

/* Flags of steer__ini_parse(). */
#define STEER__INI_FLAT              1u /* [sections] do not scope keys: duplicates are file-wide */
#define STEER__INI_DOT_IS_UNDERSCORE 2u /* "a.b" and "a_b" name one key (zeekctl's plugin keys) */

/* One "[section]" header or "key = value" line. All strings point into struct steer__ini's
 * text and live as long as it does. */
struct steer__ini_entry {
	const char *section; /* the header's name; for a key, its section's (NULL before any) */
	const char *key;     /* NULL on a header line; lower-cased, as Python's ConfigParser does */
	const char *value;   /* NULL on a header line; trimmed, may be "" */
	unsigned line;       /* 1-based */
	unsigned dup_line;   /* line of an earlier header of the same name, or of the same key in
	                      * the same section; 0 when this is the first */
	unsigned sect_id;    /* which header the key follows (0: none); private to the reader */
};

struct steer__ini {
	char *text; /* one private copy of the input that the entries' strings point into */
	struct steer__ini_entry *v;
	size_t n, cap;
};

/* Reads buf (len bytes, any content: embedded NULs, CR LF, no final newline) into *ini.
 * Malformed lines are reported to diags as "path:LINE: error: ..." and skipped; duplicates are
 * only marked (dup_line) for the caller to report in its own words. Returns 0, or STEER_ENOMEM
 * with *ini empty. Free with steer__ini_free() in either case. */
int steer__ini_parse(struct steer__ini *ini, const char *buf, size_t len, unsigned flags,
                     const char *path, struct steer_diags *diags);
void steer__ini_free(struct steer__ini *ini);

/* Line splitter shared with networks.cfg: from *pos, sets *s and *n to the next line without
 * its "\n" or "\r\n" and advances *pos. Returns false at the end of buf. */
bool steer__ini_next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n);

#endif
