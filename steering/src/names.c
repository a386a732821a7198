/* SPDX-License-Identifier: BSD-2-Clause */
/* names.c: {value, "name"} tables: one place for an enum's names, looked up both ways. */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>
#include <steer/names.h>

const struct steer_name steer_bool_names[6] = {
	{1, "yes"}, {0, "no"}, {1, "true"}, {0, "false"}, {1, "1"}, {0, "0"},
};

const char *steer_name_of(const struct steer_name *t, size_t n, int value, const char *dflt)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return dflt;
}

int steer_name_find(const struct steer_name *t, size_t n, const char *s, size_t len, int *value)
{
	for (size_t i = 0; s && i < n; i++) {
		if (strlen(t[i].name) == len && memcmp(t[i].name, s, len) == 0) {
			*value = t[i].value;
			return 0;
		}
	}
	return STEER_EINVAL;
}

int steer_name_lookup(const struct steer_name *t, size_t n, const char *s, int *value)
{
	return s ? steer_name_find(t, n, s, strlen(s), value) : STEER_EINVAL;
}

char *steer_names_list(const struct steer_name *t, size_t n, char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int k = snprintf(buf + used, len - used, "%s%s", sep, t[i].name);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	return buf;
}
