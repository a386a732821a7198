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
	/* steer.netns: run the node inside this network namespace (the lab); any node type */
	char *netns;
	/* steer.read: a worker reads this capture file instead of capturing its interface, as
	 * steerd -r does (the offline lab, tests); relative to the configuration directory */
	char *read;
};

/* steer's own node.cfg keys, the node keys of a zeekctl plugin named "steer" (written
 * steer.KEY, or steer_KEY as zeekctl reads it): "mac", "vlan", "port", "weight", "netns",
 * then NULL. The configuration loader knows exactly these, and the zeekctl plugin that
 * steerctl generate writes declares exactly these. */
extern const char *const steer_node_keys[];

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
	STEER_FRAG_BLIND,    /* a device's, never steer.cfg's ("blind" in a profile's [emulate]):
	                      * it knows no fragments and reads a later fragment's first data
	                      * bytes as ports (netmap lb): fragmented flows can be split */
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
	/* where keys were set, for errors found later (the plan, the profile); 0 if unset */
	unsigned line_non_ip, line_profile, line_mac_base, line_vlan_base, line_hash;
};

/* ---- steer.cfg: the cluster (steerd, steerctl start|stop|status) ---- */

enum steer_log_format { STEER_LOG_TSV = 1, STEER_LOG_JSON };

/* Cluster-wide options. steer.cfg sets them; where the configuration directory also holds
 * zeekctl.cfg, its LogDir, SpoolDir, ZeekPort, MetricsPort, LogRotationInterval and StopTimeout
 * fill the same options, and steer.cfg wins where both set one (with a warning when they
 * differ). Relative directories are taken relative to the configuration directory. Durations
 * are in milliseconds. */
struct steer_cluster_opts {
	char *log_dir;              /* archives of rotated logs ("/var/log/steer") */
	char *spool_dir;            /* live logs, one directory per logging node ("/var/spool/steer") */
	char *state_dir;            /* per-node working directories: pid file, outbox spool, the
	                             * logger's store ("/var/lib/steer") */
	uint16_t base_port;         /* the manager's port; loggers, proxies, workers follow (27760) */
	uint16_t metrics_port;      /* the manager's metrics port; the others follow (9991) */
	char *metrics_address;      /* where metrics listen ("127.0.0.1") */
	uint64_t rotation_ms;       /* log rotation interval; 0: never (1 h) */
	uint64_t stop_timeout_ms;   /* SIGTERM to SIGKILL (60 s) */
	uint64_t heartbeat_ms;      /* heartbeat interval (1 s) */
	unsigned heartbeat_misses;  /* intervals of silence before a node is down (3) */
	enum steer_log_format log_format; /* tsv (Zeek's ASCII writer) or json (use_json) */
	bool compress;              /* gzip rotated logs (yes, as zeekctl's CompressLogs) */
	unsigned batch_records;     /* records per log batch (1000) */
	uint64_t batch_ms;          /* longest a record waits for its batch (1 s) */
	char *keys_dir;             /* CURVE keys (steerctl keys --out); NULL: no encryption */
	/* workers: capture (Zeek's Pcap::snaplen and Pcap::bufsize defaults) */
	uint32_t snaplen;           /* bytes captured of each frame (9216) */
	uint32_t capture_buffer_mb; /* the kernel's capture buffer, MiB (128) */
	bool promisc;               /* promiscuous mode (yes) */
	char *capture_user;         /* drop root to this user once the capture is open; NULL: stay */
	/* workers: the logs written per interval, and steering health's thresholds */
	uint64_t capture_loss_ms;   /* capture_loss.log (15 min; the first after 1 min, as Zeek) */
	uint64_t stats_ms;          /* stats.log (5 min, Zeek's Stats::report_interval) */
	uint64_t steering_ms;       /* steering.log (1 min) */
	double max_imbalance;       /* Steer::Imbalance: share of packets above this times the
	                             * expected share (1.5) */
	double max_misdirected;     /* Steer::Misdirected: fraction of new connections whose first
	                             * packet the plan gives another worker, above this (0) */
	double max_split_routing;   /* Steer::Split_Routing: fraction of TCP connections with
	                             * possible_split_routing, above this (0.01) */
	uint64_t max_unexpected_dest; /* Steer::Unexpected_Destination: frames to a MAC or VLAN of
	                             * no worker, above this many per interval (0) */
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
	struct steer_cluster_opts cluster;
	char *zeekctl_path;           /* dir + "/zeekctl.cfg" (read when present) */
};

/* Loads DIR/node.cfg (required), DIR/steer.cfg, DIR/networks.cfg and DIR/zeekctl.cfg (optional:
 * defaults, no networks) and validates them together. Every problem found is appended to *diags, unknown keys
 * as warnings (as zeekctl). Returns 0 with *out set when no error was found, else STEER_ECONFIG
 * (or STEER_ENOMEM) with *out NULL. The caller frees *out with steer_config_free(). */
int steer_config_load(const char *dir, struct steer_config **out, struct steer_diags *diags);
void steer_config_free(struct steer_config *cfg);

/* A configuration of no nodes and no networks with every default (a standalone tool run without
 * a configuration directory, as steerd -r). Returns 0 with *out set, or STEER_ENOMEM. */
int steer_config_defaults(struct steer_config **out);

/* Number of worker sections, and the i-th of them (file order). */
size_t steer_config_nworkers(const struct steer_config *cfg);
const struct steer_node *steer_config_worker(const struct steer_config *cfg, size_t i);

/* Longest node or process name: names become file and directory names (steerlb --split
 * DIR/NAME.pcap, generate's filters/NAME.bpf, the nodes' state directories) and travel in the
 * cluster's message headers. */
#define STEER_NAME_MAX 63

/* True when s[0..len) may name a node or process: 1..STEER_NAME_MAX of A-Z a-z 0-9 . _ -, not
 * starting with '.' (no '/', no "..", no byte a file name or a JSON string could not carry).
 * steer_config_load refuses node.cfg sections otherwise (with lb_procs' "-N" suffix counted). */
bool steer_name_valid(const char *s, size_t len);

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
const char *steer_log_format_name(enum steer_log_format f);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
