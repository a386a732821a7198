/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/plan.c: "steerctl plan": the resolved plan as a table or JSON; --check validates. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <steer/clu_hrw.h>
#include <steer/clu_layout.h>
#include <steer/error.h>
#include <steer/hwp_profile.h>
#include <steer/plan.h>

#include "cli.h"
#include "setup.h"
#include "steerctl.h"

static const char usage[] =
	"Usage: steerctl [-c DIR] plan [--json] [--check]\n"
	"\n"
	"Resolve the cluster description in DIR (node.cfg, steer.cfg, networks.cfg)\n"
	"into the steering plan and show it: for every worker its host, capture\n"
	"interface, MAC (assigned from mac_base when steer.mac is unset), VLAN and\n"
	"port (where the delivery uses them), weight and share of the hash buckets;\n"
	"and the frontend's hash, bucket count and policies; and the proxies, with\n"
	"the worker processes each serves (dealt round-robin in node.cfg order; a\n"
	"dead proxy's workers move to the live ones). The same configuration always\n"
	"gives the same plan, byte for byte; the fingerprint names it.\n"
	"\n"
	"Options:\n"
	"  -c, --config DIR  configuration directory (default: $STEER_CONFIG_DIR,\n"
	"                    else /etc/steer)\n"
	"      --json        the whole plan as JSON, including the bucket table\n"
	"      --check       only validate: print every problem, exit 0 if none is\n"
	"                    an error, else 2 (warnings do not fail the check); a plan\n"
	"                    the configured profile cannot carry is an error\n"
	"  -h, --help        show this help\n";

/* Column widths for the worker table: the longest value or the heading. */
struct widths {
	int name, host, iface;
};

static int maxlen(int w, const char *s)
{
	int n = s ? (int)strlen(s) : 1;
	return n > w ? n : w;
}

static void num_or_dash(char *buf, size_t n, int v)
{
	if (v >= 0)
		snprintf(buf, n, "%d", v);
	else
		snprintf(buf, n, "-");
}

/* The proxies and the workers each serves (clu_pool_home): one print path for text and JSON.
 * Returns 0, or EXIT_USAGE when the layout cannot be built (said on stderr). */
static int print_proxies(const struct steer_config *cfg, struct steer_json *j, FILE *f)
{
	char err[STEER_ERRBUF_SIZE];
	struct clu_layout *l;
	struct clu_pool pool;
	if (clu_layout_build(cfg, &l, err) != 0 || clu_pool_init(l, &pool, err) != 0) {
		fprintf(stderr, "steerctl: %s\n", err);
		return EXIT_USAGE;
	}
	if (j)
		steer_json_arr_open(j, "proxies");
	else if (pool.n == 0)
		fprintf(f, "\nno proxies: no shared state (known_hosts and known_services are not "
		           "logged)\n");
	else
		fprintf(f, "\n%-12s  WORKERS\n", "PROXY");
	for (size_t i = 0; i < pool.n; i++) {
		if (j) {
			steer_json_obj_open(j, NULL);
			steer_json_str(j, "name", pool.proc[i]->name);
			steer_json_str(j, "host", pool.proc[i]->node->host);
			steer_json_u64(j, "port", pool.proc[i]->port);
			steer_json_arr_open(j, "workers");
		} else {
			fprintf(f, "%-12s ", pool.proc[i]->name);
		}
		const char *sep = " ";
		for (size_t k = 0; k < l->n; k++) {
			if (clu_pool_home(&pool, l, &l->procs[k]) != (int)i)
				continue;
			if (j)
				steer_json_str(j, NULL, l->procs[k].name);
			else
				fprintf(f, "%s%s", sep, l->procs[k].name);
			sep = ", ";
		}
		if (j) {
			steer_json_arr_close(j);
			steer_json_obj_close(j);
		} else {
			fputc('\n', f);
		}
	}
	if (j)
		steer_json_arr_close(j);
	clu_layout_free(l);
	return 0;
}

/* The readable view; --json writes the plan itself (steer_plan_write_json). */
static void print_plan(const struct steer_plan *p, const char *fp, FILE *f)
{
	const struct steer_hash_spec *h = &p->hasher->spec;
	struct widths w = {6, 4, 9};
	char mac[STEER_MAC_STRLEN], vlan[12], port[12];
	for (size_t i = 0; i < p->nworkers; i++) {
		w.name = maxlen(w.name, p->workers[i].name);
		w.host = maxlen(w.host, p->workers[i].host);
		w.iface = maxlen(w.iface, p->workers[i].interface);
	}
	fprintf(f, "plan %s  profile %s  hash %s %s (%s)  %u buckets\n", fp, p->profile,
	        steer_hash_name(h->fn), steer_fields_name(h->fields),
	        steer_hash_is_symmetric(h) ? "symmetric" : "NOT symmetric", p->nbuckets);
	fprintf(f, "fragments %s  non-IP %s%s%s  tunnels %s  VLAN in key %s  delivery %s\n\n",
	        steer_frag_policy_name(p->fragments), steer_nonip_policy_name(p->non_ip),
	        p->nonip_worker >= 0 ? ":" : "",
	        p->nonip_worker >= 0 ? p->workers[p->nonip_worker].name : "",
	        p->tunnels_inner ? "inner" : "outer", p->vlan_in_key ? "yes" : "no",
	        steer_delivery_name(p->delivery));
	fprintf(f, "%-*s  %-*s  %-*s  %-17s  %4s  %5s  %6s  %7s  %6s\n", w.name, "WORKER", w.host,
	        "HOST", w.iface, "INTERFACE", "MAC", "VLAN", "PORT", "WEIGHT", "BUCKETS", "SHARE");
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *pw = &p->workers[i];
		num_or_dash(vlan, sizeof(vlan), pw->vlan);
		num_or_dash(port, sizeof(port), pw->port);
		fprintf(f, "%-*s  %-*s  %-*s  %-17s  %4s  %5s  %6u  %7u  %5.1f%%%s\n", w.name,
		        pw->name, w.host, pw->host ? pw->host : "-", w.iface,
		        pw->interface ? pw->interface : "-", steer_mac_format(&pw->mac, mac), vlan,
		        port, pw->weight, pw->nbuckets, 100.0 * pw->nbuckets / p->nbuckets,
		        pw->alive ? "" : "  (failed)");
	}
}

int steerctl_plan(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"check", no_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false, check = false;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			confdir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'k':
			check = true;
			break;
		default:
			return cli_opt_done("steerctl plan", c, usage, NULL);
		}
	}
	if (!cli_operands("steerctl plan", argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	/* --check: the configured profile must be able to carry the plan */
	struct cli_setup cs;
	if (cli_setup_load(&cs, "steerctl", confdir, check ? CLI_CHECK_PROFILE : 0) != 0)
		return EXIT_USAGE;
	const struct steer_plan *p = cs.plan;
	int rc = EXIT_OK;
	if (check) {
		printf("%s: configuration OK: %zu workers, %u buckets, plan %s\n", cs.dir,
		       p->nworkers, p->nbuckets, cs.fingerprint);
	} else if (json) {
		struct steer_json j;
		steer_json_init(&j, stdout, true);
		steer_json_obj_open(&j, NULL);
		int wrc = steer_plan_write_json_members(p, &j);
		if (wrc == 0)
			rc = print_proxies(cs.cfg, &j, stdout);
		steer_json_obj_close(&j);
		steer_json_end(&j);
		/* a write error is reported once, by the check of stdout below */
		if (wrc == STEER_ENOMEM)
			fprintf(stderr, "steerctl: out of memory\n");
		if (wrc)
			rc = EXIT_USAGE;
	} else {
		print_plan(p, cs.fingerprint, stdout);
		rc = print_proxies(cs.cfg, NULL, stdout);
	}
	cli_setup_free(&cs);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("steerctl: stdout");
		return EXIT_USAGE;
	}
	return rc;
}
