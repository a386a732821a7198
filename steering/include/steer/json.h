/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/json.h: a small streaming JSON writer (RFC 8259) with string escaping. */
#ifndef STEER_JSON_H
#define STEER_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

#define STEER_JSON_MAX_DEPTH 16

/* Writer state. Keys are given inside objects and must be NULL inside arrays and at the top.
 * Nesting deeper than STEER_JSON_MAX_DEPTH is a programming error (asserted). */
struct steer_json {
	FILE *f;
	bool pretty;          /* newline + two-space indentation per level */
	bool compact_arrays;  /* in pretty mode, keep arrays of scalars on one line */
	int depth;
	bool first[STEER_JSON_MAX_DEPTH];
	bool in_array[STEER_JSON_MAX_DEPTH];
};

void steer_json_init(struct steer_json *j, FILE *f, bool pretty);
void steer_json_obj_open(struct steer_json *j, const char *key);
void steer_json_obj_close(struct steer_json *j);
void steer_json_arr_open(struct steer_json *j, const char *key);
void steer_json_arr_close(struct steer_json *j);
/* Scalars. str NULL writes null. */
void steer_json_str(struct steer_json *j, const char *key, const char *str);
void steer_json_u64(struct steer_json *j, const char *key, uint64_t v);
void steer_json_i64(struct steer_json *j, const char *key, int64_t v);
void steer_json_bool(struct steer_json *j, const char *key, bool v);
/* A finite double with the given number of decimals (non-finite values are written as null). */
void steer_json_double(struct steer_json *j, const char *key, double v, int decimals);
void steer_json_null(struct steer_json *j, const char *key);
/* Ends the document with a newline (after the top-level value is closed). */
void steer_json_end(struct steer_json *j);

/* Writes s as a quoted, escaped JSON string: control characters escaped, and every byte that
 * is not part of well-formed UTF-8 written as U+FFFD, so strict parsers take any input. */
void steer_json_write_string(FILE *f, const char *s);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
