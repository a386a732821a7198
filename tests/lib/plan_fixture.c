/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/lib/plan_fixture.c: the plan of a configuration directory, for cmocka group fixtures. */
#include <stdio.h>

#include <steer/config.h>
#include <steer/error.h>

#include "plan_fixture.h"

int test_plan_load(const char *dir, struct steer_plan **out)
{
	struct steer_config *cfg;
	struct steer_diags d = {0};
	char errbuf[STEER_ERRBUF_SIZE];
	*out = NULL;
	if (steer_config_load(dir, &cfg, &d) != 0) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.v[i].text);
		steer_diags_free(&d);
		return -1;
	}
	steer_diags_free(&d);
	int rc = steer_plan_build(cfg, out, errbuf);
	steer_config_free(cfg);
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", dir, errbuf);
		return -1;
	}
	return 0;
}
