/* SPDX-License-Identifier: BSD-2-Clause */
/* log_line.c: the logger's check of a record line a peer sent: TSV shape (fields, no control
 * bytes, UTF-8) or one strict JSON object (RFC 8259), so that nothing malformed reaches a log. */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>

#include "log_int.h"

#define JSON_MAX_DEPTH 8

struct jp {
	const unsigned char *p, *end, *start;
	const char *why;
};

static int bad(char *why, size_t why_len, size_t off, const char *what)
{
	if (why && why_len)
		snprintf(why, why_len, "byte %zu: %s", off, what);
	return STEER_EINVAL;
}

/* Length of a well-formed UTF-8 sequence (RFC 3629) at s, 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int check_tsv(unsigned nfields, const unsigned char *s, size_t n, char *why, size_t wl)
{
	if (n == 0)
		return bad(why, wl, 0, "empty line");
	if (s[0] == '#')
		return bad(why, wl, 0, "starts with '#'");
	unsigned tabs = 0;
	size_t field_start = 0;
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
		} else if (c == '\t') {
			if (i == field_start)
				return bad(why, wl, i, "empty field");
			if (++tabs >= nfields)
				return bad(why, wl, i, "more fields than the stream has");
			field_start = ++i;
		} else if (c >= 0x80) {
			size_t k = utf8_len(s + i, n - i);
			if (!k)
				return bad(why, wl, i, "invalid UTF-8");
			i += k;
		} else {
			return bad(why, wl, i, "control byte");
		}
	}
	if (field_start == n)
		return bad(why, wl, n, "empty field");
	if (tabs + 1 != nfields) {
		char w[64];
		snprintf(w, sizeof(w), "%u fields, the stream has %u", tabs + 1, nfields);
		return bad(why, wl, n, w);
	}
	return 0;
}

static void ws(struct jp *j)
{
	while (j->p < j->end && *j->p == ' ')
		j->p++;
}

static bool fail_at(struct jp *j, const char *why)
{
	j->why = why;
	return false;
}

static bool lit(struct jp *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return fail_at(j, "bad literal");
	j->p += n;
	return true;
}

static bool is_hex(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool string(struct jp *j)
{
	j->p++; /* '"' */
	while (j->p < j->end) {
		unsigned c = *j->p;
		if (c == '"') {
			j->p++;
			return true;
		}
		if (c == '\\') {
			if (j->end - j->p < 2)
				return fail_at(j, "truncated escape");
			unsigned e = j->p[1];
			if (e == 'u') {
				if (j->end - j->p < 6 || !is_hex(j->p[2]) || !is_hex(j->p[3]) ||
				    !is_hex(j->p[4]) || !is_hex(j->p[5]))
					return fail_at(j, "bad \\u escape");
				j->p += 6;
			} else if (strchr("\"\\/bfnrt", (int)e) && e) {
				j->p += 2;
			} else {
				return fail_at(j, "bad escape");
			}
		} else if (c < 0x20 || c == 0x7f) {
			return fail_at(j, "control byte in a string");
		} else if (c >= 0x80) {
			size_t k = utf8_len(j->p, (size_t)(j->end - j->p));
			if (!k)
				return fail_at(j, "invalid UTF-8");
			j->p += k;
		} else {
			j->p++;
		}
	}
	return fail_at(j, "unterminated string");
}

static bool digits(struct jp *j)
{
	const unsigned char *s = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static bool number(struct jp *j)
{
	if (*j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!digits(j))
		return fail_at(j, "bad number");
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!digits(j))
			return fail_at(j, "bad fraction");
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!digits(j))
			return fail_at(j, "bad exponent");
	}
	return true;
}

static bool value(struct jp *j, int depth, unsigned *members);

/* An object or array at j->p; *members counts the object's members (top level only). */
static bool container(struct jp *j, int depth, unsigned *members)
{
	unsigned char close = *j->p == '{' ? '}' : ']';
	bool obj = close == '}';
	if (depth > JSON_MAX_DEPTH)
		return fail_at(j, "nested too deep");
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		ws(j);
		if (obj) {
			if (j->p >= j->end || *j->p != '"')
				return fail_at(j, "expected a key");
			if (!string(j))
				return false;
			ws(j);
			if (j->p >= j->end || *j->p != ':')
				return fail_at(j, "expected ':'");
			j->p++;
			if (members)
				(*members)++;
		}
		if (!value(j, depth + 1, NULL))
			return false;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return true;
		}
		return fail_at(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static bool value(struct jp *j, int depth, unsigned *members)
{
	ws(j);
	if (j->p >= j->end)
		return fail_at(j, "truncated");
	switch (*j->p) {
	case '{':
	case '[':
		return container(j, depth, members);
	case '"':
		return string(j);
	case 't':
		return lit(j, "true");
	case 'f':
		return lit(j, "false");
	case 'n':
		return lit(j, "null");
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return number(j);
		return fail_at(j, "unexpected byte");
	}
}

static int check_json(unsigned nfields, const unsigned char *s, size_t n, char *why, size_t wl)
{
	if (n == 0 || s[0] != '{')
		return bad(why, wl, 0, "not a JSON object");
	struct jp j = {s, s + n, s, NULL};
	unsigned members = 0;
	if (!container(&j, 1, &members))
		return bad(why, wl, (size_t)(j.p - s), j.why);
	ws(&j);
	if (j.p != j.end)
		return bad(why, wl, (size_t)(j.p - s), "bytes after the object");
	if (members > nfields) {
		char w[64];
		snprintf(w, sizeof(w), "%u members, the stream has %u fields", members, nfields);
		return bad(why, wl, n, w);
	}
	return 0;
}

int clu_logline_check(enum clu_log_format fmt, unsigned nfields, const char *line, size_t len,
                      char *why, size_t why_len)
{
	if (why && why_len)
		why[0] = '\0';
	const unsigned char *s = (const unsigned char *)line;
	if (nfields == 0 || nfields > CLU_LOG_MAX_FIELDS)
		return bad(why, why_len, 0, "bad field count");
	return fmt == CLU_LOG_JSON ? check_json(nfields, s, len, why, why_len)
	                           : check_tsv(nfields, s, len, why, why_len);
}
