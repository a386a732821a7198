/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_conn.c: libFuzzer target for the connection tracker: the input is a sequence of frames,
 * each a record of a selector byte (low 3 bits: the link type, by the table below; the first
 * record's 0x80 ignores checksums, its 0x40 reports gaps for partial connections), a 16-bit
 * time step in milliseconds (big-endian) and a 16-bit length, then the frame. Every record the
 * tracker writes, and its counters, are checked with abort(). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <steer/conn.h>
#include <steer/error.h>
#include <steer/packet.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/steering/test_parse_tunnel.c writes seeds with the same table. */
static const int links[] = {STEER_LINK_ETHERNET, STEER_LINK_RAW,         STEER_LINK_LINUX_SLL,
                            STEER_LINK_NULL,     STEER_LINK_IEEE802_11, STEER_LINK_RADIOTAP};

static void check(bool cond)
{
	if (!cond)
		abort();
}

struct seen {
	unsigned long recs;
};

static void on_conn(void *arg, const struct steer_conn_rec *r)
{
	((struct seen *)arg)->recs++;
	check(r->uid[0] == 'C' && strlen(r->uid) < STEER_CONN_UID_SIZE);
	check(r->family == 4 || r->family == 6);
	check(r->proto <= STEER_CONN_ICMP);
	check(r->conn_state <= STEER_CONN_OTH);
	check(strlen(r->history) == r->history_len && r->history_len <= STEER_CONN_HISTORY_MAX);
	for (unsigned i = 0; i < r->history_len; i++)
		check(strchr("SHADFRIQCTWG^Xshadfriqctwg", r->history[i]) != NULL);
	check(!!(r->flags & STEER_CONN_F_DURATION) == (r->duration_us > 0));
	if (!(r->flags & STEER_CONN_F_DURATION))
		check(r->orig_bytes == 0 && r->resp_bytes == 0);
	check(r->orig_pkts || !r->orig_ip_bytes);
	check(r->resp_pkts || !r->resp_ip_bytes);
	check(r->n_parents <= STEER_CONN_MAX_PARENTS);
	for (unsigned i = 0; i < r->n_parents; i++)
		check(r->parents[i][0] == 'C');
	/* ICMP and other protocols get no letters but the tunnel limit's 'X'. */
	if (r->proto == STEER_CONN_ICMP || r->proto == STEER_CONN_UNKNOWN)
		check(r->history_len == 0 || !strcmp(r->history, "X"));
	if (r->proto == STEER_CONN_ICMP)
		check(r->orig_p < 256 && r->resp_p < 256);
	if (r->proto == STEER_CONN_UNKNOWN)
		check(r->orig_p == 0 && r->resp_p == 0);
	if (r->proto != STEER_CONN_TCP)
		check(r->conn_state == STEER_CONN_OTH || r->proto == STEER_CONN_UDP);
}

static void on_event(void *arg, int ev, const struct steer_conn_rec *r)
{
	(void)arg;
	check(ev == STEER_CONN_EV_ESTABLISHED && r->proto == STEER_CONN_TCP);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct steer_conn_opts o;
	struct steer_conn *t;
	struct seen seen = {0};
	char err[STEER_ERRBUF_SIZE];
	int64_t ts = 1600000000ll * 1000000000ll;
	unsigned long frames = 0;

	if (size < 1)
		return 0;
	steer_conn_opts_default(&o);
	o.on_conn = on_conn;
	o.on_event = on_event;
	o.arg = &seen;
	o.uid_seed = 3;
	o.ignore_checksums = data[0] & 0x80;
	o.report_gaps_for_partial = data[0] & 0x40;
	o.max_conns = 64; /* full tables are part of the input space */
	check(steer_conn_new(&o, &t, err) == 0);

	while (size >= 5) {
		int link = links[(data[0] & 7) % (sizeof(links) / sizeof(links[0]))];
		unsigned step = (unsigned)data[1] << 8 | data[2];
		size_t len = (size_t)data[3] << 8 | data[4];
		data += 5;
		size -= 5;
		if (len > size)
			len = size;
		ts += (int64_t)step * 1000000;
		/* A frame claims more on the wire now and then (a snaplen). */
		steer_conn_packet(t, link, len ? data : NULL, (uint32_t)len,
		                  (uint32_t)len + (step & 1 ? 100 : 0), ts);
		frames++;
		data += len;
		size -= len;
		check(steer_conn_count(t) <= 64);
	}
	const struct steer_conn_stats *st = steer_conn_stats(t);
	check(st->frames == frames);
	check(st->conns == st->tcp + st->udp + st->icmp + st->other);
	check(st->gap_events <= st->ack_events);
	size_t held = steer_conn_count(t);
	unsigned long before = seen.recs;
	steer_conn_flush(t);
	check(seen.recs == before + held);
	check(steer_conn_count(t) == 0);
	check(seen.recs <= st->conns);
	steer_conn_free(t);
	return 0;
}
