/* SPDX-License-Identifier: BSD-2-Clause */
/* read.c: steerd -r FILE: the worker's analysis options (Zeek's, as zeek -r takes them), and a
 * standalone node over a capture that writes its logs into a directory, as zeek -r does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <steer/clu_worker.h>
#include <steer/error.h>

#include "cli.h"
#include "setup.h"
#include "steerd.h"

static bool parse_ports(const char *s, uint8_t *map)
{
	memset(map, 0, 8192);
	while (*s) {
		char *end;
		errno = 0;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s || errno || a > 65535 || *s == '-' || *s == '+' || *s == ' ')
			return false;
		s = end;
		if (*s == '-') {
			const char *t = s + 1;
			b = strtoul(t, &end, 10);
			if (end == t || *t == '-' || *t == '+' || b > 65535 || b < a)
				return false;
			s = end;
		}
		for (unsigned long p = a; p <= b; p++)
			map[p >> 3] |= (uint8_t)(1u << (p & 7));
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return true;
}

bool steerd_read_opt(struct steerd_read *r, int c, const char *arg)
{
	char err[STEER_ERRBUF_SIZE];
	uint64_t v;
	switch (c) {
	case 'r':
		r->o.read_file = arg;
		return true;
	case STEERD_OPT_LOG_DIR:
		if (!cli_dir_arg("steerd", "--log-dir", arg))
			return false;
		r->log_dir = arg;
		return true;
	case 'C':
		r->o.ignore_checksums = true;
		return true;
	case STEERD_OPT_LOCAL:
		if (r->o.n_local_nets == STEERD_MAX_NETS) {
			cli_usage_error("steerd", "--local: at most %d networks", STEERD_MAX_NETS);
			return false;
		}
		struct steer_network *n = &r->nets[r->o.n_local_nets];
		if (steer_cidr_parse(arg, &n->net, &n->prefix_len, err) != 0) {
			cli_usage_error("steerd", "--local '%s': %s", arg, err);
			return false;
		}
		r->o.n_local_nets++;
		r->o.local_nets = r->nets;
		return true;
	case STEERD_OPT_NO_PRIVATE_LOCAL:
		r->o.no_private_local = true;
		return true;
	case STEERD_OPT_LIKELY_TCP:
	case STEERD_OPT_LIKELY_UDP: {
		bool tcp = c == STEERD_OPT_LIKELY_TCP;
		if (!parse_ports(arg, tcp ? r->ltcp : r->ludp)) {
			cli_usage_error("steerd",
			                "--likely-%s: '%s' is not a list of ports and ranges "
			                "(e.g. 80,443,6666-6669)",
			                tcp ? "tcp" : "udp", arg);
			return false;
		}
		if (tcp)
			r->o.likely_tcp = r->ltcp;
		else
			r->o.likely_udp = r->ludp;
		return true;
	}
	case STEERD_OPT_GAPS:
		r->o.report_gaps_for_partial = true;
		return true;
	case STEERD_OPT_SKIP:
		if (!cli_parse_u64("steerd", "--skip-bytes", arg, 1, 65535, false, &v))
			return false;
		r->o.skip_bytes = (int)v;
		return true;
	case STEERD_OPT_STATS:
		r->stats = true;
		return true;
	case STEERD_OPT_SEED:
		if (!cli_parse_u64("steerd", "--seed", arg, 0, UINT64_MAX, true, &v))
			return false;
		r->o.fixed_seed = true;
		r->o.uid_seed = v;
		return true;
	}
	return false;
}

int steerd_read_run(struct steerd_read *r, const char *confopt)
{
	/* A configuration only when one is named: a trace is analysed alike everywhere. */
	struct steer_config *cfg;
	const char *dir = confopt ? confopt : getenv("STEER_CONFIG_DIR");
	if (dir && *dir) {
		if (cli_config_load("steerd", dir, &cfg) != 0)
			return EXIT_USAGE;
	} else if (steer_config_defaults(&cfg) != 0) {
		fprintf(stderr, "steerd: out of memory\n");
		return EXIT_FAIL;
	}
	char err[STEER_ERRBUF_SIZE];
	struct clu_worker_result res;
	int rc = clu_worker_run_file(cfg, &r->o, r->log_dir ? r->log_dir : ".", &res, err);
	steer_config_free(cfg);
	if (r->stats && (rc == 0 || rc == STEER_EIO)) {
		double s = res.seconds > 0 ? res.seconds : 1e-9;
		printf("{\"packets\": %llu, \"bytes\": %llu, \"connections\": %llu, "
		       "\"seconds\": %.6f, \"mpps\": %.3f, \"gbps\": %.3f, "
		       "\"connections_per_s\": %.0f, \"peak_connections\": %zu, "
		       "\"bytes_per_connection\": %.1f}\n",
		       (unsigned long long)res.packets, (unsigned long long)res.bytes,
		       (unsigned long long)res.conns, res.seconds, (double)res.packets / s / 1e6,
		       (double)res.bytes * 8 / s / 1e9, (double)res.conns / s, res.peak_conns,
		       res.bytes_per_conn);
	}
	if (rc != 0) {
		fprintf(stderr, "steerd: %s\n", err);
		/* Bad input: a capture that cannot be read or is damaged (analysed and logged up
		 * to the damage), or a log directory that cannot be written. */
		return rc == STEER_ENOMEM ? EXIT_FAIL : EXIT_USAGE;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("steerd: standard output");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
