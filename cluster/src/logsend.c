/* SPDX-License-Identifier: BSD-2-Clause */
/* logsend.c: the sending side of the log pipeline: records into the outbox (clu_logoutbox.h,
 * which batches, numbers and holds them), batches out to the log sinks over one DEALER each
 * (or straight into this node's own store when the manager is the sink), acknowledgements
 * back into the outbox. What a sink has not acknowledged is sent again after every reconnect,
 * after a gap it reports, and when no acknowledgement came for a while. */
#include <stdlib.h>
#include <string.h>

#include <steer/clu_logoutbox.h>
#include <steer/clu_logstore.h>

#include "node_int.h"

#define WINDOW        64          /* batches in flight per sink */
#define MEM_LIMIT     (64u << 20) /* bytes of held batches in memory before the spool */
#define RESEND_MIN_US 5000000     /* no acknowledgement for this long: send again, */
#define RESEND_MAX_US 60000000    /* backing off to this while none comes */

struct dest {
	const struct clu_proc *proc;
	bool local; /* this node is the sink (the manager without loggers) */
	struct clu__link lk;
	bool alive;
	uint64_t ring[WINDOW]; /* seqs sent and not yet acknowledged, oldest first */
	unsigned head, count;
	zmq_msg_t stalled; /* built, refused by the socket: sent first next time */
	bool has_stalled;
	uint64_t stalled_seq;
	int64_t progress_us; /* last send or acknowledgement */
	int64_t resend_us;   /* the current timeout: doubles while no acknowledgement comes */
};

struct clu__sender {
	struct clu_logoutbox *ob;
	uint64_t incarnation;
	int64_t resend_us;
	unsigned n;
	struct dest d[];
};

int clu__sender_open(struct clu_node *n, char *errbuf)
{
	const struct clu_layout *l = n->layout;
	unsigned nd = l->nloggers ? (unsigned)l->nloggers : 1;
	struct clu__sender *s = calloc(1, sizeof(*s) + nd * sizeof(s->d[0]));
	const char **names = calloc(nd, sizeof(*names));
	if (!s || !names) {
		free(s);
		free(names);
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->sender = s;
	s->n = nd;
	for (unsigned i = 0; i < nd; i++) {
		/* procs[0] is the manager, procs[1..nloggers] the loggers. */
		s->d[i].proc = &l->procs[l->nloggers ? 1 + i : 0];
		s->d[i].local = s->d[i].proc == n->self;
		s->d[i].alive = true;
		names[i] = s->d[i].proc->name;
	}
	struct clu_logoutbox_opts o = {
	    .workdir = n->workdir,
	    .sender = n->self->name,
	    .dests = names,
	    .ndests = nd,
	    .max_records = n->cfg->cluster.batch_records,
	    .max_delay_us = (int64_t)n->cfg->cluster.batch_ms * 1000,
	    .mem_limit = n->opts.spool_all ? 0 : MEM_LIMIT,
	};
	int rc = clu_logoutbox_open(&o, &s->ob, errbuf);
	free(names);
	if (rc != 0)
		return rc;
	s->incarnation = clu_logoutbox_incarnation(s->ob);
	int64_t hb5 = (int64_t)n->cfg->cluster.heartbeat_ms * 5000;
	s->resend_us = hb5 > RESEND_MIN_US ? hb5 : RESEND_MIN_US;
	for (unsigned i = 0; i < nd; i++)
		s->d[i].resend_us = s->resend_us;
	for (unsigned i = 0; i < nd; i++)
		if (!s->d[i].local &&
		    (rc = clu__connect(n, s->d[i].proc, &s->d[i].lk, errbuf)) != 0)
			return rc;
	return 0;
}

void clu__sender_close(struct clu_node *n)
{
	struct clu__sender *s = n->sender;
	char err[STEER_ERRBUF_SIZE];
	if (s->ob && clu_logoutbox_close(s->ob, err) != 0)
		clu__say(n, "closing the outbox: %s", err);
	for (unsigned i = 0; i < s->n; i++) {
		if (s->d[i].has_stalled)
			zmq_msg_close(&s->d[i].stalled);
		clu__link_close(&s->d[i].lk);
	}
	free(s);
	n->sender = NULL;
}

int clu__sender_add(struct clu_node *n, const struct clu_log_stream *st, const char *line,
                    size_t len)
{
	return clu_logoutbox_add(n->sender->ob, st, line, len, clu__mono_us());
}

int clu__sender_flush(struct clu_node *n)
{
	return clu_logoutbox_flush(n->sender->ob, clu__mono_us(), true);
}

/* Forgets what is in flight: the outbox hands it all out again from the oldest. */
static void rewind_dest(struct clu_node *n, unsigned i)
{
	struct clu__sender *s = n->sender;
	struct dest *d = &s->d[i];
	CLU__ADD(n->m.batches_resent, d->count + d->has_stalled);
	if (d->has_stalled)
		zmq_msg_close(&d->stalled);
	d->has_stalled = false;
	d->head = d->count = 0;
	clu_logoutbox_rewind(s->ob, i);
}

static void acked(struct clu_node *n, unsigned i, uint64_t incarnation, uint64_t ack, bool gap)
{
	struct clu__sender *s = n->sender;
	struct dest *d = &s->d[i];
	if (clu_logoutbox_ack(s->ob, i, incarnation, ack, gap) != 0)
		clu__say(n, "outbox: the spool could not be trimmed after ack %llu from %s",
		         (unsigned long long)ack, d->proc->name);
	if (incarnation != s->incarnation)
		return;
	while (d->count && d->ring[d->head] <= ack) {
		d->head = (d->head + 1) % WINDOW;
		d->count--;
	}
	d->progress_us = clu__mono_us();
	d->resend_us = s->resend_us;
	if (gap) {
		/* The outbox hands out again from after ack: what we think is in flight is not. */
		CLU__ADD(n->m.batches_resent, d->count + d->has_stalled);
		if (d->has_stalled)
			zmq_msg_close(&d->stalled);
		d->has_stalled = false;
		d->head = d->count = 0;
	}
}

/* Sends msg to dest i; on refusal keeps it as the stalled message. */
static bool send_or_stall(struct clu_node *n, struct dest *d, zmq_msg_t *msg, uint64_t seq)
{
	if (clu__send(n, d->lk.sock, NULL, msg) != 0) {
		d->stalled = *msg;
		d->stalled_seq = seq;
		d->has_stalled = true;
		return false;
	}
	d->ring[(d->head + d->count) % WINDOW] = seq;
	d->count++;
	d->progress_us = clu__mono_us();
	CLU__ADD(n->m.batches_sent, 1);
	return true;
}

static void pump_remote(struct clu_node *n, unsigned i, int64_t now)
{
	struct clu__sender *s = n->sender;
	struct dest *d = &s->d[i];
	if (d->lk.reconnected) {
		d->lk.reconnected = false;
		rewind_dest(n, i);
	}
	if (d->alive != d->lk.up) {
		d->alive = d->lk.up;
		clu_logoutbox_set_alive(s->ob, i, d->alive);
	}
	if (!d->lk.up)
		return;
	if (d->count && now - d->progress_us > d->resend_us) {
		clu__say(n, "no acknowledgement from %s for %lld ms: sending %u batches again",
		         d->proc->name, (long long)((now - d->progress_us) / 1000), d->count);
		rewind_dest(n, i);
		/* A sink that takes batches but never answers must not make us pile them up. */
		d->progress_us = now;
		if ((d->resend_us *= 2) > RESEND_MAX_US)
			d->resend_us = RESEND_MAX_US;
	}
	if (d->has_stalled) {
		zmq_msg_t m = d->stalled;
		d->has_stalled = false;
		if (!send_or_stall(n, d, &m, d->stalled_seq))
			return;
	}
	while (d->count < WINDOW) {
		struct clu_logbatch b;
		int r = clu_logoutbox_next(s->ob, i, &b);
		if (r < 0) {
			clu__say(n, "outbox: a spooled batch for %s cannot be read back",
			         d->proc->name);
			return;
		}
		if (r == 0)
			return;
		size_t pl = clu_batch_payload_len(&b);
		zmq_msg_t msg;
		uint8_t *p = clu__msg_init(&msg, CLU_MSG_LOG_BATCH, b.seq, n->self->name, pl);
		if (!p) {
			clu__say(
			    n, "log batch %llu (%zu bytes) cannot be sent: too large or no memory",
			    (unsigned long long)b.seq, pl);
			return;
		}
		clu_batch_encode(&b, p, pl);
		if (!send_or_stall(n, d, &msg, b.seq))
			return;
	}
}

static void pump_local(struct clu_node *n, unsigned i)
{
	struct clu__sender *s = n->sender;
	for (;;) {
		struct clu_logbatch b;
		if (clu_logoutbox_next(s->ob, i, &b) != 1)
			return;
		uint64_t ack;
		bool gap;
		if (clu__sink_local(n, &b, &ack, &gap) != 0) {
			/* Held: handed out again from the oldest on the next turn. */
			clu_logoutbox_rewind(s->ob, i);
			return;
		}
		acked(n, i, b.incarnation, ack, gap);
	}
}

int64_t clu__sender_tick(struct clu_node *n, int64_t now, bool final)
{
	struct clu__sender *s = n->sender;
	if (final || clu_logoutbox_flush_due(s->ob, now))
		if (clu_logoutbox_flush(s->ob, now, final) != 0)
			clu__say(n, "outbox: sealing batches failed (spool write)");
	int64_t next = clu_logoutbox_deadline(s->ob);
	for (unsigned i = 0; i < s->n; i++) {
		if (s->d[i].local) {
			pump_local(n, i);
			continue;
		}
		pump_remote(n, i, now);
		if (s->d[i].count) {
			int64_t t = s->d[i].progress_us + s->d[i].resend_us;
			next = t < next ? t : next;
		}
	}
	struct clu_logoutbox_stats st;
	clu_logoutbox_stats(s->ob, &st);
	CLU__SET(n->m.rec_added, st.records_added);
	CLU__SET(n->m.rec_acked, st.records_acked);
	CLU__SET(n->m.rec_refused, st.records_refused);
	CLU__SET(n->m.outbox_batches, st.held_batches);
	CLU__SET(n->m.outbox_bytes, st.held_bytes);
	CLU__SET(n->m.outbox_spool_bytes, st.spool_bytes);
	return next;
}

size_t clu__sender_poll_items(struct clu_node *n, zmq_pollitem_t *items, size_t max)
{
	struct clu__sender *s = n->sender;
	size_t k = 0;
	for (unsigned i = 0; i < s->n && k + 2 <= max; i++) {
		if (s->d[i].local)
			continue;
		items[k++] = (zmq_pollitem_t){.socket = s->d[i].lk.sock, .events = ZMQ_POLLIN};
		items[k++] = (zmq_pollitem_t){.socket = s->d[i].lk.mon, .events = ZMQ_POLLIN};
	}
	return k;
}

void clu__sender_on_ready(struct clu_node *n)
{
	struct clu__sender *s = n->sender;
	for (unsigned i = 0; i < s->n; i++) {
		struct dest *d = &s->d[i];
		if (d->local)
			continue;
		clu__link_events(n, &d->lk);
		for (;;) {
			struct clu__rx rx;
			int r = clu__recv(n, d->lk.sock, false, &rx);
			if (r == 0)
				break;
			if (r < 0)
				continue;
			struct clu_ack a;
			char err[STEER_ERRBUF_SIZE];
			if (rx.m.type != CLU_MSG_LOG_ACK || strcmp(rx.m.sender, d->proc->name) != 0)
				clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s on the link to %s",
				          clu_msg_type_name(rx.m.type), rx.m.sender, d->proc->name);
			else if (clu_ack_decode(&rx.m, &a, err) != CLU_WIRE_OK)
				clu__drop(n, CLU__DROP_INVALID, "%s", err);
			else
				acked(n, i, a.incarnation, a.ack, a.verdict == CLU_BATCH_GAP);
			clu__rx_close(&rx);
		}
	}
}

bool clu__sender_drained(const struct clu_node *n)
{
	struct clu_logoutbox_stats st;
	clu_logoutbox_stats(n->sender->ob, &st);
	return st.held_batches == 0;
}
