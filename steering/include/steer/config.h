/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/config.h: the cluster description: zeekctl's node.cfg and networks.cfg, and steer.cfg. */
#ifndef STEER_CONFIG_H
#define STEER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>
#include <steer/diag.h>
#include <steer/hash.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* ---- node.cfg ---- */

enum steer_node_type {
	STEER_NODE_STANDALONE = 1,
	STEER_NODE_MANAGER,
	STEER_NODE_LOGGER,
	STEER_NODE_PROXY,
	STEER_NODE_WORKER,
};

/* One node.cfg section. String members are NULL when the key is absent. */
struct steer_node {
	char *name;                /* the section name, e.g. "worker-1" */
	unsigned line;             /* line of the [section] header */
	enum steer_node_type type;
	char *host;
	char *interface;
	char *lb_method;           /* af_packet | pf_ring | myricom | custom | interfaces */
	unsigned lb_procs;         /* 1 when absent */
	char *lb_interfaces;
	char *pin_cpus;
	char *env_vars;
	char *aux_scripts;
	char *zone_id;
	/* steer's plugin keys (steer.mac, steer.vlan, steer.port, steer.weight); workers only */
	bool has_mac;
	struct steer_mac mac;
	int vlan;                  /* 1..4094, or -1 when unset */
	int port;                  /* 1..65535, or -1 when unset */
	uint32_t weight;           /* >= 1; 0 when unset (the plan then uses lb_procs) */
};

/* ---- networks.cfg ---- */

struct steer_network {
	struct steer_addr net;
	unsigned prefix_len;
	char *desc;                /* may be NULL */
	unsigned line;
};

/* ---- steer.cfg: the frontend ---- */

enum steer_frag_policy {
	STEER_FRAG_L3 = 1,   /* "l3": hash every packet of a flow by addresses (+ proto): never splits */
	STEER_FRAG_REMEMBER, /* "remember": later fragments follow the first one's worker, found by
	                      * (src, dst, proto, id) in a bounded table */
};

enum steer_nonip_policy {
	STEER_NONIP_MAC = 1, /* "mac": symmetric hash of the MAC pair */
	STEER_NONIP_WORKER,  /* "worker:NAME": all to one worker */
	STEER_NONIP_DROP,    /* "drop" */
};

enum steer_delivery {
	STEER_DELIVER_MAC = 1, /* rewrite the destination MAC */
	STEER_DELIVER_VLAN,    /* push an 802.1Q tag */
	STEER_DELIVER_PORT,    /* pick a physical output port */
};

struct steer_frontend {
	char *profile;               /* balancer profile name; "steerlb" when absent */
	struct steer_hash_spec hash; /* fn, fields, key, seed (hash, fields, hash_key) */
	uint32_t buckets;            /* power of two, >= number of workers */
	enum steer_frag_policy fragments;
	enum steer_nonip_policy non_ip;
	char *non_ip_worker;         /* with STEER_NONIP_WORKER: an existing worker's name */
	bool tunnels_inner;          /* "tunnels = inner" */
	bool vlan_in_key;
	struct steer_mac mac_base;   /* first MAC handed to workers without steer.mac */
	uint16_t vlan_base;          /* first VLAN handed to workers without steer.vlan */
	enum steer_delivery delivery;
	unsigned line_non_ip;        /* where non_ip was set (for errors found later), 0 if unset */
};

/* ---- the whole description ---- */

struct steer_config {
	char *dir;
	char *node_path, *steer_path, *networks_path; /* dir + "/node.cfg", ... */
	struct steer_node *nodes;     /* in file order */
	size_t nnodes;
	struct steer_network *nets;
	size_t nnets;
	struct steer_frontend fe;
};

/* Loads DIR/node.cfg (required), DIR/steer.cfg and DIR/networks.cfg (optional: defaults, no
 * networks) and validates them together. Every problem found is appended to *diags, unknown keys
 * as warnings (as zeekctl). Returns 0 with *out set when no error was found, else STEER_ECONFIG
 * (or STEER_ENOMEM) with *out NULL. The caller frees *out with steer_config_free(). */
int steer_config_load(const char *dir, struct steer_config **out, struct steer_diags *diags);
void steer_config_free(struct steer_config *cfg);

/* Number of worker sections, and the i-th of them (file order). */
size_t steer_config_nworkers(const struct steer_config *cfg);
const struct steer_node *steer_config_worker(const struct steer_config *cfg, size_t i);

/* zeekctl's process name of process i (0-based) of a node with lb_procs > 1: "worker-1-3";
 * with lb_procs 1 the node's own name. Writes into buf (size n); returns buf. */
char *steer_node_proc_name(const struct steer_node *node, unsigned i, char *buf, size_t n);

/* The enums' names as the files write them ("worker", "remember", "mac", "vlan", ...;
 * "unknown" out of range), and back: 0 with the value set, or STEER_EINVAL. */
const char *steer_node_type_name(enum steer_node_type t);
const char *steer_frag_policy_name(enum steer_frag_policy p);
const char *steer_nonip_policy_name(enum steer_nonip_policy p);
const char *steer_delivery_name(enum steer_delivery d);
int steer_node_type_from_name(const char *s, enum steer_node_type *t);
int steer_frag_policy_from_name(const char *s, enum steer_frag_policy *p);
int steer_nonip_policy_from_name(const char *s, enum steer_nonip_policy *p);
int steer_delivery_from_name(const char *s, enum steer_delivery *d);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
