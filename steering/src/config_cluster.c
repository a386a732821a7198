/* SPDX-License-Identifier: BSD-2-Clause */
/* config_cluster.c: the cluster options of steer.cfg (directories, ports, rotation, heartbeats,
 * log batches, CURVE keys, the workers' capture, log intervals and health thresholds) and the six zeekctl.cfg options that fill the same settings
 * (zeekctl's ZeroMQ/options.py names: LogDir, SpoolDir, ZeekPort, MetricsPort,
 * LogRotationInterval, StopTimeout), so that a site keeps the values it already has. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/ini.h>
#include <steer/names.h>

#include "config_int.h"

#define HOUR_MS   3600000ull
#define DAY_MS    (24 * HOUR_MS)
#define SUBST_MAX 4096 /* longest zeekctl.cfg value after ${VAR} substitution */

enum kind { V_DIR, V_PORT, V_ADDR, V_DURATION, V_COUNT, V_FORMAT, V_BOOL, V_USER, V_RATIO, V_PERCENT };

/* One option: its steer.cfg key, its zeekctl.cfg key (NULL if zeekctl has none), and the bounds
 * of a duration (ms) or count; zero_ok: a duration of 0 (never) is allowed too. */
struct copt {
	const char *key;
	const char *zeekctl;
	enum kind kind;
	unsigned long long min, max;
	bool zero_ok;
};

enum {
	C_LOG_DIR,
	C_SPOOL_DIR,
	C_STATE_DIR,
	C_BASE_PORT,
	C_METRICS_PORT,
	C_METRICS_ADDRESS,
	C_ROTATION,
	C_STOP_TIMEOUT,
	C_HB_INTERVAL,
	C_HB_MISSES,
	C_LOG_FORMAT,
	C_COMPRESS,
	C_BATCH_RECORDS,
	C_BATCH_INTERVAL,
	C_KEYS_DIR,
	C_SNAPLEN,
	C_CAPTURE_BUFFER,
	C_PROMISC,
	C_CAPTURE_USER,
	C_CAPTURE_LOSS_INTERVAL,
	C_STATS_INTERVAL,
	C_STEERING_INTERVAL,
	C_MAX_IMBALANCE,
	C_MAX_MISDIRECTED,
	C_MAX_SPLIT_ROUTING,
	C_MAX_UNEXPECTED_DEST,
	C__COUNT
};

static const struct copt copts[C__COUNT] = {
    [C_LOG_DIR] = {"log_dir", "LogDir", V_DIR, 0, 0, false},
    [C_SPOOL_DIR] = {"spool_dir", "SpoolDir", V_DIR, 0, 0, false},
    [C_STATE_DIR] = {"state_dir", NULL, V_DIR, 0, 0, false},
    [C_BASE_PORT] = {"base_port", "ZeekPort", V_PORT, 1, 65535, false},
    [C_METRICS_PORT] = {"metrics_port", "MetricsPort", V_PORT, 1, 65535, false},
    [C_METRICS_ADDRESS] = {"metrics_address", NULL, V_ADDR, 0, 0, false},
    [C_ROTATION] = {"rotation_interval", "LogRotationInterval", V_DURATION, 1000, 366 * DAY_MS,
                    true},
    [C_STOP_TIMEOUT] = {"stop_timeout", "StopTimeout", V_DURATION, 1000, DAY_MS, false},
    [C_HB_INTERVAL] = {"heartbeat_interval", NULL, V_DURATION, 10, HOUR_MS, false},
    [C_HB_MISSES] = {"heartbeat_misses", NULL, V_COUNT, 1, 1000, false},
    [C_LOG_FORMAT] = {"log_format", NULL, V_FORMAT, 0, 0, false},
    [C_COMPRESS] = {"compress_logs", NULL, V_BOOL, 0, 0, false},
    [C_BATCH_RECORDS] = {"batch_records", NULL, V_COUNT, 1, 1000000, false},
    [C_BATCH_INTERVAL] = {"batch_interval", NULL, V_DURATION, 1, HOUR_MS, false},
    [C_KEYS_DIR] = {"keys_dir", NULL, V_DIR, 0, 0, false},
    [C_SNAPLEN] = {"snaplen", NULL, V_COUNT, 64, 262144, false},
    [C_CAPTURE_BUFFER] = {"capture_buffer_mb", NULL, V_COUNT, 1, 65536, false},
    [C_PROMISC] = {"promisc", NULL, V_BOOL, 0, 0, false},
    [C_CAPTURE_USER] = {"capture_user", NULL, V_USER, 0, 0, false},
    [C_CAPTURE_LOSS_INTERVAL] = {"capture_loss_interval", NULL, V_DURATION, 1000, DAY_MS, false},
    [C_STATS_INTERVAL] = {"stats_interval", NULL, V_DURATION, 1000, DAY_MS, false},
    [C_STEERING_INTERVAL] = {"steering_interval", NULL, V_DURATION, 1000, DAY_MS, false},
    [C_MAX_IMBALANCE] = {"max_imbalance", NULL, V_RATIO, 1, 1000, false},
    [C_MAX_MISDIRECTED] = {"max_misdirected", NULL, V_PERCENT, 0, 100, false},
    [C_MAX_SPLIT_ROUTING] = {"max_split_routing", NULL, V_PERCENT, 0, 100, false},
    [C_MAX_UNEXPECTED_DEST] = {"max_unexpected_dest", NULL, V_COUNT, 0, 4000000000u, false},
};

_Static_assert(C__COUNT <= STEER__COPT_MAX, "zeekctl_line[] too small");

int steer__cluster_defaults(struct steer_cluster_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->log_dir = strdup("/var/log/steer");
	o->spool_dir = strdup("/var/spool/steer");
	o->state_dir = strdup("/var/lib/steer");
	o->metrics_address = strdup("127.0.0.1");
	if (!o->log_dir || !o->spool_dir || !o->state_dir || !o->metrics_address)
		return STEER_ENOMEM;
	/* zeekctl's defaults: ZeekPort, MetricsPort, LogRotationInterval, StopTimeout. */
	o->base_port = 27760;
	o->metrics_port = 9991;
	o->rotation_ms = HOUR_MS;
	o->stop_timeout_ms = 60000;
	/* Zeek's Cluster heartbeat and Log batching defaults. */
	o->heartbeat_ms = 1000;
	o->heartbeat_misses = 3;
	o->log_format = STEER_LOG_TSV;
	o->compress = true;
	o->batch_records = 1000;
	o->batch_ms = 1000;
	/* Zeek's Pcap::snaplen, Pcap::bufsize, CaptureLoss::watch_interval and
	 * Stats::report_interval; steer's own health interval and thresholds. */
	o->snaplen = 9216;
	o->capture_buffer_mb = 128;
	o->promisc = true;
	o->capture_loss_ms = 15 * 60000ull;
	o->stats_ms = 5 * 60000ull;
	o->steering_ms = 60000ull;
	o->max_imbalance = 1.5;
	o->max_misdirected = 0;
	o->max_split_routing = 0.01;
	o->max_unexpected_dest = 0;
	return 0;
}

void steer__cluster_opts_free(struct steer_cluster_opts *o)
{
	free(o->log_dir);
	free(o->spool_dir);
	free(o->state_dir);
	free(o->metrics_address);
	free(o->keys_dir);
	free(o->capture_user);
	memset(o, 0, sizeof(*o));
}

/* ---- values ---- */

/* Where a value came from, for its diagnostics: "FILE:LINE: error: KEY: what". */
struct src {
	struct steer__cfg_ctx *c;
	const char *path;
	const char *key; /* as the file spells it (zeekctl's CamelCase for zeekctl.cfg) */
	unsigned line;
	bool zeekctl;
};

__attribute__((format(printf, 3, 4))) static void
vdiag(const struct src *s, enum steer_severity sev, const char *fmt, ...)
{
	char msg[STEER_ERRBUF_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	steer_diag_add(s->c->diags, sev, s->path, s->line, "%s: %s", s->key, msg);
}

static const struct steer_name log_format_names[] = {{STEER_LOG_TSV, "tsv"},
                                                     {STEER_LOG_JSON, "json"}};

const char *steer_log_format_name(enum steer_log_format f)
{
	return steer_name_of(log_format_names, STEER_NAMES_LEN(log_format_names), f, "unknown");
}

/* A word of table t, or the diagnostic listing them. */
static bool word(const struct src *s, const char *v, const struct steer_name *t, size_t n,
                 const char *what, int *value)
{
	char q[STEER__QUOTE_SIZE], list[96];
	if (steer_name_lookup(t, n, v, value) == 0)
		return true;
	vdiag(s, STEER_SEV_ERROR, "'%s' is not %s (%s)", steer__quote(v, q), what,
	      steer_names_list(t, n, list, sizeof(list)));
	return false;
}

/* "N" with a unit (ms, s, m or min, h); no unit: seconds. zeekctl.cfg: plain seconds only. */
static bool parse_duration(const char *v, bool units, unsigned long long *ms)
{
	static const struct {
		const char *u;
		unsigned long long ms;
	} units_tab[] = {{"", 1000},   {"ms", 1},      {"s", 1000},
	                 {"m", 60000}, {"min", 60000}, {"h", HOUR_MS}};
	size_t nd = strspn(v, "0123456789");
	if (nd == 0 || nd > 12)
		return false;
	char num[16];
	memcpy(num, v, nd);
	num[nd] = '\0';
	unsigned long long n = strtoull(num, NULL, 10);
	for (size_t i = 0; i < sizeof(units_tab) / sizeof(units_tab[0]); i++) {
		if (strcmp(v + nd, units_tab[i].u) != 0 || (!units && i > 0))
			continue;
		*ms = n * units_tab[i].ms; /* 12 digits times an hour fits in 64 bits */
		return true;
	}
	return false;
}

/* A decimal number ("1.5", "0.25"), with a '%' after it when percent (optional there). */
static bool parse_real(const char *v, bool percent, double *out)
{
	size_t n = strspn(v, "0123456789.");
	if (n == 0 || n > 16 || strchr(v, '.') != strrchr(v, '.') || v[0] == '.')
		return false;
	if (!(v[n] == '\0' || (percent && v[n] == '%' && v[n + 1] == '\0')))
		return false;
	char num[24];
	memcpy(num, v, n);
	num[n] = '\0';
	char *end;
	*out = strtod(num, &end);
	return *end == '\0' && isfinite(*out);
}

static void fmt_duration(unsigned long long ms, char *buf, size_t n)
{
	if (ms % HOUR_MS == 0 && ms)
		snprintf(buf, n, "%lluh", ms / HOUR_MS);
	else if (ms % 1000 == 0)
		snprintf(buf, n, "%llus", ms / 1000);
	else
		snprintf(buf, n, "%llums", ms);
}

static int set_str(char **dst, const char *v)
{
	char *p = strdup(v);
	if (!p)
		return STEER_ENOMEM;
	free(*dst);
	*dst = p;
	return 0;
}

/* Checks value v of option k and stores it; a bad value is reported and leaves the option as
 * it was. Returns 0 or STEER_ENOMEM. */
static int set_opt(const struct src *s, int k, const char *v)
{
	struct steer_cluster_opts *o = &s->c->cfg->cluster;
	const struct copt *op = &copts[k];
	char q[STEER__QUOTE_SIZE], a[24], b[24];
	unsigned long long d;
	unsigned long n;
	int w;

	switch (op->kind) {
	case V_DIR: {
		if (*v == '\0') {
			vdiag(s, STEER_SEV_ERROR, "empty value (a directory)");
			return 0;
		}
		char **dst = k == C_LOG_DIR     ? &o->log_dir
		             : k == C_SPOOL_DIR ? &o->spool_dir
		             : k == C_STATE_DIR ? &o->state_dir
		                                : &o->keys_dir;
		return set_str(dst, v);
	}
	case V_PORT:
		if (steer__parse_ulong(v, op->min, op->max, &n) != 0) {
			vdiag(s, STEER_SEV_ERROR, "'%s' is not a TCP port (1..65535)",
			      steer__quote(v, q));
			return 0;
		}
		*(k == C_BASE_PORT ? &o->base_port : &o->metrics_port) = (uint16_t)n;
		return 0;
	case V_ADDR: {
		struct steer_addr ad;
		if (steer_addr_parse(v, &ad) != 0) {
			vdiag(s, STEER_SEV_ERROR, "'%s' is not an IPv4 or IPv6 address",
			      steer__quote(v, q));
			return 0;
		}
		return set_str(&o->metrics_address, v);
	}
	case V_DURATION:
		fmt_duration(op->min, a, sizeof(a));
		fmt_duration(op->max, b, sizeof(b));
		if (!parse_duration(v, !s->zeekctl, &d)) {
			vdiag(s, STEER_SEV_ERROR, "'%s' is not a duration (%s)", steer__quote(v, q),
			      s->zeekctl
			          ? "whole seconds"
			          : "a number of seconds, or with a unit: 500ms, 30s, 5m, 1h");
			return 0;
		}
		if (!(d == 0 && op->zero_ok) && (d < op->min || d > op->max)) {
			vdiag(s, STEER_SEV_ERROR, "'%s' is out of range (%s%s..%s)",
			      steer__quote(v, q), op->zero_ok ? "0 for never, or " : "", a, b);
			return 0;
		}
		*(k == C_ROTATION                ? &o->rotation_ms
		  : k == C_STOP_TIMEOUT          ? &o->stop_timeout_ms
		  : k == C_HB_INTERVAL           ? &o->heartbeat_ms
		  : k == C_CAPTURE_LOSS_INTERVAL ? &o->capture_loss_ms
		  : k == C_STATS_INTERVAL        ? &o->stats_ms
		  : k == C_STEERING_INTERVAL     ? &o->steering_ms
		                                 : &o->batch_ms) = d;
		return 0;
	case V_COUNT:
		if (steer__parse_ulong(v, op->min, op->max, &n) != 0) {
			vdiag(s, STEER_SEV_ERROR, "'%s' is %s (%llu..%llu)", steer__quote(v, q),
			      strspn(v, "0123456789") == strlen(v) && *v ? "out of range"
			                                                 : "not a number",
			      op->min, op->max);
			return 0;
		}
		if (k == C_SNAPLEN)
			o->snaplen = (uint32_t)n;
		else if (k == C_CAPTURE_BUFFER)
			o->capture_buffer_mb = (uint32_t)n;
		else if (k == C_MAX_UNEXPECTED_DEST)
			o->max_unexpected_dest = n;
		else
			*(k == C_HB_MISSES ? &o->heartbeat_misses : &o->batch_records) = (unsigned)n;
		return 0;
	case V_FORMAT:
		if (word(s, v, log_format_names, STEER_NAMES_LEN(log_format_names), "a log format",
		         &w))
			o->log_format = (enum steer_log_format)w;
		return 0;
	case V_BOOL:
		if (word(s, v, steer_bool_names, STEER_NAMES_LEN(steer_bool_names), "a boolean",
		         &w))
			*(k == C_PROMISC ? &o->promisc : &o->compress) = w == 1;
		return 0;
	case V_USER:
		if (*v == '\0' || strlen(v) > 64 || strpbrk(v, " \t:/")) {
			vdiag(s, STEER_SEV_ERROR, "'%s' is not a user name or uid", steer__quote(v, q));
			return 0;
		}
		return set_str(&o->capture_user, v);
	case V_RATIO:
	case V_PERCENT: {
		double x;
		if (!parse_real(v, op->kind == V_PERCENT, &x) || x < (double)op->min ||
		    x > (double)op->max) {
			vdiag(s, STEER_SEV_ERROR, "'%s' is not %s (%llu..%llu)", steer__quote(v, q),
			      op->kind == V_PERCENT ? "a percentage, e.g. 0.5%" : "a ratio, e.g. 1.5",
			      op->min, op->max);
			return 0;
		}
		if (op->kind == V_PERCENT)
			x /= 100;
		*(k == C_MAX_IMBALANCE     ? &o->max_imbalance
		  : k == C_MAX_MISDIRECTED ? &o->max_misdirected
		                           : &o->max_split_routing) = x;
		return 0;
	}
	}
	return 0;
}

/* ---- steer.cfg ---- */

int steer__cluster_key(struct steer__cfg_ctx *c, const struct steer_ini_entry *e, bool *taken)
{
	*taken = false;
	for (int k = 0; k < C__COUNT; k++) {
		if (strcmp(e->key, copts[k].key) != 0)
			continue;
		*taken = true;
		struct src s = {.c = c, .path = c->cfg->steer_path, .key = e->key, .line = e->line};
		if (c->zeekctl_line[k])
			/* Both files are the site's; steer's own is the more specific. */
			vdiag(&s, STEER_SEV_WARNING, "overrides %s in zeekctl.cfg:%u",
			      copts[k].zeekctl, c->zeekctl_line[k]);
		return set_opt(&s, k, e->value);
	}
	return 0;
}

/* ---- zeekctl.cfg ---- */

static const struct steer_ini_entry *zk_find(const struct steer_ini *ini, const char *name,
                                             size_t len)
{
	for (size_t i = 0; i < ini->n; i++) {
		const struct steer_ini_entry *e = &ini->v[i];
		if (e->key && !e->dup_line && strlen(e->key) == len &&
		    strncasecmp(e->key, name, len) == 0)
			return e;
	}
	return NULL;
}

/* zeekctl expands ${Name} with the value of another option; steer knows only the options
 * written in the file (not zeekctl's installation ones such as ${ZeekBase}). */
static bool substitute(const struct src *s, const struct steer_ini *ini, const char *v, char *out,
                       size_t cap, int depth)
{
	char q[STEER__QUOTE_SIZE];
	size_t n = 0;
	while (*v) {
		const char *end;
		if (v[0] == '$' && v[1] == '{' && (end = strchr(v + 2, '}')) != NULL) {
			const char *name = v + 2;
			size_t len = (size_t)(end - name);
			const struct steer_ini_entry *ref = zk_find(ini, name, len);
			if (!ref) {
				vdiag(
				    s, STEER_SEV_ERROR,
				    "${%s} is not set in zeekctl.cfg (steer knows only the options "
				    "written there; write the value out)",
				    steer__quote_n(name, len, q));
				return false;
			}
			if (depth >= 8) {
				vdiag(s, STEER_SEV_ERROR,
				      "${%s}: references nested too deep (a loop?)",
				      steer__quote_n(name, len, q));
				return false;
			}
			char sub[SUBST_MAX];
			if (!substitute(s, ini, ref->value, sub, sizeof(sub), depth + 1))
				return false;
			size_t sl = strlen(sub);
			if (n + sl >= cap)
				goto long_value;
			memcpy(out + n, sub, sl);
			n += sl;
			v = end + 1;
			continue;
		}
		if (n + 1 >= cap)
			goto long_value;
		out[n++] = *v++;
	}
	out[n] = '\0';
	return true;
long_value:
	vdiag(s, STEER_SEV_ERROR, "value longer than %d bytes after substitution", SUBST_MAX - 1);
	return false;
}

int steer__zeekctl_cfg_parse(struct steer__cfg_ctx *c, const char *buf, size_t len)
{
	struct steer_ini ini;
	int rc = steer_ini_parse(&ini, buf, len, STEER_INI_FLAT, c->cfg->zeekctl_path, c->diags);
	if (rc != 0)
		return rc;
	char q[STEER__QUOTE_SIZE];
	for (size_t i = 0; i < ini.n && rc == 0; i++) {
		const struct steer_ini_entry *e = &ini.v[i];
		if (!e->key) {
			steer_diag_add(c->diags, STEER_SEV_ERROR, c->cfg->zeekctl_path, e->line,
			               "zeekctl.cfg takes no sections: remove [%s]",
			               steer__quote(e->section, q));
			continue;
		}
		for (int k = 0; k < C__COUNT; k++) {
			if (!copts[k].zeekctl || strcasecmp(e->key, copts[k].zeekctl) != 0)
				continue;
			struct src s = {.c = c,
			                .path = c->cfg->zeekctl_path,
			                .key = copts[k].zeekctl,
			                .line = e->line,
			                .zeekctl = true};
			if (e->dup_line) {
				vdiag(&s, STEER_SEV_ERROR, "given twice (first at line %u)",
				      e->dup_line);
				break;
			}
			char v[SUBST_MAX];
			if (!substitute(&s, &ini, e->value, v, sizeof(v), 0))
				break;
			c->zeekctl_line[k] = e->line;
			rc = set_opt(&s, k, v);
			break;
		}
	}
	steer_ini_free(&ini);
	return rc;
}

/* ---- after every file ---- */

static int resolve(char **path, const char *dir)
{
	if (!*path || (*path)[0] == '/' || !dir || !*dir)
		return 0;
	size_t dl = strlen(dir), pl = strlen(*path);
	bool slash = dir[dl - 1] != '/';
	char *p = malloc(dl + slash + pl + 1);
	if (!p)
		return STEER_ENOMEM;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, *path, pl + 1);
	free(*path);
	*path = p;
	return 0;
}

int steer__cluster_check(struct steer__cfg_ctx *c)
{
	struct steer_config *cfg = c->cfg;
	struct steer_cluster_opts *o = &cfg->cluster;
	/* Relative to the configuration directory, so a checkout's etc/ works from anywhere. */
	char **dirs[] = {&o->log_dir, &o->spool_dir, &o->state_dir, &o->keys_dir};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (resolve(dirs[i], cfg->dir) != 0)
			return STEER_ENOMEM;
	for (size_t i = 0; i < cfg->nnodes; i++)
		if (cfg->nodes[i].read && resolve(&cfg->nodes[i].read, cfg->dir) != 0)
			return STEER_ENOMEM;

	/* zeekctl's layout gives every process a port: the last must exist, and the two ranges
	 * (nodes, metrics) must not overlap. */
	unsigned long nproc = 0;
	for (size_t i = 0; i < cfg->nnodes; i++)
		nproc += cfg->nodes[i].type == STEER_NODE_WORKER ? cfg->nodes[i].lb_procs : 1;
	if (nproc == 0)
		return 0;
	const struct {
		const char *what;
		uint16_t base;
	} r[2] = {{"base_port", o->base_port}, {"metrics_port", o->metrics_port}};
	for (int i = 0; i < 2; i++)
		if (r[i].base + nproc - 1 > 65535)
			steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->steer_path, 0,
			               "%s: %u + %lu processes runs past port 65535", r[i].what,
			               (unsigned)r[i].base, nproc);
	if (o->base_port < o->metrics_port + nproc && o->metrics_port < o->base_port + nproc)
		steer_diag_add(
		    c->diags, STEER_SEV_ERROR, cfg->steer_path, 0,
		    "base_port %u and metrics_port %u: their ranges of %lu ports overlap",
		    (unsigned)o->base_port, (unsigned)o->metrics_port, nproc);
	return 0;
}
