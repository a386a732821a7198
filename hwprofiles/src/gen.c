/* SPDX-License-Identifier: BSD-2-Clause */
/* gen.c: "steerctl generate": which artefacts a profile gets, the output directory, and the
 * header line every generated file starts with. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <steer/error.h>

#include "gen_int.h"

static const struct {
	const char *name;
	int (*gen)(struct hwp__gen *g);
} kinds[HWP_KIND__COUNT] = {
	[HWP_KIND_FILTERS] = {"filters", hwp__gen_filters},
	[HWP_KIND_OPENFLOW] = {"openflow", hwp__gen_openflow},
	[HWP_KIND_CLICK] = {"click", hwp__gen_click},
	[HWP_KIND_CPACKET] = {"cpacket", hwp__gen_cpacket},
	[HWP_KIND_SWITCH] = {"switch", hwp__gen_switch},
	[HWP_KIND_PFRING] = {"pfring", hwp__gen_pfring},
	[HWP_KIND_AFPACKET] = {"afpacket", hwp__gen_afpacket},
	[HWP_KIND_NETMAP] = {"netmap", hwp__gen_netmap},
	[HWP_KIND_ZEEK] = {"zeek", hwp__gen_zeek},
};

const char *hwp_kind_name(enum hwp_kind k)
{
	return (unsigned)k < HWP_KIND__COUNT ? kinds[k].name : "?";
}

int hwp_kind_from_name(const char *name, enum hwp_kind *k)
{
	for (unsigned i = 0; i < HWP_KIND__COUNT; i++)
		if (strcmp(name, kinds[i].name) == 0) {
			*k = (enum hwp_kind)i;
			return 0;
		}
	return STEER_EINVAL;
}

/* Every generator, in the order messages list them. */
static const struct hwp__generator *const generators[] = {
	&hwp__cpacket, &hwp__switch,  &hwp__openflow, &hwp__ovs,       &hwp__click,
	&hwp__pfring,  &hwp__afpacket, &hwp__netmap,  &hwp__bpf_split, &hwp__steerlb,
};

const struct hwp__generator *hwp__generator_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(generators) / sizeof(generators[0]); i++)
		if (strcmp(name, generators[i]->name) == 0)
			return generators[i];
	return NULL;
}

char *hwp__generator_names(char *buf, size_t n)
{
	size_t used = 0, ng = sizeof(generators) / sizeof(generators[0]);
	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < ng && used < n; i++) {
		int k = snprintf(buf + used, n - used, "%s%s",
		                 i == 0 ? "" : i + 1 == ng ? " or " : ", ", generators[i]->name);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	return buf;
}

/* A profile's generator; steer's own without a profile. */
static const struct hwp__generator *generator_of(const struct hwp_profile *prof)
{
	const struct hwp__generator *g = prof ? hwp__generator_find(prof->generator) : NULL;
	return g ? g : &hwp__steerlb;
}

unsigned hwp_kinds_for_profile(const struct hwp_profile *prof)
{
	return 1u << HWP_KIND_FILTERS | 1u << HWP_KIND_ZEEK | generator_of(prof)->kinds;
}

uint64_t hwp_entries_needed(const char *gen, const struct steer_plan *plan)
{
	const struct hwp__generator *g = hwp__generator_find(gen);
	return g && g->entries ? g->entries(plan) : 0;
}

bool hwp_profile_edits_frames(const struct hwp_profile *prof)
{
	return !generator_of(prof)->filter_split;
}

int hwp__fail(struct hwp__gen *g, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->errbuf, STEER_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
	return code;
}

unsigned hwp__bits(const struct steer_plan *p)
{
	unsigned k = 0;
	while ((1u << k) < p->nbuckets)
		k++;
	return k;
}

int hwp__need_xor(struct hwp__gen *g, const char *what)
{
	enum steer_hash_fn fn = g->plan->hasher->spec.fn;
	if (fn == STEER_HASH_XOR)
		return 0;
	return hwp__fail(g, STEER_EINVAL,
	                 "%s: the plan's hash is '%s', but masked matches can only express the "
	                 "'xor' hash (low bits of src XOR dst): set hash = xor in steer.cfg",
	                 what, steer_hash_name(fn));
}

int hwp__port(const struct steer_plan *p, size_t i)
{
	return p->workers[i].port >= 0 ? p->workers[i].port : (int)i + 1;
}

void hwp__ident(const char *name, char *buf, size_t n)
{
	size_t i = 0;
	for (; name[i] && i + 1 < n; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '_' || c == '-';
		buf[i] = ok ? c : '_';
	}
	buf[i] = '\0';
}

/* mkdir -p for OUT/rel's directory part. */
static int make_dirs(struct hwp__gen *g, const char *path)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return hwp__fail(g, STEER_EINVAL, "%s: path too long", path);
	for (char *s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			return hwp__fail(g, STEER_EIO, "%s: %s", tmp, strerror(errno));
		*s = '/';
	}
	return 0;
}

FILE *hwp__open(struct hwp__gen *g, const char *rel, const char *cmt, const char *what)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", g->outdir, rel) >= (int)sizeof(path)) {
		hwp__fail(g, STEER_EINVAL, "%s/%s: path too long", g->outdir, rel);
		return NULL;
	}
	if (make_dirs(g, path))
		return NULL;
	FILE *f = fopen(path, "w");
	if (!f) {
		hwp__fail(g, STEER_EIO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fprintf(f, "%s steer %s, plan %s (profile %s): %s\n", cmt, STEER_VERSION, g->fp,
	        g->prof ? g->prof->name : g->plan->profile, what);
	return f;
}

int hwp__close(struct hwp__gen *g, FILE *f, const char *rel)
{
	int bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return hwp__fail(g, STEER_EIO, "%s/%s: write error", g->outdir, rel);
	return 0;
}

/* 1 when dir holds anything but "." and "..", 0 when empty or absent, < 0 on error. */
static int dir_nonempty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			found = 1;
			break;
		}
	closedir(d);
	return found;
}

/* Removes the regular files (and, for filters and zeek, those one level down) of OUT/kind, so
 * a worker that left the plan leaves no file behind. Touches nothing else. */
static int clear_kind(struct hwp__gen *g, const char *kind, int depth)
{
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof(dir), "%s/%s", g->outdir, kind) >= (int)sizeof(dir))
		return hwp__fail(g, STEER_EINVAL, "%s/%s: path too long", g->outdir, kind);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int rc = 0;
	while (!rc && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[PATH_MAX], sub[PATH_MAX];
		struct stat st;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) != 0)
			continue;
		if (S_ISREG(st.st_mode) && unlink(path) != 0)
			rc = hwp__fail(g, STEER_EIO, "%s: %s", path, strerror(errno));
		else if (S_ISDIR(st.st_mode) && depth > 0 &&
		         snprintf(sub, sizeof(sub), "%s/%s", kind, e->d_name) < (int)sizeof(sub))
			rc = clear_kind(g, sub, depth - 1);
	}
	closedir(d);
	return rc;
}

/* Files and identifiers are named after the workers (hwp__ident): two names that only differ
 * in a character an identifier cannot hold ([w.1], [w_1]) would share one file, and both
 * workers would capture by one filter. Refused, naming both. */
static int check_idents(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	for (size_t i = 0; i < p->nworkers; i++) {
		char a[128], b[128];
		hwp__ident(p->workers[i].name, a, sizeof(a));
		for (size_t j = 0; j < i; j++) {
			hwp__ident(p->workers[j].name, b, sizeof(b));
			if (strcmp(a, b) == 0)
				return hwp__fail(
				    g, STEER_EINVAL,
				    "workers [%s] and [%s] would share the file name '%s' "
				    "(only A-Z a-z 0-9 _ - are kept): rename one",
				    p->workers[j].name, p->workers[i].name, a);
		}
	}
	return 0;
}

int hwp_generate(const struct hwp_profile *prof, const struct steer_plan *plan,
                 const struct steer_config *cfg, unsigned set, const char *outdir,
                 const struct hwp_gen_opts *opts, char *errbuf)
{
	static const struct hwp_gen_opts no_opts = {false, NULL, NULL};
	struct hwp__gen g = {prof,   generator_of(prof), plan, cfg, opts ? opts : &no_opts,
	                     outdir, {0},                errbuf};
	errbuf[0] = '\0';
	if (!steer_plan_fingerprint(plan, g.fp))
		return STEER_ENOMEM;
	if (check_idents(&g) != 0)
		return STEER_EINVAL;
	int ne = dir_nonempty(outdir);
	if (ne < 0)
		return hwp__fail(&g, STEER_EIO, "%s: %s", outdir, strerror(errno));
	if (ne > 0 && !g.opts->force)
		return hwp__fail(&g, STEER_EINVAL,
		                 "%s: directory is not empty (use --force to overwrite)", outdir);
	char probe[PATH_MAX];
	if (snprintf(probe, sizeof(probe), "%s/x", outdir) >= (int)sizeof(probe))
		return hwp__fail(&g, STEER_EINVAL, "%s: path too long", outdir);
	if (make_dirs(&g, probe)) /* OUT and its parents, as mkdir -p */
		return STEER_EIO;
	for (unsigned k = 0; k < HWP_KIND__COUNT; k++) {
		if (!(set & (1u << k)))
			continue;
		int rc = clear_kind(&g, kinds[k].name, 1);
		if (!rc)
			rc = kinds[k].gen(&g);
		if (rc) {
			if (!errbuf[0])
				hwp__fail(&g, rc, "%s: %s", kinds[k].name, steer_strerror(rc));
			return rc;
		}
	}
	return 0;
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

unsigned hwp__iface_index(const struct steer_plan *p, size_t i)
{
	const char *h = or_dash(p->workers[i].host), *ifc = or_dash(p->workers[i].interface);
	unsigned idx = 0;
	for (size_t j = 0; j <= i; j++) {
		const char *hj = or_dash(p->workers[j].host), *ij = or_dash(p->workers[j].interface);
		if (strcmp(hj, h))
			continue;
		if (!strcmp(ij, ifc))
			return idx;
		bool first = true; /* is j the first use of ij on this host? */
		for (size_t k = 0; k < j; k++)
			if (!strcmp(or_dash(p->workers[k].host), h) &&
			    !strcmp(or_dash(p->workers[k].interface), ij))
				first = false;
		idx += first;
	}
	return idx;
}
