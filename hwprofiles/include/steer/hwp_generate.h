/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/hwp_generate.h: every device's configuration from one plan (steerctl generate). */
#ifndef STEER_HWP_GENERATE_H
#define STEER_HWP_GENERATE_H

#include <stdbool.h>
#include <stdint.h>

#include <steer/config.h>
#include <steer/hwp_profile.h>
#include <steer/plan.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* The artefact kinds, each written by one generator into OUT/<name>/. */
enum hwp_kind {
	HWP_KIND_FILTERS = 0, /* filters/<worker>.bpf: per-worker BPF (ether dst, vlan, bpf-split) */
	HWP_KIND_OPENFLOW,    /* openflow/flows.txt (+ groups.txt, multipath.txt for ovs) */
	HWP_KIND_CLICK,       /* click/steer.click */
	HWP_KIND_CPACKET,     /* cpacket/mac-table.csv */
	HWP_KIND_SWITCH,      /* switch/mac-table.txt, switch/bridge-fdb.sh */
	HWP_KIND_PFRING,      /* pfring/<worker>.env */
	HWP_KIND_AFPACKET,    /* afpacket/fanout.txt */
	HWP_KIND_NETMAP,      /* netmap/lb.sh, netmap/pipes.txt */
	HWP_KIND_ZEEK,        /* zeek/node.cfg, zeek/steer/<worker>.zeek, zeek/README,
	                       * zeek/plugins/steer.py */
	HWP_KIND__COUNT
};

/* "filters", "openflow", ... ; hwp_kind_from_name returns 0 or STEER_EINVAL. */
const char *hwp_kind_name(enum hwp_kind k);
int hwp_kind_from_name(const char *name, enum hwp_kind *k);

struct hwp_gen_opts {
	bool force;           /* overwrite a non-empty OUT (each written kind's directory is
	                       * emptied of regular files first, so no stale worker file stays) */
	const char *click_io; /* "pcap:IN,OUT" or "dev:IN,OUT"; NULL: "pcap:in.pcap,out.pcap" */
	const char *zeek_site; /* zeekctl's site directory (must exist): zeek/steer/ is copied
	                        * into its steer/ too; NULL: not */
};

/* Bit set (1u << enum hwp_kind) of what "generate" writes for a profile without --only: the
 * filters and zeek/ always, plus the profile generator's own kinds. prof may be NULL. */
unsigned hwp_kinds_for_profile(const struct hwp_profile *prof);

/* Writes the kinds in the bit set into outdir (created if missing; must be empty unless
 * opts->force). prof (may be NULL: steerlb) selects the variants (ovs pipeline or portable
 * OpenFlow rules, bpf-split filters); cfg (may be NULL) supplies the manager, logger and
 * proxies for zeek/node.cfg, which carries every key node.cfg gives a node and lists at its
 * top what steer changed and why (hwp_zeek_check refuses what Zeek cannot capture). Every file
 * starts with a comment naming steer's version and the plan's fingerprint; the output depends
 * only on the arguments (no dates). Every BPF filter is
 * compiled with libpcap before it is written. Returns 0, or a STEER_E* code with one line in
 * errbuf (STEER_ERRBUF_SIZE); files already written stay. */
int hwp_generate(const struct hwp_profile *prof, const struct steer_plan *plan,
                 const struct steer_config *cfg, unsigned kinds, const char *outdir,
                 const struct hwp_gen_opts *opts, char *errbuf);

/* Whether real Zeek workers can capture the plan as node.cfg configures them: not VLAN delivery
 * to a worker Zeek captures with its AF_Packet source (the kernel takes the tag off before
 * Zeek filters the frame, so "vlan V" matches nothing). Returns 0, or STEER_ECONFIG with one
 * line in errbuf naming node.cfg's line, the worker and what to do instead. */
int hwp_zeek_check(const struct steer_config *cfg, const struct steer_plan *plan, char *errbuf);

/* The BPF filter text of worker i (without the comment line), as filters/<worker>.bpf holds
 * it. *out is malloc'd (free it). Returns 0 or a STEER_E* code with errbuf set. */
int hwp_filter_expr(const struct hwp_profile *prof, const struct steer_plan *plan, size_t i,
                    char **out, char *errbuf);

/* Table entries (rules, rows, Classifier elements) the generator named gen ("openflow", "ovs",
 * "click", "cpacket", "switch", "bpf-split", ...) needs for plan: what hwp_profile_check
 * compares with max_table_entries. UINT64_MAX when it cannot be expressed at all. */
uint64_t hwp_entries_needed(const char *gen, const struct steer_plan *plan);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
