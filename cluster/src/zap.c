/* SPDX-License-Identifier: BSD-2-Clause */
/* zap.c: the ZAP handler (ZeroMQ RFC 27) of a binding node: libzmq asks it about every CURVE
 * client that completes a handshake; a client whose public key is one of the cluster's is let
 * in, its messages then carrying that node's name as User-Id; any other is refused, and gets
 * nothing in and nothing out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <steer/error.h>

#include "node_int.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_FRAMES   7 /* version, request id, domain, address, identity, mechanism, key */

static void reply(void *sock, const zmq_msg_t *reqid, const char *code, const char *text,
                  const char *user)
{
	zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
	zmq_send(sock, zmq_msg_data((zmq_msg_t *)reqid), zmq_msg_size((zmq_msg_t *)reqid),
	         ZMQ_SNDMORE);
	zmq_send(sock, code, strlen(code), ZMQ_SNDMORE);
	zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
	zmq_send(sock, "", 0, 0);
}

static const struct clu__key *lookup(const struct clu__keys *k, const uint8_t pub[32])
{
	for (size_t i = 0; i < k->n; i++)
		if (memcmp(k->v[i].pub, pub, 32) == 0)
			return &k->v[i];
	return NULL;
}

static void *zap_main(void *arg)
{
	struct clu_node *n = arg;
	void *sock = n->zap_sock;
	for (;;) {
		zmq_msg_t f[ZAP_FRAMES];
		size_t nf = 0;
		bool more = true, term = false;
		while (more) {
			zmq_msg_t m;
			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, sock, 0) < 0) {
				zmq_msg_close(&m);
				term = errno == ETERM;
				more = false;
				break;
			}
			more = zmq_msg_more(&m);
			if (nf < ZAP_FRAMES)
				f[nf++] = m;
			else
				zmq_msg_close(&m);
		}
		if (term) {
			for (size_t i = 0; i < nf; i++)
				zmq_msg_close(&f[i]);
			break;
		}
		if (nf >= 2) {
			const struct clu__key *k = NULL;
			if (nf == ZAP_FRAMES && zmq_msg_size(&f[5]) == 5 &&
			    memcmp(zmq_msg_data(&f[5]), "CURVE", 5) == 0 &&
			    zmq_msg_size(&f[6]) == 32)
				k = lookup(n->keys, zmq_msg_data(&f[6]));
			if (k) {
				CLU__ADD(n->m.zap_allowed, 1);
				reply(sock, &f[1], "200", "OK", k->name);
			} else {
				CLU__ADD(n->m.zap_denied, 1);
				reply(sock, &f[1], "400", "key not in the cluster", "");
			}
		}
		for (size_t i = 0; i < nf; i++)
			zmq_msg_close(&f[i]);
	}
	zmq_close(sock);
	return NULL;
}

int clu__zap_start(struct clu_node *n, char *errbuf)
{
	/* Bound here, before any CURVE socket exists, so that no handshake goes unchecked; the
	 * thread then owns the socket (pthread_create orders the hand-over). */
	void *s = zmq_socket(n->zctx, ZMQ_REP);
	if (!s || zmq_bind(s, ZAP_ENDPOINT) != 0) {
		clu__err(errbuf, "ZAP handler: %s", zmq_strerror(errno));
		if (s)
			zmq_close(s);
		return STEER_EIO;
	}
	int linger = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	n->zap_sock = s;
	if (pthread_create(&n->zap_thread, NULL, zap_main, n) != 0) {
		clu__err(errbuf, "ZAP handler: cannot start its thread");
		zmq_close(s);
		n->zap_sock = NULL;
		return STEER_EIO;
	}
	n->zap_running = true;
	return 0;
}

void clu__zap_stop(struct clu_node *n)
{
	/* The caller has shut the context down: the thread's recv returns ETERM. */
	if (n->zap_running)
		pthread_join(n->zap_thread, NULL);
	n->zap_running = false;
}
