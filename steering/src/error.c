/* SPDX-License-Identifier: BSD-2-Clause */
/* error.c: STEER_E* codes to text, from the one table in steer/error.h. */
#include <steer/error.h>

const char *steer_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
#define STEER__ERR_CASE(name, val, msg) \
	case STEER_##name:                  \
		return msg;
		STEER_ERRNO_MAP(STEER__ERR_CASE)
#undef STEER__ERR_CASE
	}
	return "unknown error";
}
