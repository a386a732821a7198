/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_zeek_files.c: the files beside the generated node.cfg: each worker's script (its share of
 * the split as a restrict_filters entry, Zeek's packet-filter framework; AF_Packet::enable_defrag
 * when AF_PACKET fanout splits it further), the README that says how to install them, and a
 * zeekctl plugin (ZeekControl.plugin.Plugin, nodeKeys) that declares steer's node keys. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <steer/error.h>

#include "gen_zeek_int.h"

/* Writes s as a Zeek string literal. */
static void zeek_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Worker i's script, without steer's first line. *out is malloc'd. */
static int script_text(struct hwp__zeek *z, size_t i, char **out)
{
	const struct steer_plan_worker *w = &z->plan->workers[i];
	char *expr, *buf = NULL;
	size_t len = 0;
	int rc = hwp_filter_expr(z->g->prof, z->plan, i, &expr, z->g->errbuf);
	if (rc)
		return rc;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		free(expr);
		return STEER_ENOMEM;
	}
	if (expr[0]) {
		fputs("redef restrict_filters += { [\"steer\"] = ", f);
		zeek_string(f, expr);
		fputs(" };\n", f);
	} else {
		fputs("# delivery by port: the worker's own port is its share; no filter.\n", f);
	}
	free(expr);
	const struct steer_node *n = hwp__zeek_node(z->cfg, w->name);
	if (hwp__zeek_af_packet(n) && n->lb_procs > 1)
		fprintf(f,
		        "# lb_procs = %u over AF_PACKET fanout: the kernel reassembles IPv4 "
		        "fragments before it picks\n# a process, so that none is split from its "
		        "flow (PACKET_FANOUT_FLAG_DEFRAG).\n@ifdef ( AF_Packet::enable_defrag )\n"
		        "redef AF_Packet::enable_defrag = T;\n@endif\n",
		        n->lb_procs);
	if (fclose(f) != 0) {
		free(buf);
		return STEER_ENOMEM;
	}
	*out = buf;
	return 0;
}

/* SITE/steer/ID.zeek, the same bytes as OUT/zeek/steer/ID.zeek (first line included). */
static int site_copy(struct hwp__zeek *z, const char *rel, const char *id)
{
	const char *site = z->g->opts->zeek_site;
	char src[PATH_MAX], dir[PATH_MAX], dst[PATH_MAX];
	if (snprintf(src, sizeof(src), "%s/%s", z->g->outdir, rel) >= (int)sizeof(src) ||
	    snprintf(dir, sizeof(dir), "%s/steer", site) >= (int)sizeof(dir) ||
	    snprintf(dst, sizeof(dst), "%s/%s.zeek", dir, id) >= (int)sizeof(dst))
		return hwp__fail(z->g, STEER_EINVAL, "zeek: --zeek-site %s: path too long", site);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return hwp__fail(z->g, STEER_EIO, "zeek: --zeek-site: %s: %s", dir,
		                 strerror(errno));
	FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
	int rc = 0;
	if (!in || !out) {
		rc = hwp__fail(z->g, STEER_EIO, "zeek: --zeek-site: %s: %s", in ? dst : src,
		               strerror(errno));
	} else {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, n, out) != n)
				break;
		if (ferror(in) || ferror(out))
			rc = hwp__fail(z->g, STEER_EIO, "zeek: --zeek-site: %s: write error", dst);
	}
	if (in)
		fclose(in);
	if (out && fclose(out) != 0 && !rc)
		rc = hwp__fail(z->g, STEER_EIO, "zeek: --zeek-site: %s: write error", dst);
	return rc;
}

int hwp__zeek_scripts(struct hwp__zeek *z)
{
	const char *site = z->g->opts->zeek_site;
	struct stat st;
	if (site && (stat(site, &st) != 0 || !S_ISDIR(st.st_mode)))
		return hwp__fail(
		    z->g, STEER_EINVAL,
		    "zeek: --zeek-site %s: no such directory (zeekctl's site directory, "
		    "e.g. <prefix>/share/zeek/site)",
		    site);
	for (size_t i = 0; i < z->plan->nworkers; i++) {
		char id[128], rel[160], what[256], *text;
		hwp__ident(z->plan->workers[i].name, id, sizeof(id));
		snprintf(rel, sizeof(rel), "zeek/steer/%s.zeek", id);
		snprintf(what, sizeof(what), "restricts [%s]'s capture to its share of the split",
		         z->plan->workers[i].name);
		int rc = script_text(z, i, &text);
		if (rc)
			return rc;
		FILE *f = hwp__open(z->g, rel, "#", what);
		if (f)
			fputs(text, f);
		free(text);
		if (!f)
			return STEER_EIO;
		if ((rc = hwp__close(z->g, f, rel)) || (site && (rc = site_copy(z, rel, id))))
			return rc;
	}
	return 0;
}

/* zeek/README, one line each. */
static const char *const readme[] = {
    "",
    "node.cfg   zeekctl's node.cfg: the configuration's own, with what steer must change",
    "           listed at its top (each worker's script added to its aux_scripts, ...).",
    "           Install it as <prefix>/etc/node.cfg.",
    "steer/     one script per worker: its share of the split, added to Zeek's",
    "           restrict_filters. Copy the directory into zeekctl's site directory",
    "           (SitePolicyPath, <prefix>/share/zeek/site) before 'zeekctl check' or",
    "           'deploy': steerctl generate --zeek-site DIR copies it there.",
    "plugins/   steer.py, a zeekctl plugin that declares steer's node keys (steer.mac,",
    "           steer.vlan, ...), so that zeekctl reads them without a warning. Copy it",
    "           into a directory of zeekctl.cfg's SitePluginPath (e.g.",
    "           <prefix>/lib/zeekctl/plugins).",
    "",
    "Then: zeekctl deploy.",
    "",
    "What to know:",
    "- Zeek joins every restrict_filters entry and every PacketFilter::exclude() filter",
    "  with 'and': steer's filters keep selecting exactly the worker's share whatever is",
    "  added ('ether dst' and the bpf-split filters read fixed offsets, which libpcap's",
    "  'vlan' does not move). With delivery = vlan every frame carries the worker's tag:",
    "  write your own filters for tagged frames ('vlan and ...').",
    "- A -f in ZeekArgs (zeekctl.cfg) replaces every restrict_filters entry, steer's",
    "  included: each worker would then analyse all the traffic it receives, not its share.",
    "- A '%' in a node.cfg value stops zeekctl (its configparser takes it for",
    "  interpolation); steer warns about it when it loads node.cfg.",
    "- A worker with lb_procs > 1 over AF_PACKET gets AF_Packet::enable_defrag in its",
    "  script: the kernel reassembles IPv4 fragments before it picks a process. IPv6",
    "  fragments are not reassembled and can reach another process of the same worker.",
};

int hwp__zeek_readme(struct hwp__zeek *z)
{
	FILE *f = hwp__open(z->g, "zeek/README", "#", "how to install these zeekctl files");
	if (!f)
		return STEER_EIO;
	for (size_t i = 0; i < sizeof(readme) / sizeof(readme[0]); i++)
		fprintf(f, "%s\n", readme[i]);
	return hwp__close(z->g, f, "zeek/README");
}

int hwp__zeek_plugin(struct hwp__zeek *z)
{
	FILE *f = hwp__open(z->g, "zeek/plugins/steer.py", "#",
	                    "zeekctl plugin declaring steer's node keys");
	if (!f)
		return STEER_EIO;
	fputs("# Copy into a directory of zeekctl.cfg's SitePluginPath. zeekctl then reads the "
	      "steer.* keys of\n# node.cfg (as node attributes steer_mac, ...) without warning "
	      "that they are unknown;\n# the plugin changes nothing else.\n"
	      "import ZeekControl.plugin\n\n\n"
	      "class Steer(ZeekControl.plugin.Plugin):\n"
	      "    def __init__(self):\n"
	      "        super().__init__(apiversion=1)\n\n"
	      "    def name(self):\n"
	      "        return \"steer\"\n\n"
	      "    def pluginVersion(self):\n"
	      "        return 1\n\n"
	      "    def init(self):\n"
	      "        # its node keys are all it adds: nothing to do when zeekctl runs\n"
	      "        return False\n\n"
	      "    def nodeKeys(self):\n"
	      "        return [",
	      f);
	for (size_t i = 0; steer_node_keys[i]; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", steer_node_keys[i]);
	fputs("]\n", f);
	return hwp__close(z->g, f, "zeek/plugins/steer.py");
}
