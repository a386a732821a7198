/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_version.h: the version of libsteer_cluster. */
#ifndef STEER_CLU_VERSION_H
#define STEER_CLU_VERSION_H

#pragma GCC visibility push(default)
/* steer's version string ("0.1.0"). */
const char *clu_version(void);
#pragma GCC visibility pop

#endif
