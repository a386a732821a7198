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
 * to (t + 1, x). Level k's x is the bucket, wired to its worker. 2^k - 1 Classifiers per frame
 * layout (IPv4, IPv6, each untagged and under one 802.1Q/802.1ad tag), so the element count,
 * not the pattern count, bounds the buckets.
 *
 * The device must read a frame as steer does (hwprofiles/click.ini, [emulate] l2): IP is IP
 * only with a sane version and header length (the EtherType dispatch checks them) and with
 * both addresses captured. The root of each IP tree reads the last address byte, the highest
 * offset any node reads, and spells out all four combinations of its bit, so that a frame cut
 * before it falls through to the last pattern: the non-IP path, as steer's truncated frames.
 * Not checked (Classifier cannot compare numbers): an IPv4 total length below the header
 * length and IPv6 extension headers that lie, which steer takes for invalid (non-IP) and Click
 * hashes by the addresses.
 */
struct layout {
	const char *name;  /* element prefix */
	unsigned src_last, dst_last; /* offsets of the last byte of the hashed 32-bit words */
	bool ip;           /* an IP tree: its root checks that the addresses were captured */
};

static const struct layout layouts[] = {
	{"u4", 14 + 12 + 3, 14 + 16 + 3, true},     /* Ethernet, IPv4 src 26..29, dst 30..33 */
	{"u6", 14 + 20 + 3, 14 + 36 + 3, true},     /* IPv6: last words of src 8..23, dst 24..39 */
	{"t4", 18 + 12 + 3, 18 + 16 + 3, true},     /* after one VLAN tag: 4 bytes later */
	{"t6", 18 + 20 + 3, 18 + 36 + 3, true},
	{"nm", 6 + 5, 5, false},                    /* non-IP: MAC bytes 2..5 of src, dst */
};

/* Classifiers of one tree: 2^k - 1 nodes, and an IP tree's root even when k = 0. */
static uint64_t tree_nodes(const struct steer_plan *p, bool ip)
{
	uint64_t n = (uint64_t)p->nbuckets - 1;
	return ip && n == 0 ? 1 : n;
}

static uint64_t click_entries(const struct steer_plan *p)
{
	/* four IP trees, the EtherType dispatch; non_ip = mac walks the MAC pair with a fifth
	 * tree, non_ip = drop has one Discard */
	return 4 * tree_nodes(p, true) + 1 +
	       (p->non_ip == STEER_NONIP_MAC ? tree_nodes(p, false)
	                                     : p->non_ip == STEER_NONIP_DROP ? 1 : 0);
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

/* Where non-IP frames (and IP frames Click cannot read whole) go, by the plan's non_ip. */
static void nonip_target(FILE *f, const struct steer_plan *p, unsigned k)
{
	if (p->non_ip == STEER_NONIP_WORKER && p->nonip_worker >= 0)
		sink(f, p, (unsigned)p->nonip_worker);
	else if (p->non_ip == STEER_NONIP_MAC)
		target(f, p, &layouts[4], k, 0, 0);
	else
		fputs("nonip", f);
}

/* Levels of Classifiers in layout l's tree: k, and an IP tree's root even when k = 0. */
static unsigned levels(const struct layout *l, unsigned k)
{
	return l->ip && k == 0 ? 1 : k;
}

/* Where the dispatch sends layout l's frames: its tree's root (or the one worker). */
static void root(FILE *f, const struct steer_plan *p, const struct layout *l, unsigned k)
{
	if (levels(l, k))
		fprintf(f, "%s_0_0", l->name);
	else
		target(f, p, l, k, 0, 0);
}

/* Layout l's Classifiers. */
static void tree_decl(FILE *f, const struct steer_plan *p, const struct layout *l)
{
	unsigned k = hwp__bits(p);
	for (unsigned t = 0; t < levels(l, k); t++) {
		unsigned so = l->src_last - t / 8, dof = l->dst_last - t / 8, b = 1u << (t % 8);
		for (uint32_t x = 0; x < (1u << t); x++) {
			fprintf(f, "%s_%u_%x :: Classifier(%u/%02x%%%02x %u/00%%%02x, "
			           "%u/00%%%02x %u/%02x%%%02x, ",
			        l->name, t, x, so, b, b, dof, b, so, b, dof, b, b);
			if (l->ip && t == 0) /* both bits clear, both set */
				fprintf(f, "%u/00%%%02x %u/00%%%02x, ", so, b, dof, b),
				fprintf(f, "%u/%02x%%%02x %u/%02x%%%02x, ", so, b, b, dof, b, b);
			fputs("-);\n", f);
		}
	}
}

/* Layout l's connections: (t, x) outputs 0 and 1 to (t + 1, x | 2^t), 2 (and 3 at an IP root)
 * to (t + 1, x), an IP root's 4 (the addresses cut off) to the non-IP path. */
static void tree_connect(FILE *f, const struct steer_plan *p, const struct layout *l)
{
	unsigned k = hwp__bits(p);
	for (unsigned t = 0; t < levels(l, k); t++)
		for (uint32_t x = 0; x < (1u << t); x++) {
			unsigned next = t < k ? t + 1 : k;
			uint32_t set = t < k ? x | (1u << t) : x;
			int n = l->ip && t == 0 ? 5 : 3;
			for (int o = 0; o < n; o++) {
				fprintf(f, "%s_%u_%x [%d] -> ", l->name, t, x, o);
				if (o == 4)
					nonip_target(f, p, k);
				else
					target(f, p, l, k, next, o < 2 ? set : x);
				fputs(";\n", f);
			}
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
	fputs("// IPv4 and IPv6 are hashed untagged and under one 802.1Q/802.1ad tag (0x8100, "
	      "0x88a8,\n// 0x9100); QinQ, MPLS, PPPoE and IP frames cut before their addresses or "
	      "with a bad\n// version or header length take the non-IP path, as steerlb --emulate "
	      "click does.\n\n",
	      f);
	if (dev) {
		/* The default sniffer mode: SNIFFER false would need iptables to keep the kernel
		 * off these frames. Give IN no address. SNAPLEN: a jumbo frame whole; turn GRO/LRO
		 * off on IN so that frames arrive as they were on the wire. */
		fprintf(f, "// IN (%s) should have no IP address and GRO/LRO off "
		           "(ethtool -K %s gro off lro off).\n",
		        in, in);
		fputs("// Linux takes the outermost 802.1Q/802.1ad tag off a received frame before "
		      "a packet socket\n// sees it, and FromDevice's Linux method does not put it "
		      "back: tagged frames are\n// hashed by what is under that tag and leave "
		      "without it. A Click built with\n// libpcap keeps the tag with METHOD "
		      "PCAP.\n",
		      f);
		fprintf(f, "src :: FromDevice(%s, PROMISC true, SNAPLEN 65535);\n", in);
		fprintf(f, "out :: Queue(4096) -> ToDevice(%s);\n", out);
	} else {
		/* ToDump keeps 2000 bytes of a frame unless told otherwise */
		fprintf(f, "src :: FromDump(%s, STOP true);\n", in);
		fprintf(f, "out :: ToDump(%s, SNAPLEN 262144);\n", out);
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
	if (p->non_ip == STEER_NONIP_DROP)
		fputs("nonip :: Discard;\n", f);
	/* Outputs: 0 IPv4, 1 IPv6, 2-4 tagged IPv4, 5-7 tagged IPv6, 8 the rest. IPv4 wants
	 * version 4 and a header length of at least 5 words, IPv6 version 6. */
	fputs("eth :: Classifier(12/0800 14/40%f0 !14/40%fc !14/44, 12/86dd 14/60%f0", f);
	static const char *const tpid[3] = {"8100", "88a8", "9100"};
	for (int i = 0; i < 3; i++)
		fprintf(f, ", 12/%s 16/0800 18/40%%f0 !18/40%%fc !18/44", tpid[i]);
	for (int i = 0; i < 3; i++)
		fprintf(f, ", 12/%s 16/86dd 18/60%%f0", tpid[i]);
	fputs(", -);\n", f);
	static const char *const what[5] = {"IPv4", "IPv6", "IPv4 under one tag",
	                                    "IPv6 under one tag", "non-IP by the MAC pair"};
	int ntrees = p->non_ip == STEER_NONIP_MAC ? 5 : 4;
	/* Every tree's Classifiers before any connection: an IP root may lead to the MAC tree. */
	for (int l = 0; l < ntrees; l++) {
		fprintf(f, "\n// %s: %s\n", layouts[l].name, what[l]);
		tree_decl(f, p, &layouts[l]);
	}
	for (int l = 0; l < ntrees; l++) {
		fprintf(f, "\n// %s connections\n", layouts[l].name);
		tree_connect(f, p, &layouts[l]);
	}
	/* Last, the dispatch into the trees, now that every element it names is declared. */
	fputs("\n// EtherType dispatch\nsrc -> eth;\n", f);
	unsigned k = hwp__bits(p);
	static const int first[4] = {0, 1, 2, 5}, count[4] = {1, 1, 3, 3};
	for (int l = 0; l < 4; l++)
		for (int o = first[l]; o < first[l] + count[l]; o++) {
			fprintf(f, "eth [%d] -> ", o);
			root(f, p, &layouts[l], k);
			fputs(";\n", f);
		}
	fputs("eth [8] -> ", f);
	nonip_target(f, p, k);
	fputs(";\n", f);
	return hwp__close(g, f, "click/steer.click");
}
