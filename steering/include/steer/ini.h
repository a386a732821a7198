/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/ini.h: the INI reader of node.cfg, steer.cfg and the balancer profiles: zeekctl's
 * dialect (Python ConfigParser's), every line numbered, duplicates marked, problems reported as
 * "path:LINE: error: ..." (steer/diag.h). */
#ifndef STEER_INI_H
#define STEER_INI_H

#include <stddef.h>

#include <steer/diag.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Flags of steer_ini_parse(). */
#define STEER_INI_FLAT              1u /* [sections] do not scope keys: duplicates are file-wide */
#define STEER_INI_DOT_IS_UNDERSCORE 2u /* "a.b" and "a_b" name one key (zeekctl's plugin keys) */

/* One "[section]" header or "key = value" line. All strings point into struct steer_ini's
 * text and live as long as it does. */
struct steer_ini_entry {
	const char *section; /* the header's name; for a key, its section's (NULL before any) */
	const char *key;     /* NULL on a header line; lower-cased, as Python's ConfigParser does */
	const char *value;   /* NULL on a header line; trimmed, may be "" */
	unsigned line;       /* 1-based */
	unsigned dup_line;   /* line of an earlier header of the same name, or of the same key in
	                      * the same section; 0 when this is the first */
	unsigned sect_id;    /* which header the key follows (0: none); the reader's own */
};

/* The lines read, in file order. Zero-initialise before steer_ini_parse. */
struct steer_ini {
	char *text; /* one private copy of the input that the entries' strings point into */
	struct steer_ini_entry *v;
	size_t n, cap;
};

/* Reads buf (len bytes, any content: embedded NULs, CR LF, no final newline) into *ini.
 * "[section]" headers; "key = value" or "key: value" split at the first '=' or ':'; keys
 * lower-cased, keys and values trimmed; whole-line comments starting with '#' or ';'; blank
 * lines. Malformed lines (a continuation line, a key without a value, ...) are reported to
 * diags as "path:LINE: error: ..." and skipped; duplicates are only marked (dup_line) for the
 * caller to report in its own words. Returns 0, or STEER_ENOMEM with *ini empty. Free with
 * steer_ini_free() in either case. */
int steer_ini_parse(struct steer_ini *ini, const char *buf, size_t len, unsigned flags,
                    const char *path, struct steer_diags *diags);
void steer_ini_free(struct steer_ini *ini);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
