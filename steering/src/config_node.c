/* SPDX-License-Identifier: BSD-2-Clause */
/* config_node.c: node.cfg, with the keys and rules of zeekctl's node configuration
 * (docs.zeek.org, "ZeekControl": node.cfg; ZeekControl/config.py), plus steer's plugin keys. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/ini.h>

#include "config_int.h"

/* More processes per node than any host has cores; the bound keeps the expanded process list
 * (and everything sized by it) small. */
#define LB_PROCS_MAX 4096u
#define CPU_MAX      65535u
#define WEIGHT_MAX   1000000u
#define NETNS_MAX    64u

enum key_id {
	K_TYPE,
	K_HOST,
	K_INTERFACE,
	K_LB_METHOD,
	K_LB_PROCS,
	K_LB_INTERFACES,
	K_PIN_CPUS,
	K_ENV_VARS,
	K_AUX_SCRIPTS,
	K_ZONE_ID,
	K_STEER_MAC,
	K_STEER_VLAN,
	K_STEER_PORT,
	K_STEER_WEIGHT,
	K_STEER_NETNS,
	K_STEER_READ,
	K__COUNT,
	K_UNKNOWN = K__COUNT,
	K_UNKNOWN_STEER,
	K_OTHER_PLUGIN,
};

static const char *const plain_keys[K_STEER_MAC] = {
    "type",          "host",     "interface", "lb_method",   "lb_procs",
    "lb_interfaces", "pin_cpus", "env_vars",  "aux_scripts", "zone_id",
};
/* In enum key_id's order from K_STEER_MAC; the zeekctl plugin generate writes declares them. */
const char *const steer_node_keys[] = {"mac", "vlan", "port", "weight", "netns", "read", NULL};
#define STEER_NKEYS (K__COUNT - K_STEER_MAC)

/* Node keys of zeekctl's bundled af_packet plugin (fanout_id, fanout_mode, buffer_size,
 * enable_defrag, ... as its version has them), as users write them: zeekctl reads
 * "plugin.key" as "plugin_key", so both spellings are in use. */
#define AF_PACKET_KEY_PREFIX "af_packet_"

static const char *const lb_methods[] = {"af_packet", "pf_ring", "myricom", "custom", "interfaces"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static enum key_id classify(const char *key)
{
	/* zeekctl maps '.' to '_', so "steer.mac" and "steer_mac" are the same key. */
	const char *rest = NULL;
	const char *dot = strchr(key, '.');
	if (dot) {
		if ((size_t)(dot - key) != 5 || strncmp(key, "steer", 5) != 0)
			return K_OTHER_PLUGIN;
		rest = dot + 1;
	} else if (strncmp(key, "steer_", 6) == 0) {
		rest = key + 6;
	}
	if (rest) {
		for (size_t i = 0; i < STEER_NKEYS; i++)
			if (strcmp(rest, steer_node_keys[i]) == 0)
				return (enum key_id)(K_STEER_MAC + i);
		return K_UNKNOWN_STEER;
	}
	for (size_t i = 0; i < NELEM(plain_keys); i++)
		if (strcmp(key, plain_keys[i]) == 0)
			return (enum key_id)i;
	if (strncmp(key, AF_PACKET_KEY_PREFIX, strlen(AF_PACKET_KEY_PREFIX)) == 0)
		return K_OTHER_PLUGIN;
	return K_UNKNOWN;
}

/* What one section's keys left behind for the checks that need all of them. */
struct section {
	struct steer__cfg_ctx *c;
	struct steer_node *node;
	struct steer__node_lines *nl;
	unsigned kline[K__COUNT]; /* line of each known key, 0 when absent */
	bool bad[K__COUNT];       /* its value was rejected (and reported) */
	size_t ncpus;             /* entries of pin_cpus */
};

static void key_msg(struct section *s, enum steer_severity sev, unsigned line, const char *key,
                    const char *msg)
{
	steer_diag_add(s->c->diags, sev, s->c->cfg->node_path, line, "[%s] %s: %s", s->node->name,
	               key, msg);
}

/* "node.cfg:LINE: error: [SECTION] KEY: what", at the entry's line. */
__attribute__((format(printf, 4, 5))) static void key_diag(struct section *s,
                                                           enum steer_severity sev,
                                                           const struct steer_ini_entry *e,
                                                           const char *fmt, ...)
{
	char msg[STEER_ERRBUF_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	key_msg(s, sev, e->line, e->key, msg);
}

/* A number key with the message shapes every number in node.cfg uses. */
static bool number(struct section *s, const struct steer_ini_entry *e, const char *noun,
                   unsigned long min, unsigned long max, unsigned long *v)
{
	char q[STEER__QUOTE_SIZE];
	int rc = steer__parse_ulong(e->value, min, max, v);
	if (rc == 0)
		return true;
	if (rc == STEER_EINVAL)
		key_diag(s, STEER_SEV_ERROR, e, "'%s' is not a number (%s: %lu..%lu)",
		         steer__quote(e->value, q), noun, min, max);
	else if (*v < min)
		key_diag(s, STEER_SEV_ERROR, e, "%s must be at least %lu", noun, min);
	else
		key_diag(s, STEER_SEV_ERROR, e, "'%s' is out of range (%s: %lu..%lu)",
		         steer__quote(e->value, q), noun, min, max);
	return false;
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

/* Trimmed pieces of a comma-separated value; false at the end. */
static bool next_item(const char **p, const char **b, size_t *n)
{
	if (!*p)
		return false;
	const char *s = *p, *comma = strchr(s, ',');
	const char *e = comma ? comma : s + strlen(s);
	*p = comma ? comma + 1 : NULL;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*b = s;
	*n = (size_t)(e - s);
	return true;
}

static void check_pin_cpus(struct section *s, const struct steer_ini_entry *e)
{
	char q[STEER__QUOTE_SIZE], item[24];
	const char *p = e->value, *b;
	size_t n;
	while (next_item(&p, &b, &n)) {
		unsigned long v;
		bool ok = n < sizeof(item);
		if (ok) {
			memcpy(item, b, n);
			item[n] = '\0';
			ok = steer__parse_ulong(item, 0, CPU_MAX, &v) == 0;
		}
		if (!ok) {
			key_diag(s, STEER_SEV_ERROR, e, "'%s' is not a CPU number (0..%u)",
			         steer__quote_n(b, n, q), CPU_MAX);
			s->bad[K_PIN_CPUS] = true;
			return;
		}
		s->ncpus++;
	}
}

/* zeekctl's rule: each comma-separated item is NAME=VALUE with a non-empty NAME. */
static void check_env_vars(struct section *s, const struct steer_ini_entry *e)
{
	char q[STEER__QUOTE_SIZE];
	const char *p = e->value, *b;
	size_t n;
	while (next_item(&p, &b, &n)) {
		const char *eq = memchr(b, '=', n);
		const char *why = !eq       ? "missing '=' in"
		                  : eq == b ? "empty variable name in"
		                            : NULL;
		if (why) {
			key_diag(s, STEER_SEV_ERROR, e, "%s '%s' (expected NAME=VALUE, ...)", why,
			         steer__quote_n(b, n, q));
			s->bad[K_ENV_VARS] = true;
			return;
		}
	}
}

static void set_mac(struct section *s, const struct steer_ini_entry *e)
{
	char q[STEER__QUOTE_SIZE], a[STEER_MAC_STRLEN];
	struct steer_mac m;
	static const struct steer_mac zero;
	if (steer_mac_parse(e->value, &m) != 0) {
		key_diag(s, STEER_SEV_ERROR, e,
		         "'%s' is not a MAC address (e.g. 02:53:54:00:00:01)",
		         steer__quote(e->value, q));
	} else if (memcmp(&m, &zero, sizeof(m)) == 0) {
		key_diag(s, STEER_SEV_ERROR, e, "00:00:00:00:00:00 is not a usable MAC");
	} else if (steer_mac_is_multicast(&m)) {
		/* A frame to a group address reaches every port that listens, not one worker. */
		key_diag(s, STEER_SEV_ERROR, e,
		         "%s is a multicast MAC (low bit of the first octet set); a worker needs a "
		         "unicast MAC",
		         steer_mac_format(&m, a));
	} else {
		s->node->has_mac = true;
		s->node->mac = m;
		s->nl->mac = e->line;
	}
}

static int set_key(struct section *s, enum key_id k, const struct steer_ini_entry *e)
{
	struct steer_node *n = s->node;
	char q[STEER__QUOTE_SIZE];
	unsigned long v;
	const char *val = e->value;

	switch (k) {
	case K_TYPE: {
		char list[96];
		if (steer_node_type_from_name(val, &n->type) == 0) {
			s->nl->type = e->line;
			return 0;
		}
		key_diag(s, STEER_SEV_ERROR, e, "'%s' is not a node type (%s)", steer__quote(val, q),
		         steer_names_list(steer__node_type_names,
		                          STEER_NAMES_LEN(steer__node_type_names), list, sizeof(list)));
		break;
	}
	case K_HOST:
	case K_INTERFACE:
		if (*val == '\0') {
			key_diag(s, STEER_SEV_ERROR, e, "empty value (%s)",
			         k == K_HOST ? "a host name or address"
			                     : "a capture interface, e.g. eth0");
			break;
		}
		return set_str(k == K_HOST ? &n->host : &n->interface, val);
	case K_LB_METHOD:
		for (size_t i = 0; i < NELEM(lb_methods); i++)
			if (strcmp(val, lb_methods[i]) == 0)
				return set_str(&n->lb_method, val);
		key_diag(
		    s, STEER_SEV_ERROR, e,
		    "'%s' is not a load-balancing method (af_packet, pf_ring, myricom, custom or "
		    "interfaces)",
		    steer__quote(val, q));
		break;
	case K_LB_PROCS:
		if (!number(s, e, "lb_procs", 1, LB_PROCS_MAX, &v))
			break;
		n->lb_procs = (unsigned)v;
		return 0;
	case K_PIN_CPUS:
		check_pin_cpus(s, e);
		return *val ? set_str(&n->pin_cpus, val) : 0;
	case K_ENV_VARS:
		check_env_vars(s, e);
		return *val ? set_str(&n->env_vars, val) : 0;
	/* Optional text: zeekctl treats an empty value as unset. */
	case K_LB_INTERFACES:
		return *val ? set_str(&n->lb_interfaces, val) : 0;
	case K_AUX_SCRIPTS:
		return *val ? set_str(&n->aux_scripts, val) : 0;
	case K_ZONE_ID:
		return *val ? set_str(&n->zone_id, val) : 0;
	case K_STEER_MAC:
		set_mac(s, e);
		return 0;
	case K_STEER_VLAN:
		if (!number(s, e, "VLAN id", 1, 4094, &v))
			break;
		n->vlan = (int)v;
		s->nl->vlan = e->line;
		return 0;
	case K_STEER_PORT:
		if (!number(s, e, "port", 1, 65535, &v))
			break;
		n->port = (int)v;
		s->nl->port = e->line;
		return 0;
	case K_STEER_WEIGHT:
		if (!number(s, e, "weight", 1, WEIGHT_MAX, &v))
			break;
		n->weight = (uint32_t)v;
		s->nl->weight = e->line;
		return 0;
	case K_STEER_NETNS: {
		/* ip-netns(8) keeps namespaces as files in /run/netns: a plain file name. */
		size_t len = strspn(val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                         "0123456789._-");
		if (len == 0 || val[len] != '\0' || len > NETNS_MAX || val[0] == '.') {
			key_diag(s, STEER_SEV_ERROR, e,
			         "'%s' is not a network namespace name (up to %u of A-Z a-z 0-9 . _ -, "
			         "not starting with '.')",
			         steer__quote(val, q), NETNS_MAX);
			break;
		}
		return set_str(&n->netns, val);
	}
	case K_STEER_READ:
		if (*val == '\0') {
			key_diag(s, STEER_SEV_ERROR, e, "empty value (a capture file to read)");
			break;
		}
		return set_str(&n->read, val);
	default:
		return 0;
	}
	s->bad[k] = true;
	return 0;
}

/* The node's type, found before its other keys: whether a steer.* key applies depends on it,
 * wherever in the section "type" is written. Errors are left to set_key(). */
static enum steer_node_type peek_type(const struct steer_ini_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].dup_line || strcmp(v[i].key, "type") != 0)
			continue;
		enum steer_node_type t;
		if (steer_node_type_from_name(v[i].value, &t) == 0)
			return t;
	}
	return 0;
}

/* zeekctl's per-node rules (Configuration._check_node), once all keys of the section are in. */
static void check_node(struct section *s)
{
	struct steer_node *n = s->node;
	unsigned *kl = s->kline;
	char msg[160];

	if (!kl[K_TYPE])
		key_msg(s, STEER_SEV_ERROR, n->line, "type",
		        "missing (standalone, manager, logger, proxy or worker)");
	if (!kl[K_HOST])
		key_msg(s, STEER_SEV_ERROR, n->line, "host", "missing (every node needs one)");
	if (n->type != STEER_NODE_WORKER) {
		if (n->type == 0)
			return;
		if (kl[K_LB_PROCS])
			key_msg(s, STEER_SEV_ERROR, kl[K_LB_PROCS], "lb_procs",
			        "load balancing is for worker nodes only");
		if (kl[K_LB_METHOD])
			key_msg(s, STEER_SEV_ERROR, kl[K_LB_METHOD], "lb_method",
			        "load balancing is for worker nodes only");
		return;
	}

	bool method_ok = kl[K_LB_METHOD] && !s->bad[K_LB_METHOD];
	bool procs_ok = kl[K_LB_PROCS] && !s->bad[K_LB_PROCS];
	bool by_ifaces = method_ok && strcmp(n->lb_method, "interfaces") == 0;
	/* With lb_method = interfaces, zeekctl takes each process's interface from lb_interfaces.
	 */
	if (!kl[K_INTERFACE] && !by_ifaces)
		key_msg(s, STEER_SEV_ERROR, n->line, "interface",
		        "missing (every worker needs a capture interface)");
	if (procs_ok && !kl[K_LB_METHOD]) {
		snprintf(msg, sizeof(msg),
		         "lb_procs = %u needs an lb_method (af_packet, pf_ring, myricom, custom or "
		         "interfaces)",
		         n->lb_procs);
		key_msg(s, STEER_SEV_ERROR, kl[K_LB_PROCS], "lb_procs", msg);
	}
	if (method_ok && !kl[K_LB_PROCS]) {
		snprintf(msg, sizeof(msg),
		         "lb_method = %s needs lb_procs (the number of processes)", n->lb_method);
		key_msg(s, STEER_SEV_ERROR, kl[K_LB_METHOD], "lb_method", msg);
	}
	if (by_ifaces && !n->lb_interfaces) {
		key_msg(s, STEER_SEV_ERROR, kl[K_LB_METHOD], "lb_method",
		        "lb_method = interfaces needs lb_interfaces (one interface per process)");
	} else if (by_ifaces) {
		const char *p = n->lb_interfaces, *b;
		size_t len, count = 0;
		bool empty = false;
		while (next_item(&p, &b, &len)) {
			empty |= len == 0;
			count++;
		}
		char q[STEER__QUOTE_SIZE];
		if (empty) {
			snprintf(msg, sizeof(msg), "empty interface name in '%s'",
			         steer__quote(n->lb_interfaces, q));
			key_msg(s, STEER_SEV_ERROR, kl[K_LB_INTERFACES], "lb_interfaces", msg);
		} else if (procs_ok && count != n->lb_procs) {
			snprintf(msg, sizeof(msg),
			         "%zu interfaces for lb_procs = %u (exactly one per process)",
			         count, n->lb_procs);
			key_msg(s, STEER_SEV_ERROR, kl[K_LB_INTERFACES], "lb_interfaces", msg);
		}
	} else if (kl[K_LB_INTERFACES] && n->lb_interfaces && (method_ok || !kl[K_LB_METHOD])) {
		key_msg(s, STEER_SEV_WARNING, kl[K_LB_INTERFACES], "lb_interfaces",
		        "ignored: lb_method is not interfaces");
	}
	/* zeekctl does not insist on one CPU per process: it reuses a short list in turn and
	 * ignores the rest of a long one. Say so rather than refuse a config zeekctl runs. */
	unsigned procs = procs_ok ? n->lb_procs : 1;
	if (n->pin_cpus && !s->bad[K_PIN_CPUS] && s->ncpus != procs && !s->bad[K_LB_PROCS]) {
		snprintf(msg, sizeof(msg), "%zu CPUs for %u process%s: %s", s->ncpus, procs,
		         procs == 1 ? "" : "es",
		         s->ncpus < procs ? "zeekctl reuses them in turn"
		                          : "the extra CPUs are unused");
		key_msg(s, STEER_SEV_WARNING, kl[K_PIN_CPUS], "pin_cpus", msg);
	}
}

static int read_section(struct steer__cfg_ctx *c, struct steer_node *node,
                        struct steer__node_lines *nl, const struct steer_ini_entry *v, size_t n)
{
	struct section s = {.c = c, .node = node, .nl = nl};
	enum steer_node_type type = peek_type(v, n);

	for (size_t i = 0; i < n; i++) {
		const struct steer_ini_entry *e = &v[i];
		if (e->dup_line) {
			/* ConfigParser refuses this too; iniparser would keep the last value. */
			key_diag(&s, STEER_SEV_ERROR, e, "given twice (first at line %u)",
			         e->dup_line);
			continue;
		}
		/* node.cfg is zeekctl's too, and zeekctl's configparser interpolates '%'. */
		if (strchr(e->value, '%'))
			key_diag(&s, STEER_SEV_WARNING, e,
			         "'%%' in the value: zeekctl cannot load this file (its "
			         "configparser takes '%%' for interpolation, and the '%%%%' it "
			         "wants for one '%%' steer would read as two)");
		enum key_id k = classify(e->key);
		switch (k) {
		case K_OTHER_PLUGIN:
			/* Another zeekctl plugin's key: not ours to judge. */
			continue;
		case K_UNKNOWN:
			key_diag(&s, STEER_SEV_WARNING, e, "unknown key (ignored)");
			continue;
		case K_UNKNOWN_STEER: {
			char known[128] = "";
			for (size_t j = 0, at = 0; j < STEER_NKEYS; j++, at = strlen(known))
				snprintf(known + at, sizeof(known) - at, "%ssteer.%s",
				         j ? ", " : "", steer_node_keys[j]);
			key_diag(&s, STEER_SEV_WARNING, e, "unknown steer key (ignored; known: %s)",
			         known);
			continue;
		}
		case K_STEER_MAC:
		case K_STEER_VLAN:
		case K_STEER_PORT:
		case K_STEER_WEIGHT:
		case K_STEER_READ:
			/* Only workers receive steered traffic. A node without a valid type is
			 * already an error; its steer keys are still checked. */
			if (type != 0 && type != STEER_NODE_WORKER) {
				key_diag(&s, STEER_SEV_WARNING, e,
				         "ignored: steer keys apply to workers only");
				continue;
			}
			break;
		default:
			break;
		}
		s.kline[k] = e->line;
		int rc = set_key(&s, k, e);
		if (rc != 0)
			return rc;
	}
	check_node(&s);
	return 0;
}

/* ---- checks over all nodes ---- */

static int ci_cmp(const char *a, size_t alen, const char *b)
{
	for (size_t i = 0;; i++) {
		unsigned char ca = i < alen ? (unsigned char)a[i] : 0, cb = (unsigned char)b[i];
		ca = ca >= 'A' && ca <= 'Z' ? (unsigned char)(ca - 'A' + 'a') : ca;
		cb = cb >= 'A' && cb <= 'Z' ? (unsigned char)(cb - 'A' + 'a') : cb;
		if (ca != cb || ca == 0)
			return (ca > cb) - (ca < cb);
	}
}

static int cmp_node_ptr(const void *x, const void *y)
{
	const struct steer_node *a = *(const struct steer_node *const *)x;
	const struct steer_node *b = *(const struct steer_node *const *)y;
	int r = ci_cmp(a->name, SIZE_MAX, b->name);
	return r ? r : (a->line > b->line) - (a->line < b->line);
}

/* Finds the node whose name equals s[0..len) ignoring case, or NULL. */
static const struct steer_node *find_ci(struct steer_node **sorted, size_t n, const char *s,
                                        size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = ci_cmp(s, len, sorted[mid]->name);
		if (r == 0)
			return sorted[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

bool steer_name_valid(const char *s, size_t len)
{
	if (len == 0 || len > STEER_NAME_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/* zeekctl's NodeStore: node names are unique ignoring case (they name directories), and the
 * names lb_procs makes ("worker-1-2") count too. Exact duplicates were reported as duplicate
 * sections already. Every name must also be usable as a file name (steer_name_valid). */
static int check_names(struct steer__cfg_ctx *c)
{
	struct steer_config *cfg = c->cfg;
	if (cfg->nnodes == 0)
		return 0;
	struct steer_node **sorted = malloc(cfg->nnodes * sizeof(*sorted));
	size_t *dup_of = malloc(cfg->nnodes * sizeof(*dup_of));
	if (!sorted || !dup_of) {
		free(sorted);
		free(dup_of);
		return STEER_ENOMEM;
	}
	for (size_t i = 0; i < cfg->nnodes; i++) {
		sorted[i] = &cfg->nodes[i];
		dup_of[i] = SIZE_MAX;
	}
	qsort(sorted, cfg->nnodes, sizeof(*sorted), cmp_node_ptr);
	for (size_t i = 1, f = 0; i < cfg->nnodes; i++) {
		if (ci_cmp(sorted[i]->name, SIZE_MAX, sorted[f]->name) == 0)
			dup_of[sorted[i] - cfg->nodes] = (size_t)(sorted[f] - cfg->nodes);
		else
			f = i;
	}

	for (size_t i = 0; i < cfg->nnodes; i++) {
		const struct steer_node *n = &cfg->nodes[i], *o;
		/* A name becomes a file name: DIR/NAME.pcap must stay in DIR, and two names
		 * must not meet in one file. The longest process name (NAME-N) counts. */
		char last[STEER_NAME_MAX + 16];
		unsigned np = n->type == STEER_NODE_WORKER ? n->lb_procs : 1;
		steer_node_proc_name(n, np ? np - 1 : 0, last, sizeof(last));
		size_t len = strlen(n->name);
		if (!steer_name_valid(n->name, len) || strlen(last) > STEER_NAME_MAX) {
			char q[STEER__QUOTE_SIZE];
			steer_diag_add(
			    c->diags, STEER_SEV_ERROR, cfg->node_path, n->line,
			    "[%s]: not usable as a node name (1 to %d of A-Z a-z 0-9 . _ -, "
			    "not starting with '.'; lb_procs' -N suffix included)",
			    steer__quote(n->name, q), STEER_NAME_MAX);
			continue;
		}
		if (dup_of[i] != SIZE_MAX) {
			o = &cfg->nodes[dup_of[i]];
			steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->node_path, n->line,
			               "duplicate node name [%s]: same as [%s] at line %u "
			               "(zeekctl node names ignore case)",
			               n->name, o->name, o->line);
			continue;
		}
		/* A node with lb_procs > 1 is renamed to its processes' names by zeekctl. */
		if (n->lb_procs > 1)
			continue;
		const char *dash = strrchr(n->name, '-');
		unsigned long k;
		if (!dash || dash[1] == '0' ||
		    steer__parse_ulong(dash + 1, 1, LB_PROCS_MAX, &k) != 0)
			continue;
		o = find_ci(sorted, cfg->nnodes, n->name, (size_t)(dash - n->name));
		if (o && o->lb_procs > 1 && k <= o->lb_procs)
			steer_diag_add(
			    c->diags, STEER_SEV_ERROR, cfg->node_path, n->line,
			    "duplicate node name [%s]: [%s] at line %u has lb_procs = %u "
			    "and runs a process of that name",
			    n->name, o->name, o->line, o->lb_procs);
	}
	free(sorted);
	free(dup_of);
	return 0;
}

/* The cluster's shape: zeekctl's _check_nodestore, and steer's need for workers. */
static void check_roles(struct steer__cfg_ctx *c)
{
	struct steer_config *cfg = c->cfg;
	const char *path = cfg->node_path;
	const struct steer_node *manager = NULL;
	size_t nproxy = 0, nworker = 0;
	bool standalone = false, untyped = false;

	if (cfg->nnodes == 0) {
		steer_diag_add(
		    c->diags, STEER_SEV_ERROR, path, 0,
		    "no nodes: expected sections such as [manager], [proxy-1], [worker-1]");
		return;
	}
	for (size_t i = 0; i < cfg->nnodes; i++) {
		const struct steer_node *n = &cfg->nodes[i];
		switch (n->type) {
		case STEER_NODE_STANDALONE:
			steer_diag_add(
			    c->diags, STEER_SEV_ERROR, path, c->lines[i].type,
			    "[%s] type: standalone is not supported: steer steers traffic "
			    "to workers, so describe a cluster (a manager, proxies, workers)",
			    n->name);
			standalone = true;
			break;
		case STEER_NODE_MANAGER:
			if (manager)
				steer_diag_add(
				    c->diags, STEER_SEV_ERROR, path, c->lines[i].type,
				    "[%s] type: a second manager (the first is [%s] at line "
				    "%u); exactly one is required",
				    n->name, manager->name, manager->line);
			else
				manager = n;
			break;
		case STEER_NODE_PROXY:
			nproxy++;
			break;
		case STEER_NODE_WORKER:
			nworker++;
			break;
		default:
			untyped = true;
			break;
		}
	}
	/* One standalone error says it all, and a node whose type was refused may be the one
	 * "missing": counting roles would only repeat or guess. */
	if (standalone || untyped)
		return;
	if (!manager)
		steer_diag_add(c->diags, STEER_SEV_ERROR, path, 0,
		               "no manager: exactly one [manager] node is required");
	if (nproxy == 0)
		steer_diag_add(c->diags, STEER_SEV_ERROR, path, 0,
		               "no proxy: at least one proxy node is required");
	if (nworker == 0)
		steer_diag_add(c->diags, STEER_SEV_ERROR, path, 0,
		               "no worker: at least one worker node is required (steer steers "
		               "traffic to workers)");
}

int steer__node_cfg_parse(struct steer__cfg_ctx *c, const char *buf, size_t len)
{
	struct steer_config *cfg = c->cfg;
	struct steer_ini ini;
	int rc = steer_ini_parse(&ini, buf, len, STEER_INI_DOT_IS_UNDERSCORE, cfg->node_path,
	                          c->diags);
	if (rc != 0)
		return rc;

	size_t nsec = 0;
	for (size_t i = 0; i < ini.n; i++)
		nsec += !ini.v[i].key && !ini.v[i].dup_line;
	if (nsec > 0) {
		cfg->nodes = calloc(nsec, sizeof(*cfg->nodes));
		c->lines = calloc(nsec, sizeof(*c->lines));
		if (!cfg->nodes || !c->lines) {
			rc = STEER_ENOMEM;
			goto out;
		}
	}

	char q[STEER__QUOTE_SIZE];
	for (size_t i = 0; i < ini.n;) {
		const struct steer_ini_entry *e = &ini.v[i];
		if (e->key) {
			/* Only before the first header: keys belong to the section above them. */
			steer_diag_add(
			    c->diags, STEER_SEV_ERROR, cfg->node_path, e->line,
			    "key '%s' outside any [section] (node.cfg has one section per "
			    "node)",
			    steer__quote(e->key, q));
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < ini.n && ini.v[j].key)
			j++;
		if (e->dup_line) {
			/* Its keys are skipped: they would only add duplicate-key noise. */
			steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->node_path, e->line,
			               "duplicate section [%s] (first at line %u)",
			               steer__quote(e->section, q), e->dup_line);
			i = j;
			continue;
		}
		struct steer_node *n = &cfg->nodes[cfg->nnodes];
		struct steer__node_lines *nl = &c->lines[cfg->nnodes];
		n->name = strdup(e->section);
		if (!n->name) {
			rc = STEER_ENOMEM;
			goto out;
		}
		cfg->nnodes++;
		n->line = e->line;
		n->lb_procs = 1;
		n->vlan = -1;
		n->port = -1;
		if ((rc = read_section(c, n, nl, &ini.v[i + 1], j - i - 1)) != 0)
			goto out;
		i = j;
	}
	if ((rc = check_names(c)) != 0)
		goto out;
	check_roles(c);
out:
	steer_ini_free(&ini);
	return rc;
}
