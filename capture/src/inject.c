/* SPDX-License-Identifier: BSD-2-Clause */
/* inject.c: sending whole link-layer frames out of an interface (libpcap's pcap_inject). */
#define _GNU_SOURCE /* pcap.h needs the BSD u_int types */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>

struct cap_injector {
	pcap_t *p;
	char err[STEER_ERRBUF_SIZE];
};

int cap_injector_open(const char *iface, struct cap_injector **out, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	*out = NULL;
	struct cap_injector *inj = calloc(1, sizeof(*inj));
	if (!inj) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: out of memory", iface);
		return STEER_ENOMEM;
	}
	inj->p = pcap_create(iface, pe);
	if (!inj->p) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: %s", iface, pe);
		free(inj);
		return STEER_EIO;
	}
	/* A sending handle captures nothing worth keeping: the smallest snaplen and buffer. */
	pcap_set_snaplen(inj->p, 64);
	int rc = pcap_activate(inj->p);
	if (rc < 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: %s", iface,
		         rc == PCAP_ERROR ? pcap_geterr(inj->p) : pcap_statustostr(rc));
		pcap_close(inj->p);
		free(inj);
		return STEER_EIO;
	}
	*out = inj;
	return 0;
}

int cap_inject(struct cap_injector *inj, const uint8_t *frame, size_t len)
{
	if (pcap_inject(inj->p, frame, len) < 0) {
		snprintf(inj->err, sizeof(inj->err), "%s", pcap_geterr(inj->p));
		return STEER_EIO;
	}
	return 0;
}

const char *cap_injector_error(const struct cap_injector *inj)
{
	return inj->err;
}

void cap_injector_close(struct cap_injector *inj)
{
	if (!inj)
		return;
	pcap_close(inj->p);
	free(inj);
}
