/* SPDX-License-Identifier: BSD-2-Clause */
/* privs.c: dropping root after the capture handles are open, in the order tcpdump's droproot()
 * uses (initgroups, setgid, setuid), then proving it is gone. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <steer/cap_privs.h>
#include <steer/error.h>

int cap_drop_privileges(const char *user, char *errbuf)
{
	if (!user || !*user) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "--user: empty user name");
		return STEER_EINVAL;
	}
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		char *end;
		errno = 0;
		unsigned long uid = strtoul(user, &end, 10);
		if (*end == '\0' && errno == 0 && uid <= 0xfffffffeul)
			pw = getpwuid((uid_t)uid);
	}
	if (!pw) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "--user %s: no such user", user);
		return STEER_ENOENT;
	}
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	if (initgroups(pw->pw_name, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "--user %s: cannot change to uid %u gid %u: %s",
		         user, (unsigned)uid, (unsigned)gid, strerror(errno));
		return STEER_EIO;
	}
	/* setuid from root to a user must be one-way; if root can come back, it did not work. */
	if (uid != 0 && setuid(0) == 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "--user %s: root privileges could be regained",
		         user);
		return STEER_EIO;
	}
	return 0;
}
