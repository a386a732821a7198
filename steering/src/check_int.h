/* SPDX-License-Identifier: BSD-2-Clause */
/* check_int.h: private to check.c and check_report.c: the analysis state. */
#ifndef STEER_CHECK_INT_H
#define STEER_CHECK_INT_H

#include <steer/check.h>
#include <steer/flowtab.h>
#include <steer/packet.h>

#define CHECK_FRAG_SLOTS 4096u /* a power of two */
#define CHECK_MAX_UNKNOWN 64   /* distinct unknown destinations listed */

struct check_frag {
	uint8_t used, family, proto, pad;
	uint32_t id;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

struct check_unknown {
	struct steer_mac mac;
	int vlan;
	uint64_t packets, bytes;
	struct steer_flow_key key; /* the first flow sent there */
};

struct check_totals {
	uint64_t packets, bytes, non_ip, malformed, untracked;
	uint64_t unknown_packets, unknown_bytes;
	uint64_t first_ns, last_ns;
};

struct steer_check {
	const struct steer_plan *plan;
	struct steer_check_opts o;
	struct steer_flowtab *flows;
	struct steer_path *path;           /* with predict */
	struct check_totals t;
	struct steer_check_worker *workers;
	struct check_frag *frags;
	struct check_unknown unknown[CHECK_MAX_UNKNOWN];
	size_t nunknown;
	int16_t vlan_worker[4096];         /* delivery vlan: VLAN id -> worker, -1 */
	size_t last_worker;                /* by-dest cache */
	bool finished;
	struct steer_check_result res;
	struct steer_finding *findings;
	const struct steer_flow **heaviest;
};

int steer__check_dest(const struct steer_check *c, const struct steer_pkt *pkt);

#endif
