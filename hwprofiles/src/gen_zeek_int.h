/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_zeek_int.h: private to hwprofiles: what the zeekctl generator's files share (gen_zeek.c
 * writes node.cfg, gen_zeek_files.c the scripts, the README and the zeekctl plugin). */
#ifndef HWP_GEN_ZEEK_INT_H
#define HWP_GEN_ZEEK_INT_H

#include <stdbool.h>
#include <stdio.h>

#include <steer/config.h>
#include <steer/ini.h>

#include "gen_int.h"

struct hwp__zeek {
	struct hwp__gen *g;
	const struct steer_plan *plan;
	const struct steer_config *cfg;      /* may be NULL: node.cfg from the plan alone */
	const struct steer_ini_entry **ents; /* node.cfg's lines as written (first of each name) */
	size_t nents;
	FILE *notes; /* what steer changed, one "#   ..." line each */
	unsigned nnotes;
};

/* The node.cfg node named name, NULL when there is none (or no configuration). */
const struct steer_node *hwp__zeek_node(const struct steer_config *cfg, const char *name);
/* Whether Zeek captures node n with its AF_Packet source (lb_method or interface prefix). */
bool hwp__zeek_af_packet(const struct steer_node *n);

/* zeek/steer/<worker>.zeek (and their copies in opts->zeek_site/steer/), zeek/README,
 * zeek/plugins/steer.py. Each returns 0 or a STEER_E* code with the generator's errbuf set. */
int hwp__zeek_scripts(struct hwp__zeek *z);
int hwp__zeek_readme(struct hwp__zeek *z);
int hwp__zeek_plugin(struct hwp__zeek *z);

#endif
