/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_netmap.c: netmap's lb (netmap apps/lb/lb.c: "lb -i IFACE -p [prefix:]npipes"; output pipe
 * = hash % npipes, workers open netmap:PREFIX}K) per host and interface. */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>

#include "gen_int.h"

static const char *str(const char *s)
{
	return s ? s : "-";
}

/* True when an earlier worker has the same host and interface as worker i. */
static bool seen_before(const struct steer_plan *p, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(str(p->workers[j].host), str(p->workers[i].host)) &&
		    !strcmp(str(p->workers[j].interface), str(p->workers[i].interface)))
			return true;
	return false;
}

static bool same_group(const struct steer_plan *p, size_t a, size_t b)
{
	return !strcmp(str(p->workers[a].host), str(p->workers[b].host)) &&
	       !strcmp(str(p->workers[a].interface), str(p->workers[b].interface));
}

const struct hwp__generator hwp__netmap = {
	.name = "netmap",
	.kinds = 1u << HWP_KIND_NETMAP,
};

int hwp__gen_netmap(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	FILE *sh = hwp__open(g, "netmap/lb.sh", "#", "netmap lb command line per host and interface");
	if (!sh)
		return STEER_EIO;
	FILE *pipes = hwp__open(g, "netmap/pipes.txt", "#", "netmap pipe each worker captures from");
	if (!pipes) {
		fclose(sh);
		return STEER_EIO;
	}
	fputs("# lb hashes (Toeplitz, key 0x506d, ports + 'B') and sends hash % npipes; the plan "
	      "predicts it\n# when its hash is netmap-lb. Run each line on its host.\n",
	      sh);
	fprintf(pipes, "# %-16s %-14s %s\n", "worker", "host", "pipe");
	unsigned group = 0;
	for (size_t i = 0; i < p->nworkers; i++) {
		if (seen_before(p, i))
			continue;
		unsigned n = 0;
		for (size_t j = i; j < p->nworkers; j++)
			n += same_group(p, i, j);
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "steer%u", group++);
		fprintf(sh, "lb -i netmap:%s -p %s:%u  # on %s\n", str(p->workers[i].interface),
		        prefix, n, str(p->workers[i].host));
		unsigned k = 0;
		for (size_t j = i; j < p->nworkers; j++)
			if (same_group(p, i, j))
				fprintf(pipes, "%-18s %-14s netmap:%s}%u\n", p->workers[j].name,
				        str(p->workers[j].host), prefix, k++);
	}
	int rc = hwp__close(g, sh, "netmap/lb.sh");
	int rc2 = hwp__close(g, pipes, "netmap/pipes.txt");
	return rc ? rc : rc2;
}
