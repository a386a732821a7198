/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_click.c: a Click 2.x userlevel configuration (Kohler et al., "The Click Modular Router";
 * elements Classifier, StoreEtherAddress, VLANEncap, FromDump/ToDump, FromDevice/ToDevice)
 * that splits exactly as the plan's xor buckets do. */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>

#include "gen_int.h"

/*
 * Classifier matches bytes under masks but computes nothing, so the XOR is walked one bit at a
 * time: node (t, x) holds the frames whose low t bits of src XOR dst are x, and splits them on
 * bit t: "src bit set, dst bit clear" and "src clear, dst set" go to (t + 1, x | 2^t), the rest
 * to (t + 1, x). Level k's x is the bucket, wired to its worker. 2^k - 1 three-pattern
 * Classifiers per frame layout (IPv4, IPv6, each untagged and under one 802.1Q/802.1ad tag),
 * so the element count, not the pattern count, bounds the buckets.
 */
struct layout {
	const char *name;  /* element prefix */
	unsigned src_last, dst_last; /* offsets of the last byte of the hashed 32-bit words */
};

static const struct layout layouts[] = {
	{"u4", 14 + 12 + 3, 14 + 16 + 3},     /* Ethernet, IPv4 src 26..29, dst 30..33 */
	{"u6", 14 + 20 + 3, 14 + 36 + 3},     /* IPv6: last words of src 8..23, dst 24..39 */
	{"t4", 18 + 12 + 3, 18 + 16 + 3},     /* after one VLAN tag: 4 bytes later */
	{"t6", 18 + 20 + 3, 18 + 36 + 3},
	{"nm", 6 + 5, 5},                     /* non-IP: MAC bytes 2..5, src 8..11, dst 2..5 */
};

static uint64_t click_entries(const struct steer_plan *p)
{
	uint64_t nodes = (uint64_t)p->nbuckets - 1;
	/* + the EtherType dispatch; non_ip = mac walks the MAC pair with a fifth tree */
	return (p->non_ip == STEER_NONIP_MAC ? 5 : 4) * nodes + 1;
}

const struct hwp__generator hwp__click = {
	.name = "click",
	.kinds = 1u << HWP_KIND_CLICK,
	.entries = click_entries,
};

/* Click element names: letters, digits and '_' (no '-'). */
static void click_ident(const char *name, char *buf, size_t n)
{
	size_t i = 0;
	for (; name[i] && i + 1 < n; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		buf[i] = ok ? c : '_';
	}
	buf[i] = '\0';
}

static void sink(FILE *f, const struct steer_plan *p, unsigned w)
{
	char id[128];
	click_ident(p->workers[w].name, id, sizeof(id));
	fprintf(f, "w_%s", id);
}

/* The element that level t, state x of layout l leads to. */
static void target(FILE *f, const struct steer_plan *p, const struct layout *l, unsigned k,
                   unsigned t, uint32_t x)
{
	if (t == k)
		sink(f, p, p->table[x]);
	else
		fprintf(f, "%s_%u_%x", l->name, t, x);
}

/* Layout l's tree: every Classifier declared first, then the connections, because Click refuses
 * a connection that names an element declared further down ("undeclared element"). */
static void tree(FILE *f, const struct steer_plan *p, const struct layout *l)
{
	unsigned k = hwp__bits(p);
	for (unsigned t = 0; t < k; t++) {
		unsigned so = l->src_last - t / 8, dof = l->dst_last - t / 8, b = 1u << (t % 8);
		for (uint32_t x = 0; x < (1u << t); x++)
			fprintf(f, "%s_%u_%x :: Classifier(%u/%02x%%%02x %u/00%%%02x, "
			           "%u/00%%%02x %u/%02x%%%02x, -);\n",
			        l->name, t, x, so, b, b, dof, b, so, b, dof, b, b);
	}
	for (unsigned t = 0; t < k; t++)
		for (uint32_t x = 0; x < (1u << t); x++)
			for (int o = 0; o < 3; o++) {
				fprintf(f, "%s_%u_%x [%d] -> ", l->name, t, x, o);
				target(f, p, l, k, t + 1, o < 2 ? x | (1u << t) : x);
				fputs(";\n", f);
			}
}

/* "pcap:IN,OUT" / "dev:IN,OUT" into its parts; names must not need Click quoting. */
static int parse_io(struct hwp__gen *g, bool *dev, char *in, char *out, size_t n)
{
	const char *io = g->opts->click_io ? g->opts->click_io : "pcap:in.pcap,out.pcap";
	const char *rest;
	if (!strncmp(io, "pcap:", 5))
		*dev = false, rest = io + 5;
	else if (!strncmp(io, "dev:", 4))
		*dev = true, rest = io + 4;
	else
		return hwp__fail(g, STEER_EINVAL, "click: --click-io '%s' is not pcap:IN,OUT or "
		                                  "dev:IN,OUT", io);
	const char *comma = strchr(rest, ',');
	size_t li = comma ? (size_t)(comma - rest) : 0;
	if (!comma || li == 0 || !comma[1] || li >= n || strlen(comma + 1) >= n ||
	    strcspn(rest, " \t\n\"'\\;(){}[]$") != strlen(rest) || strchr(comma + 1, ','))
		return hwp__fail(g, STEER_EINVAL, "click: --click-io '%s': want pcap:IN,OUT or "
		                                  "dev:IN,OUT, two names without blanks, quotes, "
		                                  "';', brackets or further commas", io);
	memcpy(in, rest, li);
	in[li] = '\0';
	snprintf(out, n, "%s", comma + 1);
	return 0;
}

int hwp__gen_click(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	char in[256], out[256], mac[STEER_MAC_STRLEN];
	bool dev = false;
	int rc = hwp__need_xor(g, "click");
	if (rc || (rc = parse_io(g, &dev, in, out, sizeof(in))))
		return rc;
	if (p->delivery == STEER_DELIVER_PORT)
		return hwp__fail(g, STEER_EINVAL, "click: delivery 'port' is not generated (one "
		                                  "output); use delivery = mac or vlan");
	FILE *f = hwp__open(g, "click/steer.click", "//",
	                    "Click userlevel configuration splitting by the plan's xor buckets");
	if (!f)
		return STEER_EIO;
	fprintf(f, "// Run: click steer.click. %u buckets, %zu workers; frames leave with the "
	           "worker's %s.\n",
	        p->nbuckets, p->nworkers, p->delivery == STEER_DELIVER_VLAN ? "VLAN tag pushed"
	                                                                   : "destination MAC");
	fputs("// QinQ, MPLS and PPPoE frames count as non-IP here.\n\n", f);
	if (dev) {
		fprintf(f, "src :: FromDevice(%s, SNIFFER false, PROMISC true);\n", in);
		fprintf(f, "out :: Queue(4096) -> ToDevice(%s);\n", out);
	} else {
		fprintf(f, "src :: FromDump(%s, STOP true);\n", in);
		fprintf(f, "out :: ToDump(%s);\n", out);
	}
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		sink(f, p, (unsigned)i);
		if (p->delivery == STEER_DELIVER_VLAN)
			fprintf(f, " :: VLANEncap(VLAN_ID %d) -> out;\n", w->vlan);
		else
			fprintf(f, " :: StoreEtherAddress(%s, dst) -> out;\n",
			        steer_mac_format(&w->mac, mac));
	}
	/* Outputs: 0 IPv4, 1 IPv6, 2-4 tagged IPv4, 5-7 tagged IPv6, 8 the rest. */
	fputs("eth :: Classifier(12/0800, 12/86dd, 12/8100 16/0800, 12/88a8 16/0800, "
	      "12/9100 16/0800, 12/8100 16/86dd, 12/88a8 16/86dd, 12/9100 16/86dd, -);\n",
	      f);
	static const char *const what[5] = {"IPv4", "IPv6", "IPv4 under one tag",
	                                    "IPv6 under one tag", "non-IP by the MAC pair"};
	int ntrees = p->non_ip == STEER_NONIP_MAC ? 5 : 4;
	for (int l = 0; l < ntrees; l++) {
		fprintf(f, "\n// %s: %s\n", layouts[l].name, what[l]);
		tree(f, p, &layouts[l]);
	}
	/* Last, the dispatch into the trees, now that every element it names is declared. */
	fputs("\n// EtherType dispatch\nsrc -> eth;\n", f);
	unsigned k = hwp__bits(p);
	static const int first[4] = {0, 1, 2, 5}, count[4] = {1, 1, 3, 3};
	for (int l = 0; l < 4; l++)
		for (int o = first[l]; o < first[l] + count[l]; o++) {
			fprintf(f, "eth [%d] -> ", o);
			target(f, p, &layouts[l], k, 0, 0);
			fputs(";\n", f);
		}
	fputs("eth [8] -> ", f);
	if (p->non_ip == STEER_NONIP_WORKER && p->nonip_worker >= 0)
		sink(f, p, (unsigned)p->nonip_worker);
	else if (p->non_ip == STEER_NONIP_MAC)
		target(f, p, &layouts[4], k, 0, 0);
	else
		fputs("Discard", f);
	fputs(";\n", f);
	return hwp__close(g, f, "click/steer.click");
}
