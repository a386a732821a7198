/* SPDX-License-Identifier: BSD-2-Clause */
/* steerlb/steerlb.h: private to steerlb: the balancer's state, shared by its outputs and counters. */
#ifndef STEERLB_H
#define STEERLB_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <steer/cap_link.h>
#include <steer/cap_live.h>
#include <steer/cap_pcap.h>
#include <steer/cap_tx.h>
#include <steer/config.h>
#include <steer/error.h>
#include <steer/hwp_profile.h>
#include <steer/path.h>
#include <steer/plan.h>

#include "ofile.h"

#define LB_HLL_BITS 12
#define LB_HLL_REGS (1u << LB_HLL_BITS)

/* Distinct flows per worker: HyperLogLog (Flajolet et al. 2007) over a 64-bit hash of the
 * canonical flow key, 2^12 one-byte registers (4 KiB per worker, standard error 1.6%), with
 * linear counting for small numbers (exact to within a few flows below ~3000). Bounded memory
 * whatever the number of flows. */
struct lb_hll {
	uint8_t reg[LB_HLL_REGS];
};

/* A worker by name: outputs and counters survive re-plans that keep the name. */
struct lb_slot {
	char *name;
	uint64_t packets, bytes;
	struct lb_hll hll;
	struct cap_writer *split;  /* --split DIR/<name>.pcap */
	struct ofile split_file;   /* ... replaced once complete */
	struct cap_tx *port;       /* --port-map: its interface's TX ring */
	struct cap_tx_stats port_st; /* the ring's counters once it is closed */
	char *port_iface;
	bool link_down;            /* its --port-map interface is down (live mode) */
};

struct lb_opts {
	const char *confdir;
	const char *in, *iface;
	const char *split_dir, *wout, *oiface, *stats;
	bool port_map;
	const char *port_map_spec; /* PORT=IFACE,... or NULL: each worker's interface */
	const char *emulate;
	const char **fail;
	size_t nfail;
	unsigned read_flags, write_flags; /* CAP_READ_LIBPCAP, CAP_WRITE_LIBPCAP */
	uint32_t snaplen, buffer_size;
	bool promisc, verbose;
};

struct lb {
	const char *prog;
	struct lb_opts o;
	struct steer_config *cfg;
	struct steer_plan *plan;
	struct steer_path *path;
	struct hwp_profile *profile; /* with --emulate */
	bool keep_frames;          /* the emulated device leaves frames as they are (bpf-split) */
	struct cap_reader *rd;     /* -r; NULL live */
	struct cap_livegroup *lg;  /* -i: polled with a bounded wait, so signals and the link
	                            * monitor are served on an idle interface */
	int linktype;
	enum cap_precision prec;
	uint32_t snaplen;
	bool live;
	struct lb_slot *slots;
	size_t nslots;
	uint32_t *slot_of;         /* plan worker index -> slot */
	struct cap_writer *w;      /* -w */
	struct ofile wfile;        /* ... replaced once complete (or stdout) */
	bool raw;                  /* -w passes the input's records through, rewritten in place */
	struct cap_tx *out;        /* -o: its TX ring */
	struct cap_tx_stats out_st; /* its counters once it is closed */
	bool tx;                   /* frames go out of interfaces (-o, --port-map): flush rings */
	struct cap_linkmon *links;
	struct steer_path_stats base; /* counters of the paths replaced by re-plans */
	uint64_t packets, bytes, replans, unrewritten, capture_drops;
	uint64_t link_downs, link_ups; /* --port-map link changes seen (live) */
	const char *error;         /* the input's damage, for --stats */
	int stop_sig;              /* the signal that stopped a run before the end of its input */
	double prog_t0, prog_tlast; /* the progress line */
	uint64_t prog_plast;
	int prog_tty;              /* -1 until known */
	char errbuf[STEER_ERRBUF_SIZE];
};

/* Signal flags: the handlers only set them; the packet loop acts between packets. */
extern volatile sig_atomic_t lb_sig_any, lb_sig_hup, lb_sig_usr1, lb_sig_stop;

/* steerlb_out.c */
int lb_outputs_open(struct lb *lb);
/* Finds or adds the slot of every worker of lb->plan (opening its outputs) and fills
 * lb->slot_of. Returns 0 or -1 with a message printed. */
int lb_slots_map(struct lb *lb, const struct steer_plan *plan, uint32_t **slot_of);
/* Writes or queues one packet d of worker w: frames for interfaces go into their TX rings and
 * leave with the next lb_outputs_flush (or when a ring is full). mut: d itself, writable in
 * place and a record of a cap_reader_raw input (with lb->raw), else NULL. */
void lb_deliver(struct lb *lb, unsigned w, const struct cap_pkthdr *h, const uint8_t *d,
                uint8_t *mut, const struct steer_pkt *pkt);
/* Hands every TX ring's queued frames to the kernel: one send(2) per ring with frames. */
void lb_outputs_flush(struct lb *lb);
/* The TX counters of -o and every --port-map ring added up (open or closed). */
void lb_tx_totals(const struct lb *lb, struct cap_tx_stats *sum);
void lb_slot_tx_stats(const struct lb_slot *s, struct cap_tx_stats *st);
/* Closes every output (the slots and their counters stay), after waiting (bounded) for the
 * queued frames to leave: keep, the files are complete and replace what their names held;
 * else (a run that never started) they are removed. Returns 0 or -1 when one could not be
 * written completely (said on stderr). */
int lb_outputs_close(struct lb *lb, bool keep);
/* Live mode: polls the --port-map links; returns true when one changed state. */
bool lb_links_poll(struct lb *lb);

/* steerlb_stats.c */
uint64_t lb_flow_hash(const struct steer_pkt *pkt, int status);
static inline void lb_hll_add(struct lb_hll *h, uint64_t x)
{
	uint32_t i = (uint32_t)(x >> (64 - LB_HLL_BITS));
	uint64_t rest = x << LB_HLL_BITS | (1ull << (LB_HLL_BITS - 1)); /* bounds the rank */
	uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
	if (rank > h->reg[i])
		h->reg[i] = rank;
}
double lb_hll_estimate(const struct lb_hll *h);
/* Writes the counters as one line of JSON to --stats (FILE replaced once complete, or
 * stdout). Returns 0, or -1 when it could not be written (said on stderr). */
int lb_stats_write(struct lb *lb, bool final);
/* At start-up: --stats can be written, and names neither the input nor another output.
 * Returns 0 or -1 (said on stderr). */
int lb_stats_check(struct lb *lb);
/* Text summary on stderr (--verbose), from the same print path. */
void lb_stats_print(struct lb *lb);
void lb_progress(struct lb *lb, bool last);
/* The counters of the current path added to lb->base (before a re-plan replaces it). */
void lb_stats_fold(struct lb *lb);

#endif
