/* SPDX-License-Identifier: BSD-2-Clause */
/* profile.c: balancer profiles (hwprofiles/NAME.ini): loading, checking a plan against a device's
 * limits, and rewriting a plan into the device's own behaviour for steerlb --emulate. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <steer/error.h>
#include <steer/hwp_generate.h>
#include <steer/hwp_profile.h>
#include <steer/ini.h>
#include <steer/names.h>
#include <steer/packet.h>

#include "gen_int.h"

#define PROFILE_FILE_MAX (1u << 20)

/* snprintf into errbuf (STEER_ERRBUF_SIZE); long paths are cut, never overrun. */
static void seterr(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void seterr(char *errbuf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, STEER_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

void hwp_profile_free(struct hwp_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->path);
	free(p->description);
	free(p->generator);
	free(p);
}

/* ---- value parsers: each returns false on a bad value ---- */

static bool parse_bool(const char *s, bool *out)
{
	int v;
	if (steer_name_lookup(steer_bool_names, STEER_NAMES_LEN(steer_bool_names), s, &v) != 0)
		return false;
	*out = v != 0;
	return true;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	if (s[0] < '0' || s[0] > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* One name; sets *bit to its value (the bit it takes in a set). */
typedef bool (*name_fn)(const char *s, unsigned *bit);

static bool hash_name(const char *s, unsigned *bit)
{
	enum steer_hash_fn v;
	if (steer_hash_from_name(s, &v) != 0)
		return false;
	*bit = (unsigned)v;
	return true;
}

static bool fields_name(const char *s, unsigned *bit)
{
	enum steer_fields v;
	if (steer_fields_from_name(s, &v) != 0)
		return false;
	*bit = (unsigned)v;
	return true;
}

static bool frag_name(const char *s, unsigned *bit)
{
	enum steer_frag_policy v;
	if (steer_frag_policy_from_name(s, &v) != 0)
		return false;
	*bit = (unsigned)v;
	return true;
}

static bool nonip_name(const char *s, unsigned *bit)
{
	enum steer_nonip_policy v;
	if (steer_nonip_policy_from_name(s, &v) != 0)
		return false;
	*bit = (unsigned)v;
	return true;
}

static bool delivery_name(const char *s, unsigned *bit)
{
	enum steer_delivery v;
	if (steer_delivery_from_name(s, &v) != 0)
		return false;
	*bit = (unsigned)v;
	return true;
}

/* "a, b, c" (or "none") into a bit set; false on an unknown name. */
static bool parse_list(const char *s, name_fn fn, unsigned *out)
{
	unsigned set = 0;
	if (strcmp(s, "none") == 0) {
		*out = 0;
		return true;
	}
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		size_t n = strcspn(s, " \t,");
		if (n == 0)
			break;
		char tok[32];
		unsigned bit;
		if (n >= sizeof(tok))
			return false;
		memcpy(tok, s, n);
		tok[n] = '\0';
		if (!fn(tok, &bit) || bit >= 32)
			return false;
		set |= 1u << bit;
		s += n;
	}
	*out = set;
	return set != 0;
}

/* [emulate] l2: the encapsulations a device parses through to the IP header, each the STEER_F_*
 * flags that steer_parse sets for it; whatever is not listed is opaque to the device. */
static const struct {
	const char *name;
	uint32_t flags;
} l2_names[] = {
	{"vlan", STEER_F_VLAN},         /* one 802.1Q tag (TPID 0x8100) */
	{"8021ad", STEER_F_TAG_AD},     /* ... or TPID 0x88a8 */
	{"9100", STEER_F_TAG_9100},     /* ... or TPID 0x9100 */
	{"qinq", STEER_F_QINQ},         /* two or more tags */
	{"mpls", STEER_F_MPLS},
	{"pppoe", STEER_F_PPPOE},
	{"wrappers", STEER_F_L2_WRAP},  /* PBB, VN-Tag, FabricPath */
};
#define L2_ALL                                                                                     \
	(STEER_F_VLAN | STEER_F_TAG_AD | STEER_F_TAG_9100 | STEER_F_QINQ | STEER_F_MPLS |          \
	 STEER_F_PPPOE | STEER_F_L2_WRAP)

static bool l2_name(const char *s, unsigned *bit)
{
	for (unsigned i = 0; i < sizeof(l2_names) / sizeof(l2_names[0]); i++)
		if (!strcmp(s, l2_names[i].name)) {
			*bit = i;
			return true;
		}
	return false;
}

/* "all", "none" or a list of l2_names into the flags the device does NOT see through; a tag
 * kind or QinQ without "vlan" (the device parses no tag at all) is refused. */
static const char *parse_l2(const char *v, uint32_t *opaque)
{
	unsigned set = 0;
	if (!strcmp(v, "all")) {
		*opaque = 0;
		return NULL;
	}
	if (strcmp(v, "none") && !parse_list(v, l2_name, &set))
		return "not all, none or a list of vlan, 8021ad, 9100, qinq, mpls, pppoe, wrappers";
	uint32_t seen = 0;
	for (unsigned i = 0; i < sizeof(l2_names) / sizeof(l2_names[0]); i++)
		if ((set >> i) & 1u)
			seen |= l2_names[i].flags;
	if ((seen & (STEER_F_TAG_AD | STEER_F_TAG_9100 | STEER_F_QINQ)) && !(seen & STEER_F_VLAN))
		return "not possible: a tag kind or qinq needs vlan too";
	*opaque = L2_ALL & ~seen;
	return NULL;
}

/* ---- loading ---- */

/* path's bytes into a malloc'd buf: STEER_ENOENT when there is no such file, STEER_EIO when it
 * cannot be read (permission, a directory, an I/O error), STEER_ECONFIG when too large. */
static int read_all(const char *path, char **buf, size_t *len, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		seterr(errbuf, "%s: %s", path, strerror(e));
		return e == ENOENT ? STEER_ENOENT : STEER_EIO;
	}
	char *b = malloc(PROFILE_FILE_MAX + 1);
	if (!b) {
		fclose(f);
		seterr(errbuf, "%s: out of memory", path);
		return STEER_ENOMEM;
	}
	size_t n = fread(b, 1, PROFILE_FILE_MAX + 1, f);
	int bad = ferror(f) ? errno : 0;
	fclose(f);
	if (bad || n > PROFILE_FILE_MAX) {
		seterr(errbuf, "%s: %s", path, bad ? strerror(bad) : "larger than 1 MiB");
		free(b);
		return bad ? STEER_EIO : STEER_ECONFIG;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* dir/name.ini into buf; false when it does not fit. */
static bool join(char *buf, size_t n, const char *dir, const char *name)
{
	int r = snprintf(buf, n, "%s/%s.ini", dir, name);
	return r > 0 && (size_t)r < n;
}

/* Whether path names something: 0 yes, STEER_ENOENT no, STEER_EIO when that cannot be told
 * (a directory on the way that cannot be searched), with errbuf set. */
static int exists(const char *path, char *errbuf)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return 0;
	int e = errno;
	if (e == ENOENT && lstat(path, &st) == 0) {
		seterr(errbuf, "%s: a symbolic link to nothing", path);
		return STEER_EIO;
	}
	if (e == ENOENT || e == ENOTDIR)
		return STEER_ENOENT;
	seterr(errbuf, "%s: %s", path, strerror(e));
	return STEER_EIO;
}

/* The installed profiles beside the running command: BINDIR/../share/steer/hwprofiles (the
 * relative way from the install's bindir to its profiles), so that an install under any prefix
 * or DESTDIR finds its own. Into buf; false when /proc/self/exe cannot be read. */
static bool beside_exe(char *buf, size_t n, char *exe, size_t exe_n)
{
	ssize_t k = readlink("/proc/self/exe", exe, exe_n - 1);
	if (k <= 0)
		return false;
	exe[k] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return false;
	int r = snprintf(buf, n, "%.*s/%s", (int)(slash - exe), exe, STEER_HWPROFILES_FROM_BIN);
	return r > 0 && (size_t)r < n;
}

/* Where a profile named name lives: dir/name.ini, or (dir NULL) the first of
 * $STEER_HWPROFILES_DIR, the profiles installed beside the command (beside_exe), the installed
 * directory (CMAKE_INSTALL_FULL_DATADIR/steer/hwprofiles) and, for a command run from the build
 * tree only, the source tree's hwprofiles/ (so the build tree runs without installing, and an
 * installed command never reads the sources) that has it. Whatever is there is the profile:
 * one that cannot be read is reported by the reader, never skipped for the next. */
static int find_profile(const char *name, const char *dir, char *path, size_t n, char *errbuf)
{
	const char *dirs[4];
	char exe[PATH_MAX], here[PATH_MAX];
	size_t nd = 0;
	if (dir) {
		dirs[nd++] = dir;
	} else {
		const char *env = getenv("STEER_HWPROFILES_DIR");
		if (env && *env)
			dirs[nd++] = env;
		bool have_exe = beside_exe(here, sizeof(here), exe, sizeof(exe));
		if (have_exe && strcmp(here, STEER_HWPROFILES_DIR) != 0)
			dirs[nd++] = here;
		dirs[nd++] = STEER_HWPROFILES_DIR;
		size_t b = strlen(STEER_BUILD_DIR);
		if (have_exe && strncmp(exe, STEER_BUILD_DIR, b) == 0 && exe[b] == '/')
			dirs[nd++] = STEER_HWPROFILES_SRCDIR;
	}
	for (size_t i = 0; i < nd; i++) {
		if (!join(path, n, dirs[i], name)) {
			seterr(errbuf, "profile '%.64s%s': path too long (in %s)", name,
			       strlen(name) > 64 ? "..." : "", dirs[i]);
			return STEER_EINVAL;
		}
		int rc = exists(path, errbuf);
		if (rc != STEER_ENOENT)
			return rc;
	}
	if (dir) {
		seterr(errbuf, "profile '%s': no %s/%s.ini", name, dir, name);
	} else {
		char list[4 * PATH_MAX + 16] = "";
		size_t used = 0;
		for (size_t i = 0; i < nd && used < sizeof(list); i++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
			                         i == 0        ? ""
			                         : i + 1 == nd ? " and "
			                                       : ", ",
			                         dirs[i]);
		seterr(errbuf, "profile '%s': no such profile (looked for %s.ini in %s)", name,
		       name, list);
	}
	return STEER_ENOENT;
}

enum key_id {
	K_DESCRIPTION, K_GENERATOR, K_HASHES, K_FIELDS, K_SYMMETRIC, K_HASH_KNOWN, K_INNER,
	K_FRAGMENTS, K_NON_IP, K_DELIVERY, K_SELECT, K_MAX_OUTPUTS, K_MAX_TABLE_ENTRIES,
	K_E_HASH, K_E_FIELDS, K_E_FRAGMENTS, K_E_NON_IP, K_E_L2, K__COUNT
};

static const struct {
	const char *section, *key;
	bool required;
} keys[K__COUNT] = {
	[K_DESCRIPTION] = {"profile", "description", false},
	[K_GENERATOR] = {"profile", "generator", true},
	[K_HASHES] = {"profile", "hashes", true},
	[K_FIELDS] = {"profile", "fields", true},
	[K_SYMMETRIC] = {"profile", "symmetric", true},
	[K_HASH_KNOWN] = {"profile", "hash_known", true},
	[K_INNER] = {"profile", "inner", false},
	[K_FRAGMENTS] = {"profile", "fragments", true},
	[K_NON_IP] = {"profile", "non_ip", true},
	[K_DELIVERY] = {"profile", "delivery", true},
	[K_SELECT] = {"profile", "select", false},
	[K_MAX_OUTPUTS] = {"profile", "max_outputs", true},
	[K_MAX_TABLE_ENTRIES] = {"profile", "max_table_entries", true},
	[K_E_HASH] = {"emulate", "hash", true},
	[K_E_FIELDS] = {"emulate", "fields", false},
	[K_E_FRAGMENTS] = {"emulate", "fragments", true},
	[K_E_NON_IP] = {"emulate", "non_ip", true},
	[K_E_L2] = {"emulate", "l2", false},
};

/* Applies one "key = value"; returns the complaint, or NULL when the value is good. */
static const char *apply(struct hwp_profile *p, enum key_id k, const char *v)
{
	unsigned u;
	switch (k) {
	case K_DESCRIPTION:
		return (p->description = strdup(v)) ? NULL : "out of memory";
	case K_GENERATOR:
		if (hwp__generator_find(v))
			return (p->generator = strdup(v)) ? NULL : "out of memory";
		return "not a generator";
	case K_HASHES:
		return parse_list(v, hash_name, &p->hashes)
		               ? NULL
		               : "not a list of hashes (default, toeplitz, pfring, netmap-lb, xor)";
	case K_FIELDS:
		return parse_list(v, fields_name, &p->fields)
		               ? NULL
		               : "not a list of 2-tuple, 3-tuple, 4-tuple, 5-tuple";
	case K_SYMMETRIC:
		return parse_bool(v, &p->symmetric) ? NULL : "not yes or no";
	case K_HASH_KNOWN:
		return parse_bool(v, &p->hash_known) ? NULL : "not yes or no";
	case K_INNER:
		return parse_bool(v, &p->inner) ? NULL : "not yes or no";
	case K_FRAGMENTS:
		return parse_list(v, frag_name, &p->fragments) || !strcmp(v, "none")
		               ? NULL
		               : "not a list of l3, remember (or none)";
	case K_NON_IP:
		return parse_list(v, nonip_name, &p->non_ip) ? NULL
		                                             : "not a list of mac, worker, drop";
	case K_DELIVERY:
		return parse_list(v, delivery_name, &p->delivery) ? NULL
		                                                  : "not a list of mac, vlan, port";
	case K_SELECT:
		return steer_select_from_name(v, &p->select) == 0 ? NULL : "not table or modulo";
	case K_MAX_OUTPUTS:
		return parse_u32(v, &p->max_outputs) ? NULL : "not a number (0 = no limit)";
	case K_MAX_TABLE_ENTRIES:
		return parse_u32(v, &p->max_table_entries) ? NULL : "not a number (0 = no limit)";
	case K_E_HASH:
		if (!hash_name(v, &u))
			return "not a hash (default, toeplitz, pfring, netmap-lb, xor)";
		p->emulate_hash = (enum steer_hash_fn)u;
		return NULL;
	case K_E_FIELDS:
		if (!fields_name(v, &u))
			return "not 2-tuple, 3-tuple, 4-tuple or 5-tuple";
		p->emulate_fields = (enum steer_fields)u;
		return NULL;
	case K_E_FRAGMENTS:
		if (!strcmp(v, "blind")) /* a device's behaviour, not a policy steer.cfg offers */
			u = STEER_FRAG_BLIND;
		else if (!frag_name(v, &u))
			return "not l3, remember or blind";
		p->emulate_fragments = (enum steer_frag_policy)u;
		return NULL;
	case K_E_NON_IP:
		if (!nonip_name(v, &u))
			return "not mac, worker or drop";
		p->emulate_non_ip = (enum steer_nonip_policy)u;
		return NULL;
	case K_E_L2:
		return parse_l2(v, &p->emulate_l2_opaque);
	case K__COUNT:
		break;
	}
	return "unknown key";
}

static int fail_at(char *errbuf, const char *path, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(char *errbuf, const char *path, unsigned line, const char *fmt, ...)
{
	char msg[STEER_ERRBUF_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		seterr(errbuf, "%s:%u: error: %s", path, line, msg);
	else
		seterr(errbuf, "%s: error: %s", path, msg);
	return STEER_ECONFIG;
}

static int parse_profile(struct hwp_profile *p, const struct steer_ini *ini, char *errbuf)
{
	unsigned seen[K__COUNT] = {0};
	for (size_t i = 0; i < ini->n; i++) {
		const struct steer_ini_entry *e = &ini->v[i];
		if (!e->key) {
			if (strcmp(e->section, "profile") && strcmp(e->section, "emulate"))
				return fail_at(errbuf, p->path, e->line,
				               "[%s]: unknown section (profile, emulate)", e->section);
			if (e->dup_line)
				return fail_at(errbuf, p->path, e->line,
				               "[%s]: duplicate section (also at line %u)", e->section,
				               e->dup_line);
			continue;
		}
		if (!e->section)
			return fail_at(errbuf, p->path, e->line, "%s: outside [profile] or [emulate]",
			               e->key);
		int k = -1;
		for (int j = 0; j < K__COUNT; j++)
			if (!strcmp(e->section, keys[j].section) && !strcmp(e->key, keys[j].key))
				k = j;
		if (k < 0)
			return fail_at(errbuf, p->path, e->line, "[%s] %s: unknown key", e->section,
			               e->key);
		if (seen[k])
			return fail_at(errbuf, p->path, e->line, "[%s] %s: duplicate key (also at line %u)",
			               e->section, e->key, seen[k]);
		seen[k] = e->line;
		const char *why = apply(p, (enum key_id)k, e->value);
		char names[160] = "";
		if (why && k == K_GENERATOR)
			hwp__generator_names(names, sizeof(names));
		if (why)
			return fail_at(errbuf, p->path, e->line, "[%s] %s: '%s' is %s%s%s%s",
			               e->section, e->key, e->value, why, names[0] ? " (" : "", names,
			               names[0] ? ")" : "");
	}
	for (int k = 0; k < K__COUNT; k++)
		if (keys[k].required && !seen[k])
			return fail_at(errbuf, p->path, 0, "[%s] %s: missing", keys[k].section,
			               keys[k].key);
	if (!seen[K_E_FIELDS])
		p->emulate_fields = steer_hash_default_fields(p->emulate_hash);
	if (!(steer_hash_fields_supported(p->emulate_hash) & STEER_FIELDS_BIT(p->emulate_fields)))
		return fail_at(errbuf, p->path, seen[K_E_FIELDS],
		               "[emulate] fields: hash '%s' cannot use a %s",
		               steer_hash_name(p->emulate_hash), steer_fields_name(p->emulate_fields));
	return 0;
}

int hwp_profile_load(const char *name, const char *dir, struct hwp_profile **out, char *errbuf)
{
	*out = NULL;
	errbuf[0] = '\0';
	char path[PATH_MAX];
	const char *base;
	if (strchr(name, '/')) {
		if (snprintf(path, sizeof(path), "%s", name) >= (int)sizeof(path)) {
			seterr(errbuf, "profile '%.64s%s': path too long", name,
			       strlen(name) > 64 ? "..." : "");
			return STEER_EINVAL;
		}
		base = strrchr(name, '/') + 1;
	} else {
		int rc = find_profile(name, dir, path, sizeof(path), errbuf);
		if (rc)
			return rc;
		base = name;
	}
	struct hwp_profile *p = calloc(1, sizeof(*p));
	if (!p) {
		seterr(errbuf, "%s: out of memory", path);
		return STEER_ENOMEM;
	}
	size_t blen = strcspn(base, ".");
	p->name = strndup(base, blen ? blen : strlen(base));
	p->path = strdup(path);
	if (!p->name || !p->path) {
		hwp_profile_free(p);
		seterr(errbuf, "%s: out of memory", path);
		return STEER_ENOMEM;
	}
	char *buf;
	size_t len;
	int rc = read_all(path, &buf, &len, errbuf);
	if (rc) {
		hwp_profile_free(p);
		return rc;
	}
	struct steer_ini ini = {0};
	struct steer_diags d = {0};
	rc = steer_ini_parse(&ini, buf, len, 0, path, &d);
	free(buf);
	if (rc == 0 && d.nerrors) {
		/* The reader's own line, already "path:LINE: error: ...". */
		seterr(errbuf, "%s", d.n ? d.v[0].text : "malformed profile");
		rc = STEER_ECONFIG;
	}
	if (rc == 0)
		rc = parse_profile(p, &ini, errbuf);
	steer_ini_free(&ini);
	steer_diags_free(&d);
	if (rc) {
		if (!errbuf[0])
			seterr(errbuf, "%s: %s", path, steer_strerror(rc));
		hwp_profile_free(p);
		return rc == STEER_ENOMEM ? rc : STEER_ECONFIG;
	}
	*out = p;
	return 0;
}

int hwp_profile_resolve(const char *name, const char *confdir, struct hwp_profile **out,
                        char *errbuf)
{
	/* An override beside steer.cfg that is there but unusable is the user's mistake to see,
	 * not a reason to fall back on the shipped profile. */
	int rc = STEER_ENOENT;
	if (confdir && !strchr(name, '/'))
		rc = hwp_profile_load(name, confdir, out, errbuf);
	if (rc == STEER_ENOENT)
		rc = hwp_profile_load(name, NULL, out, errbuf);
	if (rc == STEER_ENOENT && confdir && !strchr(name, '/')) {
		char shipped[STEER_ERRBUF_SIZE];
		snprintf(shipped, sizeof(shipped), "%s", errbuf);
		seterr(errbuf, "%s, nor in %s", shipped, confdir);
	}
	return rc;
}

/* ---- checking a plan ---- */

static int refuse(char *errbuf, const struct hwp_profile *prof, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(char *errbuf, const struct hwp_profile *prof, const char *fmt, ...)
{
	char msg[STEER_ERRBUF_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	seterr(errbuf, "profile %s: %s", prof->name, msg);
	return STEER_ECONFIG;
}

/* "a, b or c" of the names whose bit is set. */
static void list_names(char *buf, size_t n, unsigned set, unsigned lo, unsigned hi,
                       const char *(*name)(unsigned))
{
	size_t len = 0, total = 0, seen = 0;
	for (unsigned b = lo; b <= hi; b++)
		total += (set >> b) & 1u;
	buf[0] = '\0';
	if (total == 0) {
		snprintf(buf, n, "none");
		return;
	}
	for (unsigned b = lo; b <= hi && len < n; b++) {
		if (!((set >> b) & 1u))
			continue;
		seen++;
		const char *sep = seen == 1 ? "" : seen == total ? " or " : ", ";
		int r = snprintf(buf + len, n - len, "%s%s", sep, name(b));
		if (r < 0)
			return;
		len += (size_t)r;
	}
}

static const char *hname(unsigned b) { return steer_hash_name((enum steer_hash_fn)b); }
static const char *fname(unsigned b) { return steer_fields_name((enum steer_fields)b); }
static const char *frname(unsigned b) { return steer_frag_policy_name((enum steer_frag_policy)b); }
static const char *nname(unsigned b) { return steer_nonip_policy_name((enum steer_nonip_policy)b); }
static const char *dname(unsigned b) { return steer_delivery_name((enum steer_delivery)b); }

/* The largest power-of-two bucket count (>= workers) whose generator needs fit max; 0 if none. */
static uint32_t largest_fitting(const struct hwp_profile *prof, const struct steer_plan *plan)
{
	struct steer_plan probe = *plan;
	uint32_t best = 0;
	for (uint32_t b = 1; b <= 65536; b <<= 1) {
		if (b < plan->nworkers)
			continue;
		probe.nbuckets = b;
		probe.mask = b - 1;
		if (hwp_entries_needed(prof->generator, &probe) <= prof->max_table_entries)
			best = b;
	}
	return best;
}

int hwp_profile_check(const struct hwp_profile *prof, const struct steer_plan *plan,
                      char *errbuf)
{
	const struct steer_hash_spec *h = &plan->hasher->spec;
	char names[256];
	errbuf[0] = '\0';
	if (!((prof->hashes >> h->fn) & 1u)) {
		list_names(names, sizeof(names), prof->hashes, 0, STEER_HASH__COUNT - 1, hname);
		return refuse(errbuf, prof,
		              "hash '%s' is not one the device computes (it computes %s%s)",
		              steer_hash_name(h->fn), names,
		              prof->hashes == 1u << STEER_HASH_XOR
		                      ? ": masked rules can only express src XOR dst; set hash = xor"
		                      : "");
	}
	if (!((prof->fields >> h->fields) & 1u)) {
		list_names(names, sizeof(names), prof->fields, STEER_FIELDS_2, STEER_FIELDS_5, fname);
		return refuse(errbuf, prof, "fields %s: the device hashes %s",
		              steer_fields_name(h->fields), names);
	}
	bool sym = steer_hash_is_symmetric(h);
	if (sym && !prof->symmetric)
		return refuse(errbuf, prof, "the device's hash is not symmetric: the two directions "
		                            "of a flow may reach different workers");
	if (!sym && prof->symmetric && !prof->hash_known)
		return refuse(errbuf, prof,
		              "hash '%s' with this key is not symmetric, but the device hashes "
		              "symmetrically with its own function; use a symmetric hash "
		              "(default, or toeplitz with hash_key = sym)",
		              steer_hash_name(h->fn));
	if (plan->tunnels_inner && !prof->inner)
		return refuse(errbuf, prof, "tunnels = inner: the device cannot hash the packet "
		                            "inside a tunnel (use tunnels = outer)");
	/* A device that implements no fragment policy at all is a risk (hwp_profile_risk), not
	 * a refusal: its users still need its configuration. */
	if (prof->fragments && !((prof->fragments >> plan->fragments) & 1u)) {
		list_names(names, sizeof(names), prof->fragments, STEER_FRAG_L3, STEER_FRAG_REMEMBER,
		           frname);
		return refuse(errbuf, prof, "fragments = %s is not implemented by the device "
		                            "(it implements %s)",
		              steer_frag_policy_name(plan->fragments), names);
	}
	if (!((prof->non_ip >> plan->non_ip) & 1u)) {
		list_names(names, sizeof(names), prof->non_ip, STEER_NONIP_MAC, STEER_NONIP_DROP,
		           nname);
		return refuse(errbuf, prof, "non_ip = %s is not supported (use %s)",
		              steer_nonip_policy_name(plan->non_ip), names);
	}
	if (!((prof->delivery >> plan->delivery) & 1u)) {
		list_names(names, sizeof(names), prof->delivery, STEER_DELIVER_MAC,
		           STEER_DELIVER_PORT, dname);
		return refuse(errbuf, prof, "delivery = %s is not supported (use %s)",
		              steer_delivery_name(plan->delivery), names);
	}
	if (prof->max_outputs && plan->nworkers > prof->max_outputs)
		return refuse(errbuf, prof,
		              "%zu workers but the device has at most %u outputs (%zu too many)",
		              plan->nworkers, prof->max_outputs,
		              plan->nworkers - prof->max_outputs);
	uint64_t need = hwp_entries_needed(prof->generator, plan);
	if (prof->max_table_entries && need > prof->max_table_entries) {
		uint32_t fit = largest_fitting(prof, plan);
		char hint[96] = "";
		if (fit)
			snprintf(hint, sizeof(hint), "; buckets = %u or fewer fits", fit);
		else
			snprintf(hint, sizeof(hint), "; no bucket count fits %zu workers",
			         plan->nworkers);
		return refuse(errbuf, prof,
		              "%u buckets need %llu table entries but the device holds at most %u "
		              "(%llu too many)%s",
		              plan->nbuckets, (unsigned long long)need, prof->max_table_entries,
		              (unsigned long long)(need - prof->max_table_entries), hint);
	}
	return 0;
}

bool hwp_profile_risk(const struct hwp_profile *prof, const struct steer_plan *plan,
                      char *buf)
{
	buf[0] = '\0';
	if (prof->fragments)
		return false;
	seterr(buf,
	       "profile %s: fragments = %s is not implemented by the device: it hashes a later "
	       "fragment's data as if it were ports, so fragmented flows may be split (steerlb "
	       "--emulate %s and steercheck pcap show it on your traffic)",
	       prof->name, steer_frag_policy_name(plan->fragments), prof->name);
	return true;
}

/* ---- emulation ---- */

/* A device whose configuration steer generates does with non-IP frames what the plan says,
 * when it can (Click's Discard, OpenFlow's rule to one worker, ...). */
static enum steer_nonip_policy device_non_ip(const struct hwp_profile *prof,
                                             const struct steer_plan *plan)
{
	return (prof->non_ip >> plan->non_ip) & 1u ? plan->non_ip : prof->emulate_non_ip;
}

void hwp_profile_view(const struct hwp_profile *prof, struct steer_plan *plan)
{
	enum steer_nonip_policy non_ip = device_non_ip(prof, plan);
	/* a worker the plan does not name cannot be predicted: the plan's policy stands */
	if (non_ip != STEER_NONIP_WORKER || plan->nonip_worker >= 0)
		plan->non_ip = non_ip;
	if (!((prof->fragments >> plan->fragments) & 1u))
		plan->fragments = prof->emulate_fragments;
	plan->select = prof->select;
	plan->l2_opaque = prof->emulate_l2_opaque;
}

int hwp_profile_emulate(const struct hwp_profile *prof, struct steer_plan *plan, char *errbuf)
{
	struct steer_hash_spec spec = plan->hasher->spec;
	errbuf[0] = '\0';
	if (prof->emulate_hash == STEER_HASH_TOEPLITZ && spec.fn != STEER_HASH_TOEPLITZ)
		memcpy(spec.key, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);
	spec.fn = prof->emulate_hash;
	spec.fields = prof->emulate_fields;
	if (device_non_ip(prof, plan) == STEER_NONIP_WORKER && plan->nonip_worker < 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "profile %s: the device sends non-IP frames to one worker, but the plan "
		         "names none (set non_ip = worker:NAME)",
		         prof->name);
		return STEER_ECONFIG;
	}
	struct steer_hasher *hs = malloc(sizeof(*hs));
	if (!hs)
		return STEER_ENOMEM;
	int rc = steer_hasher_init(hs, &spec, errbuf);
	if (rc) {
		free(hs);
		return rc;
	}
	free(plan->hasher);
	plan->hasher = hs;
	hwp_profile_view(prof, plan);
	plan->fragments = prof->emulate_fragments;
	return 0;
}
