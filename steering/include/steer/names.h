/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/names.h: an enum's names in one {value, "name"} table, looked up both ways. */
#ifndef STEER_NAMES_H
#define STEER_NAMES_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

struct steer_name {
	int value;
	const char *name;
};

/* The words a yes-or-no key takes, as zeekctl's files write them: yes / no, true / false,
 * 1 / 0 (value 1 or 0). */
extern const struct steer_name steer_bool_names[6];

/* The number of entries of a table array. */
#define STEER_NAMES_LEN(t) (sizeof(t) / sizeof((t)[0]))

/* The name of value in t[0..n), or dflt when no entry has it. */
const char *steer_name_of(const struct steer_name *t, size_t n, int value, const char *dflt);

/* The value named by s[0..len) (exact, case-sensitive). Returns 0 with *value set, or
 * STEER_EINVAL when no entry has that name (*value unchanged). */
int steer_name_find(const struct steer_name *t, size_t n, const char *s, size_t len,
                    int *value);

/* As steer_name_find, for a NUL-terminated s (NULL: STEER_EINVAL). */
int steer_name_lookup(const struct steer_name *t, size_t n, const char *s, int *value);

/* "a, b, c or d": the names of t[0..n) into buf (size len, always terminated, cut when it does
 * not fit); returns buf. For error messages that list what a key takes. */
char *steer_names_list(const struct steer_name *t, size_t n, char *buf, size_t len);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
