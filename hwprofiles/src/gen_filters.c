/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_filters.c: per-worker BPF filters (pcap-filter(7)): the delivery's ("ether dst MAC",
 * "vlan V": steer/deliver.h), or the bpf-split expression that selects a worker's xor buckets;
 * each compiled with libpcap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/cap_filter.h>
#include <steer/deliver.h>
#include <steer/error.h>

#include "gen_int.h"

/*
 * The bpf-split expression. The xor hash (hash_xor.c) is the low 32 bits of src XOR dst read
 * big-endian: for IPv4 the addresses, for IPv6 the last word of each, for a non-IP frame bytes
 * 2..5 of each MAC. A worker keeps a frame when (src ^ dst) & mask is one of its buckets,
 * written as ranges of consecutive buckets. Every test reads the frame at fixed offsets from
 * its start (ether[]), untagged and under one tag: libpcap's "vlan" keyword, and the "ip" /
 * "ip6" offsets it moves, would shift whatever another filter puts after it (Zeek joins every
 * restrict_filters entry with "and"), and a "vlan" before it would shift ours; ether[] offsets
 * are never shifted. QinQ, MPLS and PPPoE frames take the non-IP terms.
 */
#define TAGGED "(ether[12:2] = 0x8100 or ether[12:2] = 0x88a8 or ether[12:2] = 0x9100)"
#define NONIP                                                                                      \
	"(ether[12:2] != 0x0800 and ether[12:2] != 0x86dd and not (" TAGGED                       \
	" and (ether[16:2] = 0x0800 or ether[16:2] = 0x86dd)))"

/* Where each frame layout keeps its EtherType and hashed words (offsets from the frame). */
static const struct {
	const char *type;  /* the EtherType test */
	unsigned src, dst; /* the hashed 32-bit words */
} layouts[] = {
	{"ether[12:2] = 0x0800", 14 + 12, 14 + 16},                /* IPv4 */
	{"ether[12:2] = 0x86dd", 14 + 20, 14 + 36},                /* IPv6: last words */
	{TAGGED " and ether[16:2] = 0x0800", 18 + 12, 18 + 16},    /* under one tag */
	{TAGGED " and ether[16:2] = 0x86dd", 18 + 20, 18 + 36},
};

/* " or "-joined membership test of worker w's buckets for value expression x, e.g.
 * "x = 3 or (x >= 5 and x <= 9)"; nothing when it holds none. Returns the number of terms. */
static unsigned members(FILE *f, const struct steer_plan *p, unsigned w, const char *x)
{
	unsigned n = 0;
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		if (p->table[b] != w)
			continue;
		uint32_t e = b;
		while (e + 1 < p->nbuckets && p->table[e + 1] == w)
			e++;
		if (n++)
			fputs(" or ", f);
		if (e == b)
			fprintf(f, "%s = %u", x, b);
		else
			fprintf(f, "(%s >= %u and %s <= %u)", x, b, x, e);
		b = e;
	}
	return n;
}

static void split_expr(FILE *f, const struct steer_plan *p, unsigned w)
{
	char x[96];
	bool any = p->workers[w].nbuckets > 0;
	unsigned nt = 0;
	for (size_t l = 0; any && l < sizeof(layouts) / sizeof(layouts[0]); l++) {
		snprintf(x, sizeof(x), "((ether[%u:4] ^ ether[%u:4]) & 0x%x)", layouts[l].src,
		         layouts[l].dst, p->mask);
		fprintf(f, "%s(%s and (", nt++ ? " or " : "", layouts[l].type);
		members(f, p, w, x);
		fputs("))", f);
	}
	if (p->non_ip == STEER_NONIP_MAC && any) {
		snprintf(x, sizeof(x), "((ether[2:4] ^ ether[8:4]) & 0x%x)", p->mask);
		fputs(" or (" NONIP " and (", f);
		members(f, p, w, x);
		fputs("))", f);
	} else if (p->non_ip == STEER_NONIP_WORKER && p->nonip_worker == (int)w) {
		fputs(nt++ ? " or " NONIP : NONIP, f);
	}
	if (!any && nt == 0)
		fputs("less 0", f); /* holds no bucket (failed): matches no frame */
}

/* One comparison per bucket, within the kernel's BPF size (checked when generating). */
static uint64_t split_entries(const struct steer_plan *p)
{
	return p->nbuckets;
}

/* The workers' filters are the device configuration of both. */
const struct hwp__generator hwp__bpf_split = {
	.name = "bpf-split",
	.filter_split = true,
	.entries = split_entries,
};

const struct hwp__generator hwp__steerlb = {
	.name = "steerlb",
};

int hwp_filter_expr(const struct hwp_profile *prof, const struct steer_plan *plan, size_t i,
                    char **out, char *errbuf)
{
	*out = NULL;
	const struct hwp__generator *gen = prof ? hwp__generator_find(prof->generator) : NULL;
	if (!gen || !gen->filter_split) {
		/* what the delivery leaves in the frame: its MAC or tag (nothing for a port) */
		char buf[64];
		int rc = steer_deliver_filter(plan, i, buf, sizeof(buf));
		if (rc) {
			snprintf(errbuf, STEER_ERRBUF_SIZE, "filter of worker %zu: %s", i,
			         steer_strerror(rc));
			return rc;
		}
		return (*out = strdup(buf)) ? 0 : STEER_ENOMEM;
	}
	if (plan->hasher->spec.fn != STEER_HASH_XOR) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "bpf-split: the plan's hash is '%s', but a BPF filter can only "
		         "compute the 'xor' hash: set hash = xor in steer.cfg",
		         steer_hash_name(plan->hasher->spec.fn));
		return STEER_EINVAL;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return STEER_ENOMEM;
	split_expr(f, plan, (unsigned)i);
	if (fclose(f) != 0) {
		free(buf);
		return STEER_ENOMEM;
	}
	*out = buf;
	return 0;
}

int hwp__gen_filters(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	for (size_t i = 0; i < p->nworkers; i++) {
		char *expr, err[STEER_ERRBUF_SIZE], id[128], rel[160];
		int rc = hwp_filter_expr(g->prof, p, i, &expr, g->errbuf);
		if (rc)
			return rc;
		/* A filter that libpcap rejects is a bug in this file, never output. */
		struct cap_filter *cf;
		rc = cap_filter_compile(1 /* LINKTYPE_ETHERNET */, expr, &cf, err);
		if (rc) {
			hwp__fail(g, rc, "filters: [%s]: libpcap rejects the generated filter: %s",
			          p->workers[i].name, err);
			free(expr);
			return rc;
		}
		unsigned insns = cap_filter_insns(cf);
		cap_filter_free(cf);
		if (insns > CAP_FILTER_MAX_INSNS) {
			free(expr);
			return hwp__fail(g, STEER_ERANGE,
			                 "filters: [%s]: the filter compiles to %u BPF instructions, "
			                 "%u more than Linux accepts (%u); use fewer buckets",
			                 p->workers[i].name, insns, insns - CAP_FILTER_MAX_INSNS,
			                 CAP_FILTER_MAX_INSNS);
		}
		hwp__ident(p->workers[i].name, id, sizeof(id));
		snprintf(rel, sizeof(rel), "filters/%s.bpf", id);
		char what[256];
		snprintf(what, sizeof(what),
		         "BPF filter of [%s] (tcpdump -F strips this comment line)",
		         p->workers[i].name);
		FILE *f = hwp__open(g, rel, "#", what);
		if (!f) {
			free(expr);
			return STEER_EIO;
		}
		fprintf(f, "%s\n", expr);
		free(expr);
		if ((rc = hwp__close(g, f, rel)))
			return rc;
	}
	return 0;
}
