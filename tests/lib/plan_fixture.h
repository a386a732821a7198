/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/lib/plan_fixture.h: the plan of a configuration directory, for cmocka group fixtures. */
#ifndef STEER_TEST_PLAN_FIXTURE_H
#define STEER_TEST_PLAN_FIXTURE_H

#include <steer/plan.h>

/* Loads DIR's configuration and builds its plan into *out. Returns 0, or -1 (a failed group
 * set-up) with the reason on stderr. */
int test_plan_load(const char *dir, struct steer_plan **out);

#endif
