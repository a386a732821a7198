/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_config.c: libFuzzer target for the cluster description (zeekctl's node.cfg, steer.cfg,
 * networks.cfg, zeekctl.cfg) and the address parsers under it. Input: node.cfg, then 0xff,
 * steer.cfg, then 0xff, networks.cfg, then 0xff, zeekctl.cfg; a file whose separator is missing
 * is absent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <steer/addr.h>
#include <steer/config.h>
#include <steer/error.h>

#include "config_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first line of the input as a C string, through every address parser. */
static void fuzz_addr(const uint8_t *data, size_t size)
{
	char s[128];
	size_t n = 0;
	while (n < size && n < sizeof(s) - 1 && data[n] != '\n' && data[n] != '\0')
		n++;
	memcpy(s, data, n);
	s[n] = '\0';

	struct steer_mac m;
	struct steer_addr a;
	uint16_t port;
	bool has_port;
	unsigned len;
	char err[STEER_ERRBUF_SIZE], buf[STEER_ADDR_STRLEN];
	if (steer_mac_parse(s, &m) == 0) {
		char mb[STEER_MAC_STRLEN];
		steer_mac_format(&m, mb);
		/* format -> parse is the identity */
		struct steer_mac m2;
		if (steer_mac_parse(mb, &m2) != 0 || memcmp(&m, &m2, sizeof(m)) != 0)
			abort();
	}
	if (steer_addr_parse(s, &a) == 0) {
		struct steer_addr a2;
		if (steer_addr_parse(steer_addr_format(&a, buf), &a2) != 0 ||
		    memcmp(&a, &a2, sizeof(a)) != 0)
			abort();
	}
	if (steer_endpoint_parse(s, &a, &port, &has_port) == 0)
		steer_addr_format(&a, buf);
	if (steer_cidr_parse(s, &a, &len, err) == 0)
		steer_addr_format(&a, buf);
	else if (strlen(err) >= STEER_ERRBUF_SIZE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[STEER__CFG_NFILES] = {(const char *)data};
	size_t len[STEER__CFG_NFILES] = {size};
	for (int i = 1; i < STEER__CFG_NFILES; i++) {
		const uint8_t *sep = memchr(part[i - 1], 0xff, len[i - 1]);
		if (!sep)
			break;
		size_t before = (size_t)((const char *)sep - part[i - 1]);
		part[i] = (const char *)sep + 1;
		len[i] = len[i - 1] - before - 1;
		len[i - 1] = before;
	}

	struct steer_config *cfg = NULL;
	struct steer_diags d = {0};
	struct steer__cfg_input in;
	for (int i = 0; i < STEER__CFG_NFILES; i++) {
		in.buf[i] = part[i];
		in.len[i] = len[i];
	}
	int rc = steer__config_parse_input(&in, "fuzz", &cfg, &d);
	/* The contract: a config exactly when there is no error, and every error has its line. */
	if ((rc == 0) != (cfg != NULL) || (rc == 0 && d.nerrors != 0) ||
	    (rc == STEER_ECONFIG && d.nerrors == 0) || d.n != d.nerrors + d.nwarnings)
		abort();
	if (cfg) {
		char name[64];
		for (size_t i = 0; i < steer_config_nworkers(cfg); i++) {
			const struct steer_node *w = steer_config_worker(cfg, i);
			for (unsigned p = 0; p < w->lb_procs && p < 4; p++)
				steer_node_proc_name(w, p, name, sizeof(name));
		}
		if (cfg->fe.buckets == 0 || (cfg->fe.buckets & (cfg->fe.buckets - 1)) ||
		    cfg->fe.buckets < steer_config_nworkers(cfg))
			abort();
		const struct steer_cluster_opts *o = &cfg->cluster;
		if (!o->log_dir || !o->spool_dir || !o->state_dir || !o->metrics_address ||
		    o->heartbeat_ms == 0 || o->heartbeat_misses == 0 || o->batch_records == 0)
			abort();
	}
	steer_config_free(cfg);
	steer_diags_free(&d);

	fuzz_addr(data, size);
	return 0;
}
