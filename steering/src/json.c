/* SPDX-License-Identifier: BSD-2-Clause */
/* json.c: streaming JSON writer (RFC 8259): escaping, nesting, optional pretty printing. */
#include <assert.h>
#include <inttypes.h>
#include <math.h>

#include <steer/json.h>

void steer_json_init(struct steer_json *j, FILE *f, bool pretty)
{
	*j = (struct steer_json){.f = f, .pretty = pretty, .compact_arrays = true};
	j->first[0] = true;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong form, no surrogate,
 * nothing above U+10FFFF), or 0. */
static int utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	int n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (n == 0 || p[0] > 0xf4)
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

void steer_json_write_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80) {
			/* JSON text is Unicode: a byte that is not part of well-formed UTF-8 (a
			 * file name in another encoding) becomes U+FFFD, never raw */
			int n = utf8_len(p);
			if (n == 0) {
				fputs("\\ufffd", f);
			} else {
				fwrite(p, 1, (size_t)n, f);
				p += n - 1;
			}
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u00%c%c", hex[*p >> 4], hex[*p & 15]);
			} else {
				putc(*p, f);
			}
		}
	}
	putc('"', f);
}

static void indent(struct steer_json *j)
{
	putc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator, newline/indent and "key": before any value. */
static void begin_value(struct steer_json *j, const char *key)
{
	bool arr = j->in_array[j->depth];
	assert((j->depth > 0 && !arr) == (key != NULL));
	if (!j->first[j->depth])
		putc(',', j->f);
	if (j->pretty && j->depth > 0) {
		if (!(arr && j->compact_arrays))
			indent(j);
		else if (!j->first[j->depth])
			putc(' ', j->f);
	}
	j->first[j->depth] = false;
	if (key && !arr && j->depth > 0) {
		steer_json_write_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_container(struct steer_json *j, const char *key, char c, bool array)
{
	begin_value(j, key);
	putc(c, j->f);
	assert(j->depth + 1 < STEER_JSON_MAX_DEPTH);
	j->depth++;
	j->first[j->depth] = true;
	j->in_array[j->depth] = array;
}

static void close_container(struct steer_json *j, char c)
{
	bool empty = j->first[j->depth];
	bool compact = j->in_array[j->depth] && j->compact_arrays;
	assert(j->depth > 0);
	j->depth--;
	if (j->pretty && !empty && !compact)
		indent(j);
	putc(c, j->f);
}

void steer_json_obj_open(struct steer_json *j, const char *key) { open_container(j, key, '{', false); }
void steer_json_obj_close(struct steer_json *j) { close_container(j, '}'); }

void steer_json_arr_open(struct steer_json *j, const char *key)
{
	open_container(j, key, '[', true);
}

void steer_json_arr_close(struct steer_json *j) { close_container(j, ']'); }

void steer_json_str(struct steer_json *j, const char *key, const char *str)
{
	begin_value(j, key);
	if (str)
		steer_json_write_string(j->f, str);
	else
		fputs("null", j->f);
}

void steer_json_u64(struct steer_json *j, const char *key, uint64_t v)
{
	begin_value(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void steer_json_i64(struct steer_json *j, const char *key, int64_t v)
{
	begin_value(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void steer_json_bool(struct steer_json *j, const char *key, bool v)
{
	begin_value(j, key);
	fputs(v ? "true" : "false", j->f);
}

void steer_json_double(struct steer_json *j, const char *key, double v, int decimals)
{
	begin_value(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.*f", decimals, v);
	else
		fputs("null", j->f);
}

void steer_json_null(struct steer_json *j, const char *key)
{
	begin_value(j, key);
	fputs("null", j->f);
}

void steer_json_end(struct steer_json *j)
{
	assert(j->depth == 0);
	putc('\n', j->f);
}
