/* SPDX-License-Identifier: BSD-2-Clause */
/* transport.c: the cluster's ZeroMQ sockets: ROUTERs that bind (manager, loggers), DEALERs that
 * connect and reconnect by themselves (with a monitor that reports each new connection, so the
 * log sender can send again what was not acknowledged), CURVE on every socket when keys are
 * configured, and receiving through the wire decoder: a malformed, foreign or impersonating
 * message is counted and dropped, never handed on. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <steer/error.h>

#include "node_int.h"

/* Messages queued per peer. The log sender has at most 64 batches in flight per link, so
 * this bounds what a peer that stops reading can make a node hold. */
#define HWM              1000
#define RECONNECT_MS     100 /* first reconnect attempt; backs off to RECONNECT_MAX_MS */
#define RECONNECT_MAX_MS 1000
#define ZMTP_PING_MS     1000 /* ZMTP heartbeats find a peer that vanished without a FIN */
#define ZMTP_DEAD_MS     3000

static int setopt_int(void *s, int opt, int v)
{
	return zmq_setsockopt(s, opt, &v, sizeof(v));
}

/* The "tcp://ADDR:PORT" of a process. */
static int endpoint(const struct clu_proc *p, char *buf, size_t n, char *errbuf)
{
	char addr[80];
	if (clu_host_addr(p->node->host, addr, sizeof(addr), errbuf) != 0)
		return STEER_EIO;
	snprintf(buf, n, "tcp://%s:%u", addr, (unsigned)p->port);
	return 0;
}

/* Options every socket shares. */
static int common_opts(void *s, const char *ep)
{
	int64_t maxmsg = (int64_t)CLU_WIRE_HDR + CLU_NAME_MAX + CLU_WIRE_PAYLOAD_MAX;
	int rc = setopt_int(s, ZMQ_SNDHWM, HWM) | setopt_int(s, ZMQ_RCVHWM, HWM) |
	         setopt_int(s, ZMQ_HEARTBEAT_IVL, ZMTP_PING_MS) |
	         setopt_int(s, ZMQ_HEARTBEAT_TIMEOUT, ZMTP_DEAD_MS) |
	         zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
	if (strncmp(ep, "tcp://[", 7) == 0)
		rc |= setopt_int(s, ZMQ_IPV6, 1);
	return rc;
}

int clu__listen(struct clu_node *n, void **sock, char *errbuf)
{
	char ep[128];
	*sock = NULL;
	if (endpoint(n->self, ep, sizeof(ep), errbuf) != 0)
		return STEER_EIO;
	void *s = zmq_socket(n->zctx, ZMQ_ROUTER);
	if (!s) {
		clu__err(errbuf, "zmq_socket: %s", zmq_strerror(errno));
		return STEER_EIO;
	}
	/* A reply to a sender that is gone fails at once instead of queueing for nobody. */
	int rc = common_opts(s, ep) | setopt_int(s, ZMQ_ROUTER_MANDATORY, 1) |
	         setopt_int(s, ZMQ_LINGER, 200);
	if (n->keys)
		rc |= setopt_int(s, ZMQ_CURVE_SERVER, 1) |
		      zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, n->keys->self_sec, 41) |
		      zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, "steer", 5);
	if (rc != 0 || zmq_bind(s, ep) != 0) {
		clu__err(errbuf, "cannot listen on %s: %s", ep, zmq_strerror(errno));
		zmq_close(s);
		return STEER_EIO;
	}
	*sock = s;
	return 0;
}

int clu__dealer(void *zctx, const struct clu__keys *keys, const char *keys_dir,
                const struct clu_proc *peer, void **sock, char *ep, size_t eplen, char *errbuf)
{
	*sock = NULL;
	if (endpoint(peer, ep, eplen, errbuf) != 0)
		return STEER_EIO;
	const struct clu__key *pk = NULL;
	if (keys && !(pk = clu__keys_find(keys, peer->name))) {
		clu__err(errbuf, "%s/%s.pub: no public key for %s", keys_dir, peer->name,
		         peer->name);
		return STEER_EIO;
	}
	void *s = zmq_socket(zctx, ZMQ_DEALER);
	if (!s) {
		clu__err(errbuf, "zmq_socket: %s", zmq_strerror(errno));
		return STEER_EIO;
	}
	/* IMMEDIATE: nothing is queued for a peer that is not connected, so a send says at once
	 * whether it went out; what did not is the sender's to keep and send again. */
	int rc = common_opts(s, ep) | setopt_int(s, ZMQ_IMMEDIATE, 1) |
	         setopt_int(s, ZMQ_LINGER, 0) | setopt_int(s, ZMQ_RECONNECT_IVL, RECONNECT_MS) |
	         setopt_int(s, ZMQ_RECONNECT_IVL_MAX, RECONNECT_MAX_MS);
	if (pk)
		rc |= zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, pk->pub_z85, 41) |
		      zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, keys->self_pub, 41) |
		      zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, keys->self_sec, 41);
	if (rc != 0) {
		clu__err(errbuf, "socket options for %s: %s", ep, zmq_strerror(errno));
		zmq_close(s);
		return STEER_EIO;
	}
	*sock = s;
	return 0;
}

int clu__connect(struct clu_node *n, const struct clu_proc *peer, struct clu__link *lk,
                 char *errbuf)
{
	char ep[128], mon[64];
	memset(lk, 0, sizeof(*lk));
	lk->peer = peer;
	int rc = clu__dealer(n->zctx, n->keys, n->cfg->cluster.keys_dir, peer, &lk->sock, ep,
	                     sizeof(ep), errbuf);
	if (rc != 0)
		return rc;
	snprintf(mon, sizeof(mon), "inproc://steer-mon-%p", (void *)lk);
	int events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
	             ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
	             ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
	if (zmq_socket_monitor(lk->sock, mon, events) != 0 ||
	    !(lk->mon = zmq_socket(n->zctx, ZMQ_PAIR)) || zmq_connect(lk->mon, mon) != 0 ||
	    zmq_connect(lk->sock, ep) != 0) {
		clu__err(errbuf, "cannot connect to %s (%s): %s", ep, peer->name,
		         zmq_strerror(errno));
		if (lk->mon)
			zmq_close(lk->mon);
		zmq_close(lk->sock);
		lk->mon = lk->sock = NULL;
		return STEER_EIO;
	}
	setopt_int(lk->mon, ZMQ_LINGER, 0);
	return 0;
}

void clu__link_close(struct clu__link *lk)
{
	if (lk->sock) {
		zmq_socket_monitor(lk->sock, NULL, 0);
		zmq_close(lk->sock);
	}
	if (lk->mon)
		zmq_close(lk->mon);
	lk->sock = lk->mon = NULL;
	lk->up = false;
}

void clu__link_events(struct clu_node *n, struct clu__link *lk)
{
	for (;;) {
		zmq_msg_t ev, addr;
		zmq_msg_init(&ev);
		if (zmq_msg_recv(&ev, lk->mon, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&ev);
			return;
		}
		/* Two frames: u16 event and u32 value (host order), then the endpoint. */
		uint16_t event = 0;
		if (zmq_msg_size(&ev) >= 2)
			memcpy(&event, zmq_msg_data(&ev), 2);
		bool more = zmq_msg_more(&ev);
		zmq_msg_close(&ev);
		if (more) {
			zmq_msg_init(&addr);
			zmq_msg_recv(&addr, lk->mon, 0);
			zmq_msg_close(&addr);
		}
		switch (event) {
		case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
			lk->up = lk->reconnected = true;
			break;
		case ZMQ_EVENT_DISCONNECTED:
			lk->up = false;
			break;
		case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
			clu__say(n, "%s refused this node's CURVE key: is it the cluster's?",
			         lk->peer->name);
			break;
		case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
		case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
			clu__say(n,
			         "handshake with %s failed (CURVE keys on one side only, or not "
			         "steer)",
			         lk->peer->name);
			break;
		default:
			break;
		}
	}
}

void clu__rx_close(struct clu__rx *rx)
{
	if (rx->has_route)
		zmq_msg_close(&rx->route);
	zmq_msg_close(&rx->body);
	rx->has_route = false;
}

static enum clu__drop drop_reason(int rc)
{
	switch (rc) {
	case CLU_WIRE_ETRUNC:
		return CLU__DROP_TRUNC;
	case CLU_WIRE_EFOREIGN:
		return CLU__DROP_FOREIGN;
	case CLU_WIRE_EVERSION:
		return CLU__DROP_VERSION;
	default:
		return CLU__DROP_INVALID;
	}
}

int clu__recv(struct clu_node *n, void *sock, bool router, struct clu__rx *rx)
{
	rx->has_route = false;
	rx->user[0] = '\0';
	zmq_msg_init(&rx->body);
	if (router) {
		zmq_msg_init(&rx->route);
		if (zmq_msg_recv(&rx->route, sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&rx->route);
			zmq_msg_close(&rx->body);
			return 0;
		}
		rx->has_route = true;
		if (!zmq_msg_more(&rx->route)) {
			/* A ROUTER always gives a route and then the message: cannot happen, but a
			 * lone frame is dropped rather than trusted. */
			CLU__ADD(n->m.dropped[CLU__DROP_INVALID], 1);
			clu__rx_close(rx);
			return -1;
		}
		zmq_msg_recv(&rx->body, sock, 0);
	} else if (zmq_msg_recv(&rx->body, sock, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&rx->body);
		return 0;
	}
	size_t len = zmq_msg_size(&rx->body);
	CLU__ADD(n->m.msgs_in, 1);
	CLU__ADD(n->m.bytes_in, len);
	if (zmq_msg_more(&rx->body)) {
		/* steer sends one frame per message: drain the rest and drop it all. */
		size_t frames = 1;
		while (zmq_msg_more(&rx->body)) {
			zmq_msg_close(&rx->body);
			zmq_msg_init(&rx->body);
			zmq_msg_recv(&rx->body, sock, 0);
			frames++;
		}
		clu__drop(n, CLU__DROP_INVALID, "a message of %zu frames (steer sends one)",
		          frames);
		clu__rx_close(rx);
		return -1;
	}
	char err[STEER_ERRBUF_SIZE];
	int rc = clu_wire_decode(zmq_msg_data(&rx->body), len, &rx->m, err);
	if (rc != CLU_WIRE_OK) {
		clu__drop(n, drop_reason(rc), "%s", err);
		clu__rx_close(rx);
		return -1;
	}
	if (n->keys && router) {
		/* ZAP named the client key's node: a node may speak only for itself (steerctl's
		 * control key asks only for status). A connecting socket knows its server by the
		 * server key the handshake proved; the caller checks the name it gives. */
		const char *uid = zmq_msg_gets(&rx->body, "User-Id");
		bool ok =
		    uid && (strcmp(uid, rx->m.sender) == 0 || (strcmp(uid, CLU_CONTROL_NAME) == 0 &&
		                                               rx->m.type == CLU_MSG_STATUS_REQ));
		if (!ok) {
			clu__drop(n, CLU__DROP_UNAUTH, "%s claiming to be %s: dropped",
			          uid ? uid : "a peer without a key", rx->m.sender);
			clu__rx_close(rx);
			return -1;
		}
		snprintf(rx->user, sizeof(rx->user), "%s", uid);
	}
	return 1;
}

uint8_t *clu__msg_init(zmq_msg_t *msg, uint8_t type, uint64_t seq, const char *sender,
                       size_t payload_len)
{
	uint8_t hdr[CLU_WIRE_HDR + CLU_NAME_MAX];
	if (payload_len > CLU_WIRE_PAYLOAD_MAX)
		return NULL;
	size_t hl = clu_wire_header(hdr, type, seq, sender, (uint32_t)payload_len);
	if (hl == 0 || zmq_msg_init_size(msg, hl + payload_len) != 0)
		return NULL;
	uint8_t *p = zmq_msg_data(msg);
	memcpy(p, hdr, hl);
	return p + hl;
}

int clu__send(struct clu_node *n, void *sock, zmq_msg_t *route, zmq_msg_t *msg)
{
	size_t len = zmq_msg_size(msg);
	if (route) {
		zmq_msg_t r;
		zmq_msg_init(&r);
		zmq_msg_copy(&r, route);
		if (zmq_msg_send(&r, sock, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&r);
			CLU__ADD(n->m.send_refused, 1);
			return -1;
		}
	}
	if (zmq_msg_send(msg, sock, ZMQ_DONTWAIT) < 0) {
		CLU__ADD(n->m.send_refused, 1);
		return -1;
	}
	CLU__ADD(n->m.msgs_out, 1);
	CLU__ADD(n->m.bytes_out, len);
	return 0;
}

void clu__drop(struct clu_node *n, enum clu__drop why, const char *fmt, ...)
{
	CLU__ADD(n->m.dropped[why], 1);
	int64_t now = clu__mono_us();
	if (n->drop_said_us && now - n->drop_said_us < 1000000) {
		n->drops_unsaid++;
		return;
	}
	char msg[STEER_ERRBUF_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n->drops_unsaid)
		clu__say(n, "dropped a message: %s (and %llu more since the last report)", msg,
		         (unsigned long long)n->drops_unsaid);
	else
		clu__say(n, "dropped a message: %s", msg);
	n->drop_said_us = now;
	n->drops_unsaid = 0;
}
