/* SPDX-License-Identifier: BSD-2-Clause */
/* util_int.h: private to cluster/: formatting error buffers and paths. */
#ifndef STEER_CLU_UTIL_INT_H
#define STEER_CLU_UTIL_INT_H

#include <limits.h>
#include <stdbool.h>

/* Formats one line into errbuf (STEER_ERRBUF_SIZE bytes), cut to fit: the messages name paths
 * and peers' text, whose length no format string can bound. */
void clu__err(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* buf = dir + "/" + name; false (buf then empty) when it does not fit in PATH_MAX. */
bool clu__join(char buf[PATH_MAX], const char *dir, const char *name);

/* mkdir -p path (mode 0755). 0, or STEER_EIO / STEER_ERANGE with errbuf naming the part. */
int clu__mkdirs(const char *path, char *errbuf);

#endif
