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
 * big-endian: for IPv4 the addresses (ip[12:4], ip[16:4]), for IPv6 the last word of each
 * (ip6[20:4], ip6[36:4]), for a non-IP frame bytes 2..5 of each MAC (ether[2:4], ether[8:4]).
 * A worker keeps a frame when (src ^ dst) & mask is one of its buckets, written as ranges of
 * consecutive buckets. libpcap's "vlan" keyword moves every later offset by one tag, so the
 * untagged IP terms come first and the tagged ones last; the non-IP test reads the EtherTypes
 * at fixed offsets (12 and, under one tag, 16) so that it never depends on that shift.
 * QinQ, MPLS and PPPoE frames are outside the split (steer's parser sees through them).
 */
#define NONIP "(ether[12:2] != 0x0800 and ether[12:2] != 0x86dd and " \
              "not ((ether[12:2] = 0x8100 or ether[12:2] = 0x88a8 or ether[12:2] = 0x9100) " \
              "and (ether[16:2] = 0x0800 or ether[16:2] = 0x86dd)))"

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
	char x4[64], x6[64], xm[64];
	snprintf(x4, sizeof(x4), "((ip[12:4] ^ ip[16:4]) & 0x%x)", p->mask);
	snprintf(x6, sizeof(x6), "((ip6[20:4] ^ ip6[36:4]) & 0x%x)", p->mask);
	snprintf(xm, sizeof(xm), "((ether[2:4] ^ ether[8:4]) & 0x%x)", p->mask);
	bool any = p->workers[w].nbuckets > 0;
	unsigned nt = 0;
	if (any) {
		fputs("(ip and (", f);
		members(f, p, w, x4);
		fputs(")) or (ip6 and (", f);
		members(f, p, w, x6);
		fputs("))", f);
		nt++;
	}
	if (p->non_ip == STEER_NONIP_MAC && any) {
		fputs(" or (" NONIP " and (", f);
		members(f, p, w, xm);
		fputs("))", f);
	} else if (p->non_ip == STEER_NONIP_WORKER && p->nonip_worker == (int)w) {
		fputs(nt++ ? " or " NONIP : NONIP, f);
	}
	if (any) {
		fputs(" or (vlan and ((ip and (", f);
		members(f, p, w, x4);
		fputs(")) or (ip6 and (", f);
		members(f, p, w, x6);
		fputs("))))", f);
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
