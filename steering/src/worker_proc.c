/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_proc.c: the split of one worker's traffic among its lb_procs processes: a BPF filter
 * per process (pcap-filter(7): ether[] loads at fixed offsets, arithmetic, no `vlan` keyword, so
 * that it can be and-ed with any worker filter) and the same arithmetic on a frame in C. */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>
#include <steer/packet.h>
#include <steer/worker.h>

#define MIX 2654435761u /* Knuth's multiplicative hash constant, 2^32 / phi */

/* The four frame layouts the split hashes: the EtherType test and the offsets of the two
 * 32-bit words XOR-ed (IPv4 addresses; the last words of the IPv6 addresses). */
static const struct layout {
	const char *test;
	unsigned a, b;
} layouts[] = {
    {"ether[12:2] = 0x800", 26, 30},
    {"ether[12:2] = 0x86dd", 34, 50},
    {"ether[12:2] = 0x8100 and ether[16:2] = 0x800", 30, 34},
    {"ether[12:2] = 0x8100 and ether[16:2] = 0x86dd", 38, 54},
};

#define OTHER                                                                                      \
	"not (ether[12:2] = 0x800 or ether[12:2] = 0x86dd or (ether[12:2] = 0x8100 and "           \
	"(ether[16:2] = 0x800 or ether[16:2] = 0x86dd)))"

int steer_proc_filter(unsigned k, unsigned nprocs, char *buf, size_t n)
{
	if (n)
		buf[0] = '\0';
	if (nprocs == 0 || k >= nprocs)
		return STEER_EINVAL;
	if (nprocs == 1)
		return n ? 0 : STEER_ERANGE;
	size_t len = 0;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		int w = snprintf(buf + len, len < n ? n - len : 0,
		                 "%s(%s and (((ether[%u:4] ^ ether[%u:4]) * %u) >> 16) %% %u = %u)",
		                 i ? " or " : "", layouts[i].test, layouts[i].a, layouts[i].b, MIX,
		                 nprocs, k);
		len += (size_t)w;
	}
	if (k == 0)
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, " or " OTHER);
	if (len >= n) {
		if (n)
			buf[0] = '\0';
		return STEER_ERANGE;
	}
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

unsigned steer_proc_of(int linktype, const uint8_t *frame, uint32_t caplen, unsigned nprocs)
{
	if (nprocs <= 1 || linktype != STEER_LINK_ETHERNET || caplen < 18)
		return 0;
	unsigned type = (unsigned)frame[12] << 8 | frame[13];
	unsigned inner = (unsigned)frame[16] << 8 | frame[17];
	int l = type == 0x800                       ? 0
	        : type == 0x86dd                    ? 1
	        : type == 0x8100 && inner == 0x800  ? 2
	        : type == 0x8100 && inner == 0x86dd ? 3
	                                            : -1;
	/* A frame too short for its words is rejected by every filter; it goes nowhere, and
	 * process 0 is as good an answer as any. */
	if (l < 0 || caplen < layouts[l].b + 4)
		return 0;
	uint32_t x = be32(frame + layouts[l].a) ^ be32(frame + layouts[l].b);
	return ((x * MIX) >> 16) % nprocs;
}
