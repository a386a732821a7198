/* SPDX-License-Identifier: BSD-2-Clause */
/* cap_int.h: private to libsteer_capture: helpers shared by its source files. */
#ifndef STEER_CAP_INT_H
#define STEER_CAP_INT_H

/* pcap files store LINKTYPE_* values, libpcap's API speaks DLT_*; they differ for a few
 * (LINKTYPE_RAW 101 is DLT_RAW 12 on Linux). tcpdump.org/linktypes.html */
int cap__dlt_to_linktype(int dlt);
int cap__linktype_to_dlt(int linktype);

/* Writes a printf-formatted message into errbuf (STEER_ERRBUF_SIZE bytes) unless it is NULL. */
void cap__seterr(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Compiles o->filter for p and sets it (nothing without one). 0, or STEER_EINVAL with libpcap's
 * reason in errbuf, prefixed by label. */
struct pcap;
struct cap_live_opts;
int cap__set_filter(struct pcap *p, const struct cap_live_opts *o, const char *label, char *errbuf);

#endif
