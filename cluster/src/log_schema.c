/* SPDX-License-Identifier: BSD-2-Clause */
/* log_schema.c: the schemas of the logs steer writes (Zeek's columns: REFERENCE-cluster.md 1.1,
 * 4-8), their validation and compiled form, and the stream descriptor that travels with batches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "log_int.h"

#define F(n, t)                                                                                    \
	{                                                                                          \
		n, t                                                                               \
	}
#define SCHEMA(var, p, arr)                                                                        \
	static const struct clu_log_schema var = {p, sizeof(arr) / sizeof(arr[0]), arr}

static const struct clu_log_field conn_f[] = {
    F("ts", "time"),          F("uid", "string"),          F("id.orig_h", "addr"),
    F("id.orig_p", "port"),   F("id.resp_h", "addr"),      F("id.resp_p", "port"),
    F("proto", "enum"),       F("service", "string"),      F("duration", "interval"),
    F("orig_bytes", "count"), F("resp_bytes", "count"),    F("conn_state", "string"),
    F("local_orig", "bool"),  F("local_resp", "bool"),     F("missed_bytes", "count"),
    F("history", "string"),   F("orig_pkts", "count"),     F("orig_ip_bytes", "count"),
    F("resp_pkts", "count"),  F("resp_ip_bytes", "count"), F("tunnel_parents", "set[string]"),
    F("ip_proto", "count"),
};
static const struct clu_log_field known_hosts_f[] = {F("ts", "time"), F("host", "addr")};
static const struct clu_log_field known_services_f[] = {
    F("ts", "time"),         F("host", "addr"),           F("port_num", "port"),
    F("port_proto", "enum"), F("service", "set[string]"),
};
static const struct clu_log_field notice_f[] = {
    F("ts", "time"),
    F("uid", "string"),
    F("id.orig_h", "addr"),
    F("id.orig_p", "port"),
    F("id.resp_h", "addr"),
    F("id.resp_p", "port"),
    F("fuid", "string"),
    F("file_mime_type", "string"),
    F("file_desc", "string"),
    F("proto", "enum"),
    F("note", "enum"),
    F("msg", "string"),
    F("sub", "string"),
    F("src", "addr"),
    F("dst", "addr"),
    F("p", "port"),
    F("n", "count"),
    F("peer_descr", "string"),
    F("actions", "set[enum]"),
    F("email_dest", "set[string]"),
    F("suppress_for", "interval"),
    F("remote_location.country_code", "string"),
    F("remote_location.region", "string"),
    F("remote_location.city", "string"),
    F("remote_location.latitude", "double"),
    F("remote_location.longitude", "double"),
};
static const struct clu_log_field cluster_f[] = {
    F("ts", "time"),
    F("node", "string"),
    F("message", "string"),
};
static const struct clu_log_field weird_f[] = {
    F("ts", "time"),        F("uid", "string"),     F("id.orig_h", "addr"), F("id.orig_p", "port"),
    F("id.resp_h", "addr"), F("id.resp_p", "port"), F("name", "string"),    F("addl", "string"),
    F("notice", "bool"),    F("peer", "string"),    F("source", "string"),
};
static const struct clu_log_field capture_loss_f[] = {
    F("ts", "time"),    F("ts_delta", "interval"), F("peer", "string"),
    F("gaps", "count"), F("acks", "count"),        F("percent_lost", "double"),
};
static const struct clu_log_field stats_f[] = {
    F("ts", "time"),
    F("peer", "string"),
    F("mem", "count"),
    F("pkts_proc", "count"),
    F("bytes_recv", "count"),
    F("pkts_dropped", "count"),
    F("pkts_link", "count"),
    F("pkt_lag", "interval"),
    F("pkts_filtered", "count"),
    F("events_proc", "count"),
    F("events_queued", "count"),
    F("active_tcp_conns", "count"),
    F("active_udp_conns", "count"),
    F("active_icmp_conns", "count"),
    F("tcp_conns", "count"),
    F("udp_conns", "count"),
    F("icmp_conns", "count"),
    F("timers", "count"),
    F("active_timers", "count"),
    F("files", "count"),
    F("active_files", "count"),
    F("dns_requests", "count"),
    F("active_dns_requests", "count"),
    F("reassem_tcp_size", "count"),
    F("reassem_file_size", "count"),
    F("reassem_frag_size", "count"),
    F("reassem_unknown_size", "count"),
};

SCHEMA(conn_s, "conn", conn_f);
SCHEMA(known_hosts_s, "known_hosts", known_hosts_f);
SCHEMA(known_services_s, "known_services", known_services_f);
SCHEMA(notice_s, "notice", notice_f);
SCHEMA(cluster_s, "cluster", cluster_f);
SCHEMA(weird_s, "weird", weird_f);
SCHEMA(capture_loss_s, "capture_loss", capture_loss_f);
SCHEMA(stats_s, "stats", stats_f);

static const struct clu_log_schema *const builtin[] = {
    &conn_s,    &known_hosts_s, &known_services_s, &notice_s,
    &cluster_s, &weird_s,       &capture_loss_s,   &stats_s,
};

const struct clu_log_schema *const *clu_log_schemas(unsigned *n)
{
	*n = sizeof(builtin) / sizeof(builtin[0]);
	return builtin;
}

const struct clu_log_schema *clu_log_schema_builtin(const char *path)
{
	for (size_t i = 0; path && i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (strcmp(builtin[i]->path, path) == 0)
			return builtin[i];
	return NULL;
}

static const struct {
	const char *name;
	enum clu__ftype t;
} type_names[] = {
    {"time", CLU__T_TIME},   {"interval", CLU__T_INTERVAL}, {"string", CLU__T_STRING},
    {"addr", CLU__T_ADDR},   {"port", CLU__T_PORT},         {"enum", CLU__T_ENUM},
    {"count", CLU__T_COUNT}, {"int", CLU__T_INT},           {"double", CLU__T_DOUBLE},
    {"bool", CLU__T_BOOL},   {"subnet", CLU__T_SUBNET},
};

static int base_type(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strlen(type_names[i].name) == n && memcmp(type_names[i].name, s, n) == 0)
			return (int)type_names[i].t;
	return 0;
}

/* Parses a Zeek type name into base type and container. 0 or STEER_EINVAL. */
static int parse_type(const char *s, uint8_t *base, uint8_t *cont)
{
	size_t n = strlen(s);
	*cont = CLU__C_NONE;
	if (n > 5 && memcmp(s, "set[", 4) == 0 && s[n - 1] == ']') {
		*cont = CLU__C_SET;
		s += 4;
		n -= 5;
	} else if (n > 8 && memcmp(s, "vector[", 7) == 0 && s[n - 1] == ']') {
		*cont = CLU__C_VECTOR;
		s += 7;
		n -= 8;
	}
	int t = base_type(s, n);
	if (!t)
		return STEER_EINVAL;
	*base = (uint8_t)t;
	return 0;
}

static bool name_ok(const char *s, bool is_path)
{
	size_t n = strlen(s);
	if (n == 0 || n > CLU_LOG_MAX_NAME || (is_path && s[0] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

void clu_log_stream_free(struct clu_log_stream *st)
{
	if (!st)
		return;
	free(st->fields);
	free(st->base);
	free(st->container);
	free(st->name_len);
	free(st->desc);
	free(st->strings);
	free(st);
}

int clu_log_stream_new(const struct clu_log_schema *s, struct clu_log_stream **out, char *errbuf)
{
	*out = NULL;
	const char *path = s && s->path ? s->path : "";
	if (!s || !name_ok(path, true)) {
		snprintf(
		    errbuf, STEER_ERRBUF_SIZE,
		    "log stream '%.64s': path must be 1-%d bytes of [A-Za-z0-9_.-], not starting "
		    "with '.'",
		    path, CLU_LOG_MAX_NAME);
		return STEER_EINVAL;
	}
	if (s->nfields == 0 || s->nfields > CLU_LOG_MAX_FIELDS || !s->fields) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "log stream '%s': %u fields (1-%d allowed)",
		         path, s->nfields, CLU_LOG_MAX_FIELDS);
		return STEER_EINVAL;
	}
	size_t total = strlen(path) + 1, desc = strlen(path) + 1;
	for (unsigned i = 0; i < s->nfields; i++) {
		const struct clu_log_field *f = &s->fields[i];
		uint8_t b, c;
		if (!f->name || !name_ok(f->name, false)) {
			snprintf(
			    errbuf, STEER_ERRBUF_SIZE,
			    "log stream '%s': field %u: name must be 1-%d bytes of [A-Za-z0-9_.-]",
			    path, i + 1, CLU_LOG_MAX_NAME);
			return STEER_EINVAL;
		}
		if (!f->type || strlen(f->type) > CLU_LOG_MAX_NAME || parse_type(f->type, &b, &c)) {
			snprintf(errbuf, STEER_ERRBUF_SIZE,
			         "log stream '%s': field %u (%s): unknown type '%.64s'", path,
			         i + 1, f->name, f->type ? f->type : "");
			return STEER_EINVAL;
		}
		for (unsigned j = 0; j < i; j++)
			if (strcmp(s->fields[j].name, f->name) == 0) {
				snprintf(errbuf, STEER_ERRBUF_SIZE,
				         "log stream '%s': field %u: name '%s' used twice", path,
				         i + 1, f->name);
				return STEER_EINVAL;
			}
		total += strlen(f->name) + strlen(f->type) + 2;
		desc += strlen(f->name) + strlen(f->type) + 2;
	}
	struct clu_log_stream *st = calloc(1, sizeof(*st));
	if (!st)
		return STEER_ENOMEM;
	st->fields = calloc(s->nfields, sizeof(*st->fields));
	st->base = calloc(s->nfields, 1);
	st->container = calloc(s->nfields, 1);
	st->name_len = calloc(s->nfields, 1);
	st->strings = malloc(total);
	st->desc = malloc(desc + 1);
	if (!st->fields || !st->base || !st->container || !st->name_len || !st->strings ||
	    !st->desc) {
		clu_log_stream_free(st);
		return STEER_ENOMEM;
	}
	char *p = st->strings;
	size_t n = strlen(path) + 1;
	memcpy(p, path, n);
	st->schema.path = p;
	p += n;
	char *d = st->desc;
	d += sprintf(d, "%s\n", path);
	for (unsigned i = 0; i < s->nfields; i++) {
		n = strlen(s->fields[i].name) + 1;
		memcpy(p, s->fields[i].name, n);
		st->fields[i].name = p;
		st->name_len[i] = (uint8_t)(n - 1);
		p += n;
		d += sprintf(d, "%s%c", s->fields[i].name, i + 1 < s->nfields ? '\t' : '\n');
	}
	for (unsigned i = 0; i < s->nfields; i++) {
		n = strlen(s->fields[i].type) + 1;
		memcpy(p, s->fields[i].type, n);
		st->fields[i].type = p;
		p += n;
		d += sprintf(d, "%s%c", s->fields[i].type, i + 1 < s->nfields ? '\t' : '\n');
		parse_type(p - n, &st->base[i], &st->container[i]);
	}
	st->desc_len = (size_t)(d - st->desc);
	st->schema.nfields = s->nfields;
	st->schema.fields = st->fields;
	*out = st;
	return 0;
}

const struct clu_log_schema *clu_log_stream_schema(const struct clu_log_stream *st)
{
	return &st->schema;
}

bool clu_log_stream_equal(const struct clu_log_stream *a, const struct clu_log_stream *b)
{
	return a == b || (a->desc_len == b->desc_len && memcmp(a->desc, b->desc, a->desc_len) == 0);
}

const char *clu_log_stream_descriptor(const struct clu_log_stream *st, size_t *len)
{
	*len = st->desc_len;
	return st->desc;
}

/* Splits one '\n'-terminated line of buf into tab-separated tokens copied into store. Returns
 * the token count, or -1 when the line is missing or has too many tokens. */
static int split_line(const char **pp, const char *end, char **tok, int max, char **store)
{
	const char *p = *pp;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return -1;
	int n = 0;
	for (;;) {
		const char *t = p;
		while (t < nl && *t != '\t')
			t++;
		if (n == max)
			return -1;
		size_t len = (size_t)(t - p);
		if (len > CLU_LOG_MAX_NAME)
			len = CLU_LOG_MAX_NAME + 1; /* too long: name_ok refuses it */
		memcpy(*store, p, len);
		(*store)[len] = '\0';
		tok[n++] = *store;
		*store += len + 1;
		if (t == nl)
			break;
		p = t + 1;
	}
	*pp = nl + 1;
	return n;
}

int clu_log_stream_decode(const void *buf, size_t len, struct clu_log_stream **out, char *errbuf)
{
	*out = NULL;
	const char *p = buf, *end = p + len;
	if (!buf || len == 0 || len > 64 * 1024) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "log stream descriptor: %zu bytes", len);
		return STEER_EINVAL;
	}
	if (memchr(p, '\0', len)) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "log stream descriptor: NUL byte");
		return STEER_EINVAL;
	}
	char *store = malloc(len + 3 * (CLU_LOG_MAX_FIELDS + 2) * 2);
	char **tok = malloc(sizeof(char *) * (2 * CLU_LOG_MAX_FIELDS + 1));
	struct clu_log_field *f = malloc(sizeof(*f) * CLU_LOG_MAX_FIELDS);
	if (!store || !tok || !f) {
		free(store);
		free(tok);
		free(f);
		return STEER_ENOMEM;
	}
	char *s = store;
	int rc = STEER_EINVAL;
	int np = split_line(&p, end, tok, 1, &s);
	int nn = np == 1 ? split_line(&p, end, tok + 1, CLU_LOG_MAX_FIELDS, &s) : -1;
	int nt = nn > 0 ? split_line(&p, end, tok + 1 + nn, CLU_LOG_MAX_FIELDS, &s) : -1;
	if (np != 1 || nn <= 0 || nt != nn || p != end) {
		snprintf(
		    errbuf, STEER_ERRBUF_SIZE,
		    "log stream descriptor: want 3 lines (path, %d names at most, as many types)",
		    CLU_LOG_MAX_FIELDS);
		goto done;
	}
	for (int i = 0; i < nn; i++) {
		f[i].name = tok[1 + i];
		f[i].type = tok[1 + nn + i];
	}
	struct clu_log_schema sc = {tok[0], (unsigned)nn, f};
	rc = clu_log_stream_new(&sc, out, errbuf);
done:
	free(store);
	free(tok);
	free(f);
	return rc;
}
