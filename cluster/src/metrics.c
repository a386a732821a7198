/* SPDX-License-Identifier: BSD-2-Clause */
/* metrics.c: every node's Prometheus endpoint (text exposition format 0.0.4) over HTTP with
 * libmicrohttpd, on consecutive ports from metrics_port as zeekctl lays out Zeek's. The
 * handler runs in microhttpd's thread and only reads the node's atomic counters and fields
 * fixed at open. */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include <steer/clu_version.h>
#include <steer/error.h>

#include "node_int.h"

/* One metric: HELP and TYPE once, then the sample, labelled with the node. */
static void metric(FILE *f, const struct clu_node *n, const char *name, const char *type,
                   const char *help, const char *labels, double v)
{
	if (help)
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	/* Counts as integers; the rest (seconds) with microseconds. */
	fprintf(f,
	        v == (double)(uint64_t)v ? "%s{node=\"%s\"%s%s} %.0f\n"
	                                 : "%s{node=\"%s\"%s%s} %.6f\n",
	        name, n->self->name, labels ? "," : "", labels ? labels : "", v);
}

#define COUNTER(name, help, field)                                                                 \
	metric(f, n, name, "counter", help, NULL, (double)CLU__GET(n->m.field))
#define GAUGE(name, help, field)                                                                   \
	metric(f, n, name, "gauge", help, NULL, (double)CLU__GET(n->m.field))

static void render(const struct clu_node *n, FILE *f)
{
	const struct clu__metrics *m = &n->m;
	char lab[96];
	snprintf(lab, sizeof(lab), "role=\"%s\",version=\"%s\"", clu_role_name(n->self->role),
	         clu_version());
	metric(f, n, "steer_node_info", "gauge", "The node's role and steer's version.", lab, 1);
	metric(f, n, "steer_uptime_seconds", "gauge", "Seconds since the node started.", NULL,
	       (double)(clu__mono_us() - n->start_mono_us) / 1e6);
	COUNTER("steer_messages_received_total", "Cluster messages received.", msgs_in);
	COUNTER("steer_messages_sent_total", "Cluster messages sent.", msgs_out);
	COUNTER("steer_bytes_received_total", "Bytes of cluster messages received.", bytes_in);
	COUNTER("steer_bytes_sent_total", "Bytes of cluster messages sent.", bytes_out);
	static const char *const why[CLU__DROP__N] = {"truncated", "foreign",      "version",
	                                              "invalid",   "unauthorized", "unexpected"};
	for (int i = 0; i < CLU__DROP__N; i++) {
		snprintf(lab, sizeof(lab), "reason=\"%s\"", why[i]);
		metric(f, n, "steer_messages_dropped_total", "counter",
		       i == 0 ? "Received messages dropped, by reason." : NULL, lab,
		       (double)CLU__GET(m->dropped[i]));
	}
	COUNTER("steer_send_refused_total",
	        "Messages not sent: the peer unreachable or its queue full.", send_refused);
	COUNTER("steer_heartbeats_sent_total", "Heartbeats sent to the manager.", hb_sent);
	COUNTER("steer_heartbeats_received_total", "Heartbeats received (manager).", hb_recv);
	if (n->keys) {
		metric(f, n, "steer_zap_requests_total", "counter",
		       "CURVE clients checked by the ZAP handler, by result.", "result=\"allowed\"",
		       (double)CLU__GET(m->zap_allowed));
		metric(f, n, "steer_zap_requests_total", "counter", NULL, "result=\"denied\"",
		       (double)CLU__GET(m->zap_denied));
	}
	if (n->sender) {
		COUNTER("steer_log_records_added_total", "Log records this node wrote.", rec_added);
		COUNTER("steer_log_records_acked_total",
		        "Log records acknowledged as written by the log sink.", rec_acked);
		COUNTER("steer_log_records_refused_total",
		        "Log records dropped because the outbox spool was full.", rec_refused);
		COUNTER("steer_log_batches_sent_total", "Log batches sent.", batches_sent);
		COUNTER("steer_log_batches_resent_total",
		        "Log batches sent again (reconnect, restart, gap).", batches_resent);
		GAUGE("steer_log_outbox_batches", "Log batches held until acknowledged.",
		      outbox_batches);
		GAUGE("steer_log_outbox_bytes", "Bytes of log batches held.", outbox_bytes);
		GAUGE("steer_log_outbox_spool_bytes", "Bytes of the outbox spool file.",
		      outbox_spool_bytes);
	}
	if (n->sink) {
		COUNTER("steer_log_records_written_total", "Log records written to the files.",
		        rec_written);
		COUNTER("steer_log_records_dropped_total",
		        "Received log records dropped as malformed.", rec_dropped);
		metric(f, n, "steer_log_batches_received_total", "counter",
		       "Log batches received, by verdict.", "verdict=\"new\"",
		       (double)CLU__GET(m->batches_new));
		metric(f, n, "steer_log_batches_received_total", "counter", NULL,
		       "verdict=\"duplicate\"", (double)CLU__GET(m->batches_dup));
		metric(f, n, "steer_log_batches_received_total", "counter", NULL, "verdict=\"gap\"",
		       (double)CLU__GET(m->batches_gap));
		COUNTER("steer_log_bytes_written_total", "Bytes of log records written.",
		        bytes_written);
	}
	if (n->self->role == CLU_ROLE_WORKER) {
		COUNTER("steer_capture_packets_received_total", "Packets the capture received.",
		        pkts_recv);
		COUNTER("steer_capture_packets_dropped_total", "Packets the kernel dropped.",
		        pkts_drop);
		metric(f, n, "steer_shared_records_total", "counter",
		       "Shared-set insertions received from the proxies: new to the worker's "
		       "replica, or seen already (a copy overlapping deliveries).",
		       "verdict=\"new\"", (double)CLU__GET(m->set_new));
		metric(f, n, "steer_shared_records_total", "counter", NULL, "verdict=\"seen\"",
		       (double)CLU__GET(m->set_seen));
	}
	if (n->ops->metrics)
		n->ops->metrics(n, f);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_len, void **con_cls)
{
	(void)version;
	(void)upload;
	(void)upload_len;
	(void)con_cls;
	const struct clu_node *n = cls;
	struct MHD_Response *r;
	unsigned code = MHD_HTTP_OK;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else if (strcmp(url, "/metrics") != 0 && strcmp(url, "/") != 0) {
		code = MHD_HTTP_NOT_FOUND;
		static const char nf[] = "not found: the metrics are at /metrics\n";
		r = MHD_create_response_from_buffer(sizeof(nf) - 1, (void *)nf,
		                                    MHD_RESPMEM_PERSISTENT);
	} else {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (!f)
			return MHD_NO;
		render(n, f);
		fclose(f);
		r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
		if (!r) {
			free(buf);
			return MHD_NO;
		}
		MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
	}
	if (!r)
		return MHD_NO;
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

int clu__metrics_start(struct clu_node *n, char *errbuf)
{
	const char *a = n->cfg->cluster.metrics_address;
	uint16_t port = n->self->metrics_port;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, a, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, a, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		flags |= MHD_USE_IPv6;
	} else {
		clu__err(errbuf, "metrics_address '%s' is not an address", a);
		return STEER_EINVAL;
	}
	/* A few connections at a time, a short timeout: a scraper, not a web server. */
	n->mhd = MHD_start_daemon(flags, port, NULL, NULL, answer, n, MHD_OPTION_SOCK_ADDR,
	                          (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16u,
	                          MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!n->mhd) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "cannot serve metrics on %s port %u (in use, or not this host's address)",
		         a, (unsigned)port);
		return STEER_EIO;
	}
	return 0;
}

void clu__metrics_stop(struct clu_node *n)
{
	if (n->mhd)
		MHD_stop_daemon(n->mhd);
	n->mhd = NULL;
}
