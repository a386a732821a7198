/* SPDX-License-Identifier: BSD-2-Clause */
/* common/setup.c: the configuration, plan, fingerprint and profile every command starts from. */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>
#include <steer/hwp_generate.h>

#include "cli.h"
#include "setup.h"

struct hwp_profile *cli_profile_load(const char *prog, const char *what, const char *name,
                                     const char *dir)
{
	char errbuf[STEER_ERRBUF_SIZE];
	struct hwp_profile *prof;
	if (hwp_profile_resolve(name, dir, &prof, errbuf) != 0) {
		fprintf(stderr, "%s: %s%s%s\n", prog, what ? what : "", what ? ": " : "", errbuf);
		return NULL;
	}
	return prof;
}

int cli_config_load(const char *prog, const char *dir, struct steer_config **cfg)
{
	struct steer_diags d = {0};
	int rc = steer_config_load(dir, cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s: %s\n", prog, d.v[i].text);
	steer_diags_free(&d);
	if (rc && rc != STEER_ECONFIG)
		fprintf(stderr, "%s: %s: %s\n", prog, dir, steer_strerror(rc));
	return rc ? -1 : 0;
}

void cli_profile_where(const struct steer_config *cfg, char *buf, size_t n)
{
	if (cfg->fe.line_profile)
		snprintf(buf, n, "%s:%u: error", cfg->steer_path, cfg->fe.line_profile);
	else
		snprintf(buf, n, "%s: error", cfg->steer_path);
}

void cli_plan_lint(const char *prog, const struct steer_config *cfg, const struct steer_plan *plan)
{
	struct steer_diags d = {0};
	steer_plan_lint(plan, cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s: %s\n", prog, d.v[i].text);
	steer_diags_free(&d);
}

int cli_setup_load(struct cli_setup *s, const char *prog, const char *confdir, unsigned flags)
{
	memset(s, 0, sizeof(*s));
	s->dir = cli_config_dir(confdir);
	if (cli_config_load(prog, s->dir, &s->cfg) != 0)
		goto fail;
	char errbuf[STEER_ERRBUF_SIZE];
	if (steer_plan_build(s->cfg, &s->plan, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		goto fail;
	}
	if (!steer_plan_fingerprint(s->plan, s->fingerprint)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto fail;
	}
	cli_plan_lint(prog, s->cfg, s->plan);
	char where[STEER_ERRBUF_SIZE];
	cli_profile_where(s->cfg, where, sizeof(where));
	if (flags & (CLI_LOAD_PROFILE | CLI_CHECK_PROFILE)) {
		s->profile = cli_profile_load(prog, where, s->plan->profile, s->dir);
		if (!s->profile)
			goto fail;
	}
	if ((flags & CLI_CHECK_PROFILE) && hwp_profile_check(s->profile, s->plan, errbuf) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, where, errbuf);
		goto fail;
	}
	if ((flags & CLI_CHECK_PROFILE) && hwp_zeek_check(s->cfg, s->plan, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		goto fail;
	}
	if ((flags & CLI_CHECK_PROFILE) && hwp_profile_risk(s->profile, s->plan, errbuf)) {
		fprintf(stderr, "%s: %s: %s%s\n", prog, flags & CLI_STRICT ? "error" : "warning",
		        errbuf, flags & CLI_STRICT ? "; refused under --strict" : "");
		if (flags & CLI_STRICT)
			goto fail;
	}
	return 0;
fail:
	cli_setup_free(s);
	return -1;
}

void cli_setup_free(struct cli_setup *s)
{
	hwp_profile_free(s->profile);
	steer_plan_free(s->plan);
	steer_config_free(s->cfg);
	const char *dir = s->dir;
	memset(s, 0, sizeof(*s));
	s->dir = dir;
}
