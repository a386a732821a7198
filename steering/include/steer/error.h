/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/error.h: the one error vocabulary of libsteer (negative STEER_E* codes). */
#ifndef STEER_ERROR_H
#define STEER_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Size of every caller-supplied error buffer (libpcap's errbuf idea): one line naming the
 * file, line or field at fault. Room for a path as long as the system takes (PATH_MAX, 4096)
 * and the reason after it: a long path must not cut off why it failed. */
#define STEER_ERRBUF_SIZE 4608

#define STEER_ERRNO_MAP(XX)                                          \
	XX(EINVAL, -1, "invalid argument")                           \
	XX(ENOMEM, -2, "out of memory")                              \
	XX(EIO, -3, "input/output error")                            \
	XX(ECONFIG, -4, "invalid configuration")                     \
	XX(ERANGE, -5, "value out of range")                         \
	XX(ENOTSUP, -6, "not supported")                             \
	XX(ENOENT, -7, "no such file or entry")                      \
	XX(EFULL, -8, "table full")

enum steer_error {
#define STEER__ERR_ENUM(name, val, msg) STEER_##name = (val),
	STEER_ERRNO_MAP(STEER__ERR_ENUM)
#undef STEER__ERR_ENUM
};

/* Returns a static, human-readable string for a STEER_E* code (or "unknown error"). */
const char *steer_strerror(int err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
