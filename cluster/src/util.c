/* SPDX-License-Identifier: BSD-2-Clause */
/* util.c: the cluster module's error-buffer and path formatting. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <steer/error.h>

#include "util_int.h"

void clu__err(char *errbuf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, STEER_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

bool clu__join(char buf[PATH_MAX], const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	if (dl + 1 + nl >= PATH_MAX) {
		buf[0] = '\0';
		return false;
	}
	memcpy(buf, dir, dl);
	buf[dl] = '/';
	memcpy(buf + dl + 1, name, nl + 1);
	return true;
}

int clu__mkdirs(const char *path, char *errbuf)
{
	char p[PATH_MAX];
	if (strlen(path) >= sizeof(p)) {
		clu__err(errbuf, "%s: path too long", path);
		return STEER_ERANGE;
	}
	memcpy(p, path, strlen(path) + 1);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			clu__err(errbuf, "%s: cannot create: %s", p, strerror(errno));
			return STEER_EIO;
		}
		if (c == '\0')
			return 0;
		*s = c;
	}
}
