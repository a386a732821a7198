/* SPDX-License-Identifier: BSD-2-Clause */
/* version.c: the cluster library's version, the one the wire format and `steerd --version`
 * report. */
#include <steer/clu_version.h>

const char *clu_version(void)
{
	return STEER_VERSION;
}
