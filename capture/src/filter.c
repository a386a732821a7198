/* SPDX-License-Identifier: BSD-2-Clause */
/* filter.c: compile and run BPF filters with libpcap (pcap_open_dead, pcap_compile,
 * pcap_offline_filter; pcap-filter(7)), and set them on live captures (pcap_setfilter). */
/* libpcap's headers use the BSD u_int / u_char types, hidden under plain _POSIX_C_SOURCE. */
#define _DEFAULT_SOURCE 1
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/cap_filter.h>
#include <steer/cap_pcap.h>
#include <steer/error.h>

#include "cap_int.h"

struct cap_filter {
	struct bpf_program prog;
};

int cap_filter_compile(int linktype, const char *expr, struct cap_filter **out, char *errbuf)
{
	*out = NULL;
	struct cap_filter *f = calloc(1, sizeof(*f));
	if (!f)
		return STEER_ENOMEM;
	pcap_t *p = pcap_open_dead(linktype, 262144);
	if (!p) {
		free(f);
		return STEER_ENOMEM;
	}
	/* pcap_compile takes a non-const string in older libpcap releases. */
	char *copy = strdup(expr);
	if (!copy) {
		pcap_close(p);
		free(f);
		return STEER_ENOMEM;
	}
	int rc = pcap_compile(p, &f->prog, copy, 1, PCAP_NETMASK_UNKNOWN);
	free(copy);
	if (rc != 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s", pcap_geterr(p));
		pcap_close(p);
		free(f);
		return STEER_EINVAL;
	}
	pcap_close(p);
	*out = f;
	return 0;
}

void cap_filter_free(struct cap_filter *f)
{
	if (!f)
		return;
	pcap_freecode(&f->prog);
	free(f);
}

bool cap_filter_match(const struct cap_filter *f, const uint8_t *frame, size_t caplen,
                      size_t wirelen)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.caplen = (bpf_u_int32)caplen;
	h.len = (bpf_u_int32)wirelen;
	return pcap_offline_filter(&f->prog, &h, (const u_char *)frame) != 0;
}

unsigned cap_filter_insns(const struct cap_filter *f)
{
	return f->prog.bf_len;
}

int cap__set_filter(pcap_t *p, const struct cap_live_opts *o, const char *label, char *errbuf)
{
	if (!o->filter || !*o->filter)
		return 0;
	char *copy = strdup(o->filter);
	struct bpf_program prog;
	if (!copy || pcap_compile(p, &prog, copy, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: filter '%.200s': %s", label, o->filter,
		         copy ? pcap_geterr(p) : "out of memory");
		free(copy);
		return STEER_EINVAL;
	}
	free(copy);
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: filter '%.200s': %s", label, o->filter,
		         pcap_geterr(p));
		return STEER_EINVAL;
	}
	return 0;
}
