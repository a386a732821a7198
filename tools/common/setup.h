/* SPDX-License-Identifier: BSD-2-Clause */
/* common/setup.h: what every command starts from: the configuration directory's files, the plan
 * built from them, its fingerprint, and the balancer profile, loaded one way for all. */
#ifndef STEER_CLI_SETUP_H
#define STEER_CLI_SETUP_H

#include <steer/config.h>
#include <steer/hwp_profile.h>
#include <steer/plan.h>

struct cli_setup {
	const char *dir;             /* the configuration directory (cli_config_dir) */
	struct steer_config *cfg;
	struct steer_plan *plan;
	char fingerprint[17];        /* the plan's */
	struct hwp_profile *profile; /* with CLI_LOAD_PROFILE, else NULL */
};

/* cli_setup_load flags */
enum {
	/* The profile the plan names (steer.cfg profile), resolved by hwp_profile_resolve:
	 * NAME.ini in the configuration directory, else the shipped one. */
	CLI_LOAD_PROFILE = 1u << 0,
	/* ... and checked: the plan must fit the device (hwp_profile_check) and Zeek's capture
	 * of node.cfg's workers (hwp_zeek_check); a risk it carries (hwp_profile_risk) is a
	 * warning on stderr. */
	CLI_CHECK_PROFILE = 1u << 1,
	/* ... and such a risk is an error (generate --strict). */
	CLI_STRICT = 1u << 2,
};

/* Loads dir's configuration (steer_config_load) into *cfg, every diagnostic on stderr as one
 * line "PROG: FILE:LINE: ...". Returns 0, or -1 (*cfg NULL). */
int cli_config_load(const char *prog, const char *dir, struct steer_config **cfg);

/* Loads the configuration of confdir (-c; NULL: $STEER_CONFIG_DIR, else /etc/steer), builds
 * the plan and its fingerprint, and per flags the profile. Every diagnostic goes to stderr,
 * one line each prefixed "PROG: ", the plan's warnings (cli_plan_lint) included. Returns 0, or -1
 * (exit EXIT_USAGE) with s emptied; free s with cli_setup_free in either case. */
int cli_setup_load(struct cli_setup *s, const char *prog, const char *confdir, unsigned flags);
void cli_setup_free(struct cli_setup *s);

/* Where a problem with the profile steer.cfg names is reported: "steer.cfg:LINE: error" (the
 * diagnostics' form), into buf. */
void cli_profile_where(const struct steer_config *cfg, char *buf, size_t n);

/* The plan's warnings (steer_plan_lint) on stderr, one line each "PROG: FILE:LINE: warning:". */
void cli_plan_lint(const char *prog, const struct steer_config *cfg, const struct steer_plan *plan);

/* The profile name resolved as cli_setup_load does (for steerlb --emulate NAME). Prints the
 * error ("PROG: WHAT: reason") and returns NULL on failure. */
struct hwp_profile *cli_profile_load(const char *prog, const char *what, const char *name,
                                     const char *dir);

#endif
