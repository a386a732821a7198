/* SPDX-License-Identifier: BSD-2-Clause */
/* common/out.c: the text / JSON print path (see out.h). */
#include <stdarg.h>

#include "out.h"

void out_init(struct out *o, FILE *f, bool json)
{
	o->json = json;
	o->f = f;
	steer_json_init(&o->j, f, true);
}

void out_init_compact(struct out *o, FILE *f)
{
	o->json = true;
	o->f = f;
	steer_json_init(&o->j, f, false);
}

void out_obj_open(struct out *o, const char *key)
{
	if (o->json)
		steer_json_obj_open(&o->j, key);
}

void out_obj_close(struct out *o)
{
	if (o->json)
		steer_json_obj_close(&o->j);
}

void out_arr_open(struct out *o, const char *key)
{
	if (o->json) {
		o->j.compact_arrays = false;
		steer_json_arr_open(&o->j, key);
	}
}

void out_arr_close(struct out *o)
{
	if (o->json)
		steer_json_arr_close(&o->j);
}

/* The format strings are the callers' literals, checked where they are written. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void out_str(struct out *o, const char *key, const char *fmt, const char *v)
{
	if (o->json)
		steer_json_str(&o->j, key, v);
	else if (fmt)
		fprintf(o->f, fmt, v ? v : "-");
}

void out_u64(struct out *o, const char *key, const char *fmt, uint64_t v)
{
	if (o->json)
		steer_json_u64(&o->j, key, v);
	else if (fmt)
		fprintf(o->f, fmt, (unsigned long long)v);
}

void out_double(struct out *o, const char *key, const char *fmt, double v, int json_decimals)
{
	if (o->json)
		steer_json_double(&o->j, key, v, json_decimals);
	else if (fmt)
		fprintf(o->f, fmt, v);
}

void out_bool(struct out *o, const char *key, const char *fmt, bool v)
{
	if (o->json)
		steer_json_bool(&o->j, key, v);
	else if (fmt)
		fprintf(o->f, fmt, v ? "yes" : "no");
}

void out_text(struct out *o, const char *fmt, ...)
{
	if (o->json)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

void out_end(struct out *o)
{
	if (o->json)
		steer_json_end(&o->j);
}
