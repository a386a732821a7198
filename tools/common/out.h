/* SPDX-License-Identifier: BSD-2-Clause */
/* common/out.h: one print path for text and --json output, in the manner of iproute2's json_print:
 * every value is printed once, as "key": value in JSON mode or through its format in text mode. */
#ifndef STEER_OUT_H
#define STEER_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <steer/json.h>

struct out {
	bool json;
	FILE *f;
	struct steer_json j;
};

void out_init(struct out *o, FILE *f, bool json);
/* JSON on one line (a document per line, as --stats writes them). */
void out_init_compact(struct out *o, FILE *f);
/* Structure: JSON only (text output is shaped by the formats). */
void out_obj_open(struct out *o, const char *key);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);
/* Values: JSON "key": value; text printf(fmt, value). A NULL fmt prints nothing in text mode. */
void out_str(struct out *o, const char *key, const char *fmt, const char *v);
void out_u64(struct out *o, const char *key, const char *fmt, uint64_t v);
void out_double(struct out *o, const char *key, const char *fmt, double v, int json_decimals);
void out_bool(struct out *o, const char *key, const char *fmt, bool v);
/* Text-only decoration (labels, separators, newlines). */
void out_text(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the output (a newline after the JSON document). */
void out_end(struct out *o);

#endif
