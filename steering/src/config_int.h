/* SPDX-License-Identifier: BSD-2-Clause */
/* config_int.h: private to the config loader (config*.c): the parse context and its helpers. */
#ifndef STEER_CONFIG_INT_H
#define STEER_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <steer/config.h>
#include <steer/names.h>

/* Lines of a node's keys (0: not set): checks that run after its section was read (counts,
 * duplicates across nodes and files) must still point at the line at fault. */
struct steer__node_lines {
	unsigned type, mac, vlan, port, weight;
};

#define STEER__COPT_MAX 32

/* Lives for one steer__config_parse() call only; nothing here outlives the parse. */
struct steer__cfg_ctx {
	struct steer_config *cfg;
	struct steer_diags *diags;
	struct steer__node_lines *lines; /* parallel to cfg->nodes */
	unsigned line_buckets;           /* where steer.cfg set buckets, 0 when defaulted */
	bool buckets_bad;                /* buckets was set to a rejected value */
	/* Line of zeekctl.cfg that set each cluster option (config_cluster.c's order), 0 if none:
	 * steer.cfg setting the same option says that it wins. */
	unsigned zeekctl_line[STEER__COPT_MAX];
};

/* The fuzzer's and the tests' entry point: parses the three files from memory (a NULL buffer
 * means the file is absent) and validates them together, exactly as steer_config_load() does
 * after reading them. dir only builds the paths that diagnostics name. Same return values and
 * ownership as steer_config_load(). */
int steer__config_parse(const char *node_buf, size_t node_len, const char *steer_buf,
                        size_t steer_len, const char *net_buf, size_t net_len, const char *dir,
                        struct steer_config **out, struct steer_diags *diags);

/* The same with every file, zeekctl.cfg included: the input files by index. */
enum { STEER__CFG_NODE, STEER__CFG_STEER, STEER__CFG_NETWORKS, STEER__CFG_ZEEKCTL, STEER__CFG_NFILES };
struct steer__cfg_input {
	const char *buf[STEER__CFG_NFILES]; /* NULL: the file is absent */
	size_t len[STEER__CFG_NFILES];
};
int steer__config_parse_input(const struct steer__cfg_input *in, const char *dir,
                              struct steer_config **out, struct steer_diags *diags);

/* Per-file parsers (config_node.c, config_steer.c, config_networks.c). Problems go to
 * c->diags; they return 0 or STEER_ENOMEM. steer__steer_cfg_parse() with buf NULL sets every
 * default. */
int steer__node_cfg_parse(struct steer__cfg_ctx *c, const char *buf, size_t len);
int steer__steer_cfg_parse(struct steer__cfg_ctx *c, const char *buf, size_t len);
int steer__networks_cfg_parse(struct steer__cfg_ctx *c, const char *buf, size_t len);

/* The {value, "name"} tables of steer/config.h's enums (config.c): the one place their names
 * are written, for the parsers' lookups and their "(a, b or c)" hints. */
extern const struct steer_name steer__node_type_names[5];
extern const struct steer_name steer__frag_policy_names[2];
extern const struct steer_name steer__nonip_policy_names[3];
extern const struct steer_name steer__delivery_names[3];

/* The cluster options (config_cluster.c). steer__cluster_defaults() sets every default;
 * steer__zeekctl_cfg_parse() reads zeekctl.cfg's six options (others are zeekctl's own and
 * ignored); steer__cluster_key() takes a steer.cfg key that is a cluster option (*taken true)
 * and checks its value; steer__cluster_check() runs after every file: relative directories
 * resolved, ports checked against the number of processes. All return 0 or STEER_ENOMEM. */
struct steer_ini_entry;
int steer__cluster_defaults(struct steer_cluster_opts *o);
int steer__zeekctl_cfg_parse(struct steer__cfg_ctx *c, const char *buf, size_t len);
int steer__cluster_key(struct steer__cfg_ctx *c, const struct steer_ini_entry *e, bool *taken);
int steer__cluster_check(struct steer__cfg_ctx *c);
void steer__cluster_opts_free(struct steer_cluster_opts *o);

/* Decimal numbers only (no sign, blanks or base prefix: strtoul alone takes " -1" and "+7"):
 * 0 and *out set; STEER_EINVAL when s is not a number; STEER_ERANGE when outside [min, max]
 * (*out then holds the value, ULONG_MAX when it overflowed, so callers can say which end). */
int steer__parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* Quoting user text in a diagnostic: control and non-ASCII bytes as \xNN, at most
 * STEER__QUOTE_MAX input bytes, then "...". Returns buf. */
#define STEER__QUOTE_MAX  60
#define STEER__QUOTE_SIZE (4 * STEER__QUOTE_MAX + 4)
const char *steer__quote(const char *s, char buf[STEER__QUOTE_SIZE]);
const char *steer__quote_n(const char *s, size_t n, char buf[STEER__QUOTE_SIZE]);

#endif
