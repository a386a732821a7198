/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_log.c: steer-conn-log, the test driver of the connection tracker: reads a capture, runs
 * it through steer_conn_* with the options given, and writes Zeek's conn.log (TSV) to stdout, for
 * zeek_oracle.py to hold against Zeek's own. steerd -r will take its place. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/addr.h>
#include <steer/cap_pcap.h>
#include <steer/conn.h>
#include <steer/error.h>
#include <steer/packet.h>

#define MAX_NETS 64

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: steer-conn-log [OPTIONS] -r FILE\n"
	        "Tracks the connections of a capture with Zeek's semantics and writes conn.log\n"
	        "(Zeek's TSV) to standard output.\n"
	        "  -r, --read FILE           the capture (pcap or pcapng)\n"
	        "  -C, --no-checksums        do not validate checksums (zeek -C)\n"
	        "      --local NET           a local network (repeatable)\n"
	        "      --no-private-local    private address space is not local\n"
	        "      --likely-tcp LIST     likely_server_ports for TCP (ports and ranges a-b,\n"
	        "                            comma-separated; \"\" for none); default Zeek's\n"
	        "      --likely-udp LIST     the same for UDP\n"
	        "      --report-gaps-for-partial\n"
	        "      --skip-bytes N        every frame: skip N bytes, then raw IP (Zeek's SKIP\n"
	        "                            packet analyzer as the root)\n"
	        "      --seed N              uid seed (default 1)\n"
	        "  -h, --help\n");
}

static int parse_ports(const char *s, uint8_t *map)
{
	char *end;
	memset(map, 0, 8192);
	while (*s) {
		errno = 0;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s || errno || a > 65535)
			return -1;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1 || b > 65535 || b < a)
				return -1;
			s = end;
		}
		for (unsigned long p = a; p <= b; p++)
			map[p >> 3] |= (uint8_t)(1u << (p & 7));
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

static void addr_text(int family, const uint8_t *a, char *buf)
{
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, 64);
}

static void print_time(int64_t us)
{
	/* Seconds with six decimals, as Zeek's ASCII writer. */
	printf("%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
}

static void on_conn(void *arg, const struct steer_conn_rec *r)
{
	char o[64], d[64];
	(void)arg;
	addr_text(r->family, r->orig_h, o);
	addr_text(r->family, r->resp_h, d);
	print_time(r->ts_us);
	printf("\t%s\t%s\t%u\t%s\t%u\t%s\t-\t", r->uid, o, r->orig_p, d, r->resp_p,
	       steer_conn_proto_name(r->proto));
	if (r->flags & STEER_CONN_F_DURATION) {
		print_time(r->duration_us);
		printf("\t%" PRIu64 "\t%" PRIu64, r->orig_bytes, r->resp_bytes);
	} else {
		printf("-\t-\t-");
	}
	printf("\t%s", steer_conn_state_name(r->conn_state));
	if (r->flags & STEER_CONN_F_LOCAL)
		printf("\t%s\t%s", r->local_orig ? "T" : "F", r->local_resp ? "T" : "F");
	else
		printf("\t-\t-");
	printf("\t%" PRIu64 "\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t",
	       r->missed_bytes, r->history_len ? r->history : "-", r->orig_pkts, r->orig_ip_bytes,
	       r->resp_pkts, r->resp_ip_bytes);
	if (!r->n_parents)
		printf("-");
	for (unsigned i = 0; i < r->n_parents; i++)
		printf("%s%s", i ? "," : "", r->parents[i]);
	printf("\t%u\n", r->ip_proto);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"read", required_argument, NULL, 'r'},
	    {"no-checksums", no_argument, NULL, 'C'},
	    {"local", required_argument, NULL, 'l'},
	    {"no-private-local", no_argument, NULL, 'P'},
	    {"likely-tcp", required_argument, NULL, 't'},
	    {"likely-udp", required_argument, NULL, 'u'},
	    {"report-gaps-for-partial", no_argument, NULL, 'g'},
	    {"skip-bytes", required_argument, NULL, 's'},
	    {"seed", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static uint8_t ltcp[8192], ludp[8192];
	struct steer_network nets[MAX_NETS];
	struct steer_conn_opts o;
	struct steer_conn *t;
	struct cap_reader *r;
	char err[STEER_ERRBUF_SIZE];
	const char *path = NULL;
	unsigned long skip = 0;
	bool skipping = false;
	size_t nnets = 0;
	int ch;

	steer_conn_opts_default(&o);
	o.uid_seed = 1;
	while ((ch = getopt_long(argc, argv, "r:Ch", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			path = optarg;
			break;
		case 'C':
			o.ignore_checksums = true;
			break;
		case 'l':
			if (nnets == MAX_NETS ||
			    steer_cidr_parse(optarg, &nets[nnets].net, &nets[nnets].prefix_len, err)) {
				fprintf(stderr, "steer-conn-log: --local %s: %s\n", optarg,
				        nnets == MAX_NETS ? "too many networks" : err);
				return 2;
			}
			nets[nnets].desc = NULL;
			nets[nnets++].line = 0;
			break;
		case 'P':
			o.private_is_local = false;
			break;
		case 't':
		case 'u':
			if (parse_ports(optarg, ch == 't' ? ltcp : ludp)) {
				fprintf(stderr, "steer-conn-log: --likely-%s: bad port list '%s'\n",
				        ch == 't' ? "tcp" : "udp", optarg);
				return 2;
			}
			if (ch == 't')
				o.likely_tcp = ltcp;
			else
				o.likely_udp = ludp;
			break;
		case 'g':
			o.report_gaps_for_partial = true;
			break;
		case 's':
		case 'S': {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 0);
			if (end == optarg || *end || errno || (ch == 's' && v > 65535)) {
				fprintf(stderr, "steer-conn-log: --%s: bad number '%s'\n",
				        ch == 's' ? "skip-bytes" : "seed", optarg);
				return 2;
			}
			if (ch == 's') {
				skip = (unsigned long)v;
				skipping = true;
			} else {
				o.uid_seed = v;
			}
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}
	o.local_nets = nets;
	o.n_local_nets = nnets;
	o.on_conn = on_conn;
	if (cap_reader_open_file(path, 0, &r, err)) {
		fprintf(stderr, "steer-conn-log: %s\n", err);
		return 2;
	}
	if (steer_conn_new(&o, &t, err)) {
		fprintf(stderr, "steer-conn-log: %s\n", err);
		cap_reader_close(r);
		return 2;
	}
	printf("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
	       "#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
	       "service\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\t"
	       "missed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\t"
	       "tunnel_parents\tip_proto\n"
	       "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\t"
	       "count\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\t"
	       "set[string]\tcount\n");
	int link = cap_reader_linktype(r), rc;
	int64_t scale = cap_reader_precision(r) == CAP_TS_NANO ? 1 : 1000;
	struct cap_pkthdr h;
	const uint8_t *d;
	while ((rc = cap_reader_next(r, &h, &d)) == CAP_PACKET) {
		int64_t ts = h.ts_sec * 1000000000ll + (int64_t)h.ts_frac * scale;
		if (skipping) {
			if (h.caplen <= skip)
				continue;
			steer_conn_packet(t, STEER_LINK_RAW, d + skip, h.caplen - (uint32_t)skip,
			                  h.len - (uint32_t)skip, ts);
		} else {
			steer_conn_packet(t, link, d, h.caplen, h.len, ts);
		}
	}
	if (rc < 0)
		fprintf(stderr, "steer-conn-log: %s: %s\n", path, cap_reader_error(r));
	steer_conn_flush(t);
	steer_conn_free(t);
	cap_reader_close(r);
	return rc < 0 ? 2 : 0;
}
