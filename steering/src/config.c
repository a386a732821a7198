/* SPDX-License-Identifier: BSD-2-Clause */
/* config.c: loading the cluster description (zeekctl's node.cfg, networks.cfg and zeekctl.cfg,
 * steer.cfg),
 * the checks that span files, and the diagnostics every problem is reported through. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/names.h>

#include "config_int.h"

/* Bigger than any plausible cluster description; keeps a wrong path (a capture file, a device)
 * from being read into memory whole. */
#define CONFIG_FILE_MAX (16u << 20)

/* ---- diagnostics ---- */

void steer_diag_add(struct steer_diags *d, enum steer_severity sev, const char *file, unsigned line,
                    const char *fmt, ...)
{
	if (!d)
		return;
	bool err = sev != STEER_SEV_WARNING;
	const char *word = err ? "error" : "warning";
	char prefix[32];
	int plen;
	if (!file)
		plen = snprintf(prefix, sizeof(prefix), "%s: ", word);
	else if (line == 0)
		plen = snprintf(prefix, sizeof(prefix), ": %s: ", word);
	else
		plen = snprintf(prefix, sizeof(prefix), ":%u: %s: ", line, word);

	va_list ap;
	va_start(ap, fmt);
	int mlen = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	size_t flen = file ? strlen(file) : 0;
	char *text = NULL;
	if (mlen >= 0 && plen > 0 && flen < SIZE_MAX / 2)
		text = malloc(flen + (size_t)plen + (size_t)mlen + 1);
	if (text && d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct steer_diag *v =
		    cap < SIZE_MAX / sizeof(*v) ? realloc(d->v, cap * sizeof(*v)) : NULL;
		if (v) {
			d->v = v;
			d->cap = cap;
		} else {
			free(text);
			text = NULL;
		}
	}
	if (!text) {
		/* The contract: a lost diagnostic still fails the load. */
		d->nerrors++;
		return;
	}
	memcpy(text, file ? file : "", flen);
	memcpy(text + flen, prefix, (size_t)plen);
	va_start(ap, fmt);
	vsnprintf(text + flen + plen, (size_t)mlen + 1, fmt, ap);
	va_end(ap);
	d->v[d->n].sev = err ? STEER_SEV_ERROR : STEER_SEV_WARNING;
	d->v[d->n].text = text;
	d->n++;
	if (err)
		d->nerrors++;
	else
		d->nwarnings++;
}

void steer_diags_free(struct steer_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* ---- helpers shared by the per-file parsers ---- */

int steer__parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	if (!s || s[0] < '0' || s[0] > '9')
		return STEER_EINVAL;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end != '\0')
		return STEER_EINVAL;
	*out = v;
	if (errno == ERANGE || v < min || v > max)
		return STEER_ERANGE;
	return 0;
}

const char *steer__quote_n(const char *s, size_t n, char buf[STEER__QUOTE_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	size_t i;
	for (i = 0; i < n && i < STEER__QUOTE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];
		/* bytes past ASCII too: a message must stay valid UTF-8 (and a JSON string) */
		if (ch < 0x20 || ch >= 0x7f) {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[ch >> 4];
			*p++ = hex[ch & 0xf];
		} else {
			*p++ = (char)ch;
		}
	}
	if (i < n) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	return buf;
}

const char *steer__quote(const char *s, char buf[STEER__QUOTE_SIZE])
{
	return steer__quote_n(s, strlen(s), buf);
}

/* ---- names ---- */

const struct steer_name steer__node_type_names[5] = {
	{STEER_NODE_STANDALONE, "standalone"}, {STEER_NODE_MANAGER, "manager"},
	{STEER_NODE_LOGGER, "logger"},         {STEER_NODE_PROXY, "proxy"},
	{STEER_NODE_WORKER, "worker"},
};
const struct steer_name steer__frag_policy_names[2] = {
	{STEER_FRAG_L3, "l3"},
	{STEER_FRAG_REMEMBER, "remember"},
};
const struct steer_name steer__nonip_policy_names[3] = {
	{STEER_NONIP_MAC, "mac"},
	{STEER_NONIP_WORKER, "worker"},
	{STEER_NONIP_DROP, "drop"},
};
const struct steer_name steer__delivery_names[3] = {
	{STEER_DELIVER_MAC, "mac"},
	{STEER_DELIVER_VLAN, "vlan"},
	{STEER_DELIVER_PORT, "port"},
};

#define NAME_OF(t, v) steer_name_of(t, STEER_NAMES_LEN(t), (int)(v), "unknown")

/* s's value in t into *out (an enum of int size); STEER_EINVAL when t has no such name. */
static int from_name(const struct steer_name *t, size_t n, const char *s, int *out)
{
	return steer_name_lookup(t, n, s, out);
}

const char *steer_node_type_name(enum steer_node_type t)
{
	return NAME_OF(steer__node_type_names, t);
}

const char *steer_frag_policy_name(enum steer_frag_policy p)
{
	return NAME_OF(steer__frag_policy_names, p);
}

const char *steer_nonip_policy_name(enum steer_nonip_policy p)
{
	return NAME_OF(steer__nonip_policy_names, p);
}

const char *steer_delivery_name(enum steer_delivery d)
{
	return NAME_OF(steer__delivery_names, d);
}

int steer_node_type_from_name(const char *s, enum steer_node_type *t)
{
	int v;
	if (from_name(steer__node_type_names, STEER_NAMES_LEN(steer__node_type_names), s, &v))
		return STEER_EINVAL;
	*t = (enum steer_node_type)v;
	return 0;
}

int steer_frag_policy_from_name(const char *s, enum steer_frag_policy *p)
{
	int v;
	if (from_name(steer__frag_policy_names, STEER_NAMES_LEN(steer__frag_policy_names), s, &v))
		return STEER_EINVAL;
	*p = (enum steer_frag_policy)v;
	return 0;
}

int steer_nonip_policy_from_name(const char *s, enum steer_nonip_policy *p)
{
	int v;
	if (from_name(steer__nonip_policy_names, STEER_NAMES_LEN(steer__nonip_policy_names), s,
	              &v))
		return STEER_EINVAL;
	*p = (enum steer_nonip_policy)v;
	return 0;
}

int steer_delivery_from_name(const char *s, enum steer_delivery *d)
{
	int v;
	if (from_name(steer__delivery_names, STEER_NAMES_LEN(steer__delivery_names), s, &v))
		return STEER_EINVAL;
	*d = (enum steer_delivery)v;
	return 0;
}

/* ---- accessors ---- */

size_t steer_config_nworkers(const struct steer_config *cfg)
{
	size_t n = 0;
	for (size_t i = 0; i < cfg->nnodes; i++)
		n += cfg->nodes[i].type == STEER_NODE_WORKER;
	return n;
}

const struct steer_node *steer_config_worker(const struct steer_config *cfg, size_t i)
{
	for (size_t k = 0; k < cfg->nnodes; k++) {
		if (cfg->nodes[k].type != STEER_NODE_WORKER)
			continue;
		if (i-- == 0)
			return &cfg->nodes[k];
	}
	return NULL;
}

char *steer_node_proc_name(const struct steer_node *node, unsigned i, char *buf, size_t n)
{
	if (!buf || n == 0)
		return buf;
	/* zeekctl numbers the processes of "worker-1" from 1: worker-1-1 ... worker-1-N. */
	if (node->lb_procs > 1)
		snprintf(buf, n, "%s-%u", node->name, i + 1);
	else
		snprintf(buf, n, "%s", node->name);
	return buf;
}

void steer_config_free(struct steer_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nnodes; i++) {
		struct steer_node *n = &cfg->nodes[i];
		free(n->name);
		free(n->host);
		free(n->interface);
		free(n->lb_method);
		free(n->lb_interfaces);
		free(n->pin_cpus);
		free(n->env_vars);
		free(n->aux_scripts);
		free(n->zone_id);
		free(n->netns);
		free(n->read);
	}
	free(cfg->nodes);
	for (size_t i = 0; i < cfg->nnets; i++)
		free(cfg->nets[i].desc);
	free(cfg->nets);
	free(cfg->fe.profile);
	free(cfg->fe.non_ip_worker);
	free(cfg->dir);
	free(cfg->node_path);
	free(cfg->steer_path);
	free(cfg->networks_path);
	free(cfg->zeekctl_path);
	steer__cluster_opts_free(&cfg->cluster);
	free(cfg);
}

/* ---- checks across files ---- */

/* One steer.mac / steer.vlan / steer.port value of a worker, for finding duplicates by sorting
 * (a pairwise scan would be quadratic in the number of workers). */
struct uval {
	uint64_t v;
	unsigned line;
	size_t node;
};

static int cmp_uval(const void *x, const void *y)
{
	const struct uval *a = x, *b = y;
	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

enum uniq_kind { UNIQ_MAC, UNIQ_VLAN, UNIQ_PORT };

static int check_unique(struct steer__cfg_ctx *c, enum uniq_kind kind)
{
	struct steer_config *cfg = c->cfg;
	if (cfg->nnodes == 0)
		return 0;
	struct uval *u = malloc(cfg->nnodes * sizeof(*u));
	size_t *first = malloc(cfg->nnodes * sizeof(*first));
	if (!u || !first) {
		free(u);
		free(first);
		return STEER_ENOMEM;
	}
	size_t nu = 0;
	for (size_t i = 0; i < cfg->nnodes; i++) {
		const struct steer_node *n = &cfg->nodes[i];
		first[i] = SIZE_MAX;
		if (n->type != STEER_NODE_WORKER)
			continue;
		struct uval x = {.node = i};
		if (kind == UNIQ_MAC && n->has_mac) {
			for (int k = 0; k < 6; k++)
				x.v = x.v << 8 | n->mac.b[k];
			x.line = c->lines[i].mac;
		} else if (kind == UNIQ_VLAN && n->vlan >= 0) {
			x.v = (uint64_t)n->vlan;
			x.line = c->lines[i].vlan;
		} else if (kind == UNIQ_PORT && n->port >= 0) {
			x.v = (uint64_t)n->port;
			x.line = c->lines[i].port;
		} else {
			continue;
		}
		u[nu++] = x;
	}
	qsort(u, nu, sizeof(*u), cmp_uval);
	for (size_t i = 1, f = 0; i < nu; i++) {
		if (u[i].v == u[f].v)
			first[u[i].node] = u[f].node;
		else
			f = i;
	}
	free(u);

	/* Reported in file order, each at the later line, naming the first. */
	for (size_t i = 0; i < cfg->nnodes; i++) {
		if (first[i] == SIZE_MAX)
			continue;
		const struct steer_node *n = &cfg->nodes[i], *o = &cfg->nodes[first[i]];
		const struct steer__node_lines *nl = &c->lines[i], *ol = &c->lines[first[i]];
		char a[STEER_MAC_STRLEN];
		if (kind == UNIQ_MAC)
			steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->node_path, nl->mac,
			               "[%s] steer.mac: duplicate MAC %s (also [%s] at line %u)",
			               n->name, steer_mac_format(&n->mac, a), o->name, ol->mac);
		else if (kind == UNIQ_VLAN)
			steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->node_path, nl->vlan,
			               "[%s] steer.vlan: duplicate VLAN %d with delivery = vlan "
			               "(also [%s] at line %u)",
			               n->name, n->vlan, o->name, ol->vlan);
		else
			steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->node_path, nl->port,
			               "[%s] steer.port: duplicate port %d with delivery = port "
			               "(also [%s] at line %u)",
			               n->name, n->port, o->name, ol->port);
	}
	free(first);
	return 0;
}

static void check_buckets(struct steer__cfg_ctx *c)
{
	const struct steer_config *cfg = c->cfg;
	size_t nw = steer_config_nworkers(cfg);
	if (c->buckets_bad || nw <= cfg->fe.buckets)
		return;
	/* Each worker needs at least one bucket, or the plan would leave it idle. */
	if (c->line_buckets)
		steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->steer_path, c->line_buckets,
		               "buckets: %u is fewer than the %zu workers (each needs a bucket)",
		               (unsigned)cfg->fe.buckets, nw);
	else
		steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->steer_path, 0,
		               "buckets: the default %u is fewer than the %zu workers "
		               "(set buckets to a power of two of at least %zu)",
		               (unsigned)cfg->fe.buckets, nw, nw);
}

static void check_non_ip(struct steer__cfg_ctx *c)
{
	const struct steer_config *cfg = c->cfg;
	const struct steer_frontend *fe = &cfg->fe;
	if (fe->non_ip != STEER_NONIP_WORKER || !fe->non_ip_worker)
		return;
	for (size_t i = 0; i < cfg->nnodes; i++) {
		const struct steer_node *n = &cfg->nodes[i];
		if (strcmp(n->name, fe->non_ip_worker) != 0)
			continue;
		/* A node of unknown type was already reported; do not guess what it is. */
		if (n->type != STEER_NODE_WORKER && n->type != 0)
			steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->steer_path, fe->line_non_ip,
			               "non_ip: [%s] is a %s, not a worker", n->name,
			               steer_node_type_name(n->type));
		return;
	}
	char q[STEER__QUOTE_SIZE];
	steer_diag_add(c->diags, STEER_SEV_ERROR, cfg->steer_path, fe->line_non_ip,
	               "non_ip: no worker [%s] in node.cfg", steer__quote(fe->non_ip_worker, q));
}

/* ---- reading order ---- */

struct dkey {
	unsigned file, line;
	size_t idx;
	struct steer_diag diag;
};

static int cmp_dkey(const void *x, const void *y)
{
	const struct dkey *a = x, *b = y;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* The checks run in passes (keys, then nodes, then across files), but people read and fix the
 * files top to bottom: order the diagnostics of this load by file (node.cfg, steer.cfg,
 * networks.cfg, zeekctl.cfg), then line, those without a line last. The position comes back out of the
 * text, which steer_diag_add() wrote as "PATH:LINE: ". Left unsorted when out of memory. */
static void sort_diags(struct steer_diags *d, size_t n0, const struct steer_config *cfg)
{
	const char *paths[4] = {cfg->node_path, cfg->steer_path, cfg->networks_path,
	                        cfg->zeekctl_path};
	size_t n = d->n - n0;
	if (n < 2)
		return;
	struct dkey *k = malloc(n * sizeof(*k));
	if (!k)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *t = d->v[n0 + i].text;
		k[i] = (struct dkey){.file = 4, .line = UINT_MAX, .idx = i, .diag = d->v[n0 + i]};
		for (unsigned f = 0; f < 4; f++) {
			size_t pl = strlen(paths[f]);
			if (strncmp(t, paths[f], pl) != 0 || t[pl] != ':')
				continue;
			k[i].file = f;
			if (t[pl + 1] >= '0' && t[pl + 1] <= '9')
				k[i].line = (unsigned)strtoul(t + pl + 1, NULL, 10);
			break;
		}
	}
	qsort(k, n, sizeof(*k), cmp_dkey);
	for (size_t i = 0; i < n; i++)
		d->v[n0 + i] = k[i].diag;
	free(k);
}

/* ---- loading ---- */

static char *join(const char *dir, const char *name)
{
	size_t dl = dir ? strlen(dir) : 0, nl = strlen(name);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);
	if (!p)
		return NULL;
	if (dl)
		memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

int steer__config_parse(const char *node_buf, size_t node_len, const char *steer_buf,
                        size_t steer_len, const char *net_buf, size_t net_len, const char *dir,
                        struct steer_config **out, struct steer_diags *diags)
{
	struct steer__cfg_input in = {.buf = {node_buf, steer_buf, net_buf, NULL},
	                              .len = {node_len, steer_len, net_len, 0}};
	return steer__config_parse_input(&in, dir, out, diags);
}

int steer__config_parse_input(const struct steer__cfg_input *in, const char *dir,
                              struct steer_config **out, struct steer_diags *diags)
{
	const char *node_buf = in->buf[STEER__CFG_NODE], *net_buf = in->buf[STEER__CFG_NETWORKS];
	const char *zk_buf = in->buf[STEER__CFG_ZEEKCTL];
	struct steer_diags local = {0};
	if (out)
		*out = NULL;
	if (!diags)
		diags = &local;
	unsigned errors0 = diags->nerrors;
	size_t n0 = diags->n;

	int rc = STEER_ENOMEM;
	struct steer_config *cfg = calloc(1, sizeof(*cfg));
	struct steer__cfg_ctx c = {.cfg = cfg, .diags = diags};
	if (!cfg)
		goto out;
	cfg->dir = strdup(dir ? dir : "");
	cfg->node_path = join(dir, "node.cfg");
	cfg->steer_path = join(dir, "steer.cfg");
	cfg->networks_path = join(dir, "networks.cfg");
	cfg->zeekctl_path = join(dir, "zeekctl.cfg");
	if (!cfg->dir || !cfg->node_path || !cfg->steer_path || !cfg->networks_path ||
	    !cfg->zeekctl_path || steer__cluster_defaults(&cfg->cluster) != 0)
		goto out;

	if (node_buf) {
		if ((rc = steer__node_cfg_parse(&c, node_buf, in->len[STEER__CFG_NODE])) != 0)
			goto out;
	} else {
		steer_diag_add(
		    diags, STEER_SEV_ERROR, cfg->node_path, 0,
		    "no such file (node.cfg, the zeekctl cluster description, is required)");
	}
	/* zeekctl.cfg before steer.cfg: steer.cfg's values win. */
	if (zk_buf &&
	    (rc = steer__zeekctl_cfg_parse(&c, zk_buf, in->len[STEER__CFG_ZEEKCTL])) != 0)
		goto out;
	if ((rc = steer__steer_cfg_parse(&c, in->buf[STEER__CFG_STEER],
	                                 in->len[STEER__CFG_STEER])) != 0)
		goto out;
	if (net_buf &&
	    (rc = steer__networks_cfg_parse(&c, net_buf, in->len[STEER__CFG_NETWORKS])) != 0)
		goto out;
	if ((rc = steer__cluster_check(&c)) != 0)
		goto out;
	/* Without node.cfg every check against the workers would only repeat that it is missing. */
	if (node_buf) {
		if ((rc = check_unique(&c, UNIQ_MAC)) != 0)
			goto out;
		if (cfg->fe.delivery == STEER_DELIVER_VLAN &&
		    (rc = check_unique(&c, UNIQ_VLAN)) != 0)
			goto out;
		if (cfg->fe.delivery == STEER_DELIVER_PORT &&
		    (rc = check_unique(&c, UNIQ_PORT)) != 0)
			goto out;
		check_buckets(&c);
		check_non_ip(&c);
	}
	rc = diags->nerrors > errors0 ? STEER_ECONFIG : 0;
	sort_diags(diags, n0, cfg);
out:
	free(c.lines);
	if (rc == 0 && out)
		*out = cfg;
	else
		steer_config_free(cfg);
	steer_diags_free(&local);
	return rc;
}

/* Reads path whole. 0 with *buf set; STEER_ENOENT when it does not exist; otherwise a
 * diagnostic and STEER_EIO (or STEER_ENOMEM). */
static int read_file(const char *path, char **buf, size_t *len, struct steer_diags *diags)
{
	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO must not hold the load until a writer comes (it is refused below) */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		int e = errno;
		/* a link to nothing is a mistake, not an absent file meaning "defaults" */
		if (e == ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			steer_diag_add(diags, STEER_SEV_ERROR, path, 0,
			               "symbolic link to a file that does not exist");
			return STEER_EIO;
		}
		if (e == ENOENT)
			return STEER_ENOENT;
		steer_diag_add(diags, STEER_SEV_ERROR, path, 0, "cannot open: %s", strerror(e));
		return STEER_EIO;
	}
	if (fstat(fd, &st) != 0) {
		steer_diag_add(diags, STEER_SEV_ERROR, path, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return STEER_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		steer_diag_add(diags, STEER_SEV_ERROR, path, 0, "not a regular file (%s)",
		               S_ISDIR(st.st_mode)    ? "a directory"
		               : S_ISFIFO(st.st_mode) ? "a FIFO"
		                                      : "a device or socket");
		close(fd);
		return STEER_EIO;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return STEER_ENOMEM;
	}
	char *b = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (n == cap) {
			if (cap >= CONFIG_FILE_MAX) {
				steer_diag_add(
				    diags, STEER_SEV_ERROR, path, 0,
				    "file too large (over %u MiB): not a configuration file?",
				    CONFIG_FILE_MAX >> 20);
				rc = STEER_EIO;
				break;
			}
			cap = cap ? cap * 2 : 4096;
			char *nb = realloc(b, cap);
			if (!nb) {
				rc = STEER_ENOMEM;
				break;
			}
			b = nb;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				/* e.g. EISDIR: fopen() of a directory succeeds on Linux. */
				steer_diag_add(diags, STEER_SEV_ERROR, path, 0, "cannot read: %s",
				               strerror(errno));
				rc = STEER_EIO;
			}
			break;
		}
	}
	fclose(f);
	if (rc != 0) {
		free(b);
		return rc;
	}
	/* An empty file still needs a non-NULL buffer: NULL means "absent" to the parser. */
	if (!b && !(b = malloc(1)))
		return STEER_ENOMEM;
	*buf = b;
	*len = n;
	return 0;
}

int steer_config_defaults(struct steer_config **out)
{
	struct steer_diags d = {0};
	struct steer_config *cfg = calloc(1, sizeof(*cfg));
	struct steer__cfg_ctx c = {.cfg = cfg, .diags = &d};
	*out = NULL;
	if (!cfg)
		return STEER_ENOMEM;
	cfg->dir = strdup("");
	cfg->node_path = join(NULL, "node.cfg");
	cfg->steer_path = join(NULL, "steer.cfg");
	cfg->networks_path = join(NULL, "networks.cfg");
	cfg->zeekctl_path = join(NULL, "zeekctl.cfg");
	/* steer.cfg absent: every frontend default. */
	if (!cfg->dir || !cfg->node_path || !cfg->steer_path || !cfg->networks_path ||
	    !cfg->zeekctl_path || steer__cluster_defaults(&cfg->cluster) != 0 ||
	    steer__steer_cfg_parse(&c, NULL, 0) != 0) {
		steer_config_free(cfg);
		steer_diags_free(&d);
		return STEER_ENOMEM;
	}
	steer_diags_free(&d);
	*out = cfg;
	return 0;
}

int steer_config_load(const char *dir, struct steer_config **out, struct steer_diags *diags)
{
	static const char *const names[STEER__CFG_NFILES] = {"node.cfg", "steer.cfg",
	                                                     "networks.cfg", "zeekctl.cfg"};
	struct steer_diags local = {0};
	char *buf[STEER__CFG_NFILES] = {NULL};
	size_t len[STEER__CFG_NFILES] = {0};
	int rc = 0;

	if (out)
		*out = NULL;
	if (!diags)
		diags = &local;
	for (int i = 0; i < STEER__CFG_NFILES; i++) {
		char *path = join(dir, names[i]);
		if (!path) {
			rc = STEER_ENOMEM;
			break;
		}
		int r = read_file(path, &buf[i], &len[i], diags);
		free(path);
		if (r == STEER_ENOMEM) {
			rc = r;
			break;
		}
		/* A file that exists but cannot be read is an error, never "absent". */
		if (r == STEER_EIO)
			rc = STEER_ECONFIG;
	}
	if (rc == 0) {
		struct steer__cfg_input in;
		for (int i = 0; i < STEER__CFG_NFILES; i++) {
			in.buf[i] = buf[i];
			in.len[i] = len[i];
		}
		rc = steer__config_parse_input(&in, dir, out, diags);
	}
	for (int i = 0; i < STEER__CFG_NFILES; i++)
		free(buf[i]);
	steer_diags_free(&local);
	return rc;
}
