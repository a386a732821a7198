/* SPDX-License-Identifier: BSD-2-Clause */
/* log_rec.c: the record builder: one record of a stream in Zeek's TSV (formatters/Ascii.cc with
 * ODesc escaping, enable_utf_8=T) or JSON (formatters/JSON.cc) form: REFERENCE-cluster.md 2. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "log_int.h"

struct clu_logrec {
	const struct clu_log_stream *st;
	enum clu_log_format fmt;
	struct clu__buf b;
	unsigned i;     /* the next field */
	bool in_set;    /* inside set_open / set_close of field i */
	unsigned nelem; /* elements so far in the open set */
	bool any;       /* JSON: a member was written (comma before the next) */
	bool done;      /* ended: nothing may be added until the next begin */
	bool bad;
	char err[200];
};

static const char *const tname[] = {
    "?",    "time",  "interval", "string", "addr", "port",
    "enum", "count", "int",      "double", "bool", "subnet",
};

int clu_logrec_new(const struct clu_log_stream *st, enum clu_log_format fmt,
                   struct clu_logrec **out)
{
	struct clu_logrec *r = calloc(1, sizeof(*r));
	if (!r || clu__buf_reserve(&r->b, 1024)) {
		free(r);
		*out = NULL;
		return STEER_ENOMEM;
	}
	r->st = st;
	r->fmt = fmt;
	*out = r;
	clu_logrec_begin(r);
	return 0;
}

void clu_logrec_free(struct clu_logrec *r)
{
	if (!r)
		return;
	clu__buf_free(&r->b);
	free(r);
}

void clu_logrec_begin(struct clu_logrec *r)
{
	r->b.len = 0;
	r->i = 0;
	r->in_set = false;
	r->nelem = 0;
	r->any = false;
	r->done = false;
	r->bad = false;
	r->err[0] = '\0';
	if (r->fmt == CLU_LOG_JSON)
		r->b.p[r->b.len++] = '{';
}

const char *clu_logrec_error(const struct clu_logrec *r)
{
	return r->err;
}

static int fail(struct clu_logrec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct clu_logrec *r, const char *fmt, ...)
{
	if (!r->bad) {
		int n = snprintf(r->err, sizeof(r->err), "%s: ", r->st->schema.path);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	r->bad = true;
	return STEER_EINVAL;
}

/* Checks that a field may start (the record is open, fields remain). */
static int check_open(struct clu_logrec *r)
{
	if (r->bad)
		return STEER_EINVAL;
	if (r->done)
		return fail(r, "record already ended");
	if (r->i >= r->st->schema.nfields)
		return fail(r, "more fields than the %u of the schema", r->st->schema.nfields);
	return 0;
}

/* Writes what precedes a value (separator, JSON key, set separator) after checking that the
 * next value may be of type t (t = 0: the opening of field i's set). need: bytes the value may
 * take. */
static int open_value(struct clu_logrec *r, enum clu__ftype t, size_t need)
{
	int rc = check_open(r);
	if (rc)
		return rc;
	const struct clu_log_stream *st = r->st;
	bool want_set = t == 0 || r->in_set;
	if ((t && st->base[r->i] != t) || (st->container[r->i] != CLU__C_NONE) != want_set)
		return fail(r, "field %u (%s) is %s, got %s%s", r->i + 1, st->fields[r->i].name,
		            st->fields[r->i].type, r->in_set ? "an element of type " : "",
		            t ? tname[t] : "a set");
	size_t name_len = st->name_len[r->i];
	if (clu__buf_reserve(&r->b, need + name_len + 8))
		return fail(r, "out of memory");
	char *p = r->b.p + r->b.len;
	if (r->in_set) {
		if (r->nelem++)
			*p++ = ',';
	} else if (r->fmt == CLU_LOG_TSV) {
		if (r->i)
			*p++ = '\t';
	} else {
		if (r->any)
			*p++ = ',';
		*p++ = '"';
		memcpy(p, st->fields[r->i].name, name_len);
		p += name_len;
		*p++ = '"';
		*p++ = ':';
		r->any = true;
	}
	r->b.len = (size_t)(p - r->b.p);
	return 0;
}

static void close_value(struct clu_logrec *r)
{
	if (!r->in_set)
		r->i++;
}

static int put_text(struct clu_logrec *r, enum clu__ftype t, const char *s, size_t n)
{
	int rc = open_value(r, t, n);
	if (rc)
		return rc;
	memcpy(r->b.p + r->b.len, s, n);
	r->b.len += n;
	close_value(r);
	return 0;
}

int clu_logrec_time_us(struct clu_logrec *r, int64_t usec)
{
	char t[40];
	return put_text(r, CLU__T_TIME, t, clu__fmt_usec(usec, r->fmt == CLU_LOG_JSON, t));
}

int clu_logrec_interval_us(struct clu_logrec *r, int64_t usec)
{
	char t[40];
	return put_text(r, CLU__T_INTERVAL, t, clu__fmt_usec(usec, r->fmt == CLU_LOG_JSON, t));
}

/* Nanoseconds floored to the microsecond (libpcap's conversion to microsecond precision). */
static int64_t ns_to_us(int64_t ns)
{
	return ns / 1000 - (ns % 1000 < 0);
}

int clu_logrec_time_ns(struct clu_logrec *r, int64_t nsec)
{
	return clu_logrec_time_us(r, ns_to_us(nsec));
}

int clu_logrec_interval_ns(struct clu_logrec *r, int64_t nsec)
{
	return clu_logrec_interval_us(r, ns_to_us(nsec));
}

int clu_logrec_double(struct clu_logrec *r, double v)
{
	char t[360];
	size_t n = r->fmt == CLU_LOG_JSON ? clu__fmt_double_json(v, t) : clu__fmt_double_tsv(v, t);
	return put_text(r, CLU__T_DOUBLE, t, n);
}

int clu_logrec_count(struct clu_logrec *r, uint64_t v)
{
	char t[24];
	return put_text(r, CLU__T_COUNT, t, clu__u64dec(v, t));
}

int clu_logrec_int(struct clu_logrec *r, int64_t v)
{
	char t[24];
	size_t n = 0;
	if (v < 0)
		t[n++] = '-';
	n += clu__u64dec(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, t + n);
	return put_text(r, CLU__T_INT, t, n);
}

int clu_logrec_port(struct clu_logrec *r, uint16_t port)
{
	char t[8];
	return put_text(r, CLU__T_PORT, t, clu__u64dec(port, t));
}

int clu_logrec_bool(struct clu_logrec *r, bool v)
{
	if (r->fmt == CLU_LOG_JSON)
		return v ? put_text(r, CLU__T_BOOL, "true", 4)
		         : put_text(r, CLU__T_BOOL, "false", 5);
	return put_text(r, CLU__T_BOOL, v ? "T" : "F", 1);
}

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* inet_ntop's text; a v4-mapped IPv6 address is an IPv4 one to Zeek (IPAddr). */
static size_t addr_text(const struct steer_addr *a, char *out)
{
	const uint8_t *v4 = NULL;
	if (a->family == 4)
		v4 = a->a;
	else if (memcmp(a->a, v4mapped, 12) == 0)
		v4 = a->a + 12;
	if (v4) {
		size_t n = 0;
		for (int i = 0; i < 4; i++) {
			if (i)
				out[n++] = '.';
			n += clu__u64dec(v4[i], out + n);
		}
		out[n] = '\0';
		return n;
	}
	if (!inet_ntop(AF_INET6, a->a, out, 46))
		out[0] = '\0';
	return strlen(out);
}

static int put_addr_text(struct clu_logrec *r, enum clu__ftype t, const char *s, size_t n)
{
	if (r->fmt == CLU_LOG_TSV)
		return put_text(r, t, s, n);
	char q[64];
	q[0] = '"';
	memcpy(q + 1, s, n);
	q[n + 1] = '"';
	return put_text(r, t, q, n + 2);
}

int clu_logrec_addr(struct clu_logrec *r, const struct steer_addr *a)
{
	if (a->family != 4 && a->family != 6)
		return fail(r, "field %u: address family %u", r->i + 1, a->family);
	char t[48];
	return put_addr_text(r, CLU__T_ADDR, t, addr_text(a, t));
}

int clu_logrec_subnet(struct clu_logrec *r, const struct steer_addr *a, unsigned prefix_len)
{
	bool v4 = a->family == 4 || (a->family == 6 && memcmp(a->a, v4mapped, 12) == 0);
	if ((a->family != 4 && a->family != 6) || prefix_len > (v4 ? 32u : 128u))
		return fail(r, "field %u: subnet /%u of family %u", r->i + 1, prefix_len,
		            a->family);
	char t[56];
	size_t n = addr_text(a, t);
	t[n++] = '/';
	n += clu__u64dec(prefix_len, t + n);
	return put_addr_text(r, CLU__T_SUBNET, t, n);
}

static const char hexd[] = "0123456789abcdef";

/* One run of text (between TSV escape points, or a whole JSON string) as Zeek's escape_utf8:
 * raw when every character is printable ASCII or acceptable UTF-8 (JSON: also \b\f\n\r\t),
 * otherwise every byte outside those ASCII ones as \xNN. JSON then escapes '"', '\' and the
 * five controls as RapidJSON does. Room: the caller reserved 5 bytes per input byte. */
static char *put_run(char *o, const unsigned char *s, size_t n, bool json)
{
	bool raw = true;
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if (json && (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')) {
			i++;
			continue;
		}
		size_t k = c >= 0x80 ? clu__utf8_ok(s + i, n - i) : 0;
		if (!k) {
			raw = false;
			break;
		}
		i += k;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if (c >= 0x20 && c < 0x7f) {
			if (json && (c == '"' || c == '\\'))
				*o++ = '\\';
			*o++ = (char)c;
		} else if (json &&
		           (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')) {
			*o++ = '\\';
			*o++ = c == '\b'   ? 'b'
			       : c == '\f' ? 'f'
			       : c == '\n' ? 'n'
			       : c == '\r' ? 'r'
			                   : 't';
		} else if (raw) {
			*o++ = (char)c; /* part of valid UTF-8 */
		} else {
			*o++ = '\\';
			if (json)
				*o++ = '\\';
			*o++ = 'x';
			*o++ = hexd[c >> 4];
			*o++ = hexd[c & 15];
		}
	}
	return o;
}

/* A string or enum value in TSV: Zeek's reserved-word escape, then runs split at the escape
 * sequences (separator, backslash, and the set separator inside a set). */
static char *put_tsv_string(char *o, const unsigned char *s, size_t n, bool in_set)
{
	if (n == 0) {
		memcpy(o, "(empty)", 7);
		return o + 7;
	}
	if ((n == 1 && s[0] == '-') || (n == 7 && memcmp(s, "(empty)", 7) == 0)) {
		*o++ = '\\';
		*o++ = 'x';
		*o++ = hexd[s[0] >> 4];
		*o++ = hexd[s[0] & 15];
		s++;
		n--;
	}
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if (c != '\\' && c != '\t' && !(in_set && c == ','))
			continue;
		o = put_run(o, s + start, i - start, false);
		if (c == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else {
			memcpy(o, c == '\t' ? "\\x09" : "\\x2c", 4);
			o += 4;
		}
		start = i + 1;
	}
	return put_run(o, s + start, n - start, false);
}

static int put_string(struct clu_logrec *r, enum clu__ftype t, const void *s, size_t n)
{
	if (n > SIZE_MAX / 8)
		return fail(r, "field %u: string too long", r->i + 1);
	int rc = open_value(r, t, 5 * n + 16);
	if (rc)
		return rc;
	char *o = r->b.p + r->b.len;
	if (r->fmt == CLU_LOG_TSV) {
		o = put_tsv_string(o, s, n, r->in_set);
	} else {
		*o++ = '"';
		o = put_run(o, s, n, true);
		*o++ = '"';
	}
	r->b.len = (size_t)(o - r->b.p);
	close_value(r);
	return 0;
}

int clu_logrec_string(struct clu_logrec *r, const void *s, size_t len)
{
	return put_string(r, CLU__T_STRING, s, len);
}

int clu_logrec_str(struct clu_logrec *r, const char *s)
{
	return put_string(r, CLU__T_STRING, s, strlen(s));
}

int clu_logrec_enum(struct clu_logrec *r, const char *name)
{
	return put_string(r, CLU__T_ENUM, name, strlen(name));
}

int clu_logrec_unset(struct clu_logrec *r)
{
	int rc = check_open(r);
	if (rc)
		return rc;
	const struct clu_log_stream *st = r->st;
	if (r->in_set) {
		if (st->container[r->i] != CLU__C_VECTOR)
			return fail(r, "field %u (%s): a set element cannot be unset", r->i + 1,
			            st->fields[r->i].name);
		if (clu__buf_reserve(&r->b, 8))
			return fail(r, "out of memory");
		if (r->nelem++)
			r->b.p[r->b.len++] = ',';
		if (r->fmt == CLU_LOG_TSV)
			r->b.p[r->b.len++] = '-';
		else
			memcpy(r->b.p + r->b.len, "null", 4), r->b.len += 4;
		return 0;
	}
	if (r->fmt == CLU_LOG_TSV) {
		if (clu__buf_reserve(&r->b, 4))
			return fail(r, "out of memory");
		if (r->i)
			r->b.p[r->b.len++] = '\t';
		r->b.p[r->b.len++] = '-';
	}
	r->i++; /* JSON: the key is left out */
	return 0;
}

int clu_logrec_set_open(struct clu_logrec *r)
{
	if (r->in_set && !r->bad)
		return fail(r, "field %u: set opened twice", r->i + 1);
	int rc = open_value(r, 0, 4);
	if (rc)
		return rc;
	if (r->fmt == CLU_LOG_JSON)
		r->b.p[r->b.len++] = '[';
	r->in_set = true;
	r->nelem = 0;
	return 0;
}

int clu_logrec_set_close(struct clu_logrec *r)
{
	if (r->bad)
		return STEER_EINVAL;
	if (!r->in_set || r->done)
		return fail(r, "field %u: set closed but not open", r->i + 1);
	if (clu__buf_reserve(&r->b, 8))
		return fail(r, "out of memory");
	if (r->fmt == CLU_LOG_JSON) {
		r->b.p[r->b.len++] = ']';
	} else if (r->nelem == 0) {
		memcpy(r->b.p + r->b.len, "(empty)", 7);
		r->b.len += 7;
	}
	r->in_set = false;
	r->i++;
	return 0;
}

int clu_logrec_end(struct clu_logrec *r, const char **line, size_t *len)
{
	*line = NULL;
	*len = 0;
	if (r->bad)
		return STEER_EINVAL;
	if (r->done)
		return fail(r, "record already ended");
	if (r->in_set)
		return fail(r, "field %u: set not closed", r->i + 1);
	if (r->i != r->st->schema.nfields)
		return fail(r, "%u of %u fields", r->i, r->st->schema.nfields);
	if (clu__buf_reserve(&r->b, 8))
		return fail(r, "out of memory");
	if (r->fmt == CLU_LOG_JSON) {
		r->b.p[r->b.len++] = '}';
	} else if (r->b.p[0] == '#') {
		/* Zeek's DoWrite: a line must not look like a header line. */
		memmove(r->b.p + 4, r->b.p + 1, r->b.len - 1);
		memcpy(r->b.p, "\\x23", 4);
		r->b.len += 3;
	}
	r->b.p[r->b.len++] = '\n';
	r->done = true;
	*line = r->b.p;
	*len = r->b.len;
	return 0;
}
