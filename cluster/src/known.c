/* SPDX-License-Identifier: BSD-2-Clause */
/* known.c: known hosts and services (Zeek's policy/protocols/conn/known-hosts.zeek and
 * known-services.zeek in a cluster, REFERENCE-cluster.md 4). A worker that sees a host (or a
 * service) its replica does not hold asks the proxy that owns the key by HRW among the ready
 * proxies, and notes that it asked (so it does not ask again at once); while not every proxy is
 * ready its questions wait, in order, a bounded number. The owner, one process for that key,
 * decides "new or known" against its replica, writes the log line if new and inserts the key into
 * the shared set, whence it reaches every worker. */
#include <stdlib.h>
#include <string.h>

#include <steer/clu_shared.h>

#include "state_int.h"

#define HOSTS_SET    "known_hosts"
#define SERVICES_SET "known_services"
#define HELD_MAX     65536  /* questions waiting for the proxies */
#define RETRY_US     100000 /* how often they try again */

struct held {
	uint8_t *p; /* the encoded report (clu_known_encode) */
	size_t len;
	uint32_t digest; /* its key's, for the owner */
};

struct clu__known {
	struct clu_sset *asked; /* workers: keys asked about lately */
	int64_t reask_us;
	struct held *held; /* workers: circular, HELD_MAX slots */
	size_t head, nheld;
	int64_t unsettled_us; /* mono: since when some but not every proxy is ready (0: not so) */
	uint64_t dropped;
	int64_t said_us;
	/* proxies: the two logs and the records of new keys */
	struct clu_log_stream *hosts_st, *services_st;
	struct clu_logrec *hosts_rec, *services_rec;
	struct clu__recbuf fresh;
	uint64_t logged;
};

int clu__known_open(struct clu_node *n, char *errbuf)
{
	struct clu__known *k = calloc(1, sizeof(*k));
	if (!k) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->known = k;
	int64_t dead = (int64_t)n->cfg->cluster.heartbeat_ms * 1000 *
	               (int64_t)n->cfg->cluster.heartbeat_misses;
	k->reask_us = 4 * dead > 1000000 ? 4 * dead : 1000000;
	int rc = 0;
	if (n->self->role == CLU_ROLE_PROXY) {
		rc =
		    clu_log_stream_new(clu_log_schema_builtin("known_hosts"), &k->hosts_st, errbuf);
		if (rc == 0)
			rc = clu_log_stream_new(clu_log_schema_builtin("known_services"),
			                        &k->services_st, errbuf);
		if (rc == 0 && (clu_logrec_new(k->hosts_st, n->format, &k->hosts_rec) != 0 ||
		                clu_logrec_new(k->services_st, n->format, &k->services_rec) != 0))
			rc = STEER_ENOMEM;
	} else if (clu_sset_new(1u << 20, &k->asked) != 0 ||
	           !(k->held = calloc(HELD_MAX, sizeof(*k->held)))) {
		rc = STEER_ENOMEM;
	}
	if (rc == STEER_ENOMEM)
		clu__err(errbuf, "out of memory");
	return rc;
}

void clu__known_close(struct clu_node *n)
{
	struct clu__known *k = n->known;
	if (!k)
		return;
	clu_sset_free(k->asked);
	for (size_t i = 0; k->held && i < k->nheld; i++)
		free(k->held[(k->head + i) % HELD_MAX].p);
	free(k->held);
	clu_logrec_free(k->hosts_rec);
	clu_logrec_free(k->services_rec);
	clu_log_stream_free(k->hosts_st);
	clu_log_stream_free(k->services_st);
	clu__recbuf_free(&k->fresh);
	free(k);
	n->known = NULL;
}

/* ---- keys ---- */

static size_t host_key(const struct steer_addr *a, uint8_t *out)
{
	size_t n = a->family == 4 ? 4 : 16;
	out[0] = a->family;
	memcpy(out + 1, a->a, n);
	return 1 + n;
}

static size_t service_key(const struct steer_addr *a, uint16_t port, uint8_t proto, const char *svc,
                          size_t len, uint8_t *out)
{
	size_t k = host_key(a, out);
	out[k++] = (uint8_t)(port >> 8);
	out[k++] = (uint8_t)port;
	out[k++] = proto;
	memcpy(out + k, svc, len);
	return k + len;
}

/* Zeek's transport_proto of a port, as known_services' port_proto writes it. */
static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
	case 58:
		return "icmp";
	default:
		return "unknown";
	}
}

/* ---- workers ---- */

static bool seen(struct clu_node *n, const char *set, const uint8_t *key, size_t len, int64_t now)
{
	struct clu__known *k = n->known;
	return clu_sset_find(clu__shared_set(n), set, strlen(set), key, len, now, NULL) ||
	       clu_sset_find(k->asked, set, strlen(set), key, len, now, NULL);
}

static void note_asked(struct clu_node *n, const char *set, const uint8_t *key, size_t len,
                       int64_t now)
{
	struct clu__known *k = n->known;
	struct clu_set_rec r = {.set = set,
	                        .setlen = (uint8_t)strlen(set),
	                        .key = key,
	                        .keylen = (uint16_t)len,
	                        .ts_us = now,
	                        .expire_us = now + k->reask_us};
	(void)clu_sset_merge(k->asked, &r, now); /* full: it only asks again sooner */
}

static int send_report(struct clu_node *n, const uint8_t *buf, size_t len, uint32_t digest)
{
	zmq_msg_t msg;
	uint8_t *p = clu__msg_init(&msg, CLU_MSG_KNOWN, 0, n->self->name, len);
	if (!p)
		return STEER_ENOMEM;
	memcpy(p, buf, len);
	if (clu__shared_send_owner(n, digest, &msg) != 0) {
		zmq_msg_close(&msg);
		return 1; /* no owner ready, or it cannot take it now */
	}
	return 0;
}

/* Whether questions go now: when every proxy of node.cfg is ready, so that every worker asks
 * the same owner, and the proxies, each in the others' ring, pass on what they decide (proxies
 * that start together serve at once, each with an empty replica: a key asked of two of them in
 * that moment would be logged twice). A proxy that stays down holds them up for reask_us after
 * another is ready, not longer: then they go to the ready ones. */
static bool may_ask(struct clu_node *n, int64_t now)
{
	struct clu__known *k = n->known;
	bool all = clu__shared_settled(n);
	if (all || !clu__shared_any_ready(n)) {
		k->unsettled_us = 0;
		return all;
	}
	if (!k->unsettled_us)
		k->unsettled_us = now;
	return now - k->unsettled_us >= k->reask_us;
}

/* Sends the report to its owner, or holds it (behind those already held) until it may go and
 * an owner is ready. Returns 0 (sent or held), 1 (dropped: too many held; the next sighting
 * asks again), STEER_EINVAL or STEER_ENOMEM. */
static int ask(struct clu_node *n, const struct clu_known *kn, uint32_t digest)
{
	struct clu__known *k = n->known;
	uint8_t buf[64 + CLU_KNOWN_SERVICES_MAX * (1 + CLU_SERVICE_NAME_MAX)];
	size_t len = clu_known_encode(kn, buf, sizeof(buf));
	if (len == 0)
		return STEER_EINVAL;
	int rc = k->nheld || !may_ask(n, clu__mono_us()) ? 1 : send_report(n, buf, len, digest);
	if (rc <= 0)
		return rc;
	if (k->nheld == HELD_MAX) {
		k->dropped++;
		int64_t now = clu__mono_us();
		if (now - k->said_us > 1000000) {
			clu__say(n,
			         "known hosts and services: %d reports wait for the proxies: "
			         "%llu dropped so far",
			         HELD_MAX, (unsigned long long)k->dropped);
			k->said_us = now;
		}
		return 1;
	}
	struct held *h = &k->held[(k->head + k->nheld) % HELD_MAX];
	if (!(h->p = malloc(len)))
		return STEER_ENOMEM;
	memcpy(h->p, buf, len);
	h->len = len;
	h->digest = digest;
	k->nheld++;
	return 0;
}

int64_t clu__known_tick(struct clu_node *n, int64_t now)
{
	struct clu__known *k = n->known;
	if (k->nheld && !may_ask(n, now))
		return now + RETRY_US;
	while (k->nheld) {
		struct held *h = &k->held[k->head];
		if (send_report(n, h->p, h->len, h->digest) != 0)
			return now + RETRY_US;
		free(h->p);
		h->p = NULL;
		k->head = (k->head + 1) % HELD_MAX;
		k->nheld--;
	}
	return INT64_MAX;
}

int clu_known_host(struct clu_node *n, int64_t ts_us, const struct steer_addr *host)
{
	if (!n->shared || !n->known)
		return STEER_ENOTSUP;
	uint8_t key[17];
	size_t len = host_key(host, key);
	int64_t now = (int64_t)clu__wall_us();
	if (seen(n, HOSTS_SET, key, len, now))
		return 0;
	struct clu_known kn = {.kind = CLU_KNOWN_HOST, .ts_us = ts_us, .host = *host};
	int rc = ask(n, &kn, clu_hrw_digest_addr(host));
	if (rc == 0)
		note_asked(n, HOSTS_SET, key, len, now);
	return rc < 0 ? rc : 0;
}

int clu_known_service(struct clu_node *n, int64_t ts_us, const struct steer_addr *host,
                      uint16_t port, uint8_t proto, const char *const *services, size_t nservices)
{
	if (!n->shared || !n->known)
		return STEER_ENOTSUP;
	if (nservices > CLU_KNOWN_SERVICES_MAX)
		return STEER_EINVAL;
	struct clu_known kn = {
	    .kind = CLU_KNOWN_SERVICE, .ts_us = ts_us, .host = *host, .port = port, .proto = proto};
	uint8_t key[CLU_SET_KEY_MAX];
	int64_t now = (int64_t)clu__wall_us();
	/* Only the services this worker does not know yet; "no service" is a key of its own. */
	bool none = nservices == 0, ask_none = false;
	for (size_t i = 0; i < nservices; i++) {
		size_t sl = strlen(services[i]);
		if (sl == 0 || sl > CLU_SERVICE_NAME_MAX)
			return STEER_EINVAL;
		if (!seen(n, SERVICES_SET, key,
		          service_key(host, port, proto, services[i], sl, key), now)) {
			kn.service[kn.nservices].p = services[i];
			kn.service[kn.nservices++].len = (uint8_t)sl;
		}
	}
	if (none)
		ask_none =
		    !seen(n, SERVICES_SET, key, service_key(host, port, proto, "", 0, key), now);
	if (kn.nservices == 0 && !ask_none)
		return 0;
	int rc = ask(n, &kn, clu_hrw_digest_service(host, port, proto_name(proto)));
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (ask_none)
		note_asked(n, SERVICES_SET, key, service_key(host, port, proto, "", 0, key), now);
	for (size_t i = 0; i < kn.nservices; i++)
		note_asked(n, SERVICES_SET, key,
		           service_key(host, port, proto, kn.service[i].p, kn.service[i].len, key),
		           now);
	return 0;
}

/* ---- the owner (a proxy) ---- */

static void put(struct clu_node *n, const struct clu_log_stream *st, struct clu_logrec *r)
{
	const char *line;
	size_t len;
	int rc = clu_logrec_end(r, &line, &len);
	if (rc == 0)
		rc = clu_node_log(n, st, line, len);
	if (rc != 0)
		clu__say(n, "%s record not logged: %s", clu_log_stream_schema(st)->path,
		         steer_strerror(rc));
}

/* Adds key to the records to insert when the replica does not hold it. */
static bool fresh(struct clu_node *n, const char *set, const uint8_t *key, size_t len, int64_t now)
{
	struct clu__known *k = n->known;
	if (clu_sset_find(clu__proxy_set(n), set, strlen(set), key, len, now, NULL))
		return false;
	struct clu_set_rec r = {.set = set,
	                        .setlen = (uint8_t)strlen(set),
	                        .key = key,
	                        .keylen = (uint16_t)len,
	                        .ts_us = now,
	                        .expire_us = now + CLU__DAY_US,
	                        .origin = (uint16_t)(n->self - n->layout->procs)};
	/* A key asked twice in one message is fresh once. */
	struct clu_set_batch b = {.recs = k->fresh.p, .len = k->fresh.len, .count = k->fresh.count};
	size_t off = 0;
	struct clu_set_rec o;
	while (clu_set_batch_next(&b, &off, &o))
		if (o.keylen == len && memcmp(o.key, key, len) == 0)
			return false;
	return clu__recbuf_add(&k->fresh, &r) == 0;
}

void clu__known_on_msg(struct clu_node *n, struct clu__rx *rx)
{
	struct clu__known *k = n->known;
	struct clu_known kn;
	char err[STEER_ERRBUF_SIZE];
	const struct clu_proc *p = clu_layout_find(n->layout, rx->m.sender);
	if (!p || p->role != CLU_ROLE_WORKER) {
		clu__drop(n, CLU__DROP_UNEXPECTED, "known report from %s: not a worker",
		          rx->m.sender);
		return;
	}
	if (clu_known_decode(&rx->m, &kn, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	if (!clu__proxy_ready(n))
		return; /* still copying its replica: it cannot tell; the worker asks again */
	int64_t now = (int64_t)clu__wall_us();
	uint8_t key[CLU_SET_KEY_MAX];
	clu__recbuf_reset(&k->fresh);
	if (kn.kind == CLU_KNOWN_HOST) {
		if (!fresh(n, HOSTS_SET, key, host_key(&kn.host, key), now))
			return;
		clu_logrec_begin(k->hosts_rec);
		clu_logrec_time_us(k->hosts_rec, kn.ts_us);
		clu_logrec_addr(k->hosts_rec, &kn.host);
		put(n, k->hosts_st, k->hosts_rec);
	} else {
		struct clu_logrec *r = k->services_rec;
		bool any = false;
		clu_logrec_begin(r);
		clu_logrec_time_us(r, kn.ts_us);
		clu_logrec_addr(r, &kn.host);
		clu_logrec_port(r, kn.port);
		clu_logrec_enum(r, proto_name(kn.proto));
		clu_logrec_set_open(r);
		for (unsigned i = 0; i < (kn.nservices ? kn.nservices : 1u); i++) {
			const char *svc = kn.nservices ? kn.service[i].p : "";
			size_t sl = kn.nservices ? kn.service[i].len : 0;
			if (!fresh(n, SERVICES_SET, key,
			           service_key(&kn.host, kn.port, kn.proto, svc, sl, key), now))
				continue;
			any = true;
			if (kn.nservices)
				clu_logrec_string(r, svc, sl);
		}
		clu_logrec_set_close(r);
		if (!any)
			return;
		put(n, k->services_st, r);
	}
	k->logged++;
	if (clu__proxy_originate(n, &k->fresh) != 0)
		clu__say(n, "known %s: not sent round the ring (too many batches out)",
		         kn.kind == CLU_KNOWN_HOST ? "host" : "service");
}
