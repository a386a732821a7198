/* SPDX-License-Identifier: BSD-2-Clause */
/* probe_int.h: private to the probe (probe.c, probe_verdict.c): what a run holds. */
#ifndef STEER_PROBE_INT_H
#define STEER_PROBE_INT_H

#include <steer/flowkey.h>
#include <steer/path.h>
#include <steer/probe.h>

/* One frame sent, and what became of it. */
struct steer__probe_frame {
	uint32_t flow;
	int32_t predicted; /* plan worker, or STEER_PATH_DROP */
	int32_t worker;    /* where it first arrived, -1 nowhere yet */
	uint32_t arrivals;
	uint8_t dir;       /* 0 client to server, 1 back */
	bool elsewhere;    /* it also arrived at another worker */
};

struct steer__probe_flow {
	enum steer_probe_kind kind;
	char *desc;
	uint8_t have;                   /* bit d: key[d] is set */
	struct steer_flow_key key[2];   /* canonical key of each direction's first frame */
};

struct steer_probe {
	const struct steer_plan *plan;
	struct steer_probe_opts opts;
	uint32_t nonce;
	struct steer_path *path;
	struct steer__probe_frame *fr;
	uint32_t nfr, capfr;
	struct steer__probe_flow *fl;
	uint32_t nfl, capfl;
	uint64_t arrived, stray, foreign;
	/* the verdict (probe_verdict.c), NULL until steer_probe_finish */
	struct steer_probe_result *result;
	uint64_t *per_worker;            /* received, then expected: 2 x nworkers */
	struct steer_probe_fault *faults;
};

void steer__probe_result_free(struct steer_probe *pr);

#endif
