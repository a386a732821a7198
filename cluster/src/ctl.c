/* SPDX-License-Identifier: BSD-2-Clause */
/* ctl.c: the control client of steerctl: one DEALER to the manager, a status request, its
 * reply decoded like any message from the network (a reply to an older request, or anything
 * else, is skipped). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <steer/clu_ctl.h>
#include <steer/clu_keys.h>

#include "node_int.h"

struct clu_ctl {
	void *zctx, *sock;
	struct clu__keys *keys;
	const struct clu_proc *mgr;
	char ep[128];
	uint64_t seq;
	bool connected;
};

void clu_ctl_close(struct clu_ctl *c)
{
	if (!c)
		return;
	if (c->sock)
		zmq_close(c->sock);
	if (c->zctx)
		zmq_ctx_term(c->zctx);
	clu__keys_free(c->keys);
	free(c);
}

int clu_ctl_open(const struct clu_layout *l, struct clu_ctl **out, char *errbuf)
{
	*out = NULL;
	struct clu_ctl *c = calloc(1, sizeof(*c));
	if (!c)
		return STEER_ENOMEM;
	c->mgr = &l->procs[0];
	/* A request id no earlier run of steerctl used: a late reply to it is never taken. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	c->seq = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	const char *kd = l->cfg->cluster.keys_dir;
	int rc = 0;
	if (kd && (rc = clu__keys_load(kd, CLU_CONTROL_NAME, &c->keys, errbuf)) != 0)
		goto fail;
	rc = STEER_EIO;
	if (!(c->zctx = zmq_ctx_new())) {
		clu__err(errbuf, "zmq_ctx_new: %s", zmq_strerror(errno));
		goto fail;
	}
	if ((rc = clu__dealer(c->zctx, c->keys, kd, c->mgr, &c->sock, c->ep, sizeof(c->ep),
	                      errbuf)) != 0)
		goto fail;
	if (zmq_connect(c->sock, c->ep) != 0) {
		clu__err(errbuf, "cannot connect to %s: %s", c->ep, zmq_strerror(errno));
		rc = STEER_EIO;
		goto fail;
	}
	*out = c;
	return 0;
fail:
	clu_ctl_close(c);
	return rc;
}

static int64_t mono_ms(void)
{
	return clu__mono_us() / 1000;
}

int clu_ctl_status(struct clu_ctl *c, int timeout_ms, struct clu_status_entry **v, size_t *n,
                   char *errbuf)
{
	*v = NULL;
	*n = 0;
	int64_t deadline = mono_ms() + timeout_ms;
	zmq_msg_t msg;
	uint64_t seq = ++c->seq;
	if (!clu__msg_init(&msg, CLU_MSG_STATUS_REQ, seq, CLU_CONTROL_NAME, 0))
		return STEER_ENOMEM;
	/* IMMEDIATE and a send timeout: the request waits for the connection, not longer. */
	int to = timeout_ms;
	zmq_setsockopt(c->sock, ZMQ_SNDTIMEO, &to, sizeof(to));
	if (zmq_msg_send(&msg, c->sock, 0) < 0) {
		zmq_msg_close(&msg);
		clu__err(errbuf, "manager %s at %s: not answering (no connection in %d ms)",
		         c->mgr->name, c->ep, timeout_ms);
		return STEER_EIO;
	}
	for (;;) {
		int64_t left = deadline - mono_ms();
		zmq_pollitem_t it = {.socket = c->sock, .events = ZMQ_POLLIN};
		if (left <= 0 || zmq_poll(&it, 1, (long)left) <= 0) {
			if (left > 0 && errno == EINTR)
				continue;
			clu__err(errbuf, "manager %s at %s: not answering (no reply in %d ms)",
			         c->mgr->name, c->ep, timeout_ms);
			return STEER_EIO;
		}
		zmq_msg_t r;
		zmq_msg_init(&r);
		if (zmq_msg_recv(&r, c->sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&r);
			continue;
		}
		struct clu_msg m;
		char err[STEER_ERRBUF_SIZE];
		bool ours =
		    clu_wire_decode(zmq_msg_data(&r), zmq_msg_size(&r), &m, err) == CLU_WIRE_OK &&
		    m.type == CLU_MSG_STATUS_REP && m.seq == seq &&
		    strcmp(m.sender, c->mgr->name) == 0;
		if (!ours) {
			zmq_msg_close(&r);
			continue;
		}
		size_t cap = m.len / (CLU_STATUS_ENTRY_MAX - CLU_NAME_MAX + 1) + 1;
		struct clu_status_entry *e = calloc(cap, sizeof(*e));
		int rc = e ? clu_status_decode(&m, e, cap, n, err) : CLU_WIRE_EINVAL;
		zmq_msg_close(&r);
		if (rc != CLU_WIRE_OK) {
			free(e);
			clu__err(errbuf, "manager %s: %s", c->mgr->name, e ? err : "out of memory");
			return STEER_EIO;
		}
		*v = e;
		return 0;
	}
}
