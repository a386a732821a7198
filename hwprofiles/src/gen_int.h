/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_int.h: private to hwprofiles: what the generators share (output files, plan helpers). */
#ifndef HWP_GEN_INT_H
#define HWP_GEN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <steer/hwp_generate.h>

/* A device family's generator, what a profile's "generator = NAME" selects: each gen_*.c
 * fills the descriptors of the families it serves, and gen.c lists them (hwp__generator_find).
 * What a descriptor says is all the code asks of a family: no generator name is compared. */
struct hwp__generator {
	const char *name;   /* "cpacket", "ovs", ... as profiles name it */
	unsigned kinds;     /* the artefacts it writes besides filters/ and zeek/ (1u << hwp_kind) */
	bool filter_split;  /* the workers' BPF filters are the split: they select their xor
	                     * buckets from the frames as the tap saw them, which the device leaves
	                     * unedited (bpf-split) */
	bool of_pipeline;   /* OpenFlow: the Open vSwitch metadata pipeline (and its variants),
	                     * not the portable masked rules */
	/* table entries (rules, rows) it needs for p (what max_table_entries bounds); NULL none */
	uint64_t (*entries)(const struct steer_plan *p);
};

extern const struct hwp__generator hwp__cpacket, hwp__switch, hwp__openflow, hwp__ovs,
	hwp__click, hwp__pfring, hwp__afpacket, hwp__netmap, hwp__bpf_split, hwp__steerlb;

/* The generator named name, NULL when there is none. */
const struct hwp__generator *hwp__generator_find(const char *name);
/* "cpacket, switch, ... or steerlb" into buf (n bytes); returns buf. */
char *hwp__generator_names(char *buf, size_t n);

struct hwp__gen {
	const struct hwp_profile *prof;  /* may be NULL */
	const struct hwp__generator *gen; /* the profile's generator (steerlb without a profile) */
	const struct steer_plan *plan;
	const struct steer_config *cfg;  /* may be NULL */
	const struct hwp_gen_opts *opts;
	const char *outdir;
	char fp[17];                     /* the plan's fingerprint */
	char *errbuf;
};

/* Creates OUT/rel (and its directory) and writes the first line: "<cmt> steer VERSION, plan
 * FINGERPRINT (profile P): what". Returns NULL with errbuf set. */
FILE *hwp__open(struct hwp__gen *g, const char *rel, const char *cmt, const char *what);
/* Closes f; 0, or STEER_EIO with errbuf naming OUT/rel. */
int hwp__close(struct hwp__gen *g, FILE *f, const char *rel);
/* printf into errbuf; returns code. */
int hwp__fail(struct hwp__gen *g, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* log2 of the plan's bucket count (k: buckets = 2^k). */
unsigned hwp__bits(const struct steer_plan *p);
/* STEER_EINVAL with a message unless the plan's hash is xor (masked-match generators). */
int hwp__need_xor(struct hwp__gen *g, const char *what);
/* A worker's output port: steer.port, else its position + 1. */
int hwp__port(const struct steer_plan *p, size_t i);
/* Index of worker i's interface among the distinct interfaces of its host, in order of first
 * use (PF_RING cluster ids 21 + index, AF_PACKET fanout ids 23 + index). */
unsigned hwp__iface_index(const struct steer_plan *p, size_t i);
/* A worker's name made safe for a file name and an identifier ([A-Za-z0-9_-], others '_'). */
void hwp__ident(const char *name, char *buf, size_t n);

int hwp__gen_filters(struct hwp__gen *g);
int hwp__gen_openflow(struct hwp__gen *g);
int hwp__gen_click(struct hwp__gen *g);
int hwp__gen_cpacket(struct hwp__gen *g);
int hwp__gen_switch(struct hwp__gen *g);
int hwp__gen_pfring(struct hwp__gen *g);
int hwp__gen_afpacket(struct hwp__gen *g);
int hwp__gen_netmap(struct hwp__gen *g);
int hwp__gen_zeek(struct hwp__gen *g);


#endif
