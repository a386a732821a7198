/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_reasm.c: what Zeek's TCP reassembler (zeek:src/Reassem.cc, TCP_Reassembler.cc) decides
 * without keeping payload: how far each side's stream is delivered, the blocks seen above a hole,
 * content gaps (history 'g', missed_bytes) when an ACK passes data never seen, the capture-loss
 * counters, and whether data is still pending when a side closes. In order the point follows the
 * data and nothing is stored; holes spill to the ext. */
#include <stdlib.h>
#include <string.h>

#include "conn_int.h"

enum {
	MAX_INITIAL_WINDOW = 16384,          /* tcp_max_initial_window */
	MAX_ABOVE_HOLE = 16384,              /* tcp_max_above_hole_without_any_acks */
	MAX_UNACKED = 10 * 1024 * 1024,      /* tcp_excessive_data_without_further_acks */
	MAX_BLOCKS = 1024,                   /* bound on the holes remembered per side */
};

static bool no_data_acked(const struct steer__tcp_ep *e)
{
	uint64_t ack = tcp_full(e->ack, e->ack_wraps);
	return ack == e->start || ack == (uint64_t)e->start + 1;
}

uint64_t steer__reasm_trim(const struct steer__tcp_ep *e, const struct steer__tcp_ep *peer)
{
	uint64_t ack;

	/* Data never acknowledged beyond an initial window is let go as soon as delivered. */
	if (no_data_acked(e) && steer__tcp_ep_size(e, peer) > MAX_INITIAL_WINDOW)
		return e->ra;
	ack = tcp_full(e->ack, e->ack_wraps) - e->start;
	if (e->fin && ack >= e->fin_seq)
		ack = e->fin_seq - 1;
	return ack > 1 && ack < (uint64_t)1 << 62 ? ack : 1;
}

static struct steer__block *blocks(const struct steer_conn *t, const struct steer__conn *c,
                                   unsigned s, unsigned *n)
{
	const struct steer__conn_ext *x = conn_ext(t, c);
	*n = x ? x->nblk[s] : 0;
	return x ? x->blk[s] : NULL;
}

static void clear_blocks(struct steer_conn *t, struct steer__conn *c, unsigned s)
{
	struct steer__conn_ext *x = conn_ext(t, c);
	if (x)
		x->nblk[s] = 0;
}

/* Delivers what the blocks make contiguous from e->ra on. */
static void deliver(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e)
{
	unsigned n, i = 0;
	struct steer__block *b = blocks(t, c, e->side, &n);

	while (i < n && b[i].seq <= e->ra) {
		if (b[i].upper > e->ra)
			e->ra = b[i].upper;
		i++;
	}
	if (i) {
		memmove(b, b + i, (n - i) * sizeof(*b));
		conn_ext(t, c)->nblk[e->side] = (uint16_t)(n - i);
	}
}

/* Keeps [seq, upper) above the point, merged with what overlaps it. */
static void add_block(struct steer_conn *t, struct steer__conn *c, unsigned s, uint64_t seq,
                      uint64_t upper)
{
	struct steer__conn_ext *x = steer__conn_ext_get(t, c);
	unsigned i, j, n;

	if (!x)
		return;
	n = x->nblk[s];
	for (i = 0; i < n && x->blk[s][i].upper < seq; i++)
		;
	for (j = i; j < n && x->blk[s][j].seq <= upper; j++) {
		if (x->blk[s][j].seq < seq)
			seq = x->blk[s][j].seq;
		if (x->blk[s][j].upper > upper)
			upper = x->blk[s][j].upper;
	}
	/* j - i blocks merge into one. */
	if (i == j) {
		if (n == MAX_BLOCKS)
			return; /* a hostile pattern of holes: the newest is forgotten */
		if (n == x->capblk[s]) {
			unsigned cap = n ? n * 2 : 4;
			struct steer__block *v = realloc(x->blk[s], cap * sizeof(*v));
			if (!v)
				return;
			steer__conn_ext_bytes(t, (ptrdiff_t)(cap - n) * (ptrdiff_t)sizeof(*v));
			x->blk[s] = v;
			x->capblk[s] = (uint16_t)cap;
		}
		memmove(x->blk[s] + i + 1, x->blk[s] + i, (n - i) * sizeof(x->blk[s][0]));
		x->nblk[s] = (uint16_t)(n + 1);
	} else if (j - i > 1) {
		memmove(x->blk[s] + i + 1, x->blk[s] + j, (n - j) * sizeof(x->blk[s][0]));
		x->nblk[s] = (uint16_t)(n - (j - i) + 1);
	}
	x->blk[s][i].seq = seq;
	x->blk[s][i].upper = upper;
}

void steer__reasm_data(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                       uint64_t seq, uint32_t len)
{
	uint64_t upper = seq + len, ack = tcp_full(e->ack, e->ack_wraps) - e->start;
	unsigned n;
	struct steer__block *b;

	if (e->skip)
		return;
	/* Already acknowledged: delivered before, or passed over as a gap. */
	if (seq < ack) {
		if (upper <= ack)
			return;
		seq = ack;
	}
	if (upper <= e->ra)
		return;
	if (seq <= e->ra) {
		e->ra = upper;
		deliver(t, c, e);
	} else {
		add_block(t, c, e->side, seq, upper);
	}
	/* Zeek stops reassembling a side that buffers too much above a hole with no ACK ever
	 * seen, or too much unacknowledged data at all. */
	b = blocks(t, c, e->side, &n);
	if (n) {
		uint64_t above = b[n - 1].upper - e->ra, held = e->ra > ack ? e->ra - ack : 0;
		for (unsigned i = 0; i < n; i++)
			held += b[i].upper - b[i].seq;
		if ((no_data_acked(e) && above > MAX_ABOVE_HOLE) || held > MAX_UNACKED) {
			clear_blocks(t, c, e->side);
			e->skip = true;
		}
	}
}

static bool is_clean(const struct steer__tcp_ep *e)
{
	return e->state == STEER_TCP_ESTABLISHED ||
	       (e->state == STEER_TCP_CLOSED && e->prev == STEER_TCP_ESTABLISHED);
}

/* A content gap in e's stream: history 'g' only when both ends are cleanly established (or
 * closing), missed_bytes then or with report_gaps_for_partial. */
static void gap(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                const struct steer__tcp_ep *peer, uint64_t len)
{
	bool clean = is_clean(e) && is_clean(peer);
	struct steer__conn_ext *x;

	if (clean)
		steer__hist_scaled(t, c, e->side, CNT_GAP, 'G', e->side == side_orig(c));
	if (clean || t->o.report_gaps_for_partial) {
		x = steer__conn_ext_get(t, c);
		if (x)
			x->missed += len;
	}
}

void steer__reasm_ack(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                      struct steer__tcp_ep *peer, uint64_t seq, uint64_t trim_before)
{
	uint64_t missing = 0;
	unsigned n;
	struct steer__block *b;
	bool active;

	if (e->fin && seq >= e->fin_seq)
		seq = e->fin_seq - 1;
	if (seq <= trim_before)
		return;
	active = !e->skip && (t->o.report_gaps_for_partial || (e->state == STEER_TCP_ESTABLISHED &&
	                                                       peer->state == STEER_TCP_ESTABLISHED));
	/* A partial connection's first ACK may point one or two past the numbering it was
	 * given (the first packet a keep-alive): not a gap. */
	if (seq > e->ra && !e->skip && !(seq <= 2 && (c->cflags & C_PARTIAL))) {
		b = blocks(t, c, e->side, &n);
		while (n && b[0].seq < seq) {
			missing += b[0].seq - e->ra;
			gap(t, c, e, peer, b[0].seq - e->ra);
			e->ra = b[0].seq;
			deliver(t, c, e);
			b = blocks(t, c, e->side, &n);
		}
		if (seq > e->ra) {
			/* Acknowledging the FIN, which is no data, misses nothing. */
			if (!(e->fin && seq == e->fin_seq - 1 && seq - e->ra == 1))
				missing += seq - e->ra;
			gap(t, c, e, peer, seq - e->ra);
			e->ra = seq;
		}
	}
	if (active) {
		t->stats.ack_events++;
		if (missing) {
			t->stats.gap_events++;
			t->stats.gap_bytes += missing;
		}
	}
}

static bool has_blocks(const struct steer_conn *t, const struct steer__conn *c,
                       const struct steer__tcp_ep *e, const struct steer__tcp_ep *peer)
{
	unsigned n;
	blocks(t, c, e->side, &n);
	/* Delivered data stays buffered until acknowledged. */
	return !e->skip && (n || e->ra > steer__reasm_trim(e, peer));
}

bool steer__reasm_pending(const struct steer_conn *t, const struct steer__conn *c,
                          const struct steer__tcp_ep *e, const struct steer__tcp_ep *peer)
{
	uint64_t delivered = (uint64_t)e->start + e->ra, last = tcp_full(e->last, e->seq_wraps);

	if (e->skip || last < delivered)
		return false;
	/* All delivered: up to the last sequence number, or the one before it (a FIN). */
	if (delivered != last - 1 && delivered != last)
		return true;
	return e->state != STEER_TCP_RESET && has_blocks(t, c, peer, e);
}

void steer__reasm_eof(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                      struct steer__tcp_ep *peer, int64_t now)
{
	if (!(c->cflags & C_DEFERRED))
		return;
	if ((e->fin || e->state == STEER_TCP_CLOSED || e->state == STEER_TCP_RESET) &&
	    !steer__reasm_pending(t, c, e, peer)) {
		c->cflags &= ~(uint32_t)C_DEFERRED;
		steer__tcp_closed(t, c, e, peer, now);
	}
}
