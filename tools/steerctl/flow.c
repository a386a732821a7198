/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/flow.c: "steerctl which" (the worker a flow reaches) and "steerctl hash" (one hash
 * function's raw value), both for a flow given as PROTO SRC[:PORT] DST[:PORT]. */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/addr.h>
#include <steer/error.h>
#include <steer/flowkey.h>
#include <steer/hash.h>
#include <steer/path.h>
#include <steer/plan.h>
#include <steer/proto.h>

#include "cli.h"
#include "out.h"
#include "setup.h"
#include "steerctl.h"

static const char which_usage[] =
	"Usage: steerctl [-c DIR] which [--json] [--vlan ID] PROTO SRC[:PORT] DST[:PORT]\n"
	"       steerctl [-c DIR] which [--json] [--vlan ID] -\n"
	"\n"
	"Show the flow hash, the bucket and the worker that a flow reaches under the\n"
	"plan of DIR, the worker's MAC (and VLAN or port), and check that the reverse\n"
	"direction (DST to SRC) reaches the same worker. The decision is the one\n"
	"steerlb makes for a packet of that flow, policies included.\n"
	"\n"
	"  PROTO             tcp, udp, sctp, icmp, icmp6, or a protocol number\n"
	"  SRC, DST          IPv4 or IPv6 addresses, both of one family; ports go with\n"
	"                    both or neither (IPv6 with a port: [2001:db8::1]:443)\n"
	"  -                 read the flows from standard input, one PROTO SRC DST per\n"
	"                    line (blank lines and lines starting with # are skipped),\n"
	"                    and print one result per line (with --json, one JSON object\n"
	"                    per line); the plan is made once for all of them\n"
	"\n"
	"Options:\n"
	"  -c, --config DIR  configuration directory (default: $STEER_CONFIG_DIR,\n"
	"                    else /etc/steer)\n"
	"      --vlan ID     the flow's outermost VLAN id (matters with vlan_in_key)\n"
	"      --json        print a JSON object (worker, bucket, hash, reverse, ...)\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 both directions reach one worker (with -: for every flow); 1 they\n"
	"reach different workers (the hash is not symmetric: the flow would be split);\n"
	"2 usage or configuration error, or with - a line that is not a flow (named by\n"
	"its number; the lines before it are answered, none after it).\n";

static const char hash_usage[] =
	"Usage: steerctl hash --fn NAME [--key ms|sym|HEX] [--fields N] [--seed S] [--json]\n"
	"                     PROTO SRC[:PORT] DST[:PORT]\n"
	"\n"
	"Print the raw 32-bit value of one hash function for one flow, in hex, e.g.\n"
	"  steerctl hash --fn toeplitz --key ms tcp 66.9.149.187:2794 161.142.100.80:1766\n"
	"prints 0x51ccc178 (the Microsoft RSS verification suite's first 4-tuple).\n"
	"No configuration is read.\n"
	"\n"
	"Options:\n"
	"      --fn NAME     default (steer's symmetric hash), toeplitz (Microsoft RSS),\n"
	"                    pfring (PF_RING cluster), netmap-lb (netmap lb), xor\n"
	"                    (low bits of src XOR dst)\n"
	"      --key K       Toeplitz key: ms (Microsoft default), sym (0x6d5a repeated;\n"
	"                    the default) or 80 hex digits\n"
	"      --fields N    2, 3, 4 or 5 (-tuple); default: the function's own, or its\n"
	"                    port-less form when no ports are given\n"
	"      --seed S      seed of the default hash (default 0)\n"
	"      --json        print a JSON object\n"
	"  -h, --help        show this help\n";

/* A flow that cannot be read: a usage error for the command line (where NULL), or one line
 * naming the input line (where "stdin line N") for steerctl which -. */
static void flow_error(const char *prog, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void flow_error(const char *prog, const char *where, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (where)
		fprintf(stderr, "%s: %s: %s\n", prog, where, msg);
	else
		cli_usage_error(prog, "%s", msg);
}

/* PROTO SRC[:PORT] DST[:PORT] into a packet view, as the parser would have produced it. */
static bool parse_flow(const char *prog, const char *where, char **arg, struct steer_pkt *pkt,
                       bool *ports)
{
	char q[CLI_QUOTE_SIZE];
	struct steer_addr src, dst;
	uint16_t sp, dp;
	bool shas, dhas;
	memset(pkt, 0, sizeof(*pkt));
	if (!where) {
		if (!cli_parse_proto(prog, arg[0], &pkt->proto))
			return false;
	} else if (steer_proto_from_name(arg[0], &pkt->proto) != 0) {
		char what[300];
		uint64_t v;
		snprintf(what, sizeof(what), "%s: %s", prog, where);
		if (!isdigit((unsigned char)arg[0][0])) {
			flow_error(prog, where,
			           "unknown protocol '%s' (tcp, udp, sctp, icmp, icmp6 or 0-255)",
			           cli_quote(arg[0], q));
			return false;
		}
		if (!cli_parse_u64(what, "protocol", arg[0], 0, 255, false, &v))
			return false;
		pkt->proto = (uint8_t)v;
	}
	if (steer_endpoint_parse(arg[1], &src, &sp, &shas) != 0) {
		flow_error(prog, where, "'%s' is not an address or ADDR:PORT",
		           cli_quote(arg[1], q));
		return false;
	}
	if (steer_endpoint_parse(arg[2], &dst, &dp, &dhas) != 0) {
		flow_error(prog, where, "'%s' is not an address or ADDR:PORT",
		           cli_quote(arg[2], q));
		return false;
	}
	if (src.family != dst.family) {
		flow_error(prog, where, "%s and %s are not of one address family", arg[1], arg[2]);
		return false;
	}
	if (shas != dhas) {
		flow_error(prog, where, "give a port with both addresses or with neither");
		return false;
	}
	if (shas && !steer_proto_has_ports(pkt->proto)) {
		flow_error(prog, where, "protocol %s carries no ports", arg[0]);
		return false;
	}
	pkt->family = src.family;
	memcpy(pkt->src, src.a, 16);
	memcpy(pkt->dst, dst.a, 16);
	pkt->sport = sp;
	pkt->dport = dp;
	pkt->eth_off = -1;
	if (shas)
		pkt->flags |= STEER_F_PORTS;
	*ports = shas;
	return true;
}

static void print_endpoint(struct out *o, const char *akey, const char *pkey,
                           const struct steer_pkt *pkt, const uint8_t *a, uint16_t port)
{
	struct steer_addr addr = {.family = pkt->family};
	char buf[STEER_ADDR_STRLEN];
	memcpy(addr.a, a, 16);
	steer_addr_format(&addr, buf);
	bool v6 = pkt->family == 6, ports = pkt->flags & STEER_F_PORTS;
	out_str(o, akey, ports && v6 ? "[%s]" : "%s", buf);
	if (ports)
		out_u64(o, pkey, ":%llu", port);
	else
		out_str(o, pkey, NULL, NULL);
}

static void print_flow(struct out *o, const struct steer_pkt *pkt, const char *end)
{
	const char *name = steer_proto_name(pkt->proto);
	if (name)
		out_str(o, "proto", "flow %s ", name);
	else
		out_u64(o, "proto", "flow proto %llu ", pkt->proto);
	print_endpoint(o, "src", "sport", pkt, pkt->src, pkt->sport);
	out_text(o, " -> ");
	print_endpoint(o, "dst", "dport", pkt, pkt->dst, pkt->dport);
	out_text(o, "%s", end);
}

static void print_decision(struct out *o, const struct steer_plan *p, int w, uint32_t hash)
{
	char hex[11];
	snprintf(hex, sizeof(hex), "0x%08x", hash);
	out_u64(o, "hash", NULL, hash);
	out_str(o, "hash_hex", "hash %s", hex);
	out_u64(o, "bucket", "  bucket %llu", hash & p->mask);
	out_u64(o, "buckets", " of %llu", p->nbuckets);
	out_str(o, "worker", "  worker %s", w >= 0 ? p->workers[w].name : NULL);
}

/* One flow's decision and its reverse's: JSON, or text on three lines (one with one_line).
 * Returns whether both directions reach one worker. */
static bool print_which(struct out *o, const struct steer_plan *p, struct steer_path *path,
                        const struct steer_pkt *pkt, bool one_line)
{
	struct steer_pkt rev;
	uint32_t h, rh;
	steer_pkt_reverse(pkt, &rev);
	int w = steer_path_classify(path, STEER_PKT_IP, pkt, &h);
	int rw = steer_path_classify(path, STEER_PKT_IP, &rev, &rh);

	out_obj_open(o, NULL);
	print_flow(o, pkt, one_line ? "  " : "\n");
	print_decision(o, p, w, h);
	if (w >= 0) {
		char mac[STEER_MAC_STRLEN];
		const struct steer_plan_worker *pw = &p->workers[w];
		out_str(o, "mac", "  mac %s", steer_mac_format(&pw->mac, mac));
		if (pw->vlan >= 0)
			out_u64(o, "vlan", "  vlan %llu", (uint64_t)pw->vlan);
		if (pw->port >= 0)
			out_u64(o, "port", "  port %llu", (uint64_t)pw->port);
	}
	out_text(o, one_line ? "  " : "\n");
	out_obj_open(o, "reverse");
	out_text(o, "reverse: ");
	print_decision(o, p, rw, rh);
	out_obj_close(o);
	out_bool(o, "same_worker", NULL, w == rw);
	out_text(o, w == rw ? "  (same worker)\n"
	                    : "  (DIFFERENT worker: this hash is not symmetric; the flow is split)\n");
	out_obj_close(o);
	out_end(o);
	return w == rw;
}

int steerctl_which(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"vlan", required_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	uint64_t vlan = 0;
	bool vlan_set = false;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			confdir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			if (!cli_parse_u64("steerctl which", "--vlan", optarg, 0, 4095, false, &vlan))
				return EXIT_USAGE;
			vlan_set = true;
			break;
		default:
			return cli_opt_done("steerctl which", c, which_usage, NULL);
		}
	}
	bool batch = argc - optind == 1 && strcmp(argv[optind], "-") == 0;
	if (argc - optind != 3 && !batch) {
		cli_usage_error("steerctl which", "expected PROTO SRC[:PORT] DST[:PORT], or -");
		return EXIT_USAGE;
	}
	struct steer_pkt pkt;
	bool ports;
	if (!batch && !parse_flow("steerctl which", NULL, argv + optind, &pkt, &ports))
		return EXIT_USAGE;

	struct cli_setup cs;
	if (cli_setup_load(&cs, "steerctl", confdir, 0) != 0)
		return EXIT_USAGE;
	const struct steer_plan *p = cs.plan;
	struct steer_path *path = steer_path_new(p, 1);
	if (!path) {
		fprintf(stderr, "steerctl: out of memory\n");
		cli_setup_free(&cs);
		return EXIT_USAGE;
	}
	int rc = EXIT_OK;
	char line[1024], where[64];
	unsigned long lineno = 0;
	/* one pass for the flow of the command line, one per line of standard input with - */
	while (rc != EXIT_USAGE &&
	       (batch ? fgets(line, sizeof(line), stdin) != NULL : lineno == 0)) {
		lineno++;
		if (batch) {
			/* PROTO SRC DST: three words; nothing but blanks or a comment otherwise */
			char *word[4], *save = NULL;
			int n = 0;
			snprintf(where, sizeof(where), "stdin line %lu", lineno);
			if (!strchr(line, '\n') && !feof(stdin)) {
				fprintf(stderr, "steerctl which: %s: longer than %zu bytes\n",
				        where, sizeof(line) - 2);
				rc = EXIT_USAGE;
				break;
			}
			for (char *w = strtok_r(line, " \t\r\n", &save); w && n < 4;
			     w = strtok_r(NULL, " \t\r\n", &save))
				word[n++] = w;
			if (n == 0 || word[0][0] == '#')
				continue;
			if (n != 3) {
				fprintf(stderr, "steerctl which: %s: expected PROTO SRC[:PORT] "
				                "DST[:PORT]\n", where);
				rc = EXIT_USAGE;
				break;
			}
			if (!parse_flow("steerctl which", where, word, &pkt, &ports)) {
				rc = EXIT_USAGE;
				break;
			}
		}
		if (vlan_set) {
			pkt.flags |= STEER_F_VLAN;
			pkt.vlan[0] = (uint16_t)vlan;
			pkt.nvlan = 1;
		}
		struct out o;
		out_init(&o, stdout, json);
		o.j.pretty = !batch; /* one JSON object per line */
		if (!print_which(&o, p, path, &pkt, batch))
			rc = EXIT_FAIL;
	}
	if (fflush(stdout) != 0 && rc != EXIT_USAGE) {
		fprintf(stderr, "steerctl which: writing the results failed\n");
		rc = EXIT_USAGE;
	}
	steer_path_free(path);
	cli_setup_free(&cs);
	return rc;
}

int steerctl_hash(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
		{"fn", required_argument, NULL, 'f'},
		{"key", required_argument, NULL, 'k'},
		{"fields", required_argument, NULL, 'F'},
		{"seed", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "steerctl hash";
	char q[CLI_QUOTE_SIZE];
	struct steer_hash_spec spec = {.fn = STEER_HASH__COUNT};
	const char *key = NULL;
	uint64_t fields = 0, seed = 0;
	bool json = false, seed_set = false;
	int c;
	(void)confdir;
	memcpy(spec.key, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (steer_hash_from_name(optarg, &spec.fn) != 0) {
				cli_usage_error(prog,
				                "--fn: unknown hash '%s' (default, toeplitz, "
				                "pfring, netmap-lb or xor)",
				                cli_quote(optarg, q));
				return EXIT_USAGE;
			}
			break;
		case 'k':
			key = optarg;
			if (steer_hash_key_parse(optarg, spec.key) != 0) {
				cli_usage_error(prog, "--key: '%s' is not ms, sym or 80 hex digits",
				                cli_quote(optarg, q));
				return EXIT_USAGE;
			}
			break;
		case 'F':
			if (!cli_parse_u64(prog, "--fields", optarg, 2, 5, false, &fields))
				return EXIT_USAGE;
			break;
		case 's':
			if (!cli_parse_u64(prog, "--seed", optarg, 0, UINT32_MAX, true, &seed))
				return EXIT_USAGE;
			seed_set = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_opt_done(prog, c, hash_usage, NULL);
		}
	}
	if (spec.fn == STEER_HASH__COUNT) {
		cli_usage_error(prog, "--fn NAME is required");
		return EXIT_USAGE;
	}
	if (key && spec.fn != STEER_HASH_TOEPLITZ) {
		cli_usage_error(prog, "--key applies to --fn toeplitz only");
		return EXIT_USAGE;
	}
	if (seed_set && spec.fn != STEER_HASH_DEFAULT) {
		cli_usage_error(prog, "--seed applies to --fn default only");
		return EXIT_USAGE;
	}
	if (!cli_operands(prog, argc, argv, 3, 3, "expected PROTO SRC[:PORT] DST[:PORT]"))
		return EXIT_USAGE;
	struct steer_pkt pkt;
	bool ports;
	if (!parse_flow(prog, NULL, argv + optind, &pkt, &ports))
		return EXIT_USAGE;
	spec.seed = (uint32_t)seed;
	if (fields) {
		spec.fields = (enum steer_fields)fields;
	} else {
		unsigned ok = steer_hash_fields_supported(spec.fn);
		spec.fields = steer_hash_default_fields(spec.fn);
		/* Without ports, the function's port-less form is the meaningful one. */
		if (!ports && (spec.fields == STEER_FIELDS_4 || spec.fields == STEER_FIELDS_5)) {
			enum steer_fields less = spec.fields == STEER_FIELDS_5 ? STEER_FIELDS_3
			                                                        : STEER_FIELDS_2;
			if (!(ok & STEER_FIELDS_BIT(less)))
				less = STEER_FIELDS_2;
			if (ok & STEER_FIELDS_BIT(less))
				spec.fields = less;
		}
	}
	struct steer_hasher *h = malloc(sizeof(*h));
	char errbuf[STEER_ERRBUF_SIZE];
	if (!h) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_USAGE;
	}
	if (steer_hasher_init(h, &spec, errbuf) != 0) {
		cli_usage_error(prog, "%s", errbuf);
		free(h);
		return EXIT_USAGE;
	}
	struct steer_flow_key k;
	steer_flow_key_from_pkt(&pkt, false, &k);
	uint32_t v = steer_hash(h, &k);
	char hex[11];
	snprintf(hex, sizeof(hex), "0x%08x", v);
	struct out o;
	out_init(&o, stdout, json);
	out_obj_open(&o, NULL);
	out_str(&o, "function", NULL, steer_hash_name(spec.fn));
	out_str(&o, "fields", NULL, steer_fields_name(spec.fields));
	out_u64(&o, "hash", NULL, v);
	out_str(&o, "hex", "%s\n", hex);
	out_obj_close(&o);
	out_end(&o);
	free(h);
	return EXIT_OK;
}
