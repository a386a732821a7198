/* SPDX-License-Identifier: BSD-2-Clause */
/* proto.c: IP protocol names and which protocols carry ports (IANA protocol numbers). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <steer/error.h>
#include <steer/names.h>
#include <steer/proto.h>

/* The first name of a number is the one written. */
static const struct steer_name protos[] = {
	{1, "icmp"}, {6, "tcp"}, {17, "udp"}, {47, "gre"}, {50, "esp"}, {58, "icmp6"},
	{58, "ipv6-icmp"}, {132, "sctp"}, {136, "udplite"},
};

const char *steer_proto_name(unsigned proto)
{
	return steer_name_of(protos, STEER_NAMES_LEN(protos), (int)proto, NULL);
}

char *steer_proto_text(unsigned proto, char *buf)
{
	const char *n = steer_proto_name(proto);
	if (n)
		snprintf(buf, STEER_PROTO_STRLEN, "%s", n);
	else
		snprintf(buf, STEER_PROTO_STRLEN, "proto-%u", proto & 0xffu);
	return buf;
}

int steer_proto_from_name(const char *name, uint8_t *proto)
{
	char low[16];
	size_t n = strlen(name);
	if (n >= sizeof(low))
		return STEER_EINVAL;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	int v;
	if (steer_name_lookup(protos, STEER_NAMES_LEN(protos), low, &v) != 0)
		return STEER_EINVAL;
	*proto = (uint8_t)v;
	return 0;
}
