/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_openflow.c: OpenFlow 1.3 flows for ovs-ofctl add-flows (ovs-ofctl(8), ovs-fields(7),
 * ovs-actions(7)): masked nw_src/nw_dst and ipv6_src/ipv6_dst matches implementing the plan's
 * xor buckets; for the ovs profile a metadata pipeline, a select group and a multipath variant. */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>

#include "gen_int.h"

/*
 * Bucket b holds the flows with (src & m) ^ (dst & m) == b, m = 2^k - 1 (hash_xor.c). No
 * OpenFlow match computes an XOR, so:
 *  - portable (openflow13): one table, one rule per (src bits, dst bits) pair and family:
 *    2 * 4^k rules (+1 for non-IP). Exact, any OpenFlow 1.2+ switch with bitwise address masks,
 *    but quadratic: 32 buckets already need 2049 rules.
 *  - pipeline (ovs): table t+1 (t < k) looks at bit t of both addresses and, when they differ,
 *    sets bit t of the OpenFlow 1.1+ metadata (write_metadata); the last table maps the metadata
 *    (= the bucket) to the worker: 5 rules per bit + 2^k + 3, so 65536 buckets fit. It needs
 *    k + 2 tables, write_metadata and goto_table, which Open vSwitch has and many hardware
 *    pipelines do not.
 * VLAN-tagged frames match "ip"/"ipv6" too (OpenFlow's eth_type is the type after the tag).
 */

static uint64_t entries(const struct steer_plan *p, bool pipeline)
{
	uint64_t k = hwp__bits(p), b = p->nbuckets;
	return pipeline ? 3 + 5 * k + b : 2 * b * b + 1;
}

static uint64_t portable_entries(const struct steer_plan *p)
{
	return entries(p, false);
}

static uint64_t pipeline_entries(const struct steer_plan *p)
{
	return entries(p, true);
}

const struct hwp__generator hwp__openflow = {
	.name = "openflow",
	.kinds = 1u << HWP_KIND_OPENFLOW,
	.entries = portable_entries,
};

const struct hwp__generator hwp__ovs = {
	.name = "ovs",
	.kinds = 1u << HWP_KIND_OPENFLOW,
	.of_pipeline = true,
	.entries = pipeline_entries,
};

static void dotted(char *buf, size_t n, uint32_t v)
{
	snprintf(buf, n, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

/* An IPv6 address whose last 32 bits are v, the rest zero. */
static void v6(char *buf, size_t n, uint32_t v)
{
	if (v >> 16)
		snprintf(buf, n, "::%x:%x", v >> 16, v & 0xffff);
	else
		snprintf(buf, n, "::%x", v);
}

/* The actions that deliver to worker w. */
static void actions(FILE *f, const struct steer_plan *p, unsigned w)
{
	const struct steer_plan_worker *pw = &p->workers[w];
	char mac[STEER_MAC_STRLEN];
	if (p->delivery == STEER_DELIVER_MAC)
		fprintf(f, "set_field:%s->eth_dst,", steer_mac_format(&pw->mac, mac));
	else if (p->delivery == STEER_DELIVER_VLAN)
		/* OpenFlow 1.3 vlan_vid carries OFPVID_PRESENT (0x1000) with the VID. */
		fprintf(f, "push_vlan:0x8100,set_field:%d->vlan_vid,", 0x1000 | pw->vlan);
	if (pw->port >= 0)
		fprintf(f, "output:%d", pw->port);
	else
		fputs("NORMAL", f);
}

static void nonip_actions(FILE *f, const struct steer_plan *p)
{
	if (p->non_ip == STEER_NONIP_WORKER && p->nonip_worker >= 0)
		actions(f, p, (unsigned)p->nonip_worker);
	else
		fputs("drop", f);
}

static void header(FILE *f, const struct steer_plan *p, const char *how)
{
	fprintf(f, "# %s\n", how);
	fprintf(f, "# Load: ovs-ofctl -O OpenFlow13 add-flows BRIDGE FILE. %u buckets (xor of the "
	           "low %u address bits), %zu workers.\n",
	        p->nbuckets, hwp__bits(p), p->nworkers);
	fputs("# Output: the worker's steer.port, else NORMAL (the switch's own MAC learning).\n", f);
	for (size_t i = 0; i < p->nworkers; i++) {
		char mac[STEER_MAC_STRLEN];
		fprintf(f, "#   %s: mac %s vlan %d port %d, %u buckets%s\n", p->workers[i].name,
		        steer_mac_format(&p->workers[i].mac, mac), p->workers[i].vlan,
		        p->workers[i].port, p->workers[i].nbuckets,
		        p->workers[i].alive ? "" : " (failed)");
	}
}

static void portable(FILE *f, const struct steer_plan *p)
{
	uint32_t m = p->mask;
	char sa[48], da[48], ma[48];
	header(f, p, "Portable OpenFlow 1.3: one rule per (src bits, dst bits) pair, one table.");
	for (int fam = 4; fam <= 6; fam += 2) {
		for (uint32_t s = 0; s <= m; s++) {
			for (uint32_t d = 0; d <= m; d++) {
				unsigned w = p->table[s ^ d];
				fprintf(f, "table=0,priority=100,%s", fam == 4 ? "ip" : "ipv6");
				if (m && fam == 4) {
					dotted(sa, sizeof(sa), s), dotted(da, sizeof(da), d);
					dotted(ma, sizeof(ma), m);
					fprintf(f, ",nw_src=%s/%s,nw_dst=%s/%s", sa, ma, da, ma);
				} else if (m) {
					v6(sa, sizeof(sa), s), v6(da, sizeof(da), d), v6(ma, sizeof(ma), m);
					fprintf(f, ",ipv6_src=%s/%s,ipv6_dst=%s/%s", sa, ma, da, ma);
				}
				fputs(",actions=", f);
				actions(f, p, w);
				fputc('\n', f);
			}
		}
	}
	fputs("table=0,priority=0,actions=", f);
	nonip_actions(f, p);
	fputc('\n', f);
}

static void pipeline(FILE *f, const struct steer_plan *p)
{
	unsigned k = hwp__bits(p);
	header(f, p, "Open vSwitch pipeline: tables 1..k set metadata bit t when bit t of the "
	             "source and destination differ; table k+1 maps the metadata (the bucket) "
	             "to the worker.");
	fputs("table=0,priority=10,ip,actions=goto_table:1\n", f);
	fputs("table=0,priority=10,ipv6,actions=goto_table:1\n", f);
	fputs("table=0,priority=0,actions=", f);
	nonip_actions(f, p);
	fputc('\n', f);
	for (unsigned t = 0; t < k; t++) {
		uint32_t bit = 1u << t;
		char one[48], zero[48] = "0.0.0.0", m6[48], z6[48] = "::";
		dotted(one, sizeof(one), bit);
		v6(m6, sizeof(m6), bit);
		for (int fam = 4; fam <= 6; fam += 2) {
			const char *kw = fam == 4 ? "ip" : "ipv6";
			const char *src = fam == 4 ? "nw_src" : "ipv6_src";
			const char *dst = fam == 4 ? "nw_dst" : "ipv6_dst";
			const char *b1 = fam == 4 ? one : m6, *b0 = fam == 4 ? zero : z6;
			fprintf(f, "table=%u,priority=20,%s,%s=%s/%s,%s=%s/%s,actions=write_metadata:"
			           "0x%x/0x%x,goto_table:%u\n",
			        t + 1, kw, src, b1, b1, dst, b0, b1, bit, bit, t + 2);
			fprintf(f, "table=%u,priority=20,%s,%s=%s/%s,%s=%s/%s,actions=write_metadata:"
			           "0x%x/0x%x,goto_table:%u\n",
			        t + 1, kw, src, b0, b1, dst, b1, b1, bit, bit, t + 2);
		}
		fprintf(f, "table=%u,priority=10,actions=goto_table:%u\n", t + 1, t + 2);
	}
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		fprintf(f, "table=%u,priority=10", k + 1);
		if (p->mask)
			fprintf(f, ",metadata=0x%x/0x%x", b, p->mask);
		fputs(",actions=", f);
		actions(f, p, p->table[b]);
		fputc('\n', f);
	}
}

/* The ovs profile's alternatives, whose split is Open vSwitch's own hash, not the plan's
 * buckets: both symmetric, so flows stay whole, but steer cannot say which worker a flow
 * reaches (steercheck validates them on captures instead). */
static int variants(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	int rc;
	FILE *f = hwp__open(g, "openflow/groups.txt", "#",
	                    "select group over the alive workers, weighted (ovs-ofctl -O "
	                    "OpenFlow13 add-groups BRIDGE groups.txt)");
	if (!f)
		return STEER_EIO;
	fputs("# OVS 2.10+ picks a bucket by a symmetric L3/L4 dp_hash (ovs-ofctl(8), "
	      "selection_method);\n# this split is OVS's, not the plan's buckets.\n",
	      f);
	fputs("group_id=1,type=select", f);
	for (uint32_t a = 0; a < p->nalive; a++) {
		unsigned w = p->alive[a];
		fprintf(f, ",bucket=weight:%u,actions=", p->workers[w].weight);
		actions(f, p, w);
	}
	fputc('\n', f);
	if ((rc = hwp__close(g, f, "openflow/groups.txt")))
		return rc;

	f = hwp__open(g, "openflow/flows-select.txt", "#",
	              "flows sending IP to the select group of groups.txt (load groups first)");
	if (!f)
		return STEER_EIO;
	fputs("table=0,priority=10,ip,actions=group:1\n", f);
	fputs("table=0,priority=10,ipv6,actions=group:1\n", f);
	fputs("table=0,priority=0,actions=", f);
	nonip_actions(f, p);
	fputc('\n', f);
	if ((rc = hwp__close(g, f, "openflow/flows-select.txt")))
		return rc;

	f = hwp__open(g, "openflow/multipath.txt", "#",
	              "multipath variant: symmetric_l3l4+udp, hrw over the alive workers "
	              "(weights are not honoured)");
	if (!f)
		return STEER_EIO;
	fputs("# symmetric_l3l4 drops the ports of every fragment (ovs-actions(7)), so fragmented "
	      "flows stay whole.\n",
	      f);
	fprintf(f, "table=0,priority=10,ip,actions=multipath(symmetric_l3l4+udp,0,hrw,%u,0,"
	           "NXM_NX_REG0[]),resubmit(,1)\n",
	        p->nalive);
	fprintf(f, "table=0,priority=10,ipv6,actions=multipath(symmetric_l3l4+udp,0,hrw,%u,0,"
	           "NXM_NX_REG0[]),resubmit(,1)\n",
	        p->nalive);
	fputs("table=0,priority=0,actions=", f);
	nonip_actions(f, p);
	fputc('\n', f);
	for (uint32_t a = 0; a < p->nalive; a++) {
		fprintf(f, "table=1,priority=10,reg0=%u,actions=", a);
		actions(f, p, p->alive[a]);
		fputc('\n', f);
	}
	return hwp__close(g, f, "openflow/multipath.txt");
}

/* Sanity bound for the portable variant when no profile limits it (--only openflow). */
#define PORTABLE_MAX_RULES (1u << 20)

int hwp__gen_openflow(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	int rc = hwp__need_xor(g, "openflow");
	if (rc)
		return rc;
	bool ovs = g->gen->of_pipeline;
	uint64_t need = entries(p, ovs);
	if (!ovs && need > PORTABLE_MAX_RULES)
		return hwp__fail(g, STEER_ERANGE,
		                 "openflow: %u buckets need %llu portable rules (2 x %u^2 + 1), more "
		                 "than %u; use fewer buckets or the ovs profile's pipeline",
		                 p->nbuckets, (unsigned long long)need, p->nbuckets,
		                 PORTABLE_MAX_RULES);
	FILE *f = hwp__open(g, "openflow/flows.txt", "#",
	                    ovs ? "OpenFlow 1.3 flows, Open vSwitch metadata pipeline"
	                        : "OpenFlow 1.3 flows, portable masked-match rules");
	if (!f)
		return STEER_EIO;
	if (ovs)
		pipeline(f, p);
	else
		portable(f, p);
	if ((rc = hwp__close(g, f, "openflow/flows.txt")))
		return rc;
	return ovs ? variants(g) : 0;
}
